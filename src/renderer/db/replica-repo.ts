/** This database as a replica of the shared journal (issue 10; state/sync.ts pulls, this applies; pure rules in replica.ts). */
import type { JournaledEvent, LabelEvent } from '../../shared/api';
import { toLabelEvent } from '../../shared/label-event';
import type { TaskType } from '../../shared/task';
import { queueScore } from '../queue/strategies';
import { journalOrder, replicatedPatch } from './replica';
import { strictDb } from './schema';
import type { DocRow, ProjectRow } from './types';

/**
 * Applies a page of journal.since: events this replica lacks are added (an event is known by its id;
 * one from an old journal without id, by its journal seq), events it made itself are marked with
 * their journal seq and as journaled, and every document touched gets its consensus and final labels
 * from all its events in journal order. Documents the database lacks are created from the events'
 * text. The project's `syncedSeq` moves to the page's last event, in the same transaction.
 */
export async function applyReplicated(
  p: Pick<ProjectRow, 'id' | 'task' | 'labels' | 'strategy'>,
  page: readonly JournaledEvent[],
): Promise<{ added: number; created: number }> {
  if (!page.length) return { added: 0, created: 0 };
  const schema = p.labels.map((l) => l.name);
  return strictDb.transaction('rw', strictDb.docs, strictDb.events, strictDb.projects, async () => {
    const fresh = new Map<string, LabelEvent[]>();
    const touched = new Set<string>();
    let added = 0;
    for (const e of page) {
      const known =
        e.id !== undefined
          ? await strictDb.events.where('[projectId+id]').equals([p.id, e.id]).first()
          : await strictDb.events.where('[projectId+journalSeq]').equals([p.id, e.seq]).first();
      if (known) {
        if (known.journalSeq !== e.seq || !known.journaled) {
          await strictDb.events.update(known.seq!, { journalSeq: e.seq, journaled: 1 });
          touched.add(e.docId);
        }
        continue;
      }
      const { seq: journalSeq, ...event } = e;
      await strictDb.events.add({ ...toLabelEvent(event), projectId: p.id, journaled: 1, journalSeq });
      added++;
      touched.add(e.docId);
      const list = fresh.get(e.docId);
      if (list) list.push(e);
      else fresh.set(e.docId, [e]);
    }
    let created = 0;
    for (const docId of touched) {
      const rows = journalOrder(await strictDb.events.where('[projectId+docId]').equals([p.id, docId]).toArray());
      const patch = replicatedPatch(rows, fresh.get(docId) ?? [], schema);
      const doc = await strictDb.docs.get([p.id, docId]);
      if (doc) {
        await strictDb.docs.update([p.id, docId], patch);
        continue;
      }
      const text = rows.find((r) => r.text !== undefined)?.text;
      await strictDb.docs.add({
        projectId: p.id,
        id: docId,
        text: text ?? '',
        labels: [],
        isLabeled: 0,
        queueScore: queueScore(p.strategy, docId, undefined, p.task as TaskType),
        ...patch,
        ...(text === undefined ? { missingText: 1 as const } : {}),
      } as DocRow);
      created++;
    }
    const last = page[page.length - 1].seq;
    const row = await strictDb.projects.get(p.id);
    if (row && (row.syncedSeq ?? 0) < last) await strictDb.projects.update(p.id, { syncedSeq: last });
    return { added, created };
  });
}
