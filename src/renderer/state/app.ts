/** App-wide state: system info, projects, the annotator's name, notifications, start-up checks. */
import { computed, reactive } from 'vue';
import type { JournalRecovery, JournalSentinel, ProjectMeta, SystemInfo } from '../../shared/api';
import { DistilleryError } from '../../shared/errors';
import type { Principal } from '../../shared/roles';
import { api, HttpApi } from '../api';
import { checkDatabase, type DbVerdict } from '../db/logic';
import { countDocs } from '../db/docs-repo';
import { rollbackPendingImports } from '../db/import-repo';
import { flushJournal, pendingJournal, withJournalLock } from '../db/journal-repo';
import { openDatabases } from '../db/open-databases';
import { patchProject, syncProjects } from '../db/projects-repo';
import type { ProjectRow } from '../db/types';
import { errorText, i18n } from '../i18n';
import { noteJournaled } from './journaled';
import { route } from './route';
import { pullJournal, seedFreshReplica, startSync } from './sync';

export interface Toast {
  id: number;
  kind: 'info' | 'ok' | 'error';
  text: string;
}

export interface ProjectStats {
  total: number;
  labeled: number;
}

const USER_KEY = 'distillery.user';

function storedUser(): string {
  try {
    return localStorage.getItem(USER_KEY) || 'annotator';
  } catch {
    return 'annotator';
  }
}

export const state = reactive({
  booted: false,
  bootError: '',
  info: null as SystemInfo | null,
  projects: [] as ProjectRow[],
  stats: {} as Record<string, ProjectStats>,
  user: storedUser(),
  /** Serve mode: the member whose token this browser holds (team.me); their name is the annotator's. */
  member: null as Principal | null,
  toasts: [] as Toast[],
  /** Projects whose database disagrees with the journal's sentinel. */
  verdicts: {} as Record<string, DbVerdict>,
  dbOpenError: '',
  connected: true,
  journalPending: {} as Record<string, number>,
  /** Why the last journal append of a project failed (cleared when one works). */
  journalError: {} as Record<string, string>,
  /**
   * Projects whose journal append failed because the disk holding the project folder is full (the
   * backend's message). Label writes stop until a journal append works again (writesAllowed).
   */
  diskFull: {} as Record<string, string>,
  /** Repairs of a project's journal (set-aside torn records) this browser has not shown yet. */
  journalRecovered: {} as Record<string, JournalRecovery>,
});

let toastSeq = 0;
export function toast(kind: Toast['kind'], text: string, ms = kind === 'error' ? 12000 : 4000): void {
  const t = { id: ++toastSeq, kind, text };
  // The same message again (e.g. a refused key pressed twice) replaces the one on screen.
  const same = state.toasts.findIndex((x) => x.kind === kind && x.text === text);
  if (same >= 0) state.toasts.splice(same, 1);
  state.toasts.push(t);
  // At most three on screen: the oldest informational ones go first.
  while (state.toasts.length > 3) {
    const i = state.toasts.findIndex((x) => x.kind !== 'error');
    state.toasts.splice(i >= 0 ? i : 0, 1);
  }
  if (ms > 0) setTimeout(() => dismiss(t.id), ms);
}

export function dismiss(id: number): void {
  const i = state.toasts.findIndex((t) => t.id === id);
  if (i >= 0) state.toasts.splice(i, 1);
}

export function toastError(e: unknown): void {
  console.error(e);
  toast('error', errorText(e));
}

export function setUser(name: string): void {
  if (state.member) return; // the name comes from the token
  state.user = name.trim() || 'annotator';
  try {
    localStorage.setItem(USER_KEY, state.user);
  } catch {
    /* ignore */
  }
}

export const currentProject = computed<ProjectRow | undefined>(() =>
  state.projects.find((p) => p.id === route.projectId),
);

export async function refreshStats(projectId: string): Promise<ProjectStats> {
  const s = await countDocs(projectId);
  state.stats[projectId] = s;
  return s;
}

export async function refreshProjects(): Promise<void> {
  const metas = await api.projects.list();
  state.projects = await syncProjects(metas);
  await Promise.all(state.projects.map((p) => refreshStats(p.id).catch(() => undefined)));
}

export async function updateProject(p: ProjectRow): Promise<void> {
  const meta: ProjectMeta = {
    id: p.id,
    name: p.name,
    task: p.task,
    labels: p.labels,
    guidelines: p.guidelines,
    createdAt: p.createdAt,
    folder: p.folder,
    ...(p.sample ? { sample: true } : {}),
    ...(p.overlap ? { overlap: p.overlap } : {}),
  };
  const saved = await api.projects.update(meta);
  await patchLocalProject(p.id, saved);
}

/**
 * Saves some settings of a project (patchProject: only these fields, so concurrent saves of other
 * fields are kept) and shows the stored row. Values are copied out of Vue's proxies; an undefined
 * value removes the field.
 */
export async function patchLocalProject(id: string, changes: Partial<ProjectRow>): Promise<void> {
  const plain = Object.fromEntries(
    Object.entries(changes).map(([k, v]) => [
      k,
      v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown),
    ]),
  );
  const row = await patchProject(id, plain as Partial<ProjectRow>);
  const i = state.projects.findIndex((x) => x.id === id);
  if (i >= 0 && row) state.projects[i] = row;
}

export function isDiskFull(e: unknown): boolean {
  return e instanceof DistilleryError && e.code === 'DISK_FULL';
}

/** Retries of a failed journal append while events wait (the server may be up again without a word). */
export const JOURNAL_RETRY = { firstMs: 2000, maxMs: 30_000 } as const;
const retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
const retryDelays = new Map<string, number>();

/**
 * Sends pending journal events and updates the "not yet journaled" count. While events wait after a
 * failed append, it tries again by itself (JOURNAL_RETRY, doubling), so the banner goes once they
 * are journaled without another label or a click. A full disk (DISK_FULL) instead marks the
 * project in state.diskFull (an error banner; label writes stop; Retry or the next label tries
 * again); a flush that works clears it.
 */
export async function syncJournal(projectId: string): Promise<void> {
  try {
    const n = await flushJournal(api, projectId);
    delete state.journalError[projectId];
    noteJournaled(projectId, n);
    if (state.diskFull[projectId]) {
      delete state.diskFull[projectId];
      const refused = i18n.global.t('app.diskFullRefused');
      state.toasts = state.toasts.filter((x) => x.text !== refused);
      toast('ok', i18n.global.t('app.diskFullCleared', { n }));
    }
  } catch (e) {
    console.warn('journal append failed', e);
    state.journalError[projectId] = errorText(e);
    if (isDiskFull(e)) state.diskFull[projectId] = errorText(e);
  }
  await refreshJournalPending(projectId);
}

/**
 * Recounts the project's events not yet journaled, after the journal work queued before (flushes,
 * automatic backups, which flush too), and schedules a retry while some wait.
 */
export async function refreshJournalPending(projectId: string): Promise<void> {
  const n = await withJournalLock(projectId, () => pendingJournal(projectId)).catch(() => 0);
  state.journalPending[projectId] = n;
  const timer = retryTimers.get(projectId);
  if (n === 0 || state.diskFull[projectId]) {
    if (timer) clearTimeout(timer);
    retryTimers.delete(projectId);
    retryDelays.delete(projectId);
    return;
  }
  if (timer) return;
  const delay = retryDelays.get(projectId) ?? JOURNAL_RETRY.firstMs;
  retryDelays.set(projectId, Math.min(JOURNAL_RETRY.maxMs, delay * 2));
  retryTimers.set(
    projectId,
    setTimeout(() => {
      retryTimers.delete(projectId);
      void syncJournal(projectId);
    }, delay),
  );
}

/**
 * Whether a label write may go ahead. After a full disk it first retries the journal (space may
 * have been freed); while the disk is still full the write is refused with an error, so that no
 * label piles up unjournaled. Every label written before stays, in IndexedDB and (once space is
 * back) in the journal.
 */
export async function writesAllowed(projectId: string): Promise<boolean> {
  if (!state.diskFull[projectId]) return true;
  await syncJournal(projectId);
  if (!state.diskFull[projectId]) return true;
  toast('error', i18n.global.t('app.diskFullRefused'));
  return false;
}

/** Compares each project's label count with the journal's sentinel (kept outside IndexedDB). */
export async function checkProjects(): Promise<void> {
  for (const p of state.projects) {
    let sentinel: JournalSentinel | null = null;
    try {
      sentinel = await api.journal.sentinel(p.id);
    } catch (e) {
      console.warn('sentinel unavailable', e);
      continue;
    }
    const r = sentinel?.recovery;
    if (r && !recoverySeen(p.id, r)) state.journalRecovered[p.id] = r;
    const have = state.dbOpenError ? null : (state.stats[p.id]?.labeled ?? 0);
    const v = checkDatabase(have, sentinel, state.dbOpenError || undefined);
    if (v.kind === 'ok') delete state.verdicts[p.id];
    else state.verdicts[p.id] = v;
  }
}

const RECOVERY_SEEN_KEY = (projectId: string) => `distillery.journalRecoverySeen.${projectId}`;

function recoverySeen(projectId: string, r: JournalRecovery): boolean {
  try {
    return localStorage.getItem(RECOVERY_SEEN_KEY(projectId)) === r.at;
  } catch {
    return false;
  }
}

/** The journal-repair notice was read: this browser does not show that repair again. */
export function dismissJournalRecovery(projectId: string): void {
  const r = state.journalRecovered[projectId];
  if (!r) return;
  delete state.journalRecovered[projectId];
  try {
    localStorage.setItem(RECOVERY_SEEN_KEY(projectId), r.at);
  } catch {
    /* ignore */
  }
}

/** Strips the one-time token from the address bar once the cookie it was exchanged for works. */
function forgetToken(): void {
  if (typeof location === 'undefined' || !location.search.includes('token=')) return;
  const u = new URL(location.href);
  u.searchParams.delete('token');
  history.replaceState(history.state, '', u.pathname + (u.search === '?' ? '' : u.search) + u.hash);
}

/** Sends the project's queued events, then pulls what others journaled (the order a reconnect needs). */
async function catchUp(projectId: string): Promise<void> {
  await syncJournal(projectId);
  await pullJournal(projectId).catch((e: unknown) => console.warn('journal pull failed', e));
}

export async function boot(): Promise<void> {
  try {
    await openDatabases();
    await rollbackPendingImports();
  } catch (e) {
    state.dbOpenError = errorText(e);
  }
  try {
    state.info = await api.system.info();
    forgetToken();
    if (state.info.mode === 'serve') {
      state.member = await api.team.me();
      state.user = state.member.name;
    }
    if (api instanceof HttpApi) {
      api.onConnection = (c) => {
        state.connected = c;
        // Back in touch with the server: what waits goes now, then what others journaled meanwhile comes.
        if (c) for (const p of state.projects) void catchUp(p.id);
      };
    }
    if (!state.dbOpenError) {
      await refreshProjects();
      // A browser new to a project takes it from the server (state/sync.ts) before the check below.
      // A replica that knows where it is in the journal catches up first: behind is not damaged.
      let pulled = false;
      for (const p of state.projects) {
        if (p.syncedSeq !== undefined) await catchUp(p.id);
        pulled =
          p.syncedSeq !== undefined ||
          (await seedFreshReplica(p.id).catch((e: unknown) => (console.warn('replica seed failed', e), false))) ||
          pulled;
      }
      if (pulled) await refreshProjects();
    } else state.projects = (await api.projects.list()).map((m) => ({ strategy: 'random', ...m }));
    await checkProjects();
    startSync({
      blocked: (id) => !!state.dbOpenError || !!state.verdicts[id],
      applied: (id) => void refreshStats(id).catch(() => undefined),
    });
    for (const p of state.projects) void catchUp(p.id);
  } catch (e) {
    state.bootError = errorText(e);
  }
  state.booted = true;
}
