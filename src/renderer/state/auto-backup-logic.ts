/**
 * When to make an automatic backup (pure, no timers): after every `everyEvents` label events of a
 * project (but not within `minGapMs` of its previous backup: a large project's export takes
 * seconds), on the periodic tick when the project had label events since its last backup, after a
 * pause in labeling (`idleMs`), when the page is hidden or closed, and after an import (the caller
 * asks directly; never throttled). Counts are in memory: a reload starts from zero, and the journal
 * holds every label meanwhile.
 */
import type { BackupReason } from '../../shared/api';

export const AUTO_BACKUP = {
  /** Label events (journaled) that trigger a backup at once. */
  everyEvents: 50,
  /** Least time between two label-triggered backups of a project. */
  minGapMs: 2 * 60_000,
  /** The periodic tick: projects with label events since their last backup are backed up. */
  everyMs: 5 * 60_000,
  /** A pause in labeling this long backs up what changed (so a short session is not left out). */
  idleMs: 60_000,
} as const;

export class BackupPolicy {
  private readonly since = new Map<string, number>();
  private readonly last = new Map<string, number>();

  constructor(
    private readonly everyEvents: number = AUTO_BACKUP.everyEvents,
    private readonly minGapMs: number = AUTO_BACKUP.minGapMs,
  ) {}

  /** Records `n` label events at `now` (ms); true when the project is due a backup now. */
  note(projectId: string, n: number, now: number): boolean {
    if (!(n > 0)) return false;
    const c = (this.since.get(projectId) ?? 0) + n;
    this.since.set(projectId, c);
    const last = this.last.get(projectId);
    return c >= this.everyEvents && (last === undefined || now - last >= this.minGapMs);
  }

  /** Label events since the project's last backup. */
  pending(projectId: string): number {
    return this.since.get(projectId) ?? 0;
  }

  /** Projects with label events since their last backup (for the periodic tick). */
  changed(): string[] {
    return [...this.since.entries()].filter(([, c]) => c > 0).map(([id]) => id);
  }

  /** Milliseconds until the least gap after the project's last backup has passed (0: now). */
  waitFor(projectId: string, now: number): number {
    const last = this.last.get(projectId);
    return last === undefined ? 0 : Math.max(0, last + this.minGapMs - now);
  }

  /** A backup failed at `now`: the events stay counted; the next label-triggered try waits the gap. */
  failed(projectId: string, now: number): void {
    this.last.set(projectId, now);
  }

  /** A backup of the project was taken at `now` with these many events counted (later ones stay counted). */
  taken(projectId: string, counted: number, now: number): void {
    this.last.set(projectId, now);
    const rest = Math.max(0, (this.since.get(projectId) ?? 0) - counted);
    if (rest) this.since.set(projectId, rest);
    else this.since.delete(projectId);
  }
}

/** Why a backup is made, strongest first: what a waiting backup is recorded as when several ask for it. */
const STRENGTH: readonly BackupReason[] = ['import', 'close', 'labels', 'timer'];

/**
 * One automatic backup at a time per project. 'labels' and 'timer' may share the backup that is
 * running: it has (nearly) what they count. An import or a close needs a backup that starts after
 * it, so it waits for the running one and then takes its own, shared only with calls that come
 * while it waits (it starts after them too). The import of 117,000 rows once got none: it was
 * handed a backup that had started before the import finished.
 */
export class BackupQueue<T> {
  private readonly running = new Map<string, Promise<T>>();
  private readonly waiting = new Map<string, { reason: BackupReason; done: Promise<T> }>();

  /** Whether a backup of the project is running or waiting to run. */
  busy(projectId: string): boolean {
    return this.running.has(projectId) || this.waiting.has(projectId);
  }

  /** The backup of the project that runs or waits (the later one), if any. */
  current(projectId: string): Promise<T> | undefined {
    return this.waiting.get(projectId)?.done ?? this.running.get(projectId);
  }

  run(projectId: string, reason: BackupReason, take: (reason: BackupReason) => Promise<T>): Promise<T> {
    const w = this.waiting.get(projectId);
    if (w) {
      if (STRENGTH.indexOf(reason) < STRENGTH.indexOf(w.reason)) w.reason = reason;
      return w.done;
    }
    const r = this.running.get(projectId);
    if (r && (reason === 'labels' || reason === 'timer')) return r;
    const start = (why: BackupReason): Promise<T> => {
      const p = take(why);
      this.running.set(projectId, p);
      const clear = () => {
        if (this.running.get(projectId) === p) this.running.delete(projectId);
      };
      p.then(clear, clear);
      return p;
    };
    if (!r) return start(reason);
    const entry = { reason, done: undefined as unknown as Promise<T> };
    entry.done = r
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.waiting.delete(projectId);
        return start(entry.reason);
      });
    this.waiting.set(projectId, entry);
    return entry.done;
  }
}
