/**
 * Labeling rules for a cold start (issue #12 item 4): keyword, regular-expression and jieba-token
 * patterns per label. A rule fires on a document when any of its patterns matches; the document
 * gets a `rule` pre-label from the rules that fired. Conflicts (rules of different labels firing on
 * one document) are settled by majority of the rules that fired; a tie gives no pre-label, and both
 * kinds are counted so the user can see them. Each rule's coverage and its precision on the
 * documents labeled so far (with n and a Wilson interval) say which rules to trust.
 *
 * The format (JSON array):
 *   [{"label": "negative", "any": ["难吃", "太慢"], "regex": "不.{0,2}好", "tokens": ["差评"], "name": "…"}]
 * `any`: substrings (case- and width-insensitive); `regex`: one pattern or a list (JavaScript
 * syntax, Unicode mode); `tokens`: whole jieba words, so "好吃" does not fire inside "不好吃" unless
 * jieba cuts it that way.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../../shared/errors';
import { wilsonInterval, type Interval } from '../../shared/metrics';
import { toHalfWidth } from '../text/normalize';
import { wordTokens } from '../text/tokenize';

export interface Rule {
  label: string;
  name?: string;
  any?: string[];
  regex?: string | string[];
  tokens?: string[];
}

const RULE_KEYS = new Set(['label', 'name', 'any', 'regex', 'tokens']);

/** Parses and checks a rules file; every error names the file, the rule (1-based) and the field. */
export function parseRules(text: string, file: string): Rule[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError('INPUT_PARSE', `${file}: not valid JSON (${(e as Error).message})`, { file });
  }
  if (!Array.isArray(raw))
    throw new InputError(
      'INPUT_PARSE',
      `${file}: expected a JSON array of rules, e.g. [{"label": "negative", "any": ["难吃"]}]`,
      { file },
    );
  if (raw.length === 0) throw new InputError('INPUT_EMPTY', `${file}: no rules`, { file });
  return raw.map((r: unknown, i) => {
    const at = `${file}: rule ${i + 1}`;
    const fail = (field: string, msg: string) =>
      new InputError('INPUT_PARSE', `${at}: ${msg}`, { file, field: `[${i + 1}].${field}` });
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      throw fail('', 'expected an object like {"label": "…", "any": ["…"]}');
    const o = r as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!RULE_KEYS.has(k)) throw fail(k, `unknown field "${k}" (fields: label, name, any, regex, tokens)`);
    if (typeof o.label !== 'string' || o.label.trim() === '') throw fail('label', '"label" must be a non-empty string');
    if (o.name !== undefined && typeof o.name !== 'string') throw fail('name', '"name" must be a string');
    const strings = (field: 'any' | 'tokens') => {
      const v = o[field];
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === ''))
        throw fail(field, `"${field}" must be a list of non-empty strings`);
      return v as string[];
    };
    const any = strings('any');
    const tokens = strings('tokens');
    let regex: string[] | undefined;
    if (o.regex !== undefined) {
      regex = typeof o.regex === 'string' ? [o.regex] : (o.regex as string[]);
      if (!Array.isArray(regex) || regex.some((x) => typeof x !== 'string' || x === ''))
        throw fail('regex', '"regex" must be a pattern or a list of patterns');
      for (const p of regex) {
        try {
          new RegExp(p, 'u');
        } catch (e) {
          throw fail('regex', `invalid regular expression /${p}/: ${(e as Error).message}`);
        }
      }
    }
    if (!any?.length && !regex?.length && !tokens?.length)
      throw fail('any', 'a rule needs at least one pattern in "any", "regex" or "tokens"');
    return {
      label: o.label,
      ...(o.name !== undefined ? { name: o.name as string } : {}),
      ...(any ? { any } : {}),
      ...(regex ? { regex: typeof o.regex === 'string' ? o.regex : regex } : {}),
      ...(tokens ? { tokens } : {}),
    };
  });
}

/** Reads and checks a rules file (see parseRules). */
export async function readRules(file: string): Promise<Rule[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(
      'INPUT_EMPTY',
      `${file}: cannot read the rules file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      { file },
    );
  }
  return parseRules(text, file);
}

/** A rule's name for tables: its own, or "#i label". */
export function ruleName(r: Rule, i: number): string {
  return r.name ?? `#${i + 1} ${r.label}`;
}

const fold = (s: string) => toHalfWidth(s).toLowerCase();

/** Per document, the indices of the rules that fire on it. */
export function matchRules(texts: readonly string[], rules: readonly Rule[]): number[][] {
  const compiled = rules.map((r) => ({
    any: (r.any ?? []).map(fold),
    regex: (typeof r.regex === 'string' ? [r.regex] : (r.regex ?? [])).map((p) => new RegExp(p, 'u')),
    tokens: new Set(r.tokens ?? []),
  }));
  const needTokens = compiled.some((c) => c.tokens.size > 0);
  return texts.map((text) => {
    const folded = fold(text);
    const words = needTokens ? new Set(wordTokens(text)) : undefined;
    const fired: number[] = [];
    compiled.forEach((c, i) => {
      if (
        c.any.some((k) => folded.includes(k)) ||
        c.regex.some((re) => re.test(text)) ||
        (words && [...c.tokens].some((t) => words.has(t)))
      )
        fired.push(i);
    });
    return fired;
  });
}

export interface PreLabel {
  /** The winning label(s): one for single-label tasks; every fired label for multi-label. */
  labels: string[];
  /** Rules of more than one label fired (single-label: settled by majority). */
  conflict: boolean;
}

/**
 * Pre-labels from the fired rules. Single-label: the label with the most firing rules; a tie
 * between labels gives null (an unresolved conflict). Multi-label: every label whose rule fired
 * (no conflict possible). Null also where no rule fired.
 */
export function resolvePreLabels(
  fired: readonly number[][],
  rules: readonly Rule[],
  multiLabel = false,
): (PreLabel | null)[] {
  return fired.map((f) => {
    if (f.length === 0) return null;
    const votes = new Map<string, number>();
    for (const i of f) votes.set(rules[i]!.label, (votes.get(rules[i]!.label) ?? 0) + 1);
    const labels = [...votes.keys()];
    if (multiLabel) return { labels, conflict: false };
    const conflict = votes.size > 1;
    const top = Math.max(...votes.values());
    const winners = labels.filter((l) => votes.get(l) === top);
    return winners.length === 1 ? { labels: winners, conflict } : null;
  });
}

export interface RuleStats {
  name: string;
  label: string;
  /** Documents it fires on, and that as a share of all documents. */
  coverage: number;
  coverage_share: number;
  /** Of those, documents where a rule of another label also fired. */
  conflicts: number;
  /** Precision on the labeled documents it fires on: correct / n (null when n = 0). */
  n: number;
  correct: number;
  precision: number | null;
  precision_ci: Interval | null;
}

export interface RulesReport {
  documents: number;
  labeled: number;
  rules: RuleStats[];
  /** Documents at least one rule fires on. */
  covered: number;
  /** Documents that got a pre-label. */
  prelabeled: number;
  /** Conflicts settled by majority, and ties left without a pre-label. */
  conflicts_resolved: number;
  conflicts_unresolved: number;
  /** The pre-labels' precision on the labeled documents (multi-label: exact set match). */
  prelabel_n: number;
  prelabel_correct: number;
  prelabel_precision: number | null;
  prelabel_precision_ci: Interval | null;
}

/** Coverage and precision of each rule and of the pre-labels; `gold[d]` is [] for an unlabeled document. */
export function rulesReport(
  fired: readonly number[][],
  pre: readonly (PreLabel | null)[],
  rules: readonly Rule[],
  gold: readonly (readonly string[])[],
): RulesReport {
  const D = fired.length;
  const stats = rules.map((r, i) => ({
    name: ruleName(r, i),
    label: r.label,
    coverage: 0,
    conflicts: 0,
    n: 0,
    correct: 0,
  }));
  let covered = 0;
  let resolved = 0;
  let unresolved = 0;
  let pn = 0;
  let pc = 0;
  for (let d = 0; d < D; d++) {
    const f = fired[d]!;
    if (f.length === 0) continue;
    covered++;
    const mixed = new Set(f.map((i) => rules[i]!.label)).size > 1;
    const g = gold[d]!;
    for (const i of f) {
      const s = stats[i]!;
      s.coverage++;
      if (mixed) s.conflicts++;
      if (g.length > 0) {
        s.n++;
        if (g.includes(rules[i]!.label)) s.correct++;
      }
    }
    const p = pre[d];
    if (p?.conflict) resolved++;
    if (!p && mixed) unresolved++;
    if (p && g.length > 0) {
      pn++;
      if (p.labels.length === g.length && p.labels.every((l) => g.includes(l))) pc++;
    }
  }
  const precision = (c: number, n: number) => (n > 0 ? c / n : null);
  const ci = (c: number, n: number) => (n > 0 ? wilsonInterval(c, n) : null);
  return {
    documents: D,
    labeled: gold.filter((g) => g.length > 0).length,
    rules: stats.map((s) => ({
      ...s,
      coverage_share: D ? s.coverage / D : 0,
      precision: precision(s.correct, s.n),
      precision_ci: ci(s.correct, s.n),
    })),
    covered,
    prelabeled: pre.filter(Boolean).length,
    conflicts_resolved: resolved,
    conflicts_unresolved: unresolved,
    prelabel_n: pn,
    prelabel_correct: pc,
    prelabel_precision: precision(pc, pn),
    prelabel_precision_ci: ci(pc, pn),
  };
}

/**
 * A cold-start seed set from rules: `size` documents of `candidates` that got a rule pre-label,
 * taken in turn from each pre-labeled class (shuffled within a class) so the seed spans the labels
 * rather than the one rule that fires most; topped up at random from the rest where the rules
 * cover too few. `shuffle` is the caller's seeded shuffle.
 */
export function ruleSeedSet(
  candidates: readonly number[],
  pre: readonly (PreLabel | null)[],
  size: number,
  shuffle: <T>(xs: T[]) => T[],
): number[] {
  const byLabel = new Map<string, number[]>();
  const rest: number[] = [];
  for (const d of candidates) {
    const p = pre[d];
    if (!p) rest.push(d);
    else byLabel.set(p.labels[0]!, [...(byLabel.get(p.labels[0]!) ?? []), d]);
  }
  const queues = [...byLabel.keys()].sort().map((l) => shuffle(byLabel.get(l)!));
  const out: number[] = [];
  for (let round = 0; out.length < size && queues.some((q) => round < q.length); round++) {
    for (const q of queues) if (round < q.length && out.length < size) out.push(q[round]!);
  }
  if (out.length < size) out.push(...shuffle(rest).slice(0, size - out.length));
  return out;
}
