/**
 * The database layer's logic as pure functions (no Dexie, no DOM): import planning, label writes,
 * model scores, journal folding, progress counts, corpus filters and the start-up sanity check.
 * The db/*-repo.ts modules apply their results inside Dexie transactions; the unit tests run them in Node.
 */
import type { ExportRequest, LabelDef, LabelEvent, ParsedCorpus } from '../../shared/api';
import type { TaskType } from '../../shared/task';
import { finalLabel } from '../../shared/consensus';
import { changesLabels, toLabelEvent, type FlagAction } from '../../shared/label-event';
import { queueScore, type Strategy } from '../queue/strategies';
import { newEventId } from './replica';
import type { DocRow, EventRow, LabelSource } from './types';

/** Rows per bulk write during an import (one logical import, several IndexedDB transactions). */
export const IMPORT_CHUNK = 1000;

export function chunks<T>(xs: readonly T[], n: number): T[][] {
  if (n <= 0) throw new RangeError('chunk size must be positive');
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Documents per model-score write (one IndexedDB transaction each). */
export const SCORE_CHUNK = 1000;

/**
 * A turn for the page: resolves in a new task (a MessageChannel message, which background tabs do
 * not throttle as they do setTimeout), so input and rendering run between two bulk writes.
 */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/**
 * Writes `items` a chunk of `size` at a time, one write after the other, with a turn for the page
 * between chunks: a very large project's scores go in as many small transactions instead of one long
 * stretch of script that freezes the UI. Chunks are sliced as they are written, not all up front.
 */
export async function writeInChunks<T>(
  items: readonly T[],
  size: number,
  write: (part: T[]) => Promise<unknown>,
  o: { yieldBetween?: () => Promise<void>; onProgress?: (done: number, total: number) => void } = {},
): Promise<number> {
  if (size <= 0) throw new RangeError('chunk size must be positive');
  const pause = o.yieldBetween ?? yieldToPage;
  for (let i = 0; i < items.length; i += size) {
    if (i > 0) await pause();
    const part = items.slice(i, i + size);
    await write(part);
    o.onProgress?.(i + part.length, items.length);
  }
  return items.length;
}

/** De-duplication key, as the importer's: trimmed, runs of whitespace collapsed. */
export function dedupeKey(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// Label schema

/** Keys the annotation screen keeps for itself. */
export const RESERVED_KEYS = new Set([' ', 'Enter', 'z', 'Z']);

export function defaultHotkey(i: number): string {
  if (i < 9) return String(i + 1);
  const letters = 'qwertyuiopasdfghjklxcvbnm';
  return letters[i - 9] ?? '';
}

export const PALETTE = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#d97706',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#65a30d',
  '#475569',
  '#ea580c',
];

export type SchemaProblem =
  | { kind: 'noName' }
  | { kind: 'tooFew'; min: number }
  | { kind: 'emptyLabel'; index: number }
  | { kind: 'duplicateLabel'; name: string }
  | { kind: 'badHotkey'; name: string; hotkey: string }
  | { kind: 'duplicateHotkey'; hotkey: string };

export function validateSchema(name: string, task: TaskType, labels: readonly LabelDef[]): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  if (!name.trim()) out.push({ kind: 'noName' });
  const min = task === 'multilabel' ? 1 : 2;
  if (labels.length < min) out.push({ kind: 'tooFew', min });
  if (task === 'binary' && labels.length > 2) out.push({ kind: 'tooFew', min: 2 });
  const names = new Set<string>();
  const keys = new Set<string>();
  labels.forEach((l, index) => {
    const n = l.name.trim();
    if (!n) out.push({ kind: 'emptyLabel', index });
    else if (names.has(n)) out.push({ kind: 'duplicateLabel', name: n });
    names.add(n);
    const k = l.hotkey.toLowerCase();
    if (!/^[0-9a-z]$/.test(k) || RESERVED_KEYS.has(l.hotkey))
      out.push({ kind: 'badHotkey', name: n, hotkey: l.hotkey });
    else if (keys.has(k)) out.push({ kind: 'duplicateHotkey', hotkey: k });
    keys.add(k);
  });
  return out;
}

/** The label a key press means, or undefined (letters are case-insensitive). */
export function labelForKey(key: string, labels: readonly LabelDef[]): LabelDef | undefined {
  if (key.length !== 1) return undefined;
  const k = key.toLowerCase();
  return labels.find((l) => l.hotkey.toLowerCase() === k);
}

// ---------------------------------------------------------------------------------------------
// Import

export type ImportIssue =
  { line: number; kind: 'unknownLabel'; label: string } | { line: number; kind: 'tooManyLabels'; count: number };

export interface ImportPlan {
  rows: DocRow[];
  /** Texts for documents rebuilt from the journal without one (same id, labels kept). */
  fills: { id: string; text: string; line: number }[];
  /** Problems that block the import (nothing is written while there are any). */
  errors: ImportIssue[];
  /** Documents already in the project (same text) that are left out. */
  skippedExisting: number;
  /** Documents that got a new id because theirs was taken. */
  renamed: number;
  labeled: number;
}

export interface ImportContext {
  projectId: string;
  importId: string;
  task: TaskType;
  labels: readonly string[];
  existingIds: ReadonlySet<string>;
  existingTexts: ReadonlySet<string>;
  /** Ids of documents rebuilt from the journal that still lack their text. */
  missingText?: ReadonlySet<string>;
  /** Keep labels from the file's label column (false = import texts only). */
  useLabels: boolean;
  /** Leave out documents whose text the project already has. */
  dedupe: boolean;
  who: string;
  at: string;
  strategy: Strategy;
}

export function planImport(parsed: Pick<ParsedCorpus, 'docs'>, ctx: ImportContext): ImportPlan {
  const known = new Set(ctx.labels);
  const errors: ImportIssue[] = [];
  const rows: DocRow[] = [];
  const fills: ImportPlan['fills'] = [];
  const ids = new Set(ctx.existingIds);
  const missing = new Set(ctx.missingText ?? []);
  let skippedExisting = 0;
  let renamed = 0;
  let labeled = 0;
  for (const d of parsed.docs) {
    if (ctx.dedupe && ctx.existingTexts.has(dedupeKey(d.text))) {
      skippedExisting++;
      continue;
    }
    if (missing.has(d.id)) {
      missing.delete(d.id);
      fills.push({ id: d.id, text: d.text, line: d.line });
      continue;
    }
    const labels = ctx.useLabels ? d.labels : [];
    // A model's pre-label in the file (Label Studio predictions) comes with the labels, under the same checks.
    const prediction = ctx.useLabels ? d.prediction : undefined;
    const annotators = ctx.useLabels ? (d.annotators ?? []) : [];
    for (const ls of [labels, prediction?.labels ?? [], ...annotators.map((a) => a.labels)]) {
      for (const l of ls) if (!known.has(l)) errors.push({ line: d.line, kind: 'unknownLabel', label: l });
      if (ctx.task !== 'multilabel' && ls.length > 1)
        errors.push({ line: d.line, kind: 'tooManyLabels', count: ls.length });
    }
    let id = d.id;
    if (ids.has(id)) {
      let n = 2;
      while (ids.has(`${d.id}~${n}`)) n++;
      id = `${d.id}~${n}`;
      renamed++;
    }
    ids.add(id);
    const row: DocRow = {
      projectId: ctx.projectId,
      id,
      text: d.text,
      labels,
      isLabeled: labels.length ? 1 : 0,
      queueScore: queueScore(ctx.strategy, id, undefined, ctx.task),
      importId: ctx.importId,
      line: d.line,
    };
    if (labels.length) {
      labeled++;
      // The file's provenance where it has one (who labeled, an accepted pre-label's model); else a person's label, now.
      const source = d.source ?? 'human';
      Object.assign(row, { source, who: d.who ?? ctx.who, at: d.at ?? ctx.at });
      if (source === 'human') row.labelVia = 'import';
      else if (d.modelVersion) row.labelModelVersion = d.modelVersion;
    }
    if (annotators.length) {
      // Several annotators in the file (Label Studio): each one's labels kept; `labels` are the final ones.
      row.byAnnotator = Object.fromEntries(
        annotators.map((a) => [
          a.who || ctx.who,
          { labels: [...a.labels], source: a.source ?? 'human', at: a.at ?? ctx.at },
        ]),
      );
      if (d.rule) {
        row.finalRule = d.rule;
        row.agree = d.rule !== 'latest';
      }
    }
    if (prediction?.labels.length) {
      row.suggestion = [...prediction.labels];
      if (prediction.score !== undefined) row.confidence = prediction.score;
      if (prediction.modelVersion) row.modelVersion = prediction.modelVersion;
    }
    rows.push(row);
  }
  errors.sort((a, b) => a.line - b.line);
  return { rows, fills, errors, skippedExisting, renamed, labeled };
}

// ---------------------------------------------------------------------------------------------
// Labels

export interface LabelMeta {
  source: LabelSource;
  who: string;
  at: string;
  modelVersion?: string;
}

export type DocLabelState = Pick<DocRow, 'labels' | 'isLabeled' | 'source' | 'who' | 'at'> & {
  labelModelVersion?: string;
};

/**
 * The fields a label write changes. Label order follows the schema, duplicates removed. The label's
 * model version is the event's (undefined deletes a previous one: a person's label has none).
 */
export function labelPatch(labels: readonly string[], meta: LabelMeta, schema: readonly string[]): Partial<DocRow> {
  const set = new Set(labels);
  const ordered = schema.filter((l) => set.has(l));
  return {
    labels: ordered,
    isLabeled: ordered.length ? 1 : 0,
    source: ordered.length ? meta.source : undefined,
    who: meta.who,
    at: meta.at,
    labelModelVersion: ordered.length ? meta.modelVersion : undefined,
  };
}

/** Multi-label toggle; single-label tasks replace. */
export function toggleLabel(current: readonly string[], label: string, task: TaskType): string[] {
  if (task !== 'multilabel') return [label];
  return current.includes(label) ? current.filter((l) => l !== label) : [...current, label];
}

export function sameLabels(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = [...(a ?? [])].sort();
  const y = [...(b ?? [])].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

export function makeEvent(
  projectId: string,
  doc: Pick<DocRow, 'id' | 'text'>,
  labels: readonly string[],
  meta: LabelMeta,
  action: LabelEvent['action'],
): EventRow {
  // The id makes a re-sent or replicated event recognisable (the journal and every replica apply it once).
  const e: EventRow = {
    projectId,
    docId: doc.id,
    id: newEventId(),
    labels: [...labels],
    source: meta.source,
    who: meta.who,
    at: meta.at,
    action,
    journaled: 0,
    text: doc.text,
  };
  if (meta.modelVersion) e.modelVersion = meta.modelVersion;
  return e;
}

/**
 * The label events of an imported row: one per annotator where the file had several (oldest first,
 * then a reviewer's decision as an 'adjudicate' event), else one for its label. An accepted
 * pre-label in the file stays one: the journal rebuilds it with its source and model.
 */
export function importEvents(projectId: string, r: DocRow, now: string): EventRow[] {
  const action = (source: LabelSource) => (source === 'human' ? 'label' : 'accept');
  // One annotator (or none named): one event with the row's provenance, the accepted model version included.
  if (!r.byAnnotator || (Object.keys(r.byAnnotator).length <= 1 && r.finalRule !== 'adjudicated')) {
    const source = r.source ?? 'human';
    return [
      makeEvent(
        projectId,
        r,
        r.labels,
        { source, who: r.who ?? '', at: r.at ?? now, modelVersion: r.labelModelVersion },
        action(source),
      ),
    ];
  }
  const people = Object.entries(r.byAnnotator).sort(([a, x], [b, y]) => x.at.localeCompare(y.at) || a.localeCompare(b));
  // byAnnotator keeps no model version: the final label's annotator has it on the row.
  const out = people.map(([who, a]) =>
    makeEvent(
      projectId,
      r,
      a.labels,
      { source: a.source, who, at: a.at, modelVersion: who === r.who ? r.labelModelVersion : undefined },
      action(a.source),
    ),
  );
  if (r.finalRule === 'adjudicated')
    out.push(makeEvent(projectId, r, r.labels, { source: 'human', who: r.who ?? '', at: r.at ?? now }, 'adjudicate'));
  return out;
}

/**
 * A flag event (gold, set aside: shared/label-event.ts FLAG_ACTIONS) for a document: it carries the
 * document's labels as they are, so a rebuild that meets it first still has them. A skip always
 * carries its reason ('' when none): that is what tells a stored skip from an old session-only one.
 */
export function flagEvent(
  projectId: string,
  doc: Pick<DocRow, 'id' | 'text' | 'labels' | 'source' | 'labelModelVersion'>,
  action: FlagAction,
  who: string,
  at: string,
  reason?: string,
): EventRow {
  const e = makeEvent(
    projectId,
    doc,
    doc.labels,
    { source: doc.source ?? 'human', who, at, modelVersion: doc.labelModelVersion },
    action,
  );
  if (action === 'skip') e.reason = reason ?? '';
  return e;
}

/** The event as the journal stores it (LabelEvent plus the text, so a rebuild needs nothing else). */
export function journalEvent(e: EventRow): LabelEvent {
  return toLabelEvent(e);
}

export interface FoldedDoc {
  docId: string;
  labels: string[];
  source?: LabelSource;
  who: string;
  at: string;
  modelVersion?: string;
  text?: string;
  /** The gold flag the journal leaves (DocRow.gold; null = not in the set); absent when the journal says nothing about it. */
  gold?: 0 | 1 | null;
  /** The document set aside ('skip' with a reason) or restored (null); absent when the journal says nothing about it. */
  ignored?: DocRow['ignored'] | null;
}

/**
 * Latest state of every document named in a journal: its labels, and the gold and set-aside flags
 * (shared/label-event.ts FLAG_ACTIONS), which leave the labels alone. A model's label takes a
 * document out of the gold set, as writeLabels and bulkAccept do.
 */
export function foldJournal(events: readonly LabelEvent[]): Map<string, FoldedDoc> {
  const out = new Map<string, FoldedDoc>();
  // Documents a reviewer adjudicated: their labels are the consensus of all their events (shared/consensus.ts), not the last event's.
  const adjudicated = new Map<string, LabelEvent[]>();
  for (const e of events) if (e.action === 'adjudicate') adjudicated.set(e.docId, []);
  for (const e of events) {
    adjudicated.get(e.docId)?.push(e);
    const prev = out.get(e.docId);
    const text = e.text ?? prev?.text;
    if (e.action === 'adjudicate' || (changesLabels(e.action) && adjudicated.has(e.docId))) {
      // Withdrawing a decision ([]) gives the annotators' labels back instead of none.
      const f = finalLabel(adjudicated.get(e.docId)!);
      const by = f.from;
      const next: FoldedDoc = {
        docId: e.docId,
        labels: [...f.labels],
        source: f.labels.length ? by?.source : undefined,
        who: by?.who ?? e.who,
        at: by?.at ?? e.at,
        modelVersion: by?.modelVersion,
        text,
      };
      if (prev?.gold !== undefined) next.gold = prev.gold;
      if (prev?.ignored !== undefined) next.ignored = prev.ignored;
      out.set(e.docId, next);
      continue;
    }
    if (changesLabels(e.action)) {
      const next: FoldedDoc = {
        docId: e.docId,
        labels: [...e.labels],
        source: e.labels.length ? e.source : undefined,
        who: e.who,
        at: e.at,
        modelVersion: e.modelVersion,
        text,
      };
      if (prev?.gold !== undefined) next.gold = prev.gold;
      if (prev?.ignored !== undefined) next.ignored = prev.ignored;
      if (e.action !== 'undo' && e.source !== 'human' && next.gold === 1) next.gold = null;
      out.set(e.docId, next);
      continue;
    }
    // A flag: the labels stay (a document first named by a flag takes the labels the event carries).
    const f: FoldedDoc = prev ?? {
      docId: e.docId,
      labels: [...e.labels],
      source: e.labels.length ? e.source : undefined,
      who: e.who,
      at: e.at,
      modelVersion: e.modelVersion,
    };
    if (text !== undefined) f.text = text;
    if (e.action === 'gold') f.gold = 1;
    else if (e.action === 'ungold') f.gold = 0;
    else if (e.action === 'unskip') f.ignored = null;
    // A skip without a reason was written before skips were stored: it set nothing aside.
    else if (e.action === 'skip' && e.reason !== undefined) f.ignored = { reason: e.reason, who: e.who, at: e.at };
    out.set(e.docId, f);
  }
  return out;
}

export function labeledInJournal(folded: Map<string, FoldedDoc>): number {
  let n = 0;
  for (const f of folded.values()) if (f.labels.length) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Model scores

/** The model's suggestion and its confidence from probabilities in label order. */
export function suggestionFromProbs(
  probs: readonly number[],
  labels: readonly string[],
  task: TaskType,
  threshold = 0.5,
): { suggestion: string[]; confidence: number } {
  if (probs.length === 0) return { suggestion: [], confidence: 0 };
  if (task === 'multilabel') {
    const suggestion = labels.filter((_, i) => (probs[i] ?? 0) >= threshold);
    // The least sure per-label decision.
    const confidence = Math.min(...probs.map((p) => Math.max(p, 1 - p)));
    return { suggestion, confidence };
  }
  let best = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
  return { suggestion: labels[best] !== undefined ? [labels[best]] : [], confidence: probs[best] };
}

/** Fields written on a document when a model scored it. */
export function scorePatch(
  id: string,
  probs: readonly number[],
  labels: readonly string[],
  task: TaskType,
  modelVersion: string,
  strategy: Strategy,
): Partial<DocRow> {
  const { suggestion, confidence } = suggestionFromProbs(probs, labels, task);
  return { probs: [...probs], suggestion, confidence, modelVersion, queueScore: queueScore(strategy, id, probs, task) };
}

// ---------------------------------------------------------------------------------------------
// Progress, filters, export

export interface LabelProgress {
  total: number;
  labeled: number;
  perLabel: Record<string, number>;
  bySource: Record<string, number>;
}

export function countProgress(
  docs: Iterable<Pick<DocRow, 'labels' | 'source'>>,
  labels: readonly string[],
): LabelProgress {
  const perLabel: Record<string, number> = Object.fromEntries(labels.map((l) => [l, 0]));
  const bySource: Record<string, number> = {};
  let total = 0;
  let labeled = 0;
  for (const d of docs) {
    total++;
    if (!d.labels.length) continue;
    labeled++;
    for (const l of d.labels) perLabel[l] = (perLabel[l] ?? 0) + 1;
    const s = d.source ?? 'human';
    bySource[s] = (bySource[s] ?? 0) + 1;
  }
  return { total, labeled, perLabel, bySource };
}

/** A labeled document whose model suggestion differs from its labels. */
export function disagrees(d: Pick<DocRow, 'labels' | 'suggestion'>): boolean {
  return d.labels.length > 0 && d.suggestion !== undefined && !sameLabels(d.labels, d.suggestion);
}

export interface CorpusFilter {
  /** '' = any, '∅' = unlabeled, else a label name. */
  label: string;
  /** '' = any, 'none' = unlabeled, else a source. */
  source: string;
  minConfidence?: number;
  maxConfidence?: number;
  disagreement: boolean;
  search: string;
  /** Only documents in the gold set (db/gold.ts) / only documents set aside. */
  gold?: boolean;
  ignored?: boolean;
}

export const UNLABELED = '∅';

export function emptyFilter(): CorpusFilter {
  return { label: '', source: '', disagreement: false, search: '' };
}

export function matchesFilter(f: CorpusFilter): (d: DocRow) => boolean {
  const q = f.search.trim().toLowerCase();
  const min = f.minConfidence;
  const max = f.maxConfidence;
  return (d) => {
    if (f.label === UNLABELED ? d.labels.length > 0 : f.label && !d.labels.includes(f.label)) return false;
    if (
      f.source === 'none'
        ? d.labels.length > 0
        : f.source && (d.labels.length === 0 || (d.source ?? 'human') !== f.source)
    )
      return false;
    if (min !== undefined && !(d.confidence !== undefined && d.confidence >= min)) return false;
    if (max !== undefined && !(d.confidence !== undefined && d.confidence <= max)) return false;
    if (f.disagreement && !disagrees(d)) return false;
    if (f.gold && !(d.gold === 1 && d.labels.length > 0 && (d.source ?? 'human') === 'human')) return false;
    if (f.ignored && !d.ignored) return false;
    if (q && !d.text.toLowerCase().includes(q) && !d.id.toLowerCase().includes(q)) return false;
    return true;
  };
}

/** Natural order of document ids: numeric ids by value, numbers before other ids, others as strings. */
export function compareIds(a: string, b: string): number {
  const na = /^\d{1,15}$/.test(a);
  const nb = /^\d{1,15}$/.test(b);
  if (na && nb) return Number(a) - Number(b);
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Label sources a model produced (the label then has a model version). */
const MODEL_SOURCES: ReadonlySet<LabelSource> = new Set(['teacher', 'student']);

/**
 * The label's model version: the one recorded with it; for model labels written before that was
 * recorded, the version that scored the document. Never the scoring version for a person's label.
 */
export function labelModelVersionOf(
  d: Pick<DocRow, 'labels' | 'source' | 'labelModelVersion' | 'modelVersion'>,
): string | undefined {
  if (!d.labels.length) return undefined;
  return d.labelModelVersion ?? (d.source && MODEL_SOURCES.has(d.source) ? d.modelVersion : undefined);
}

/** Rows for exports.dataset: `modelVersion` is the label's provenance, `probsModelVersion` the soft labels'. */
export function exportRows(docs: readonly DocRow[], onlyLabeled: boolean): ExportRequest['rows'] {
  const out: ExportRequest['rows'] = [];
  for (const d of docs) {
    if (onlyLabeled && !d.labels.length) continue;
    const r: ExportRequest['rows'][number] = { id: d.id, text: d.text, labels: d.labels };
    if (d.labels.length) {
      if (d.source) r.source = d.source;
      if (d.who) r.who = d.who;
      if (d.at) r.at = d.at;
      const v = labelModelVersionOf(d);
      if (v) r.modelVersion = v;
    }
    // Every annotator's labels and the rule that made `labels` final (exports-by-annotator.ts in host).
    if (d.byAnnotator && Object.keys(d.byAnnotator).length) r.byAnnotator = d.byAnnotator;
    if (d.finalRule && d.finalRule !== 'none') r.rule = d.finalRule;
    if (d.probs) {
      r.probs = d.probs;
      if (d.modelVersion) r.probsModelVersion = d.modelVersion;
    }
    out.push(r);
  }
  return out;
}

/** Why a model cannot be trained on these labels yet, or null. */
export type TrainBlocker =
  { kind: 'noLabels' } | { kind: 'tooFewLabels'; have: number; need: number } | { kind: 'oneClass'; label: string };

export const MIN_TRAIN_LABELS = 10;

export function trainBlocker(p: LabelProgress, task: TaskType): TrainBlocker | null {
  if (p.labeled === 0) return { kind: 'noLabels' };
  if (p.labeled < MIN_TRAIN_LABELS) return { kind: 'tooFewLabels', have: p.labeled, need: MIN_TRAIN_LABELS };
  if (task !== 'multilabel') {
    const present = Object.entries(p.perLabel).filter(([, n]) => n > 0);
    if (present.length < 2) return { kind: 'oneClass', label: present[0]?.[0] ?? '' };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Start-up check

export type DbVerdict =
  | { kind: 'ok' }
  | { kind: 'empty'; expected: number }
  | { kind: 'damaged'; have: number; expected: number; reason?: string };

/**
 * Compares the database with the label count kept outside IndexedDB. Fewer labels in the
 * database than the journal recorded means it was wiped (empty) or lost writes (damaged).
 */
export function checkDatabase(
  dexieLabeled: number | null,
  sentinel: { labeledCount: number } | null,
  openError?: string,
): DbVerdict {
  const expected = sentinel?.labeledCount ?? 0;
  if (openError !== undefined || dexieLabeled === null)
    return { kind: 'damaged', have: 0, expected, reason: openError };
  if (expected > 0 && dexieLabeled === 0) return { kind: 'empty', expected };
  if (dexieLabeled < expected) return { kind: 'damaged', have: dexieLabeled, expected };
  return { kind: 'ok' };
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** A duration split for display: seconds; minutes and seconds; or hours and minutes (the UI's messages put the units). */
export type DurationParts =
  { key: 's'; s: number } | { key: 'ms'; m: number; s: string } | { key: 'hm'; h: number; m: string };

export function durationParts(seconds: number | undefined): DurationParts | undefined {
  if (seconds === undefined || !Number.isFinite(seconds)) return undefined;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return { key: 's', s };
  const m = Math.floor(s / 60);
  if (m < 60) return { key: 'ms', m, s: String(s % 60).padStart(2, '0') };
  return { key: 'hm', h: Math.floor(m / 60), m: String(m % 60).padStart(2, '0') };
}

export function formatPercent(x: number | undefined, digits = 1): string {
  return x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(digits)}%`;
}

/** The bytes of base64 text (the inverse of bytesToBase64). */
export function base64ToBytes(base64: string, atobFn: (s: string) => string): Uint8Array<ArrayBuffer> {
  const s = atobFn(base64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** Base64 of bytes, in slices (String.fromCharCode on a whole file overflows the stack). */
export function bytesToBase64(bytes: Uint8Array, btoaFn: (s: string) => string): string {
  let s = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) s += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoaFn(s);
}
