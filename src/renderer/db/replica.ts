/**
 * A document's rows as a replica of the shared journal (issue 10): the fields a document gets from
 * all its label events — each annotator's labels (`byAnnotator`), the final labels and the rule that
 * made them (shared/consensus.ts) — whether the events were made here or pulled from the journal.
 * Pure (no Dexie): the db/*-repo.ts modules read the events and write what these functions return.
 */
import { finalLabel, perAnnotator } from '../../shared/consensus';
import { changesLabels, type LabelEvent } from '../../shared/label-event';
import type { DocRow, EventRow } from './types';

/** A new event id (LabelEvent.id): crypto.randomUUID where the page has it (secure contexts), else a v4 UUID from getRandomValues. */
export function newEventId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Event rows in journal order: those the journal numbered by their journal seq, then those not yet
 * seen in the journal (this browser's newest) in the order they were made.
 */
export function journalOrder<T extends Pick<EventRow, 'seq' | 'journalSeq'>>(rows: readonly T[]): T[] {
  const key = (r: T) => r.journalSeq ?? Number.POSITIVE_INFINITY;
  return [...rows].sort((a, b) => key(a) - key(b) || (a.seq ?? 0) - (b.seq ?? 0));
}

export type ConsensusFields = Required<Pick<DocRow, 'byAnnotator' | 'finalRule' | 'agree'>>;
export type FinalFields = Pick<DocRow, 'labels' | 'isLabeled' | 'source' | 'who' | 'at' | 'labelModelVersion'>;

export interface DocConsensus {
  consensus: ConsensusFields;
  /** The document's labels and their provenance as the final label has them (labels in schema order). */
  final: FinalFields;
  /** More than one person ever labeled it, or a reviewer adjudicated: the final labels may not be the last writer's. */
  shared: boolean;
}

/** The consensus of one document's events (journal order); `schema` orders the labels. */
export function docConsensus(events: readonly LabelEvent[], schema: readonly string[]): DocConsensus {
  const people = perAnnotator(events);
  const f = finalLabel(events);
  const byAnnotator: ConsensusFields['byAnnotator'] = {};
  for (const a of people.values())
    byAnnotator[a.who] = { labels: inSchemaOrder(a.labels, schema), source: a.source, at: a.at };
  const labels = inSchemaOrder(f.labels, schema);
  const from = labels.length ? f.from : undefined;
  const final: FinalFields = {
    labels,
    isLabeled: labels.length ? 1 : 0,
    source: from?.source,
    who: from?.who,
    at: from?.at,
    labelModelVersion: from?.modelVersion,
  };
  const writers = new Set(events.filter((e) => changesLabels(e.action) && e.action !== 'adjudicate').map((e) => e.who));
  const shared = writers.size > 1 || events.some((e) => e.action === 'adjudicate');
  return { consensus: { byAnnotator, finalRule: f.rule, agree: f.agree }, final, shared };
}

/**
 * The fields of a document after replicated events: its consensus and final labels, and the flags
 * (gold, set aside) the new events set, in their order. `fresh` are the events not applied before.
 */
export function replicatedPatch(
  allEvents: readonly LabelEvent[],
  fresh: readonly LabelEvent[],
  schema: readonly string[],
): Partial<DocRow> {
  const { consensus, final } = docConsensus(allEvents, schema);
  const patch: Partial<DocRow> = { ...final, ...consensus };
  for (const e of fresh) {
    if (e.action === 'gold') patch.gold = 1;
    else if (e.action === 'ungold') patch.gold = 0;
    else if (e.action === 'unskip') patch.ignored = undefined;
    // A skip without a reason was written before skips were stored: it set nothing aside.
    else if (e.action === 'skip' && e.reason !== undefined) patch.ignored = { reason: e.reason, who: e.who, at: e.at };
  }
  // A model's label is never gold (db/gold.ts).
  if (patch.gold === 1 && final.source !== undefined && final.source !== 'human') patch.gold = undefined;
  return patch;
}

function inSchemaOrder(labels: readonly string[], schema: readonly string[]): string[] {
  const set = new Set(labels);
  const known = schema.filter((l) => set.has(l));
  // Labels the schema lacks (renamed since) are kept after the known ones rather than lost.
  return [...known, ...[...set].filter((l) => !schema.includes(l))];
}
