/** Sending label events to the backend's journal, one flush (or automatic backup) per project at a time. */
import type { BackupInfo, BackupReason, DistilleryApi } from '../../shared/api';
import { exportInWorker } from './backup-repo';
import { countDocs } from './docs-repo';
import { journalEvent } from './logic';
import { strictDb } from './schema';

const flushing = new Map<string, Promise<unknown>>();

/** Runs `fn` after the project's earlier journal work (flushes, automatic backups), one at a time. */
export function withJournalLock<T>(projectId: string, fn: () => Promise<T>): Promise<T> {
  const prev = flushing.get(projectId) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(fn);
  flushing.set(projectId, next);
  return next;
}

/** The flush itself; only inside withJournalLock. */
async function flushPending(api: DistilleryApi, projectId: string): Promise<number> {
  const pending = await strictDb.events.where('[projectId+journaled]').equals([projectId, 0]).sortBy('seq');
  if (!pending.length) return 0;
  await api.journal.append(projectId, pending.map(journalEvent));
  await strictDb.events.bulkUpdate(pending.map((e) => ({ key: e.seq!, changes: { journaled: 1 as const } })));
  return pending.length;
}

/**
 * Sends the project's not-yet-journaled events to journal.append (flushed by the backend before it
 * resolves) and marks them journaled. Calls are serialised per project; a failure leaves the
 * events pending for the next flush.
 */
export function flushJournal(api: DistilleryApi, projectId: string): Promise<number> {
  return withJournalLock(projectId, () => flushPending(api, projectId));
}

/**
 * An automatic backup: the project's rows as the manual backup writes them (backupProject), saved
 * by the backend in the project folder. Pending journal events are flushed first and no other
 * flush runs until the backend has recorded the journal's length, so that the backup plus the
 * journal from that length on is every label (what restoreAutoBackup relies on).
 */
export function saveAutoBackup(api: DistilleryApi, projectId: string, reason: BackupReason): Promise<BackupInfo> {
  return withJournalLock(projectId, async () => {
    await flushPending(api, projectId);
    const { total, labeled } = await countDocs(projectId);
    const text = await (await exportInWorker(projectId)).text();
    return api.backups.save(projectId, text, { reason, docs: total, labeled });
  });
}

export async function pendingJournal(projectId: string): Promise<number> {
  return strictDb.events.where('[projectId+journaled]').equals([projectId, 0]).count();
}
