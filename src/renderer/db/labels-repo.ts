/**
 * Label writes: each runs in a `strictDb` transaction (durable before it resolves) that adds the
 * document's event and its consensus; the journal append follows (journal-repo.ts).
 */
import Dexie from 'dexie';
import type { LabelEvent } from '../../shared/api';
import { flagEvent, labelPatch, makeEvent, type LabelMeta } from './logic';
import { docConsensus, journalOrder } from './replica';
import { strictDb } from './schema';
import type { DocRow, EventRow, LabelSource } from './types';

const { maxKey } = Dexie;

export interface Undo {
  projectId: string;
  docId: string;
  before: Pick<DocRow, 'labels' | 'isLabeled' | 'source' | 'who' | 'at' | 'labelModelVersion' | 'labelVia'> & {
    /** The writer's own labels before (byAnnotator), where the document kept them: what the undo event restores for that person. */
    mine?: string[];
  };
}

/** The consensus fields of a document only one person labeled. */
export function soleAnnotator(
  who: string,
  labels: string[],
  source: LabelSource,
  at: string,
): Pick<DocRow, 'byAnnotator' | 'finalRule' | 'agree'> {
  return { byAnnotator: { [who]: { labels: [...labels], source, at } }, finalRule: 'single', agree: true };
}

/**
 * A document's consensus after an event was added here (inside a transaction over docs and events):
 * byAnnotator, finalRule and agree always; where more than one person labeled it (or a reviewer
 * decided), the final labels replace what the last writer's own patch says.
 */
async function withConsensus(
  projectId: string,
  docId: string,
  patch: Partial<DocRow>,
  schema: readonly string[],
): Promise<Partial<DocRow>> {
  const rows = journalOrder(await strictDb.events.where('[projectId+docId]').equals([projectId, docId]).toArray());
  const c = docConsensus(rows, schema);
  return c.shared ? { ...patch, ...c.final, ...c.consensus } : { ...patch, ...c.consensus };
}

/**
 * One label write: the document and its event in one strict transaction. Returns what undo needs.
 * The journal append follows (see flushJournal); the label is safe in IndexedDB either way.
 */
export async function writeLabels(
  projectId: string,
  docId: string,
  labels: readonly string[],
  meta: LabelMeta,
  action: LabelEvent['action'],
  schema: readonly string[],
): Promise<Undo> {
  return strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    const doc = await strictDb.docs.get([projectId, docId]);
    if (!doc) throw new Error(`document ${docId} is not in the database`);
    const before: Undo['before'] = {
      labels: doc.labels,
      isLabeled: doc.isLabeled,
      source: doc.source,
      who: doc.who,
      at: doc.at,
      labelModelVersion: doc.labelModelVersion,
      labelVia: doc.labelVia,
    };
    if (doc.byAnnotator) before.mine = doc.byAnnotator[meta.who]?.labels ?? [];
    const patch: Partial<DocRow> = {
      ...labelPatch(labels, meta, schema),
      labelVia: action === 'correct' && meta.source === 'human' ? 'correct' : undefined,
    };
    // A model's label is never gold (db/gold.ts): a gold document that takes one leaves the set.
    if (meta.source !== 'human' && doc.gold === 1) patch.gold = undefined;
    await strictDb.events.add(makeEvent(projectId, doc, patch.labels ?? [], meta, action));
    await strictDb.docs.update([projectId, docId], await withConsensus(projectId, docId, patch, schema));
    return { projectId, docId, before };
  });
}

/**
 * A skip: the document is set aside (out of the queues until restored, so it does not come back first
 * after a reload) and the skip recorded in the history and the journal (the label stays as it was).
 */
export async function recordSkip(projectId: string, doc: DocRow, meta: LabelMeta, reason = ''): Promise<void> {
  await strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    await strictDb.docs.update([projectId, doc.id], { ignored: { reason, who: meta.who, at: meta.at } });
    await strictDb.events.add(flagEvent(projectId, doc, 'skip', meta.who, meta.at, reason));
  });
}

/**
 * Undo: the document's labels as they were before, recorded as an 'undo' event. The event restores
 * the undoer's own labels (another annotator's stay theirs); `schema` orders the final labels of a
 * document several people labeled.
 */
export async function undoLabels(u: Undo, who: string, schema: readonly string[]): Promise<void> {
  await strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    const doc = await strictDb.docs.get([u.projectId, u.docId]);
    if (!doc) return;
    const at = new Date().toISOString();
    const meta = {
      source: u.before.source ?? 'human',
      who,
      at,
      ...(u.before.labelModelVersion ? { modelVersion: u.before.labelModelVersion } : {}),
    };
    await strictDb.events.add(makeEvent(u.projectId, doc, u.before.mine ?? u.before.labels, meta, 'undo'));
    const patch: Partial<DocRow> = {
      labels: u.before.labels,
      isLabeled: u.before.isLabeled,
      source: u.before.source,
      who: u.before.who,
      at: u.before.at,
      labelModelVersion: u.before.labelModelVersion,
      labelVia: u.before.labelVia,
    };
    await strictDb.docs.update([u.projectId, u.docId], await withConsensus(u.projectId, u.docId, patch, schema));
  });
}

/** Accepts every pending pre-label with confidence ≥ threshold, in one strict transaction (documents set aside stay so). */
export async function bulkAccept(
  projectId: string,
  threshold: number,
  who: string,
  schema: readonly string[],
): Promise<number> {
  return strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    const docs = await strictDb.docs
      .where('[projectId+isLabeled+confidence]')
      .between([projectId, 0, threshold], [projectId, 0, maxKey], true, true)
      .filter((d) => (d.suggestion?.length ?? 0) > 0 && !d.ignored)
      .toArray();
    const at = new Date().toISOString();
    const events: EventRow[] = [];
    for (const d of docs) {
      const meta: LabelMeta = { source: 'teacher', who, at, modelVersion: d.modelVersion };
      const patch = labelPatch(d.suggestion ?? [], meta, schema);
      // An accepted pre-label is the model's guess: never gold (gold is drawn from people's labels only).
      // Unlabeled, so nobody's label stands on it: the accepting person's is the only one.
      Object.assign(
        d,
        patch,
        { labelVia: undefined, gold: d.gold === 1 ? undefined : d.gold },
        soleAnnotator(who, patch.labels ?? [], 'teacher', at),
      );
      events.push(makeEvent(projectId, d, patch.labels ?? [], meta, 'accept'));
    }
    await strictDb.docs.bulkPut(docs);
    await strictDb.events.bulkAdd(events);
    return docs.length;
  });
}

/**
 * Sets a document aside (out of the queues, with an optional reason) or restores it (reason null).
 * Journaled ('skip' with the reason / 'unskip'); the caller flushes the journal.
 */
export async function setIgnored(projectId: string, docId: string, reason: string | null, who: string): Promise<void> {
  await strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    const doc = await strictDb.docs.get([projectId, docId]);
    if (!doc) throw new Error(`document ${docId} is not in the database`);
    const at = new Date().toISOString();
    await strictDb.docs.update([projectId, docId], {
      ignored: reason === null ? undefined : { reason: reason.trim(), who, at },
    });
    await strictDb.events.add(flagEvent(projectId, doc, reason === null ? 'unskip' : 'skip', who, at, reason?.trim()));
  });
}

export async function history(projectId: string, docId: string): Promise<EventRow[]> {
  return strictDb.events.where('[projectId+docId]').equals([projectId, docId]).sortBy('seq');
}
