/**
 * Label Studio's JSON export → table rows for the corpus reader.
 *
 * A file is a list of tasks (or one task): `{id, data: {text, …}, annotations: [{result: [{type:
 * 'choices', from_name, to_name, value: {choices: [...]}}], completed_by, created_at, was_cancelled,
 * …}], predictions: [{result, score, model_version}]}`; `completions` is the older name of
 * `annotations`. Annotations that were cancelled (`was_cancelled`, or the older `skipped`) are left
 * out; an annotation's annotator is `completed_by` (an email where the export gives a user object, else
 * the id, else our export's meta.who). Each annotator's latest annotation is kept: with one annotator
 * the row's label is theirs (the latest annotation, as label-studio-converter reads it); with several,
 * every one's labels come along (`annotators`) and the row's label is the final one by
 * shared/consensus.ts (a reviewer's decision, our export's annotation with meta.rule 'adjudicated',
 * first; then unanimous, majority, latest). Our own export records a label's source and model
 * version in the annotation's `meta`. The prediction with the highest score becomes the pre-label.
 * A list of flat records (Label Studio's JSON-MIN export) is read like JSONL rows.
 */
import type { LabelProvenance } from '../../shared/api';
import { finalOf, type AnnotatorLabel } from '../../shared/consensus';
import { InputError } from '../../shared/errors';
import { LABEL_SOURCES, type LabelSource } from '../../shared/label-event';
import { TEXT_COLUMN_NAMES } from './columns';
import { lineCounter, type ParsedTable, type RawRow } from './parsed-table';

/** The columns a task's chosen labels and its id go to. */
export const LS_LABEL_COLUMN = 'annotations';
export const LS_ID_COLUMN = 'id';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether JSON text is a Label Studio export: a JSON array, or one (pretty-printed) task object. */
export function isLabelStudioJson(text: string): boolean {
  const head = text.slice(0, 64 * 1024).replace(/^\ufeff/, '');
  const first = /\S/.exec(head)?.[0];
  if (first === '[') return true;
  if (first !== '{') return false;
  // One object per line is JSONL; an object spread over lines with a `data` field is a single task.
  const firstLine = /^[ \t]*\S[^\r\n]*/m.exec(head)?.[0] ?? '';
  try {
    JSON.parse(firstLine);
    return false;
  } catch {
    try {
      const v: unknown = JSON.parse(text.replace(/^\ufeff/, ''));
      return isObj(v) && isObj(v.data);
    } catch {
      return false;
    }
  }
}

export function parseLabelStudio(text: string, file: string): ParsedTable {
  const lineOf = lineCounter(text);
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? lineOf(Number(pos[1])) : undefined;
    throw new InputError(
      'INPUT_PARSE',
      `${file}${line ? `:${line}` : ''}: invalid JSON (a Label Studio export is one JSON list of tasks): ${msg}`,
      { file, ...(line ? { line } : {}) },
    );
  }
  const items = Array.isArray(root) ? root : [root];
  const starts = Array.isArray(root) ? itemOffsets(text) : [text.search(/\S/)];
  const lineOfItem = (i: number) => lineOf(starts[i] ?? 0);
  const reader = new TaskReader(file);
  const rows: RawRow[] = [];
  const tasks = items.some(
    (t) => isObj(t) && ('data' in t || 'annotations' in t || 'completions' in t || 'predictions' in t),
  );
  items.forEach((item, i) => {
    const line = lineOfItem(i);
    const where = `${file}:${line}: task ${i + 1}`;
    if (!isObj(item))
      throw new InputError(
        'INPUT_PARSE',
        `${where}: expected an object, found ${Array.isArray(item) ? 'a list' : JSON.stringify(item)?.slice(0, 40)}`,
        { file, line, task: i + 1 },
      );
    rows.push(tasks ? reader.task(item, i, line, where) : { line, cells: flatRecord(item) });
  });
  const columns = tasks
    ? [...reader.dataColumns, LS_LABEL_COLUMN, LS_ID_COLUMN]
    : [...new Set(rows.flatMap((r) => Object.keys(r.cells)))];
  const table: ParsedTable = { format: 'label-studio', columns, rows };
  if (tasks) table.defaults = { text: reader.textColumn(), label: LS_LABEL_COLUMN, id: LS_ID_COLUMN };
  if (reader.otherControls.size) {
    table.warnings = [
      `${file}: only the choices of "${reader.control}" were read; results of ${[...reader.otherControls].map((c) => `"${c}"`).join(', ')} were left out`,
    ];
  }
  return table;
}

/** Offsets where the top-level list's items start (the list is valid JSON: JSON.parse read it). */
function itemOffsets(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let inString = false;
  let expectItem = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') continue;
    if (depth === 1 && expectItem && c !== ']') {
      out.push(i);
      expectItem = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectItem = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectItem = true;
  }
  return out;
}

/** JSON-MIN: choices of a multiple-choice control come as {"choices": [...]}. */
function flatRecord(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) out[k] = isObj(v) && Array.isArray(v.choices) ? v.choices : v;
  return out;
}

class TaskReader {
  /** Data keys with text, in first-seen order (a key named like our own columns gets a `data.` prefix). */
  readonly dataColumns: string[] = [];
  private readonly seen = new Set<string>();
  /** The Choices control whose results are read: the first one the file uses. */
  control?: string;
  readonly otherControls = new Set<string>();
  private readonly ids = new Map<string, number>();

  constructor(private readonly file: string) {}

  task(t: Obj, i: number, line: number, where: string): RawRow {
    const bad = (what: string) =>
      new InputError('INPUT_PARSE', `${where}: ${what}`, { file: this.file, line, task: i + 1 });
    if (!isObj(t.data)) throw bad('has no "data" object with the text');
    const cells: Obj = {};
    for (const [k, v] of Object.entries(t.data)) {
      if (typeof v !== 'string' && typeof v !== 'number') continue;
      const col = k === LS_LABEL_COLUMN || k === LS_ID_COLUMN ? `data.${k}` : k;
      if (!this.seen.has(col)) {
        this.seen.add(col);
        this.dataColumns.push(col);
      }
      cells[col] = v;
    }
    // Our export keeps the document id in data.doc_id; Label Studio numbers tasks itself.
    const rawId = t.data.doc_id ?? t.id ?? i + 1;
    const id = String(rawId);
    const prev = this.ids.get(id);
    if (prev !== undefined) throw bad(`the id "${id}" repeats task ${prev}`);
    this.ids.set(id, i + 1);
    cells[LS_ID_COLUMN] = id;

    const provenance: LabelProvenance = {};
    const anns = t.annotations ?? t.completions;
    if (anns !== undefined && anns !== null && !Array.isArray(anns)) throw bad('"annotations" must be a list');
    const kept = ((anns as unknown[] | undefined) ?? [])
      .map((a, k) => {
        if (!isObj(a)) throw bad(`annotations[${k}] is not an object`);
        return { a, k };
      })
      .filter(({ a }) => a.was_cancelled !== true && a.skipped !== true);
    const latestOf = (xs: { a: Obj; k: number }[]) =>
      xs.reduce<{ a: Obj; k: number } | undefined>(
        (best, x) => (!best || stamp(x.a) >= stamp(best.a) ? x : best),
        undefined,
      );
    const decisions = kept.filter(({ a }) => isObj(a.meta) && a.meta.rule === 'adjudicated');
    const byWho = new Map<string, { a: Obj; k: number }[]>();
    for (const x of kept) {
      if (decisions.includes(x)) continue;
      const who = annotationProvenance(x.a).who ?? '';
      byWho.set(who, [...(byWho.get(who) ?? []), x]);
    }
    if (byWho.size <= 1 && !decisions.length) {
      const latest = latestOf(kept);
      cells[LS_LABEL_COLUMN] = latest ? this.choices(latest.a.result, `annotations[${latest.k}]`, bad) : [];
      if (latest) Object.assign(provenance, annotationProvenance(latest.a));
    } else {
      // Several annotators: each one's latest annotation, oldest first; the row's label is the final one.
      const people = [...byWho.values()]
        .map((xs) => latestOf(xs)!)
        .sort((x, y) => stamp(x.a).localeCompare(stamp(y.a)));
      const labeled = people
        .map((x) => ({ x, p: annotationProvenance(x.a), labels: this.choices(x.a.result, `annotations[${x.k}]`, bad) }))
        .filter((e) => e.labels.length);
      const asLabels: AnnotatorLabel[] = labeled.map(({ p, labels }) => ({
        who: p.who ?? '',
        labels,
        source: p.source ?? 'human',
        at: p.at ?? '',
      }));
      const decided = latestOf(decisions);
      const final = finalOf(asLabels);
      const from = decided ?? labeled[asLabels.indexOf(final.from!)]?.x;
      cells[LS_LABEL_COLUMN] = decided
        ? this.choices(decided.a.result, `annotations[${decided.k}]`, bad)
        : final.labels;
      if (from) Object.assign(provenance, annotationProvenance(from.a));
      provenance.annotators = labeled.map(({ p, labels }) => ({
        who: p.who ?? '',
        labels,
        ...(p.source ? { source: p.source } : {}),
        ...(p.at ? { at: p.at } : {}),
      }));
      provenance.rule = decided ? 'adjudicated' : final.rule;
    }

    const preds = t.predictions;
    if (preds !== undefined && preds !== null && !Array.isArray(preds)) throw bad('"predictions" must be a list');
    let best: { p: Obj; k: number; score: number } | undefined;
    ((preds as unknown[] | undefined) ?? []).forEach((p, k) => {
      if (!isObj(p)) throw bad(`predictions[${k}] is not an object`);
      const score = typeof p.score === 'number' && Number.isFinite(p.score) ? p.score : -Infinity;
      if (!best || score >= best.score) best = { p, k, score };
    });
    if (best) {
      const labels = this.choices(best.p.result, `predictions[${best.k}]`, bad);
      const score = best.score >= 0 && best.score <= 1 ? best.score : undefined;
      const mv = best.p.model_version;
      if (labels.length)
        provenance.prediction = {
          labels,
          ...(score !== undefined ? { score } : {}),
          ...(typeof mv === 'string' || typeof mv === 'number' ? { modelVersion: String(mv) } : {}),
        };
    }
    return { line, cells, ...(Object.keys(provenance).length ? { provenance } : {}) };
  }

  /** The chosen labels of a result list: every `choices` value of the file's Choices control. */
  private choices(result: unknown, where: string, bad: (what: string) => InputError): string[] {
    if (result === undefined || result === null) return [];
    if (!Array.isArray(result)) throw bad(`${where}.result must be a list`);
    const out: string[] = [];
    result.forEach((r, j) => {
      if (!isObj(r) || !isObj(r.value) || !('choices' in r.value)) return; // another control type (text areas, ratings, …)
      const control = typeof r.from_name === 'string' ? r.from_name : '';
      this.control ??= control;
      if (control !== this.control) {
        this.otherControls.add(control);
        return;
      }
      const cs = r.value.choices;
      if (!Array.isArray(cs) || cs.some((c) => typeof c !== 'string' && typeof c !== 'number')) {
        throw bad(`${where}.result[${j}].value.choices must be a list of label names`);
      }
      for (const c of cs) {
        const s = String(c).trim();
        if (s && !out.includes(s)) out.push(s);
      }
    });
    return out;
  }

  textColumn(): string | undefined {
    const lower = this.dataColumns.map((c) => c.toLowerCase());
    const known = TEXT_COLUMN_NAMES.map((n) => lower.indexOf(n.toLowerCase())).find((k) => k >= 0);
    return this.dataColumns[known ?? 0];
  }
}

function stamp(a: Obj): string {
  const t = a.updated_at ?? a.created_at;
  return typeof t === 'string' ? t : '';
}

/** Who made an annotation and how: completed_by (an email, or a user id), else our export's meta. */
function annotationProvenance(a: Obj): LabelProvenance {
  const out: LabelProvenance = {};
  const meta = isObj(a.meta) ? a.meta : {};
  const by = a.completed_by;
  const who = isObj(by) ? (by.email ?? by.username ?? by.id) : (by ?? meta.who);
  if (typeof who === 'string' || typeof who === 'number') out.who = String(who);
  const at = a.created_at ?? a.updated_at;
  if (typeof at === 'string' && at) out.at = at;
  const source = meta.source;
  if (typeof source === 'string' && (LABEL_SOURCES as readonly string[]).includes(source))
    out.source = source as LabelSource;
  const mv = meta.model_version;
  if (out.source && out.source !== 'human' && typeof mv === 'string' && mv) out.modelVersion = mv;
  return out;
}
