/**
 * The preload: exposes the typed API (src/shared/api.ts) as `window.distillery` and nothing else
 * (DistilleryApi plus the desktop-only `desktop` group, ElectronApi).
 * It runs sandboxed (only 'electron' may be required here; the build bundles the rest into one
 * CommonJS file, out/preload/index.cjs). The renderer never sees ipcRenderer, an IPC event or a
 * channel name: each method is one `invoke` on 'distillery:call' (src/main/ipc.ts), and job events
 * are handed to listeners as bare JobStatus objects.
 *
 * Errors: the main process answers {ok: false, error: WireError}. Only an Error's message would
 * survive the contextBridge, so a failed call rejects with the WireError as a plain object
 * (src/shared/bridge.ts) and the page rebuilds it with fromWire: `withWireErrors(window.distillery)`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type {
  ApiCall,
  BackupInfo,
  BackupReason,
  DesktopCall,
  ElectronApi,
  ExportedFile,
  ExportRequest,
  JobRequest,
  JobStatus,
  JournalSentinel,
  LabelEvent,
  ParseCorpusRequest,
  ParsedCorpus,
  ProjectMeta,
  SystemInfo,
} from '../shared/api';
import { toBridgeError } from '../shared/bridge';
import { toWire, type WireError } from '../shared/errors';

/** Must match src/main/ipc.ts (the preload may not import src/main; both are pinned by tests). */
export const CALL_CHANNEL = 'distillery:call';
export const JOB_CHANNEL = 'distillery:job';

type Reply = { ok: true; result: unknown } | { ok: false; error: WireError };

/** The part of ipcRenderer the API uses. */
export interface IpcLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

function failure(code: WireError['code'], message: string, call: string) {
  return toBridgeError({ name: 'DistilleryError', code, message, details: { call } });
}

export function createIpcApi(ipc: IpcLike): ElectronApi {
  async function call<T>(name: ApiCall | DesktopCall, args: unknown[]): Promise<T> {
    let reply: Reply;
    try {
      reply = (await ipc.invoke(CALL_CHANNEL, name, args)) as Reply;
    } catch (e) {
      throw failure('INTERNAL', `the main process did not answer (${name}): ${e instanceof Error ? e.message : String(e)}`, name);
    }
    if (!reply || typeof reply !== 'object' || !('ok' in reply)) throw failure('INTERNAL', `no reply from ${name}`, name);
    if (!reply.ok) throw toBridgeError(reply.error ?? toWire(new Error(`${name} failed`)));
    return reply.result as T;
  }

  const listeners = new Set<(s: JobStatus) => void>();
  const onJob = (_event: unknown, status: unknown) => {
    const s = status as JobStatus;
    if (!s || typeof s !== 'object' || typeof s.id !== 'string') return;
    for (const l of [...listeners]) {
      try {
        l(s);
      } catch (e) {
        console.error('job listener failed', e);
      }
    }
  };

  return {
    system: { info: () => call<SystemInfo>('system.info', []) },
    projects: {
      list: () => call<ProjectMeta[]>('projects.list', []),
      create: (p) => call<ProjectMeta>('projects.create', [p]),
      update: (p) => call<ProjectMeta>('projects.update', [p]),
    },
    corpus: { parse: (r: ParseCorpusRequest) => call<ParsedCorpus>('corpus.parse', [r]) },
    jobs: {
      start: (r: JobRequest) => call<{ id: string }>('jobs.start', [r]),
      cancel: async (id: string) => {
        await call<void>('jobs.cancel', [id]);
      },
      status: (id: string) => call<JobStatus>('jobs.status', [id]),
      subscribe: (listener: (s: JobStatus) => void) => {
        if (typeof listener !== 'function') throw new TypeError('jobs.subscribe needs a function');
        if (listeners.size === 0) ipc.on(JOB_CHANNEL, onJob);
        listeners.add(listener);
        let active = true;
        return () => {
          if (!active) return;
          active = false;
          listeners.delete(listener);
          if (listeners.size === 0) ipc.removeListener(JOB_CHANNEL, onJob);
        };
      },
    },
    journal: {
      append: async (projectId: string, events: LabelEvent[]) => {
        await call<void>('journal.append', [projectId, events]);
      },
      read: (projectId: string) => call<LabelEvent[]>('journal.read', [projectId]),
      sentinel: (projectId: string) => call<JournalSentinel | null>('journal.sentinel', [projectId]),
    },
    exports: {
      dataset: (r: ExportRequest) => call<{ file: string; downloadUrl?: string }>('exports.dataset', [r]),
      model: (projectId: string, modelVersion: string, format: 'onnx' | 'tfjs' | 'folder') =>
        call<{ file: string; downloadUrl?: string }>('exports.model', [projectId, modelVersion, format]),
      list: (projectId: string) => call<ExportedFile[]>('exports.list', [projectId]),
    },
    backups: {
      save: (projectId: string, data: string, meta: { reason: BackupReason; docs: number; labeled: number }) => call<BackupInfo>('backups.save', [projectId, data, meta]),
      list: (projectId: string) => call<BackupInfo[]>('backups.list', [projectId]),
      read: (projectId: string, name: string) => call<string>('backups.read', [projectId, name]),
    },
    // Desktop only (not in serve mode): main checks the path is a file the app wrote.
    desktop: {
      showItemInFolder: async (file: string) => {
        await call<void>('desktop.showItemInFolder', [file]);
      },
    },
  };
}

contextBridge.exposeInMainWorld('distillery', createIpcApi(ipcRenderer));
