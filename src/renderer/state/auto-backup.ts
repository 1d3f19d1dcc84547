/**
 * Automatic backups of each project's rows into its folder on the backend (saveAutoBackup: the
 * manual backup's dexie-export-import JSON, exported in a worker), the newest few kept there. Made
 * after every AUTO_BACKUP.everyEvents journaled label events (at most one per AUTO_BACKUP.minGapMs),
 * every AUTO_BACKUP.everyMs while labels change, after a pause of AUTO_BACKUP.idleMs in labeling,
 * when the page is hidden or closed, and after every import (BackupQueue: never folded into a
 * backup that started before it). The rebuild dialog offers the latest one beside the journal.
 */
import type { BackupInfo, BackupReason } from '../../shared/api';
import { api } from '../api';
import { saveAutoBackup } from '../db/journal-repo';
import { errorText, i18n } from '../i18n';
import { AUTO_BACKUP, BackupPolicy, BackupQueue } from './auto-backup-logic';
import { isDiskFull, refreshJournalPending, state, syncJournal, toast } from './app';
import { onJournaled } from './journaled';

const policy = new BackupPolicy(AUTO_BACKUP.everyEvents, AUTO_BACKUP.minGapMs);
const queue = new BackupQueue<BackupInfo | undefined>();
/** Projects whose rebuild offer was put off ("Not now"): their database is not backed up over the good backups. */
const paused = new Set<string>();
const idleTimers = new Map<string, ReturnType<typeof setTimeout>>();
let timer: ReturnType<typeof setInterval> | undefined;
let failedShown = false;

/** Journaled label events of a project (syncJournal reports them); a backup follows every N, and after a pause. */
export function noteLabelEvents(projectId: string, n: number): void {
  if (!(n > 0)) return;
  if (policy.note(projectId, n, Date.now())) void autoBackup(projectId, 'labels');
  armIdle(projectId, AUTO_BACKUP.idleMs);
}

onJournaled(noteLabelEvents);

/** A backup once labeling pauses (no sooner than the least gap after the last one). */
function armIdle(projectId: string, ms: number): void {
  clearTimeout(idleTimers.get(projectId));
  idleTimers.set(
    projectId,
    setTimeout(() => {
      idleTimers.delete(projectId);
      if (!policy.pending(projectId)) return;
      const wait = policy.waitFor(projectId, Date.now());
      if (wait > 0) armIdle(projectId, wait);
      else void autoBackup(projectId, 'timer');
    }, ms),
  );
}

/**
 * Backs the project up now (one at a time per project; see BackupQueue for which calls share one).
 * A failure is shown once per session and otherwise logged: labels are safe in IndexedDB and the journal.
 */
export function autoBackup(projectId: string, reason: BackupReason): Promise<BackupInfo | undefined> {
  // A database that disagrees with the journal (wiped, damaged) is not backed up over good backups.
  if (state.dbOpenError || state.verdicts[projectId] || paused.has(projectId)) return Promise.resolve(undefined);
  return queue.run(projectId, reason, async (why) => {
    try {
      const info = await saveAutoBackup(api, projectId, why);
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
      // The backup flushed the journal first: the "not yet journaled" count may have changed.
      void refreshJournalPending(projectId);
    }
  });
}

/** No automatic backups of this project for the rest of the session (its database disagrees with the journal). */
export function pauseAutoBackups(projectId: string): void {
  paused.add(projectId);
}

/**
 * What the page owes before it goes: the events waiting for the journal, and a backup of each
 * project with label events since its last one (one already under way counts). Runs when the page
 * is hidden or left; requests made while it is hidden travel as keepalive requests where small
 * enough (HttpApi). A browser tab that closes does not wait for it (the export reads IndexedDB in
 * a worker); the desktop window does (src/main/close-flush.ts calls it and waits, up to a limit).
 */
export async function flushBeforeLeaving(o: { throttled?: boolean } = {}): Promise<void> {
  if (state.dbOpenError) return;
  await Promise.all(
    Object.entries(state.journalPending)
      .filter(([, n]) => n > 0)
      .map(([id]) => syncJournal(id)),
  );
  const now = Date.now();
  // Hiding a tab again and again while labeling backs up at most once per least gap (a pause catches the rest).
  const due = policy.changed().filter((id) => !o.throttled || policy.waitFor(id, now) === 0);
  const changed = new Set([...due, ...Object.keys(state.journalPending).filter((id) => queue.busy(id))]);
  await Promise.all([...changed].map((id) => queue.current(id) ?? autoBackup(id, 'close')));
}

/** The periodic tick and the leave handlers (once per page). */
export function startAutoBackups(): void {
  if (timer) return;
  timer = setInterval(() => {
    if (state.dbOpenError) return;
    for (const id of policy.changed()) void autoBackup(id, 'timer');
  }, AUTO_BACKUP.everyMs);
  if (typeof document === 'undefined') return;
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void flushBeforeLeaving({ throttled: true });
  });
  addEventListener('pagehide', () => void flushBeforeLeaving());
  // The desktop window waits for this before it closes (close-flush.ts).
  (globalThis as { distilleryBeforeClose?: () => Promise<void> }).distilleryBeforeClose = flushBeforeLeaving;
}
