/**
 * A test double of the parts of 'electron' the main process uses, so that its wiring is tested
 * without the Electron binary:  vi.mock('electron', () => import('../../test/doubles/fake-electron'))
 * Only tests import this file. It records what main asked for (window options, handlers, menus)
 * and lets a test play the other side (fire events, call handlers).
 */
import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers of every shape
type Handler = (...a: any[]) => any;

export const calls: string[] = [];

export class FakeFrame {
  parent: FakeFrame | null = null;
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  id = FakeWebContents.nextId++;
  destroyed = false;
  sent: [string, unknown][] = [];
  openHandler?: (d: { url: string }) => { action: 'allow' | 'deny' };
  mainFrame: FakeFrame;
  reloads = 0;
  constructor(url = 'app://distillery/index.html') {
    super();
    this.mainFrame = new FakeFrame(url);
  }
  isDestroyed() {
    return this.destroyed;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'allow' | 'deny' }) {
    this.openHandler = h;
  }
  reload() {
    this.reloads++;
  }
  /** Emits like Electron: a cancellable event first; true when a listener prevented it. */
  fire(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    const event = { preventDefault: () => (prevented = true) };
    this.emit(name, event, ...args);
    return prevented;
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  webContents: FakeWebContents;
  loaded: string[] = [];
  destroyed = false;
  shown = 0;
  constructor(public options: Record<string, unknown>) {
    super();
    this.webContents = new FakeWebContents();
    BrowserWindow.instances.push(this);
  }
  loadURL(url: string) {
    this.loaded.push(url);
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  show() {
    this.shown++;
  }
  focus() {}
  close() {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export const userData = path.join(os.tmpdir(), `distillery-fake-electron-${process.pid}-${Date.now()}`);

class FakeApp extends EventEmitter {
  isPackaged = false;
  lock = true;
  appPath = process.cwd();
  locale = 'zh-CN';
  quits = 0;
  exits: number[] = [];
  aboutOptions?: Record<string, unknown>;
  sandboxed = false;
  requestSingleInstanceLock() {
    calls.push('requestSingleInstanceLock');
    return this.lock;
  }
  whenReady() {
    return Promise.resolve();
  }
  getAppPath() {
    return this.appPath;
  }
  getPath(name: string) {
    if (name !== 'userData') throw new Error(`fake app.getPath(${name})`);
    return userData;
  }
  getLocale() {
    return this.locale;
  }
  quit() {
    this.quits++;
  }
  exit(code = 0) {
    this.exits.push(code);
  }
  enableSandbox() {
    this.sandboxed = true;
  }
  setAboutPanelOptions(o: Record<string, unknown>) {
    this.aboutOptions = o;
  }
}
export const app = new FakeApp();

export const Menu = {
  current: undefined as unknown,
  buildFromTemplate(template: unknown) {
    return { template };
  },
  setApplicationMenu(m: unknown) {
    Menu.current = m;
  },
};

export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, (req: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged(s: unknown[]) {
    calls.push('registerSchemesAsPrivileged');
    protocol.privileged.push(...s);
  },
  handle(scheme: string, h: (req: Request) => Promise<Response>) {
    protocol.handlers.set(scheme, h);
  },
};

export const session = {
  defaultSession: {
    headersReceived: undefined as Handler | undefined,
    beforeRequest: undefined as { filter: unknown; h: Handler } | undefined,
    permissionRequest: undefined as Handler | undefined,
    permissionCheck: undefined as Handler | undefined,
    webRequest: {
      onHeadersReceived(h: Handler) {
        session.defaultSession.headersReceived = h;
      },
      onBeforeRequest(filter: unknown, h: Handler) {
        session.defaultSession.beforeRequest = { filter, h };
      },
    },
    setPermissionRequestHandler(h: Handler) {
      session.defaultSession.permissionRequest = h;
    },
    setPermissionCheckHandler(h: Handler) {
      session.defaultSession.permissionCheck = h;
    },
  },
};

export const ipcMain = {
  handlers: new Map<string, Handler>(),
  handle(channel: string, h: Handler) {
    if (ipcMain.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcMain.handlers.set(channel, h);
  },
  removeHandler(channel: string) {
    ipcMain.handlers.delete(channel);
  },
};

export const forks: {
  entry: string;
  options: unknown;
  child: EventEmitter & {
    pid: number;
    posted: unknown[];
    killed: number;
    postMessage(m: unknown): void;
    kill(): boolean;
  };
}[] = [];
export const utilityProcess = {
  fork(entry: string, _args: string[], options: unknown) {
    const child = Object.assign(new EventEmitter(), {
      pid: 5000 + forks.length,
      posted: [] as unknown[],
      killed: 0,
      stdout: null,
      stderr: null,
      postMessage(m: unknown) {
        child.posted.push(m);
      },
      kill() {
        child.killed++;
        setImmediate(() => child.emit('exit', 0));
        return true;
      },
    });
    forks.push({ entry, options, child });
    return child;
  },
};

export const dialog = {
  errors: [] as [string, string][],
  showErrorBox(title: string, content: string) {
    dialog.errors.push([title, content]);
  },
};

export const shell = {
  shown: [] as string[],
  showItemInFolder(fullPath: string) {
    shell.shown.push(fullPath);
  },
};

export default { app, BrowserWindow, Menu, protocol, session, ipcMain, utilityProcess, dialog, shell };
