/**
 * When to make an automatic backup (pure, no timers): after every `everyEvents` label events of a
 * project (but not within `minGapMs` of its previous backup: a large project's export takes
 * seconds), on the periodic tick when the project had label events since its last backup, and
 * after an import (the caller asks directly). Counts are in memory: a reload starts from zero, and
 * the journal holds every label meanwhile.
 */
export const AUTO_BACKUP = {
  /** Label events (journaled) that trigger a backup at once. */
  everyEvents: 50,
  /** Least time between two label-triggered backups of a project. */
  minGapMs: 2 * 60_000,
  /** The periodic tick: projects with label events since their last backup are backed up. */
  everyMs: 5 * 60_000,
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
