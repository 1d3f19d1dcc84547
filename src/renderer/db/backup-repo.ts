/** Backup and restore of one project's rows (dexie-export-import), manual and automatic. */
import { importInto, peakImportFile } from 'dexie-export-import';
import type { BackupInfo, DistilleryApi } from '../../shared/api';
import { exportProject } from './project-export';
import { noteSynced, replayJournalTail } from './rebuild-repo';
import { strictDb } from './schema';
import type { ProjectRow } from './types';

/** One project's rows as a dexie-export-import JSON blob. */
export async function backupProject(projectId: string): Promise<Blob> {
  return exportProject(strictDb, projectId);
}

/**
 * The same export in a dedicated worker (db/backup-worker.ts), off the page's thread; on the page
 * where workers are not available or the worker fails.
 */
export async function exportInWorker(projectId: string): Promise<Blob> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./backup-worker.ts', import.meta.url), { type: 'module' });
  } catch (e) {
    console.warn('backup worker unavailable; exporting on the page', e);
    return backupProject(projectId);
  }
  try {
    return await new Promise<Blob>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<{ ok: true; blob: Blob } | { ok: false; error: string }>) =>
        e.data.ok ? resolve(e.data.blob) : reject(new Error(e.data.error));
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message || 'the backup worker failed to start'));
      };
      worker.postMessage({ projectId });
    });
  } catch (e) {
    console.warn('backup worker failed; exporting on the page', e);
    return backupProject(projectId);
  } finally {
    worker.terminate();
  }
}

/** Checks that a file is a backup of this database (before anything is cleared). */
export async function checkBackup(blob: Blob): Promise<void> {
  let meta: Awaited<ReturnType<typeof peakImportFile>>;
  try {
    meta = await peakImportFile(blob);
  } catch (e) {
    throw new Error(`not a Distillery backup: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (meta.formatName !== 'dexie' || meta.data.databaseName !== strictDb.name)
    throw new Error(`not a Distillery backup (database "${meta.data.databaseName}")`);
}

/** Restores a backup: rows are put over the current ones (other projects untouched). */
export async function restoreBackup(blob: Blob): Promise<void> {
  await importInto(strictDb, blob, {
    overwriteValues: true,
    acceptVersionDiff: true,
    acceptMissingTables: true,
    chunkSizeBytes: 4 * 1024 * 1024,
  });
}

/** Deletes a project's local rows (documents, events, jobs) — used before restoring a backup over it. */
export async function clearProjectRows(projectId: string): Promise<void> {
  await strictDb.transaction('rw', strictDb.docs, strictDb.events, strictDb.jobs, async () => {
    await strictDb.docs.where('projectId').equals(projectId).delete();
    await strictDb.events.where('projectId').equals(projectId).delete();
    await strictDb.jobs.where('projectId').equals(projectId).delete();
  });
}

/**
 * Restores an automatic backup (saveAutoBackup) over the project's rows, then replays the journal
 * events written since it was made: the labels of the backup's moment plus every later one. The
 * backup and the journal are read before anything is cleared.
 */
export async function restoreAutoBackup(
  api: DistilleryApi,
  p: Pick<ProjectRow, 'id' | 'task' | 'labels' | 'strategy'>,
  b: Pick<BackupInfo, 'name' | 'journalEvents'>,
): Promise<{ restored: number; created: number; replayed: number }> {
  const blob = new Blob([await api.backups.read(p.id, b.name)], { type: 'application/json' });
  await checkBackup(blob);
  const events = await api.journal.read(p.id);
  await clearProjectRows(p.id);
  await restoreBackup(blob);
  const tail = events.slice(Math.max(0, b.journalEvents));
  const r = tail.length ? await replayJournalTail(p, tail) : { restored: 0, created: 0 };
  await noteSynced(p.id, events.length);
  return { ...r, replayed: tail.length };
}
