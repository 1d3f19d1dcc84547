/**
 * This browser's database as a replica of each project's shared journal (issue 10 item 1). The host
 * numbers journal events (seq); the project row keeps `syncedSeq`, the last one applied here. A pull
 * asks `journal.since(syncedSeq)` page by page and applies what this replica lacks (db/replica-repo.ts
 * applyReplicated: known events, its own included, are recognised by id). Pulls run at start-up, on
 * every journal news the transport pushes (anyone's append), and after a reconnect (once the
 * events queued offline were sent). The transport does not matter: `api.journal.subscribe` is the
 * same on IPC and WebSocket.
 *
 * A fresh browser (it never held the project, its database has none of its documents) first takes the
 * documents from the project's latest automatic backup, then the events journaled since that backup.
 * A database that held the project and lost it (wiped, damaged) is not refilled silently: the
 * rebuild dialog asks first (`blocked`), as before.
 */
import { reactive } from 'vue';
import { api } from '../api';
import { checkBackup, restoreBackup } from '../db/backup-repo';
import { countDocs } from '../db/docs-repo';
import { getProject, patchProject } from '../db/projects-repo';
import { applyReplicated } from '../db/replica-repo';

/** Replicated events applied per project this session (views watch it to reload what they show). */
export const replica = reactive({ applied: {} as Record<string, number> });

const KNOWN_KEY = (projectId: string) => `distillery.replica.${projectId}`;

function heldBefore(projectId: string): boolean {
  try {
    return localStorage.getItem(KNOWN_KEY(projectId)) === '1';
  } catch {
    return false;
  }
}

function noteHeld(projectId: string): void {
  try {
    localStorage.setItem(KNOWN_KEY(projectId), '1');
  } catch {
    /* ignore */
  }
}

const running = new Map<string, Promise<void>>();
const again = new Set<string>();
let hooks: { blocked(projectId: string): boolean; applied(projectId: string, added: number): void } = {
  blocked: () => false,
  applied: () => {},
};

/**
 * Pulls the project's journal events this replica lacks. One pull per project at a time; asked again
 * while one runs, it runs once more after it (news may have come mid-page).
 */
export function pullJournal(projectId: string): Promise<void> {
  if (hooks.blocked(projectId)) return Promise.resolve();
  const current = running.get(projectId);
  if (current) {
    again.add(projectId);
    return current;
  }
  const run = (async () => {
    do {
      again.delete(projectId);
      await pullPages(projectId);
    } while (again.has(projectId));
  })().finally(() => running.delete(projectId));
  running.set(projectId, run);
  return run;
}

async function pullPages(projectId: string): Promise<void> {
  for (;;) {
    const p = await getProject(projectId);
    if (!p) return;
    const page = await api.journal.since(projectId, p.syncedSeq ?? 0);
    noteHeld(projectId);
    if (page.events.length) {
      const r = await applyReplicated(p, page.events);
      replica.applied[projectId] = (replica.applied[projectId] ?? 0) + r.added;
      hooks.applied(projectId, r.added);
    }
    if (!page.more || !page.events.length) return;
  }
}

/**
 * A browser that never held the project and has none of its documents: fills it from the latest
 * automatic backup (where there is one), then pulls the events since. Returns whether it did.
 */
export async function seedFreshReplica(projectId: string): Promise<boolean> {
  if (heldBefore(projectId)) return false;
  const p = await getProject(projectId);
  if (!p || p.syncedSeq !== undefined || (await countDocs(projectId)).total > 0) return false;
  const [latest] = await api.backups.list(projectId);
  if (latest) {
    const blob = new Blob([await api.backups.read(projectId, latest.name)], { type: 'application/json' });
    await checkBackup(blob);
    await restoreBackup(blob);
    // The backup holds the journal's first `journalEvents` events (flushed before it was taken).
    await patchProject(projectId, { syncedSeq: latest.journalEvents });
  }
  await pullJournal(projectId);
  return true;
}

/**
 * Listens for journal news (once per page). `blocked`: projects not to pull now (their database
 * disagrees with the journal: the rebuild dialog decides); `applied`: told after events were applied.
 */
export function startSync(o: typeof hooks): () => void {
  hooks = o;
  return api.journal.subscribe((n) => {
    void pullJournal(n.projectId).catch((e: unknown) => console.warn('journal pull failed', e));
  });
}
