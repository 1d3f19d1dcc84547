/**
 * The DistilleryApi (src/shared/api.ts) on top of the host services: projects, journal, automatic
 * backups and exports on disk, compute in the worker process (jobs, corpus parsing, model export). One composition
 * function, `createBackend`, used by `distillery serve` (HTTP/WebSocket) and by Electron's main
 * process (IPC): both hand each call to `dispatch`, which only knows the calls listed in API_CALLS.
 *
 * Node only, never electron (eslint.config.js).
 */
import path from 'node:path';
import type { ApiCall, BackupInfo, BackupReason, DistilleryApi, JobStatus, ParseCorpusRequest, ParsedCorpus, SystemInfo } from '../../shared/api';
import { DistilleryError } from '../../shared/errors';
import { Backups } from './backups';
import { Exports } from './exports';
import { nodeFs, type HostFs } from './fs-util';
import { forkWorker, JobRouter, type WorkerLauncher } from './job-router';
import { Journal } from './journal';
import { ProjectStore } from './project-store';

export const VERSION = '0.1.0';

/** DistilleryApi without `jobs.subscribe` (events travel separately: WebSocket, IPC events). */
export type HostApi = { [G in keyof DistilleryApi]: Omit<DistilleryApi[G], 'subscribe'> };

export interface Backend extends HostApi {
  readonly store: ProjectStore;
  readonly router: JobRouter;
  readonly journalService: Journal;
  /**
   * corpus.parse and backups.save on a file the host already holds (serve mode streams large
   * uploads to disk). Host code only: `dispatch` never reaches these, so no client names a path.
   */
  readonly fromFile: {
    parseCorpus(r: Omit<ParseCorpusRequest, 'base64'>, file: string): Promise<ParsedCorpus>;
    saveBackup(projectId: string, file: string, meta: { reason: BackupReason; docs: number; labeled: number }): Promise<BackupInfo>;
  };
  /** Every job status change: queued, each progress step, done/failed/cancelled. */
  subscribe(listener: (s: JobStatus) => void): () => void;
  dispose(): Promise<void>;
}

export interface BackendOptions {
  /** Folder holding one folder per project. */
  root: string;
  mode: SystemInfo['mode'];
  /** How to start the worker (default: a Node child process). */
  launcher?: WorkerLauncher;
  /** Serve mode: URL that downloads `<project>/exports/<name>`. */
  downloadUrl?(projectId: string, name: string): string;
  fs?: HostFs;
  log?(message: string): void;
  /** Locale of this machine (default: from Intl). */
  locale?: string;
  /** Automatic backups kept per project (default 5). */
  keepBackups?: number;
}

/** Every call on the wire, "<group>.<method>"; `satisfies` keeps it complete and exact. */
export const API_CALLS = [
  'system.info',
  'projects.list',
  'projects.create',
  'projects.update',
  'corpus.parse',
  'jobs.start',
  'jobs.cancel',
  'jobs.status',
  'journal.append',
  'journal.read',
  'journal.sentinel',
  'exports.dataset',
  'exports.model',
  'exports.list',
  'backups.save',
  'backups.list',
  'backups.read',
] as const satisfies readonly ApiCall[];
type Missing = Exclude<ApiCall, (typeof API_CALLS)[number]>;
const complete: Missing extends never ? true : Missing = true;
void complete;

export function createBackend(o: BackendOptions): Backend {
  const fs = o.fs ?? nodeFs;
  const store = new ProjectStore(path.resolve(o.root), fs);
  const folderOf = (id: string) => store.folder(id);
  const router = new JobRouter({ launcher: o.launcher ?? forkWorker(), folderOf, log: o.log });
  const journal = new Journal(folderOf, fs, o.log);
  const backups = new Backups({ folderOf, journalEvents: (id) => journal.eventCount(id), fs, keep: o.keepBackups });
  const exportsService = new Exports({
    project: (id) => store.get(id),
    exportModel: (p) => router.call('export-model', p),
    downloadUrl: o.downloadUrl,
    fs,
  });
  let backendName: Promise<string> | undefined;

  return {
    store,
    router,
    journalService: journal,
    fromFile: {
      parseCorpus: (r, file) => router.call('parse-corpus-file', { request: r, file }),
      saveBackup: (projectId, file, meta) => backups.saveFile(projectId, file, meta),
    },
    system: {
      async info(): Promise<SystemInfo> {
        backendName ??= router.call('info', {}, 120_000).then(
          (r) => r.backend,
          (e) => {
            backendName = undefined;
            throw e;
          },
        );
        return {
          version: VERSION,
          mode: o.mode,
          backend: await backendName,
          locale: o.locale ?? systemLocale(),
          separateDatabase: o.mode === 'serve',
        };
      },
    },
    projects: {
      list: () => store.list(),
      create: (p) => store.create(p),
      update: (p) => store.update(p),
    },
    corpus: {
      parse: (r) => {
        if (!r || typeof r !== 'object' || typeof r.base64 !== 'string' || typeof r.fileName !== 'string') {
          return Promise.reject(new DistilleryError('CONFIG', 'corpus.parse needs {fileName, base64}', { field: 'base64' }));
        }
        return router.call('parse-corpus', r);
      },
    },
    jobs: {
      start: (r) => router.start(r),
      cancel: (id) => router.cancel(id),
      status: async (id) => router.status(id),
    },
    journal: {
      append: (projectId, events) => journal.append(projectId, events),
      read: (projectId) => journal.read(projectId),
      sentinel: (projectId) => journal.sentinel(projectId),
    },
    exports: {
      dataset: (r) => exportsService.dataset(r),
      model: (projectId, version, format) => exportsService.model(projectId, version, format),
      list: (projectId) => exportsService.list(projectId),
    },
    backups: {
      save: (projectId, data, meta) => backups.save(projectId, data, meta),
      list: (projectId) => backups.list(projectId),
      read: (projectId, name) => backups.read(projectId, name),
    },
    subscribe: (l) => router.subscribe(l),
    dispose: () => router.dispose(),
  };
}

export function isApiCall(call: unknown): call is ApiCall {
  return typeof call === 'string' && (API_CALLS as readonly string[]).includes(call);
}

/** Runs one wire call: `call` from API_CALLS, `args` its argument list. */
export async function dispatch(backend: HostApi, call: string, args: unknown): Promise<unknown> {
  if (!isApiCall(call)) throw new DistilleryError('NOT_FOUND', `unknown API call "${String(call).slice(0, 100)}"`, { field: 'call' });
  if (!Array.isArray(args)) throw new DistilleryError('CONFIG', `${call}: the arguments must be a JSON array`, { field: 'args' });
  const [group, method] = call.split('.') as [keyof HostApi, string];
  const fn = (backend[group] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
  return fn(...args);
}

function systemLocale(): string {
  const l = Intl.DateTimeFormat().resolvedOptions().locale || process.env.LANG || '';
  return /^zh/i.test(l) ? 'zh-CN' : 'en';
}
