/** The project's gold set (issue 12; the draw itself is db/gold.ts): drawn, read, set by a person, journaled. */
import { GOLD_DRAW_WHO } from '../../shared/label-event';
import { GOLD_DEFAULTS, goldAdditions, inGold, isHumanLabeled } from './gold';
import { flagEvent } from './logic';
import { strictDb } from './schema';
import type { DocRow, ProjectRow } from './types';

/**
 * Grows the project's gold set by the documents the draw adds now (db/gold.ts); returns how many.
 * With `keepForTraining`, draws nothing while that would leave fewer human labels to train on.
 * Each document drawn is journaled ('gold' by GOLD_DRAW_WHO), so a rebuild from the journal gets the
 * same set back and never draws it anew.
 */
export async function updateGoldSet(
  p: Pick<ProjectRow, 'id' | 'goldFraction' | 'goldCap'>,
  keepForTraining = 0,
): Promise<number> {
  return strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    const labeled = await strictDb.docs.where('[projectId+isLabeled]').equals([p.id, 1]).toArray();
    const add = goldAdditions(
      labeled,
      { fraction: p.goldFraction ?? GOLD_DEFAULTS.fraction, cap: p.goldCap ?? GOLD_DEFAULTS.cap },
      p.id,
    );
    const trainable = labeled.filter((d) => isHumanLabeled(d) && !inGold(d)).length - add.length;
    if (trainable < keepForTraining || !add.length) return 0;
    const byId = new Map(labeled.map((d) => [d.id, d]));
    const at = new Date().toISOString();
    await strictDb.docs.bulkUpdate(
      add.map((id) => ({ key: [p.id, id] as [string, string], changes: { gold: 1 as const } })),
    );
    await strictDb.events.bulkAdd(add.map((id) => flagEvent(p.id, byId.get(id)!, 'gold', GOLD_DRAW_WHO, at)));
    return add.length;
  });
}

/** The project's gold documents (flagged and still carrying a person's label). */
export async function goldDocs(projectId: string): Promise<DocRow[]> {
  const rows = await strictDb.docs.where('[projectId+gold]').equals([projectId, 1]).toArray();
  return rows.filter(inGold);
}

/**
 * A person puts a document in the gold set or takes it out (then it is never drawn again). Only a
 * person's label can be gold. Journaled ('gold' / 'ungold'); the caller flushes the journal.
 */
export async function setGold(projectId: string, docId: string, on: boolean, who: string): Promise<void> {
  await strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    const doc = await strictDb.docs.get([projectId, docId]);
    if (!doc) throw new Error(`document ${docId} is not in the database`);
    if (on && !isHumanLabeled(doc))
      throw new Error(
        `document ${docId}: only a person's label can be gold (this one is ${doc.labels.length ? `from ${doc.source}` : 'unlabeled'})`,
      );
    await strictDb.docs.update([projectId, docId], { gold: on ? 1 : 0 });
    await strictDb.events.add(flagEvent(projectId, doc, on ? 'gold' : 'ungold', who, new Date().toISOString()));
  });
}
