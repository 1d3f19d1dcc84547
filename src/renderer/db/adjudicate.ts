/**
 * A reviewer's final label for a document annotators disagree on: an 'adjudicate' event (source
 * 'human', who = the reviewer, a client-made id) in the same strict transaction as the document row,
 * whose labels, finalRule and agree are recomputed from the document's events by shared/consensus.ts.
 * Labels [] withdraw the decision (the undo): the annotators' consensus is final again. The event
 * reaches the journal as every other one does (state/app.ts syncJournal → journal-repo.ts flushJournal).
 */
import { makeEvent } from './logic';
import { consensusPatch } from './consensus-row';
import { journalOrder } from './replica';
import { strictDb } from './schema';
import type { DocRow } from './types';

/** Records the reviewer's decision (or withdraws it with []) and returns the document as now stored. */
export async function adjudicate(
  projectId: string,
  docId: string,
  labels: readonly string[],
  reviewer: string,
  schema: readonly string[],
): Promise<DocRow> {
  return strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    const doc = await strictDb.docs.get([projectId, docId]);
    if (!doc) throw new Error(`document ${docId} is not in the database`);
    const e = makeEvent(
      projectId,
      doc,
      labels,
      { source: 'human', who: reviewer, at: new Date().toISOString() },
      'adjudicate',
    );
    await strictDb.events.add(e);
    const events = journalOrder(await strictDb.events.where('[projectId+docId]').equals([projectId, docId]).toArray());
    // A reviewer's label is a person's, never a correction of a pre-label (its training weight is a plain human label's).
    const patch: Partial<DocRow> = { ...consensusPatch(events, schema), labelVia: undefined };
    await strictDb.docs.update([projectId, docId], patch);
    return { ...doc, ...patch };
  });
}
