/** App-wide state: system info, projects, the annotator's name, notifications, start-up checks. */
import { computed, reactive } from 'vue';
import type { ProjectMeta, SystemInfo } from '../../shared/api';
import { DistilleryError } from '../../shared/errors';
import { api, HttpApi } from '../api';
import { checkDatabase, type DbVerdict } from '../db/logic';
import { countDocs, flushJournal, openDatabases, pendingJournal, rollbackPendingImports, saveProject, syncProjects } from '../db/repo';
import type { ProjectRow } from '../db/types';
import { errorText, i18n } from '../i18n';
import { noteLabelEvents } from './auto-backup';
import { route } from './route';

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
  toasts: [] as Toast[],
  /** Projects whose database disagrees with the journal's sentinel. */
  verdicts: {} as Record<string, DbVerdict>,
  dbOpenError: '',
  connected: true,
  journalPending: {} as Record<string, number>,
  /**
   * Projects whose journal append failed because the disk holding the project folder is full (the
   * backend's message). Label writes stop until a journal append works again (writesAllowed).
   */
  diskFull: {} as Record<string, string>,
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
  state.user = name.trim() || 'annotator';
  try {
    localStorage.setItem(USER_KEY, state.user);
  } catch {
    /* ignore */
  }
}

export const currentProject = computed<ProjectRow | undefined>(() => state.projects.find((p) => p.id === route.projectId));

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
  const meta: ProjectMeta = { id: p.id, name: p.name, task: p.task, labels: p.labels, guidelines: p.guidelines, createdAt: p.createdAt, folder: p.folder, ...(p.sample ? { sample: true } : {}) };
  const saved = await api.projects.update(meta);
  const row: ProjectRow = { ...p, ...saved };
  await saveProject(JSON.parse(JSON.stringify(row)) as ProjectRow);
  const i = state.projects.findIndex((x) => x.id === p.id);
  if (i >= 0) state.projects[i] = row;
}

export async function saveLocalProject(p: ProjectRow): Promise<void> {
  await saveProject(JSON.parse(JSON.stringify(p)) as ProjectRow);
  const i = state.projects.findIndex((x) => x.id === p.id);
  if (i >= 0) state.projects[i] = p;
}

export function isDiskFull(e: unknown): boolean {
  return e instanceof DistilleryError && e.code === 'DISK_FULL';
}

/**
 * Sends pending journal events and updates the "not yet journaled" count. A full disk (DISK_FULL)
 * marks the project in state.diskFull (an error banner; label writes stop); a flush that works
 * clears it.
 */
export async function syncJournal(projectId: string): Promise<void> {
  try {
    const n = await flushJournal(api, projectId);
    noteLabelEvents(projectId, n);
    if (state.diskFull[projectId]) {
      delete state.diskFull[projectId];
      const refused = i18n.global.t('app.diskFullRefused');
      state.toasts = state.toasts.filter((x) => x.text !== refused);
      toast('ok', i18n.global.t('app.diskFullCleared', { n }));
    }
  } catch (e) {
    console.warn('journal append failed', e);
    if (isDiskFull(e)) state.diskFull[projectId] = errorText(e);
  }
  state.journalPending[projectId] = await pendingJournal(projectId).catch(() => 0);
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
    let sentinel: { labeledCount: number } | null = null;
    try {
      sentinel = await api.journal.sentinel(p.id);
    } catch (e) {
      console.warn('sentinel unavailable', e);
      continue;
    }
    const have = state.dbOpenError ? null : (state.stats[p.id]?.labeled ?? 0);
    const v = checkDatabase(have, sentinel, state.dbOpenError || undefined);
    if (v.kind === 'ok') delete state.verdicts[p.id];
    else state.verdicts[p.id] = v;
  }
}

/** Strips the one-time token from the address bar once the cookie it was exchanged for works. */
function forgetToken(): void {
  if (typeof location === 'undefined' || !location.search.includes('token=')) return;
  const u = new URL(location.href);
  u.searchParams.delete('token');
  history.replaceState(history.state, '', u.pathname + (u.search === '?' ? '' : u.search) + u.hash);
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
    if (api instanceof HttpApi) api.onConnection = (c) => (state.connected = c);
    if (!state.dbOpenError) await refreshProjects();
    else state.projects = (await api.projects.list()).map((m) => ({ strategy: 'random', ...m }));
    await checkProjects();
    for (const p of state.projects) void syncJournal(p.id);
  } catch (e) {
    state.bootError = errorText(e);
  }
  state.booted = true;
}
