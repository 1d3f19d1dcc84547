/**
 * Inter-annotator agreement over a set of ratings (one per annotator per item): overall Krippendorff's
 * α, Fleiss' κ and (with exactly two annotators) Cohen's κ, then per annotator pair, per label
 * (one-vs-rest) and per annotator (against everyone else), each with the number of items it stands on.
 * Pure: the CLI feeds it a file's rows; the app will feed it the project's per-annotator labels.
 *
 * Multi-label: a rating is a label set. α uses a set distance (MASI by default, or Jaccard); the κs
 * and "agreement" count exact set matches (each distinct set is one category), which is strict — the
 * per-label table (one binary decision per label) says where sets differ.
 */
import { cohenKappaOrNull, fleissKappa, jaccardDistance, krippendorffAlpha, masiDistance } from './agreement';

export interface Rating {
  item: string;
  annotator: string;
  /** One label (single-label) or the label set (multi-label). */
  labels: readonly string[];
}

export interface AgreementOptions {
  multiLabel: boolean;
  /** Distance between label sets for α in multi-label data (default 'masi'). */
  setDistance?: 'masi' | 'jaccard';
  /** Order of the per-label table (default: sorted). */
  labels?: readonly string[];
}

export interface PairAgreement {
  a: string;
  b: string;
  /** Items both rated. */
  n_items: number;
  /** Share of those items with the same label (set). */
  agreement: number | null;
  cohen_kappa: number | null;
  krippendorff_alpha: number | null;
}

export interface LabelAgreement {
  label: string;
  /** Items rated by ≥ 2 annotators (all of them take part: the label is present or absent in each rating). */
  n_items: number;
  /** Ratings on those items that carry the label. */
  n_positive: number;
  krippendorff_alpha: number | null;
  fleiss_kappa: number | null;
  /** With exactly two annotators. */
  cohen_kappa?: number | null;
}

export interface AnnotatorAgreement {
  annotator: string;
  /** All of the annotator's ratings. */
  n_ratings: number;
  /** Items the annotator shares with at least one other annotator. */
  n_items: number;
  /** Pairs (the annotator's label, another annotator's label on the same item) the next two stand on. */
  n_pairs: number;
  /** Share of those pairs that agree. */
  agreement: number | null;
  /** Cohen's κ of the annotator against the others, all pairs pooled in one table. */
  cohen_kappa: number | null;
}

export interface AgreementReport {
  /** Items rated by at least two annotators: what every statistic stands on. */
  n_items: number;
  /** Items with a single rating (no agreement to measure; left out). */
  n_items_single: number;
  n_annotators: number;
  n_ratings: number;
  multi_label: boolean;
  /** Distance α uses: nominal for single-label, a set distance for multi-label. */
  alpha_distance: 'nominal' | 'masi' | 'jaccard';
  krippendorff_alpha: number | null;
  /** null where undefined: no overlap, no variation, or items with different numbers of ratings (see fleiss_kappa_note). */
  fleiss_kappa: number | null;
  fleiss_kappa_note?: string;
  /** Only with exactly two annotators. */
  cohen_kappa?: number | null;
  /** Share of agreeing pairs of ratings over all items (each item's pairs weighted 1/(m − 1), as in α). */
  observed_agreement: number | null;
  pairs: PairAgreement[];
  labels: LabelAgreement[];
  annotators: AnnotatorAgreement[];
}

/** One key per label set, independent of order. */
export const setKey = (labels: readonly string[]): string => JSON.stringify([...labels].sort());

/** item → annotator → labels, keeping the items' first-seen order. */
type ByItem = Map<string, Map<string, readonly string[]>>;

export function agreementReport(ratings: readonly Rating[], o: AgreementOptions): AgreementReport {
  const byItem: ByItem = new Map();
  const annotators = new Map<string, number>();
  const labelSet = new Set<string>();
  for (const r of ratings) {
    let m = byItem.get(r.item);
    if (!m) byItem.set(r.item, (m = new Map()));
    if (m.has(r.annotator)) throw new RangeError(`annotator "${r.annotator}" rated item "${r.item}" twice`);
    m.set(r.annotator, r.labels);
    annotators.set(r.annotator, (annotators.get(r.annotator) ?? 0) + 1);
    for (const l of r.labels) labelSet.add(l);
  }
  const shared = [...byItem.values()].filter((m) => m.size >= 2);
  const names = [...annotators.keys()].sort();
  const labels = o.labels ? [...o.labels] : [...labelSet].sort();
  const setDistance = o.setDistance ?? 'masi';
  const distance = o.multiLabel ? (setDistance === 'masi' ? masiDistance : jaccardDistance) : undefined;
  const alphaOf = (units: (readonly string[])[][]) => krippendorffAlpha(units, setKey, distance);

  const units = shared.map((m) => [...m.values()]);
  const fleiss = fleissOf(units.map((u) => u.map(setKey)));
  const pairs = pairTable(shared, names, alphaOf);
  const report: AgreementReport = {
    n_items: shared.length,
    n_items_single: byItem.size - shared.length,
    n_annotators: names.length,
    n_ratings: ratings.length,
    multi_label: o.multiLabel,
    alpha_distance: o.multiLabel ? setDistance : 'nominal',
    krippendorff_alpha: alphaOf(units),
    fleiss_kappa: fleiss.kappa,
    ...(fleiss.note ? { fleiss_kappa_note: fleiss.note } : {}),
    ...(names.length === 2 ? { cohen_kappa: pairs[0]!.cohen_kappa } : {}),
    observed_agreement: observedAgreement(units.map((u) => u.map(setKey))),
    pairs,
    labels: labels.map((label) => {
      const bin = units.map((u) => u.map((ls) => (ls.includes(label) ? '1' : '0')));
      const f = fleissOf(bin);
      return {
        label,
        n_items: units.length,
        n_positive: bin.reduce((s, u) => s + u.filter((x) => x === '1').length, 0),
        krippendorff_alpha: krippendorffAlpha(bin),
        fleiss_kappa: f.kappa,
        ...(names.length === 2
          ? { cohen_kappa: twoRaterKappa(shared, names as [string, string], (ls) => (ls.includes(label) ? '1' : '0')) }
          : {}),
      };
    }),
    annotators: names.map((a) => annotatorVsRest(a, annotators.get(a)!, shared)),
  };
  return report;
}

/** Cohen's κ of the only two annotators (rater order fixed by name, since κ's marginals are per rater). */
function twoRaterKappa(
  shared: Map<string, readonly string[]>[],
  [a, b]: [string, string],
  category: (labels: readonly string[]) => string,
): number | null {
  if (shared.length === 0) return null;
  return cohenKappaOrNull(
    ...codes(
      shared.map((m) => category(m.get(a)!)),
      shared.map((m) => category(m.get(b)!)),
    ),
  );
}

/** Category keys → small integers, for the κ functions. */
function codes(a: readonly string[], b: readonly string[]): [number[], number[]] {
  const index = new Map<string, number>();
  const code = (k: string) => {
    let i = index.get(k);
    if (i === undefined) index.set(k, (i = index.size));
    return i;
  };
  return [a.map(code), b.map(code)];
}

/** Fleiss' κ over units of category keys, or null with the reason where it does not apply. */
function fleissOf(units: string[][]): { kappa: number | null; note?: string } {
  if (units.length === 0) return { kappa: null, note: 'no item was rated by two or more annotators' };
  const sizes = new Set(units.map((u) => u.length));
  if (sizes.size > 1) {
    const sorted = [...sizes].sort((x, y) => x - y);
    return {
      kappa: null,
      note: `items have ${sorted[0]}–${sorted.at(-1)} ratings each; Fleiss' κ needs the same number on every item (Krippendorff's α allows any)`,
    };
  }
  const cats = [...new Set(units.flat())];
  const kappa = fleissKappa(units.map((u) => cats.map((c) => u.filter((x) => x === c).length)));
  return kappa === null ? { kappa, note: 'every rating is the same: no variation, κ is undefined' } : { kappa };
}

/** Σ over items of (agreeing ordered pairs)/(m − 1), over Σ m: the observed agreement 1 − D_o of nominal α. */
function observedAgreement(units: string[][]): number | null {
  let agree = 0;
  let n = 0;
  for (const u of units) {
    let same = 0;
    for (let p = 0; p < u.length; p++) for (let q = 0; q < u.length; q++) if (p !== q && u[p] === u[q]) same++;
    agree += same / (u.length - 1);
    n += u.length;
  }
  return n ? agree / n : null;
}

function pairTable(
  shared: Map<string, readonly string[]>[],
  names: string[],
  alphaOf: (units: (readonly string[])[][]) => number | null,
): PairAgreement[] {
  const out: PairAgreement[] = [];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const a = names[i]!;
      const b = names[j]!;
      const both = shared.filter((m) => m.has(a) && m.has(b)).map((m) => [m.get(a)!, m.get(b)!]);
      const ka = both.map((u) => setKey(u[0]!));
      const kb = both.map((u) => setKey(u[1]!));
      out.push({
        a,
        b,
        n_items: both.length,
        agreement: both.length ? ka.filter((k, t) => k === kb[t]).length / both.length : null,
        cohen_kappa: both.length ? cohenKappaOrNull(...codes(ka, kb)) : null,
        krippendorff_alpha: alphaOf(both),
      });
    }
  }
  return out;
}

function annotatorVsRest(a: string, nRatings: number, shared: Map<string, readonly string[]>[]): AnnotatorAgreement {
  const mine: string[] = [];
  const theirs: string[] = [];
  let items = 0;
  for (const m of shared) {
    const own = m.get(a);
    if (!own) continue;
    items++;
    for (const [who, ls] of m) {
      if (who === a) continue;
      mine.push(setKey(own));
      theirs.push(setKey(ls));
    }
  }
  const n = mine.length;
  return {
    annotator: a,
    n_ratings: nRatings,
    n_items: items,
    n_pairs: n,
    agreement: n ? mine.filter((k, t) => k === theirs[t]).length / n : null,
    cohen_kappa: n ? cohenKappaOrNull(...codes(mine, theirs)) : null,
  };
}
