/** Labels rebuilt from the journal after the database was wiped, or replayed on top of a restored backup. */
import type { LabelEvent } from '../../shared/api';
import type { TaskType } from '../../shared/task';
import { queueScore } from '../queue/strategies';
import { foldJournal, labelPatch } from './logic';
import { docConsensus, journalOrder } from './replica';
import { strictDb } from './schema';
import type { DocRow, ProjectRow } from './types';

/**
 * Restores labels (and the texts the journal carries) after the database was wiped or damaged:
 * documents still present get their labels back; missing ones are re-created from the journal's text.
 */
export async function rebuildFromJournal(
  p: Pick<ProjectRow, 'id' | 'task' | 'labels' | 'strategy'>,
  events: LabelEvent[],
): Promise<{ restored: number; created: number }> {
  const r = await applyJournal(p, events, true);
  await noteSynced(p.id, events.length);
  return r;
}

/**
 * After a rebuild or restore from journal.read (which gives no seqs): the replica holds the journal's
 * first `n` events. Readable events are numbered 1, 2, … unless a repair set one aside, so the
 * journal's seq of the n-th is at least n: pulling from n may bring back a few it has, which it
 * recognises by id.
 */
export async function noteSynced(projectId: string, n: number): Promise<void> {
  await strictDb.projects.update(projectId, { syncedSeq: n });
}

/**
 * Replays journal events on top of what the database holds (after a backup was restored: the events
 * journaled since it was made). Their documents get the journal's labels; the events join the history.
 */
export async function replayJournalTail(
  p: Pick<ProjectRow, 'id' | 'task' | 'labels' | 'strategy'>,
  events: LabelEvent[],
): Promise<{ restored: number; created: number }> {
  return applyJournal(p, events, false);
}

async function applyJournal(
  p: Pick<ProjectRow, 'id' | 'task' | 'labels' | 'strategy'>,
  events: LabelEvent[],
  replaceHistory: boolean,
): Promise<{ restored: number; created: number }> {
  const folded = foldJournal(events);
  const schema = p.labels.map((l) => l.name);
  let restored = 0;
  let created = 0;
  await strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    for (const f of folded.values()) {
      const doc = await strictDb.docs.get([p.id, f.docId]);
      const patch: Partial<DocRow> = labelPatch(
        f.labels,
        { source: f.source ?? 'human', who: f.who, at: f.at, modelVersion: f.modelVersion },
        schema,
      );
      // The flags the journal recorded (null: cleared); those it says nothing about stay as they are.
      if (f.gold !== undefined) patch.gold = f.gold ?? undefined;
      if (f.ignored !== undefined) patch.ignored = f.ignored ?? undefined;
      if (doc) {
        await strictDb.docs.update([p.id, f.docId], patch);
      } else {
        const row: DocRow = {
          projectId: p.id,
          id: f.docId,
          text: f.text ?? '',
          labels: [],
          isLabeled: 0,
          queueScore: queueScore(p.strategy, f.docId, undefined, p.task as TaskType),
          ...patch,
          ...(f.text === undefined ? { missingText: 1 as const } : {}),
        };
        await strictDb.docs.add(row);
        created++;
      }
      if (f.labels.length) restored++;
    }
    if (replaceHistory) await strictDb.events.where('projectId').equals(p.id).delete();
    await strictDb.events.bulkAdd(
      events.map((e) => ({ ...e, projectId: p.id, journaled: 1 as const, labels: [...e.labels] })),
    );
    // Each annotator's labels, and the final labels where several people labeled a document.
    for (const docId of folded.keys()) {
      const c = docConsensus(
        journalOrder(await strictDb.events.where('[projectId+docId]').equals([p.id, docId]).toArray()),
        schema,
      );
      await strictDb.docs.update([p.id, docId], c.shared ? { ...c.final, ...c.consensus } : c.consensus);
    }
  });
  return { restored, created };
}
