/**
 * The preload: exposes the typed API (src/shared/api.ts) as `window.distillery` and nothing else
 * (DistilleryApi plus the desktop-only `desktop` group, ElectronApi).
 * It runs sandboxed (only 'electron' may be required here; the build bundles the rest into one
 * CommonJS file, out/preload/index.cjs). The renderer never sees ipcRenderer, an IPC event or a
 * channel name: each method of the call table (API_TABLE) is one `invoke` on CALL_CHANNEL
 * (src/shared/ipc-channels.ts; handled by src/main/ipc.ts), and job events and journal news
 * are handed to listeners as bare JobStatus / JournalNews objects.
 *
 * Errors: the main process answers {ok: false, error: WireError}. Only an Error's message would
 * survive the contextBridge, so a failed call rejects with the WireError as a plain object
 * (src/shared/bridge.ts) and the page rebuilds it with fromWire: `withWireErrors(window.distillery)`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { API_TABLE, type CallName, type ElectronApi, type JobStatus, type JournalNews } from '../shared/api';
import { API_CALLS, clientFor, DESKTOP_CALLS, type CallReply } from '../shared/api-calls';
import { toBridgeError } from '../shared/bridge';
import { toWire, type WireError } from '../shared/errors';
import { CALL_CHANNEL, JOB_CHANNEL, JOURNAL_CHANNEL } from '../shared/ipc-channels';

export { CALL_CHANNEL, JOB_CHANNEL, JOURNAL_CHANNEL };

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
  async function call(name: CallName, args: unknown[]): Promise<unknown> {
    let reply: CallReply;
    try {
      reply = (await ipc.invoke(CALL_CHANNEL, name, args)) as CallReply;
    } catch (e) {
      throw failure(
        'INTERNAL',
        `the main process did not answer (${name}): ${e instanceof Error ? e.message : String(e)}`,
        name,
      );
    }
    if (!reply || typeof reply !== 'object' || !('ok' in reply))
      throw failure('INTERNAL', `no reply from ${name}`, name);
    if (!reply.ok) throw toBridgeError(reply.error ?? toWire(new Error(`${name} failed`)));
    return API_TABLE[name].void ? undefined : reply.result;
  }

  const subscribe = subscriber<JobStatus>(ipc, JOB_CHANNEL, 'jobs.subscribe', (s) => typeof s.id === 'string');
  const subscribeJournal = subscriber<JournalNews>(
    ipc,
    JOURNAL_CHANNEL,
    'journal.subscribe',
    (n) => n.type === 'journal' && typeof n.projectId === 'string',
  );

  // Desktop calls (not in serve mode) ride the same channel; main checks each before it runs.
  const api = clientFor([...API_CALLS, ...DESKTOP_CALLS], call);
  return { ...api, jobs: { ...api.jobs, subscribe }, journal: { ...api.journal, subscribe: subscribeJournal } };
}

/** Listeners of one main → renderer channel: one IPC listener while any subscribe, each handed the bare message. */
function subscriber<T extends object>(ipc: IpcLike, channel: string, name: string, valid: (m: T) => boolean) {
  const listeners = new Set<(m: T) => void>();
  const onMessage = (_event: unknown, message: unknown) => {
    const m = message as T;
    if (!m || typeof m !== 'object' || !valid(m)) return;
    for (const l of [...listeners]) {
      try {
        l(m);
      } catch (e) {
        console.error(`${name} listener failed`, e);
      }
    }
  };
  return (listener: (m: T) => void) => {
    if (typeof listener !== 'function') throw new TypeError(`${name} needs a function`);
    if (listeners.size === 0) ipc.on(channel, onMessage);
    listeners.add(listener);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      listeners.delete(listener);
      if (listeners.size === 0) ipc.removeListener(channel, onMessage);
    };
  };
}

contextBridge.exposeInMainWorld('distillery', createIpcApi(ipcRenderer));
