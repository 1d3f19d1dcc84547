/**
 * The Electron main process: the composition root, and nothing else. What it wires:
 *   - one instance (a second launch focuses the first window);
 *   - the renderer (out/renderer) on the app://distillery/ scheme, or the Vite dev server;
 *   - the backend (src/host/api-backend.ts, the same one `distillery serve` runs) with
 *     projects under <userData>/projects and the worker as a utilityProcess, and the sharing of
 *     it with teammates' browsers (src/host/share.ts: serve's server on this same backend);
 *   - IPC (ipc.ts) and one guarded window (window.ts);
 *   - on quit, sharing and the worker are stopped.
 * Built by electron-vite into out/main/index.js (ESM; package.json "main").
 */
import path from 'node:path';
import { app, dialog, protocol, session, type BrowserWindow } from 'electron';
import { createBackend, VERSION, type Backend } from '../host/api-backend';
import { withSharing } from '../host/share';
import { flushBeforeClose } from './close-flush';
import { registerIpc } from './ipc';
import { utilityWorker } from './worker-launcher';
import {
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  appPages,
  appProtocolHandler,
  contentSecurityPolicy,
  createMainWindow,
  installMenu,
  menuLocale,
  secureSession,
} from './window';

export interface AppLayout {
  /** The folder holding package.json (`electron .`). */
  appRoot: string;
  rendererDir: string;
  preload: string;
  /** The worker's bootstrap: registers tsx, then runs src/worker/process/worker-entry.ts. */
  workerEntry: string;
  projectsRoot: string;
}

export function appLayout(): AppLayout {
  const appRoot = app.getAppPath();
  return {
    appRoot,
    rendererDir: path.join(appRoot, 'out', 'renderer'),
    preload: path.join(appRoot, 'out', 'preload', 'index.cjs'),
    workerEntry: path.join(appRoot, 'src', 'worker', 'process', 'worker-entry.mjs'),
    projectsRoot: path.join(app.getPath('userData'), 'projects'),
  };
}

export interface Started {
  layout: AppLayout;
  backend: Backend;
  window(): BrowserWindow | undefined;
}

const log = (m: string) => console.error(`[distillery] ${m}`);

/** Before 'ready': the app's scheme, and the sandbox for every renderer. */
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();

let win: BrowserWindow | undefined;
let started: Started | undefined;
let stopping = false;
/** Quit was asked for (menu, Cmd+Q): a window closing after its last backups then quits the app. */
let quitRequested = false;

async function ready(): Promise<Started> {
  const layout = appLayout();
  const dev = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL || undefined : undefined;
  const pages = appPages(dev);
  protocol.handle(APP_SCHEME, appProtocolHandler(layout.rendererDir, contentSecurityPolicy(pages.devOrigin)));
  secureSession(session.defaultSession, pages);
  const locale = menuLocale(app.getLocale());
  installMenu(locale, { mac: process.platform === 'darwin', dev: !app.isPackaged });
  app.setAboutPanelOptions({ applicationName: 'Distillery', applicationVersion: VERSION });

  // One backend for the window and, while the user shares, for teammates' browsers (host/share.ts).
  const backend = withSharing(
    createBackend({
      root: layout.projectsRoot,
      mode: 'electron',
      launcher: utilityWorker(layout.workerEntry),
      locale,
      log,
    }),
    { rendererDir: layout.rendererDir, projectsRoot: layout.projectsRoot, log },
  );
  registerIpc({
    backend,
    subscribe: (l) => backend.subscribe(l),
    subscribeJournal: (l) => backend.subscribeJournal(l),
    isOwnUrl: (u) => pages.isOwn(u),
    windows: () => (win && !win.isDestroyed() ? [win.webContents] : []),
    log,
  });

  const open = () => {
    const w = createMainWindow({ preload: layout.preload, pages, log });
    win = w;
    // The labels since the last automatic backup get one before the window goes.
    flushBeforeClose(w, { log });
    w.on('closed', () => {
      if (win === w) win = undefined;
      // A quit that the window's last backups held up goes on now (on macOS too).
      if (quitRequested) app.quit();
    });
    // A crashed renderer loses nothing (labels are in IndexedDB and the journal): reload it, a few times.
    let crashes = 0;
    w.webContents.on('render-process-gone', (_e, d) => {
      log(`the window's renderer is gone (${d.reason})`);
      if (d.reason !== 'clean-exit' && ++crashes <= 3 && !w.isDestroyed()) w.webContents.reload();
    });
    return w;
  };
  open();
  app.on('activate', () => {
    if (!win) open();
  });
  // Start the worker and its compute backend now, so the UI's first system.info is quick.
  void backend.system.info().catch((e: Error) => log(`the worker did not start: ${e.message}`));
  return { layout, backend, window: () => win };
}

function focusWindow(): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

function start(): Promise<Started | undefined> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return Promise.resolve(undefined);
  }
  app.on('second-instance', focusWindow);
  app.on('before-quit', () => (quitRequested = true));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', (event) => {
    if (!started || stopping) return;
    // Stop the worker before leaving; a stuck one is not waited for.
    event.preventDefault();
    stopping = true;
    const backend = started.backend;
    const timer = setTimeout(() => app.exit(0), 5000);
    void backend
      .dispose()
      .catch((e: Error) => log(`stopping the worker: ${e.message}`))
      .finally(() => {
        clearTimeout(timer);
        app.quit();
      });
  });
  return app
    .whenReady()
    .then(ready)
    .then((s) => (started = s))
    .catch((e: Error) => {
      log(`start-up failed: ${e.stack ?? e.message}`);
      dialog.showErrorBox('Distillery', `Distillery could not start:\n${e.message}`);
      app.exit(1);
      return undefined;
    });
}

/** Resolves when the window is open (undefined when another instance had the lock, or start-up failed). */
export const startup: Promise<Started | undefined> = start();
