/**
 * The DistilleryApi (src/shared/api.ts) on top of the host services: projects, journal, automatic
 * backups and exports on disk, compute in the worker process (jobs, corpus parsing, model export). One composition
 * function, `createBackend`, used by `distillery serve` (HTTP/WebSocket) and by Electron's main
 * process (IPC): both hand each call to `dispatch`, which only knows the calls of the call table
 * (API_TABLE in src/shared/api.ts). The compiler holds createBackend to that table: a call added
 * there and not implemented here (or, for a call that takes a file, in `fromFile`) does not build.
 *
 * Node only, never electron (eslint.config.js).
 */
import path from 'node:path';
import type {
  CallArgs,
  CallResult,
  Grouped,
  HostApi,
  JobStatus,
  JournalNews,
  ParseCorpusRequest,
  SystemInfo,
  UploadCall,
} from '../shared/api';
import { callByName, isApiCall } from '../shared/api-calls';
import { DistilleryError } from '../shared/errors';
import { Backups } from './backups';
import { asPrincipal, localTeam, type CallContext } from './call-context';
import { Exports } from './exports';
import { nodeFs, type HostFs } from './fs-util';
import { forkWorker, JobRouter, type WorkerLauncher } from './job-router';
import { Journal } from './journal';
import { ProjectStore } from './project-store';

export const VERSION = '0.1.0';

/** DistilleryApi without `jobs.subscribe` (events travel separately: WebSocket, IPC events). */
export type { HostApi };

/**
 * The calls that take a file (UploadCall), run on a file the host already holds: serve mode streams
 * large uploads to disk. `args` are the call's arguments as the wire sent them, with `{upload: id}`
 * where the file was.
 */
export type FileHandlers = Grouped<
  UploadCall,
  { [C in UploadCall]: (args: UploadArgs<C>, file: string) => Promise<CallResult<C>> }
>;
type UploadArgs<C extends UploadCall> = OrUpload<CallArgs<C>>;
type OrUpload<A extends unknown[]> = { [I in keyof A]: A[I] | { upload: unknown } };

export interface Backend extends HostApi {
  readonly store: ProjectStore;
  readonly router: JobRouter;
  readonly journalService: Journal;
  /** Host code only: `dispatch` never reaches these, so no client names a path. */
  readonly fromFile: FileHandlers;
  /** Every job status change: queued, each progress step, done/failed/cancelled. */
  subscribe(listener: (s: JobStatus) => void): () => void;
  /** Every journal append that wrote events (what the transports push to clients). */
  subscribeJournal(listener: (n: JournalNews) => void): () => void;
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
      corpus: {
        parse: ([r], file) => {
          const { upload: _upload, base64: _base64, ...request } = r as ParseCorpusRequest & { upload: unknown };
          return router.call('parse-corpus-file', { request, file });
        },
      },
      backups: {
        save: ([projectId, , meta], file) =>
          backups.saveFile(projectId as string, file, meta as Parameters<Backups['saveFile']>[2]),
      },
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
          return Promise.reject(
            new DistilleryError('CONFIG', 'corpus.parse needs {fileName, base64}', { field: 'base64' }),
          );
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
      // The seqs stay on the host: the call is void on both transports (replicas learn seqs from `since`).
      append: async (projectId, events) => {
        await journal.append(projectId, events);
      },
      read: (projectId) => journal.read(projectId),
      since: (projectId, afterSeq) => journal.since(projectId, afterSeq),
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
    team: localTeam,
    // The desktop app's main process replaces these (share.ts withSharing); nothing else shares.
    share: notShared(o.mode),
    subscribe: (l) => router.subscribe(l),
    subscribeJournal: (l) => journal.onAppend((projectId, lastSeq) => l({ type: 'journal', projectId, lastSeq })),
    dispose: () => router.dispose(),
  };
}

/**
 * Runs one wire call: `call` one of the table's API calls, `args` its argument list, `ctx` who makes
 * it (serve mode; the transport checked the call's role already). Without ctx: the desktop app's owner.
 */
export async function dispatch(backend: HostApi, call: string, args: unknown, ctx?: CallContext): Promise<unknown> {
  if (!isApiCall(call))
    throw new DistilleryError('NOT_FOUND', `unknown API call "${String(call).slice(0, 100)}"`, { field: 'call' });
  return callByName(ctx ? asPrincipal(backend, ctx) : backend, call, args);
}

/** The `share` calls where sharing is not the app's to do: serve mode (already a server) and a bare backend. */
function notShared(mode: SystemInfo['mode']): HostApi['share'] {
  const refuse = () =>
    Promise.reject(
      new DistilleryError(
        'CONFIG',
        mode === 'serve'
          ? 'sharing is the desktop app’s: this `distillery serve` server is already shared (invite teammates in the Team panel)'
          : 'sharing is not available here: only the desktop app’s main process can share its projects',
        { field: 'share' },
      ),
    );
  return { start: refuse, stop: refuse, status: refuse };
}

function systemLocale(): string {
  const l = Intl.DateTimeFormat().resolvedOptions().locale || process.env.LANG || '';
  return /^zh/i.test(l) ? 'zh-CN' : 'en';
}
