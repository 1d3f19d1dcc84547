/**
 * A document's labels when several people label it: each annotator's own latest labels, and the
 * final labels that training, the gold set and exports use, with the rule that produced them.
 *
 * Per annotator (`who`): the labels of that person's latest label-changing event ('label', 'accept',
 * 'correct', 'undo'; an 'undo' carries the labels restored, [] = that person's label withdrawn).
 * Final, in this order:
 *   adjudicated  the latest 'adjudicate' event with labels (a reviewer's decision stands until another
 *                one; an 'adjudicate' with [] withdraws it);
 *   none         nobody's labels;
 *   single       one annotator;
 *   unanimous    several, all with the same label set;
 *   majority     a label set held by more than half of the annotators;
 *   latest       no majority (a disagreement, `agree` false): the most recent annotator's labels, as a
 *                single-annotator project has always done, so nothing is lost; the review view lists
 *                these for a reviewer to adjudicate.
 * Label sets compare as sets (order and duplicates ignored). Events must be in journal order.
 */
import { changesLabels, type LabelEvent, type LabelSource } from './label-event';

export const FINAL_RULES = ['none', 'single', 'unanimous', 'majority', 'latest', 'adjudicated'] as const;
export type FinalRule = (typeof FINAL_RULES)[number];

export interface AnnotatorLabel {
  who: string;
  labels: string[];
  source: LabelSource;
  at: string;
  modelVersion?: string;
}

export interface FinalLabel {
  labels: string[];
  rule: FinalRule;
  /** False when annotators disagree and no reviewer decided (rule 'latest'). */
  agree: boolean;
  /** Annotators with labels on the document. */
  annotators: number;
  /** The event whose labels are final (the adjudication, or the winning annotator's latest label). */
  from?: AnnotatorLabel;
}

/** A label set's key: sorted, deduplicated, so that ['b','a'] and ['a','b'] agree. */
export function labelSetKey(labels: readonly string[]): string {
  return JSON.stringify([...new Set(labels)].sort());
}

/** Each annotator's current labels on one document (events of that document, in journal order); withdrawn labels left out. */
export function perAnnotator(events: readonly LabelEvent[]): Map<string, AnnotatorLabel> {
  const out = new Map<string, AnnotatorLabel>();
  for (const e of events) {
    if (e.action === 'adjudicate' || !changesLabels(e.action)) continue;
    if (e.labels.length === 0) out.delete(e.who);
    else {
      out.delete(e.who); // re-insert: Map order = order of each annotator's latest label
      out.set(e.who, {
        who: e.who,
        labels: [...e.labels],
        source: e.source,
        at: e.at,
        ...(e.modelVersion ? { modelVersion: e.modelVersion } : {}),
      });
    }
  }
  return out;
}

/** The latest standing adjudication of one document's events, if any. */
export function adjudication(events: readonly LabelEvent[]): AnnotatorLabel | undefined {
  let out: AnnotatorLabel | undefined;
  for (const e of events) {
    if (e.action !== 'adjudicate') continue;
    out = e.labels.length ? { who: e.who, labels: [...e.labels], source: e.source, at: e.at } : undefined;
  }
  return out;
}

/** The final labels of one document from its events (journal order), and the rule that gave them. */
export function finalLabel(events: readonly LabelEvent[]): FinalLabel {
  const people = [...perAnnotator(events).values()];
  const decided = adjudication(events);
  if (decided)
    return { labels: decided.labels, rule: 'adjudicated', agree: true, annotators: people.length, from: decided };
  return finalOf(people);
}

/** The final labels of annotators' labels (in the order of their latest labels), without adjudication. */
export function finalOf(people: readonly AnnotatorLabel[]): FinalLabel {
  const n = people.length;
  if (n === 0) return { labels: [], rule: 'none', agree: true, annotators: 0 };
  const latest = people[n - 1];
  if (n === 1) return { labels: latest.labels, rule: 'single', agree: true, annotators: 1, from: latest };
  const counts = new Map<string, { count: number; last: AnnotatorLabel }>();
  for (const p of people) {
    const k = labelSetKey(p.labels);
    const c = counts.get(k);
    counts.set(k, { count: (c?.count ?? 0) + 1, last: p });
  }
  if (counts.size === 1) return { labels: latest.labels, rule: 'unanimous', agree: true, annotators: n, from: latest };
  for (const { count, last } of counts.values()) {
    if (count * 2 > n) return { labels: last.labels, rule: 'majority', agree: true, annotators: n, from: last };
  }
  return { labels: latest.labels, rule: 'latest', agree: false, annotators: n, from: latest };
}

/** Final labels of every document in a journal (events in journal order), by document id. */
export function finalLabels(events: readonly LabelEvent[]): Map<string, FinalLabel> {
  const byDoc = new Map<string, LabelEvent[]>();
  for (const e of events) {
    const list = byDoc.get(e.docId);
    if (list) list.push(e);
    else byDoc.set(e.docId, [e]);
  }
  const out = new Map<string, FinalLabel>();
  for (const [doc, list] of byDoc) out.set(doc, finalLabel(list));
  return out;
}
