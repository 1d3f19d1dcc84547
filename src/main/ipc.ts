/**
 * The DistilleryApi over Electron IPC: the twin of serve mode's HTTP routes (src/host/serve/server.ts).
 *
 *   renderer → main   ipcRenderer.invoke(CALL_CHANNEL, name, args)   name: "<group>.<method>"
 *                     of the call table (API_TABLE), args: the call's argument array
 *                     → {ok: true, result} | {ok: false, error: WireError}  (the preload rebuilds
 *                     the error with fromWire; a thrown error would lose its code and details)
 *   main → renderer   webContents.send(JOB_CHANNEL, JobStatus)    every job status change
 *                     webContents.send(JOURNAL_CHANNEL, JournalNews)  every journal append that wrote events
 *   (channel names: src/shared/ipc-channels.ts)
 *
 * Besides the API calls, the desktop-only ones (DesktopApi, names "desktop.<method>") come on the
 * same channel: desktop.showItemInFolder [file] reveals a file in the system file manager
 * (shell.showItemInFolder), but only a file the app wrote — inside a project folder, or one an
 * export returned this session (src/host/reveal.ts).
 *
 * Every call is checked before it runs: it must come from our window's top frame, showing one of
 * the app's own pages. Anything else gets a Forbidden error and reaches nothing.
 */
import { ipcMain, shell, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { DesktopApi, HostApi, JobStatus, JournalNews } from '../shared/api';
import { callByName, isApiCall, isDesktopCall, type CallReply } from '../shared/api-calls';
import { DistilleryError, toWire, type WireError } from '../shared/errors';
import { CALL_CHANNEL, JOB_CHANNEL, JOURNAL_CHANNEL } from '../shared/ipc-channels';
import { dispatch } from '../host/api-backend';
import { revealablePath } from '../host/reveal';

export { CALL_CHANNEL, JOB_CHANNEL };

export type IpcReply = CallReply;

export interface IpcOptions {
  /** What the calls run against (createBackend's result). */
  backend: HostApi;
  /** Job status changes (backend.subscribe). */
  subscribe(listener: (s: JobStatus) => void): () => void;
  /** Journal appends (backend.subscribeJournal): forwarded like job statuses. */
  subscribeJournal?(listener: (n: JournalNews) => void): () => void;
  /** Whether a URL is one of the app's own pages (window.ts appPages().isOwn). */
  isOwnUrl(url: string): boolean;
  /** The web contents of our window(s), the only ones allowed to call and the ones told of jobs. */
  windows(): WebContents[];
  log?(message: string): void;
  /** Electron's shell (tests pass a double). */
  shell?: Pick<Electron.Shell, 'showItemInFolder'>;
  /** Files the exports returned this session (filled by handleCall; registerIpc makes one). */
  written?: Set<string>;
}

/** The desktop-only calls (the sender was checked). */
function desktopApi(o: IpcOptions): { desktop: DesktopApi } {
  return {
    desktop: {
      async showItemInFolder(path) {
        const folders = (await o.backend.projects.list()).map((p) => p.folder);
        let file: string;
        try {
          file = await revealablePath(path, { folders, written: o.written });
        } catch (e) {
          if (e instanceof DistilleryError && e.details.status === 403) o.log?.(e.message);
          throw e;
        }
        (o.shell ?? shell).showItemInFolder(file);
      },
    },
  };
}

/** Remembers the file an export call wrote (what "Show in folder" may reveal). */
function noteWritten(name: string, result: unknown, o: IpcOptions): void {
  if (!o.written || !name.startsWith('exports.')) return;
  const file = (result as { file?: unknown } | null)?.file;
  if (typeof file === 'string' && file) o.written.add(file);
}

/** Why an IPC event may not be served (undefined when it may). */
export function senderProblem(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  o: Pick<IpcOptions, 'isOwnUrl' | 'windows'>,
): string | undefined {
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
export async function handleCall(
  event: IpcMainInvokeEvent,
  name: unknown,
  args: unknown,
  o: IpcOptions,
): Promise<IpcReply> {
  const shown = typeof name === 'string' ? name.slice(0, 100) : typeof name;
  const why = senderProblem(event, o);
  if (why) {
    o.log?.(`refused IPC call ${JSON.stringify(shown)}: ${why}`);
    return { ok: false, error: forbidden(why) };
  }
  try {
    if (isDesktopCall(name)) return { ok: true, result: (await callByName(desktopApi(o), name, args)) ?? null };
    if (!isApiCall(name)) throw new DistilleryError('NOT_FOUND', `unknown API call "${shown}"`, { field: 'call' });
    const result = await dispatch(o.backend, name, args);
    noteWritten(name, result, o);
    return { ok: true, result: result ?? null };
  } catch (e) {
    const error = toWire(e);
    if (error.code === 'INTERNAL') o.log?.(`${shown} failed: ${error.stack ?? error.message}`);
    delete error.stack;
    return { ok: false, error };
  }
}

/** Registers the one handler and forwards job events to our windows; returns the undo. */
export function registerIpc(options: IpcOptions): () => void {
  const o: IpcOptions = { ...options, written: options.written ?? new Set() };
  ipcMain.handle(CALL_CHANNEL, (event, name: unknown, args: unknown) => handleCall(event, name, args, o));
  const toWindows = (channel: string, what: string) => (m: unknown) => {
    for (const wc of o.windows()) {
      if (wc.isDestroyed()) continue;
      try {
        wc.send(channel, m);
      } catch (e) {
        o.log?.(`could not send a ${what}: ${(e as Error).message}`);
      }
    }
  };
  const unsubscribe = o.subscribe(toWindows(JOB_CHANNEL, 'job event'));
  const unsubscribeJournal = o.subscribeJournal?.(toWindows(JOURNAL_CHANNEL, 'journal event'));
  return () => {
    unsubscribe();
    unsubscribeJournal?.();
    ipcMain.removeHandler(CALL_CHANNEL);
  };
}
