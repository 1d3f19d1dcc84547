import { describe, expect, it } from 'vitest';
import { BackupPolicy } from './auto-backup-logic';

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
});
