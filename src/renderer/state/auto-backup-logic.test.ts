import { describe, expect, it } from 'vitest';
import type { BackupReason } from '../../shared/api';
import { BackupPolicy, BackupQueue } from './auto-backup-logic';

describe('automatic backup policy', () => {
  it('is due after every N label events of a project, counted per project', () => {
    const p = new BackupPolicy(5, 0);
    expect(p.note('a', 3, 0)).toBe(false);
    expect(p.note('b', 4, 0)).toBe(false);
    expect(p.note('a', 0, 0)).toBe(false);
    expect(p.note('a', 2, 0)).toBe(true);
    expect(p.changed().sort()).toEqual(['a', 'b']);
    p.taken('a', 5, 0);
    expect(p.pending('a')).toBe(0);
    expect(p.changed()).toEqual(['b']);
    expect(p.note('b', 1, 0)).toBe(true);
  });

  it('keeps events that came in while a backup was being made', () => {
    const p = new BackupPolicy(5, 0);
    p.note('a', 6, 0);
    const counted = p.pending('a');
    p.note('a', 2, 0);
    p.taken('a', counted, 0);
    expect(p.pending('a')).toBe(2);
    expect(p.changed()).toEqual(['a']);
    p.taken('a', 10, 0);
    expect(p.changed()).toEqual([]);
  });

  it('waits the least gap after a backup before the next label-triggered one (the tick still sees the events)', () => {
    const p = new BackupPolicy(5, 1000);
    expect(p.note('a', 5, 0)).toBe(true);
    p.taken('a', 5, 100);
    expect(p.note('a', 7, 600)).toBe(false);
    expect(p.changed()).toEqual(['a']);
    expect(p.note('a', 1, 1100)).toBe(true);
    // A failed backup is not retried at every label either.
    p.failed('a', 1200);
    expect(p.note('a', 1, 1300)).toBe(false);
    expect(p.pending('a')).toBe(9);
  });

  it('says how long until the least gap after the last backup has passed', () => {
    const p = new BackupPolicy(5, 1000);
    expect(p.waitFor('a', 0)).toBe(0);
    p.taken('a', 0, 100);
    expect(p.waitFor('a', 600)).toBe(500);
    expect(p.waitFor('a', 1100)).toBe(0);
  });
});

/** A backup that finishes when the test says (what BackupQueue runs), with a log of when each started and what it saw. */
function slowBackups() {
  const started: { reason: BackupReason; sawRows: number; finish: () => void }[] = [];
  let rows = 0;
  const take = (reason: BackupReason) =>
    new Promise<string>((resolve) => {
      const n = started.length;
      const seen = rows;
      started.push({ reason, sawRows: seen, finish: () => resolve(`backup ${n} (${reason}, ${seen} rows)`) });
    });
  return { started, take, setRows: (n: number) => (rows = n) };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('automatic backup queue', () => {
  it('an import gets a backup of its own that starts after it, even while a label-triggered one runs (the 117,000-row import that got none)', async () => {
    const q = new BackupQueue<string>();
    const b = slowBackups();
    // 50 labels: a backup starts; then the import's rows land while it runs.
    const labels = q.run('p', 'labels', b.take);
    b.setRows(117_000);
    const imported = q.run('p', 'import', b.take);
    expect(b.started).toHaveLength(1);
    b.started[0].finish();
    expect(await labels).toBe('backup 0 (labels, 0 rows)');
    await tick();
    expect(b.started.map((s) => [s.reason, s.sawRows])).toEqual([
      ['labels', 0],
      ['import', 117_000],
    ]);
    b.started[1].finish();
    expect(await imported).toBe('backup 1 (import, 117000 rows)');
    expect(q.busy('p')).toBe(false);
  });

  it('label and timer backups share the one running; calls while one waits share that one, recorded as the strongest reason', async () => {
    const q = new BackupQueue<string>();
    const b = slowBackups();
    const first = q.run('p', 'timer', b.take);
    expect(q.run('p', 'labels', b.take)).toBe(first);
    const close = q.run('p', 'close', b.take);
    const imported = q.run('p', 'import', b.take);
    expect(q.run('p', 'labels', b.take)).toBe(imported);
    expect(imported).toBe(close);
    // Another project is not held up.
    void q.run('other', 'labels', b.take);
    expect(b.started.map((s) => s.reason)).toEqual(['timer', 'labels']);
    b.started[0].finish();
    await first;
    await tick();
    expect(b.started.map((s) => s.reason)).toEqual(['timer', 'labels', 'import']);
    b.started[2].finish();
    expect(await close).toBe('backup 2 (import, 0 rows)');
  });

  it('a failed backup does not stop the next one', async () => {
    const q = new BackupQueue<string>();
    let fail = true;
    const take = async (r: BackupReason) => {
      if (fail) throw new Error('disk full');
      return r;
    };
    const failing = q.run('p', 'labels', take);
    fail = false;
    const imported = q.run('p', 'import', take);
    await expect(failing).rejects.toThrow('disk full');
    expect(await imported).toBe('import');
    expect(q.busy('p')).toBe(false);
  });
});
