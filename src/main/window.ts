/**
 * The workbench window and everything that decides what it may load.
 *
 * The renderer is served from a privileged custom scheme, app://distillery/ (out/renderer), rather
 * than file://: a stable origin of its own for IndexedDB (Dexie keeps every label there, so the
 * origin must never change), 'self' in the CSP meaning exactly the app's files, and an exact
 * "is this our page" test for navigation and IPC. In development (electron-vite dev) the page
 * comes from the Vite dev server given in ELECTRON_RENDERER_URL instead.
 *
 * Content-Security-Policy: Chromium does not run webRequest's header hooks for custom schemes, so
 * the app:// handler sets the header on its own responses, and onHeadersReceived sets it on the
 * app's http pages (the dev server). index.html also carries a <meta> CSP.
 */
import { MIME } from '../host/mime';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { BrowserWindow, Menu, type MenuItemConstructorOptions, type Session, type WebContents } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'distillery';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** What registerSchemesAsPrivileged needs (before app 'ready'): a standard, secure origin with storage. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
};

/** The app's own pages: where the window starts, and which URLs count as ours. */
export interface AppPages {
  start: string;
  /** Origin of the dev server (development only). */
  devOrigin?: string;
  isOwn(url: string): boolean;
}

/** `devUrl`: the Vite dev server (electron-vite dev); otherwise the app:// scheme. */
export function appPages(devUrl?: string): AppPages {
  let dev: URL | undefined;
  if (devUrl) {
    dev = new URL(devUrl);
    if (!['http:', 'https:'].includes(dev.protocol) || !['localhost', '127.0.0.1', '[::1]'].includes(dev.hostname)) {
      throw new Error(`ELECTRON_RENDERER_URL must be a local http URL, not ${devUrl}`);
    }
  }
  const devOrigin = dev?.origin;
  return {
    start: dev ? dev.href : `${APP_ORIGIN}/index.html`,
    devOrigin,
    isOwn(url: string): boolean {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return false;
      }
      if (u.username || u.password) return false;
      if (devOrigin) return u.origin === devOrigin;
      return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
    },
  };
}

/** The page's Content-Security-Policy: nothing from outside the app; no eval; no plugins or frames. */
export function contentSecurityPolicy(devOrigin?: string): string {
  const connect = ["'self'"];
  if (devOrigin) {
    const ws = new URL(devOrigin);
    ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
    connect.push(devOrigin, ws.origin === 'null' ? `${ws.protocol}//${ws.host}` : ws.origin);
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "worker-src 'self' blob:",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The file under `rendererDir` an app:// URL names, or undefined when it names none: another host,
 * a path that climbs out of the folder. Paths without an extension are app routes (index.html).
 */
export async function resolveAppFile(rendererDir: string, url: string): Promise<string | undefined> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username || u.password) return undefined;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return undefined;
  }
  if (rel.includes('\0') || rel.includes('\\')) return undefined;
  const root = path.resolve(rendererDir);
  let file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  if (file !== root && !file.startsWith(root + path.sep)) return undefined;
  let st = await stat(file).catch(() => undefined);
  if (st?.isDirectory()) {
    file = path.join(file, 'index.html');
    st = await stat(file).catch(() => undefined);
  }
  if (st?.isFile()) return file;
  return path.extname(rel) ? undefined : path.join(root, 'index.html');
}

/** The app:// protocol handler: the renderer's files, each with the CSP and no-sniff headers. */
export function appProtocolHandler(rendererDir: string, csp: string): (req: Request) => Promise<Response> {
  return async (req) => {
    const headers = {
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    };
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return new Response('method not allowed', { status: 405, headers });
    const file = await resolveAppFile(rendererDir, req.url);
    const body = file ? await readFile(file).catch(() => undefined) : undefined;
    if (!file || !body) {
      const index = path.join(path.resolve(rendererDir), 'index.html');
      const built = await stat(index).then(
        (st) => st.isFile(),
        () => false,
      );
      const text = built
        ? 'not found'
        : `The workbench UI is not built: ${index} is missing. Run \`npx electron-vite build\` (or \`npm start\`).`;
      return new Response(text, { status: 404, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
    }
    const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(req.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...headers, 'Content-Type': type },
    });
  };
}

/** Permissions the page may have: none beyond fullscreen and writing to the clipboard. */
const ALLOWED_PERMISSIONS = new Set(['fullscreen', 'clipboard-sanitized-write']);

/**
 * Session-wide guards: the CSP on the app's http pages (dev server), no request to anything but the
 * app (http/ws), and permission requests refused.
 */
export function secureSession(ses: Session, pages: AppPages): void {
  const csp = contentSecurityPolicy(pages.devOrigin);
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (!pages.isOwn(details.url)) return callback({});
    const responseHeaders = { ...(details.responseHeaders ?? {}) };
    for (const k of Object.keys(responseHeaders))
      if (k.toLowerCase() === 'content-security-policy') delete responseHeaders[k];
    responseHeaders['Content-Security-Policy'] = [csp];
    callback({ responseHeaders });
  });
  ses.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] },
    (details, callback) => {
      callback({ cancel: !isOwnOrDevSocket(details.url, pages) });
    },
  );
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => ALLOWED_PERMISSIONS.has(permission));
}

function isOwnOrDevSocket(url: string, pages: AppPages): boolean {
  if (pages.isOwn(url)) return true;
  if (!pages.devOrigin) return false;
  try {
    const u = new URL(url);
    const d = new URL(pages.devOrigin);
    return (u.protocol === 'ws:' || u.protocol === 'wss:') && u.host === d.host;
  } catch {
    return false;
  }
}

/** Navigation and new windows: the window stays on the app's own pages and opens nothing. */
export function guardNavigation(wc: WebContents, pages: AppPages, log: (m: string) => void = () => {}): void {
  const deny = (what: string) => (event: { preventDefault(): void }, url: string) => {
    if (pages.isOwn(url)) return;
    event.preventDefault();
    log(`blocked ${what} to ${describeUrl(url)}`);
  };
  wc.on('will-navigate', deny('navigation'));
  wc.on('will-redirect', deny('redirect'));
  wc.on('will-frame-navigate', (details) => {
    if (!pages.isOwn(details.url)) {
      details.preventDefault();
      log(`blocked frame navigation to ${describeUrl(details.url)}`);
    }
  });
  wc.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked a <webview>');
  });
  wc.setWindowOpenHandler(({ url }) => {
    log(`blocked a new window for ${describeUrl(url)}`);
    return { action: 'deny' };
  });
}

/** Scheme and host only: URLs may carry anything in their path or query. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'an invalid URL';
  }
}

export interface WindowOptions {
  /** The built preload script (out/preload/index.cjs). */
  preload: string;
  pages: AppPages;
  title?: string;
  log?(message: string): void;
}

/** The security-relevant BrowserWindow options (tested without the Electron binary). */
export function windowOptions(o: Pick<WindowOptions, 'preload' | 'title'>): Electron.BrowserWindowConstructorOptions {
  return {
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: o.title ?? 'Distillery',
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: o.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

/** The workbench window, guarded, loading the app's start page. */
export function createMainWindow(o: WindowOptions): BrowserWindow {
  const win = new BrowserWindow(windowOptions(o));
  guardNavigation(win.webContents, o.pages, o.log);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(o.pages.start).catch((e: Error) => o.log?.(`could not load ${o.pages.start}: ${e.message}`));
  return win;
}

export type MenuLocale = 'zh-CN' | 'en';

const MENU_TEXT = {
  en: {
    file: 'File',
    edit: 'Edit',
    view: 'View',
    window: 'Window',
    help: 'Help',
    quit: 'Quit Distillery',
    close: 'Close Window',
    undo: 'Undo',
    redo: 'Redo',
    cut: 'Cut',
    copy: 'Copy',
    paste: 'Paste',
    selectAll: 'Select All',
    reload: 'Reload',
    devtools: 'Developer Tools',
    resetZoom: 'Actual Size',
    zoomIn: 'Zoom In',
    zoomOut: 'Zoom Out',
    fullscreen: 'Full Screen',
    minimize: 'Minimize',
    about: 'About Distillery',
  },
  'zh-CN': {
    file: '文件',
    edit: '编辑',
    view: '视图',
    window: '窗口',
    help: '帮助',
    quit: '退出 Distillery',
    close: '关闭窗口',
    undo: '撤销',
    redo: '重做',
    cut: '剪切',
    copy: '复制',
    paste: '粘贴',
    selectAll: '全选',
    reload: '重新加载',
    devtools: '开发者工具',
    resetZoom: '实际大小',
    zoomIn: '放大',
    zoomOut: '缩小',
    fullscreen: '全屏',
    minimize: '最小化',
    about: '关于 Distillery',
  },
} as const;

export function menuLocale(systemLocale: string): MenuLocale {
  return /^zh/i.test(systemLocale) ? 'zh-CN' : 'en';
}

/** A small menu: the standard edit roles (text fields need them on macOS), view, window, quit. */
export function menuTemplate(locale: MenuLocale, o: { mac: boolean; dev: boolean }): MenuItemConstructorOptions[] {
  const t = MENU_TEXT[locale];
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload', label: t.reload },
    ...(o.dev ? [{ role: 'toggleDevTools', label: t.devtools } as MenuItemConstructorOptions] : []),
    { type: 'separator' },
    { role: 'resetZoom', label: t.resetZoom },
    { role: 'zoomIn', label: t.zoomIn },
    { role: 'zoomOut', label: t.zoomOut },
    { type: 'separator' },
    { role: 'togglefullscreen', label: t.fullscreen },
  ];
  return [
    ...(o.mac
      ? [
          {
            label: 'Distillery',
            submenu: [{ role: 'about', label: t.about }, { type: 'separator' }, { role: 'quit', label: t.quit }],
          } as MenuItemConstructorOptions,
        ]
      : []),
    { label: t.file, submenu: [o.mac ? { role: 'close', label: t.close } : { role: 'quit', label: t.quit }] },
    {
      label: t.edit,
      submenu: [
        { role: 'undo', label: t.undo },
        { role: 'redo', label: t.redo },
        { type: 'separator' },
        { role: 'cut', label: t.cut },
        { role: 'copy', label: t.copy },
        { role: 'paste', label: t.paste },
        { role: 'selectAll', label: t.selectAll },
      ],
    },
    { label: t.view, submenu: view },
    {
      label: t.window,
      submenu: [
        { role: 'minimize', label: t.minimize },
        ...(o.mac ? [] : [{ role: 'close', label: t.close } as MenuItemConstructorOptions]),
      ],
    },
    ...(o.mac ? [] : [{ label: t.help, submenu: [{ role: 'about', label: t.about }] } as MenuItemConstructorOptions]),
  ];
}

export function installMenu(locale: MenuLocale, o: { mac: boolean; dev: boolean }): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(locale, o)));
}
