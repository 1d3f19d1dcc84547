/**
 * When the workbench takes automatic backups (auto-backup.ts), with its I/O faked: saveAutoBackup
 * (Dexie export + backups.save) is a promise the test finishes by hand, and time is vitest's fake
 * clock. What is real: the module's queue, policy and timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackupReason } from '../../shared/api';

const saves: { reason: BackupReason; finish: () => void }[] = [];

vi.mock('../api', () => ({ api: {} }));
vi.mock('../db/journal-repo', () => ({
  saveAutoBackup: (_api: unknown, _projectId: string, reason: BackupReason) =>
    new Promise((resolve) => saves.push({ reason, finish: () => resolve({ name: `b${saves.length}`, reason }) })),
}));
vi.mock('../i18n', () => ({ errorText: String, i18n: { global: { t: (k: string) => k } } }));
vi.mock('./app', () => ({
  state: { dbOpenError: '', verdicts: {}, journalPending: {} },
  isDiskFull: () => false,
  syncJournal: async () => {},
  refreshJournalPending: async () => {},
  toast: () => {},
}));

const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('automatic backups in the workbench', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.resetModules();
    saves.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('an import started while a label-triggered backup runs gets a backup of its own, taken after it', async () => {
    const { autoBackup, noteLabelEvents } = await import('./auto-backup');
    noteLabelEvents('p', 50);
    expect(saves.map((s) => s.reason)).toEqual(['labels']);
    const imported = autoBackup('p', 'import');
    saves[0].finish();
    await settle();
    expect(saves.map((s) => s.reason)).toEqual(['labels', 'import']);
    saves[1].finish();
    expect(await imported).toMatchObject({ reason: 'import' });
  });

  it('a pause in labeling backs up a short session (no sooner than the least gap after the last backup)', async () => {
    const { AUTO_BACKUP } = await import('./auto-backup-logic');
    const { noteLabelEvents } = await import('./auto-backup');
    noteLabelEvents('p', 3);
    await vi.advanceTimersByTimeAsync(AUTO_BACKUP.idleMs - 1000);
    noteLabelEvents('p', 2); // still labeling: the pause starts again
    await vi.advanceTimersByTimeAsync(AUTO_BACKUP.idleMs - 1000);
    expect(saves).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(saves.map((s) => s.reason)).toEqual(['timer']);
    saves[0].finish();
    await settle();
    // Three more labels, then a pause: the next backup waits for the least gap since the last one.
    noteLabelEvents('p', 3);
    await vi.advanceTimersByTimeAsync(AUTO_BACKUP.idleMs);
    expect(saves).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(AUTO_BACKUP.minGapMs - AUTO_BACKUP.idleMs);
    expect(saves.map((s) => s.reason)).toEqual(['timer', 'timer']);
  });

  it('hiding or leaving the page backs up each project with label events since its last backup', async () => {
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    vi.stubGlobal('document', doc);
    vi.stubGlobal('addEventListener', () => {});
    vi.stubGlobal('distilleryBeforeClose', undefined);
    try {
      const { noteLabelEvents, startAutoBackups } = await import('./auto-backup');
      startAutoBackups();
      noteLabelEvents('p', 2);
      doc.visibilityState = 'hidden';
      doc.dispatchEvent(new Event('visibilitychange'));
      await settle();
      expect(saves.map((s) => s.reason)).toEqual(['close']);
      // pagehide right after (a closing tab fires both), and the desktop window's hook: no second backup of the same labels.
      doc.dispatchEvent(new Event('visibilitychange'));
      const hook = (globalThis as { distilleryBeforeClose?: () => Promise<void> }).distilleryBeforeClose!;
      let closed = false;
      void hook().then(() => (closed = true));
      await settle();
      expect(saves).toHaveLength(1);
      // The window closes once the backup is written.
      expect(closed).toBe(false);
      saves[0].finish();
      await vi.waitFor(() => expect(closed).toBe(true));
      // More labels, the tab hidden again within the least gap: no backup yet; the desktop window's close takes one all the same.
      noteLabelEvents('p', 1);
      doc.dispatchEvent(new Event('visibilitychange'));
      await settle();
      expect(saves).toHaveLength(1);
      void hook();
      await settle();
      expect(saves.map((s) => s.reason)).toEqual(['close', 'close']);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
