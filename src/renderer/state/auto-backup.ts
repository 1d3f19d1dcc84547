/**
 * Automatic backups of each project's rows into its folder on the backend (saveAutoBackup: the
 * manual backup's dexie-export-import JSON, exported in a worker), the newest few kept there. Made
 * after every AUTO_BACKUP.everyEvents journaled label events (at most one per AUTO_BACKUP.minGapMs),
 * every AUTO_BACKUP.everyMs while labels change, and after an import. The rebuild dialog offers
 * the latest one beside the journal.
 */
import type { BackupInfo, BackupReason } from '../../shared/api';
import { api } from '../api';
import { saveAutoBackup } from '../db/repo';
import { errorText, i18n } from '../i18n';
import { AUTO_BACKUP, BackupPolicy } from './auto-backup-logic';
import { isDiskFull, state, syncJournal, toast } from './app';

const policy = new BackupPolicy(AUTO_BACKUP.everyEvents, AUTO_BACKUP.minGapMs);
const running = new Map<string, Promise<BackupInfo | undefined>>();
/** Projects whose rebuild offer was put off ("Not now"): their database is not backed up over the good backups. */
const paused = new Set<string>();
let timer: ReturnType<typeof setInterval> | undefined;
let failedShown = false;

/** Journaled label events of a project (syncJournal reports them); a backup follows every N. */
export function noteLabelEvents(projectId: string, n: number): void {
  if (policy.note(projectId, n, Date.now())) void autoBackup(projectId, 'labels');
}

/**
 * Backs the project up now (one at a time per project: a call while one runs gets that one). A
 * failure is shown once per session and otherwise logged: labels are safe in IndexedDB and the journal.
 */
export function autoBackup(projectId: string, reason: BackupReason): Promise<BackupInfo | undefined> {
  const busy = running.get(projectId);
  if (busy) return busy;
  // A database that disagrees with the journal (wiped, damaged) is not backed up over good backups.
  if (state.dbOpenError || state.verdicts[projectId] || paused.has(projectId)) return Promise.resolve(undefined);
  const job = (async () => {
    try {
      const info = await saveAutoBackup(api, projectId, reason);
      // Every event counted so far was journaled before the backup was taken (flushes are serialised with it).
      policy.taken(projectId, policy.pending(projectId), Date.now());
      return info;
    } catch (e) {
      policy.failed(projectId, Date.now());
      console.warn('automatic backup failed', e);
      // A full disk: if it stopped the journal too, syncJournal raises the disk-full banner.
      if (isDiskFull(e)) void syncJournal(projectId);
      if (!failedShown) {
        failedShown = true;
        toast('error', i18n.global.t('app.autoBackupFailed', { message: errorText(e) }));
      }
      return undefined;
    } finally {
      running.delete(projectId);
    }
  })();
  running.set(projectId, job);
  return job;
}

/** No automatic backups of this project for the rest of the session (its database disagrees with the journal). */
export function pauseAutoBackups(projectId: string): void {
  paused.add(projectId);
}

/** The periodic tick (once per page). */
export function startAutoBackups(): void {
  if (timer) return;
  timer = setInterval(() => {
    if (state.dbOpenError) return;
    for (const id of policy.changed()) void autoBackup(id, 'timer');
  }, AUTO_BACKUP.everyMs);
}
