/**
 * The DistilleryApi over Electron IPC: the twin of serve mode's HTTP routes (src/cli/serve/server.ts).
 *
 *   renderer → main   ipcRenderer.invoke('distillery:call', name, args)   name: "<group>.<method>"
 *                     from API_CALLS, args: the call's argument array
 *                     → {ok: true, result} | {ok: false, error: WireError}  (the preload rebuilds
 *                     the error with fromWire; a thrown error would lose its code and details)
 *   main → renderer   webContents.send('distillery:job', JobStatus)    every job status change
 *
 * Every call is checked before it runs: it must come from our window's top frame, showing one of
 * the app's own pages. Anything else gets a Forbidden error and reaches nothing.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { JobStatus } from '../shared/api';
import { DistilleryError, toWire, type WireError } from '../shared/errors';
import { dispatch, isApiCall, type HostApi } from './services/api-backend';

export const CALL_CHANNEL = 'distillery:call';
export const JOB_CHANNEL = 'distillery:job';

export type IpcReply = { ok: true; result: unknown } | { ok: false; error: WireError };

export interface IpcOptions {
  /** What the calls run against (createBackend's result). */
  backend: HostApi;
  /** Job status changes (backend.subscribe). */
  subscribe(listener: (s: JobStatus) => void): () => void;
  /** Whether a URL is one of the app's own pages (window.ts appPages().isOwn). */
  isOwnUrl(url: string): boolean;
  /** The web contents of our window(s), the only ones allowed to call and the ones told of jobs. */
  windows(): WebContents[];
  log?(message: string): void;
}

/** Why an IPC event may not be served (undefined when it may). */
export function senderProblem(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, o: Pick<IpcOptions, 'isOwnUrl' | 'windows'>): string | undefined {
  const wc = event.sender;
  if (!wc || !o.windows().includes(wc) || wc.isDestroyed()) return 'not from the workbench window';
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (frame.parent) return 'not from the top frame';
  if (!o.isOwnUrl(frame.url)) return "not from the app's own page";
  return undefined;
}

function forbidden(why: string): WireError {
  return { name: 'Forbidden', code: 'CONFIG', message: `IPC call refused: ${why}`, details: { status: 403 } };
}

/** Handles one `distillery:call`; exported for tests. Never throws: errors travel as WireError. */
export async function handleCall(event: IpcMainInvokeEvent, name: unknown, args: unknown, o: IpcOptions): Promise<IpcReply> {
  const shown = typeof name === 'string' ? name.slice(0, 100) : typeof name;
  const why = senderProblem(event, o);
  if (why) {
    o.log?.(`refused IPC call ${JSON.stringify(shown)}: ${why}`);
    return { ok: false, error: forbidden(why) };
  }
  try {
    if (!isApiCall(name)) throw new DistilleryError('NOT_FOUND', `unknown API call "${shown}"`, { field: 'call' });
    const result = await dispatch(o.backend, name, args);
    return { ok: true, result: result ?? null };
  } catch (e) {
    const error = toWire(e);
    if (error.code === 'INTERNAL') o.log?.(`${shown} failed: ${error.stack ?? error.message}`);
    delete error.stack;
    return { ok: false, error };
  }
}

/** Registers the one handler and forwards job events to our windows; returns the undo. */
export function registerIpc(o: IpcOptions): () => void {
  ipcMain.handle(CALL_CHANNEL, (event, name: unknown, args: unknown) => handleCall(event, name, args, o));
  const unsubscribe = o.subscribe((s) => {
    for (const wc of o.windows()) {
      if (wc.isDestroyed()) continue;
      try {
        wc.send(JOB_CHANNEL, s);
      } catch (e) {
        o.log?.(`could not send a job event: ${(e as Error).message}`);
      }
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(CALL_CHANNEL);
  };
}
