import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../test/doubles/fake-electron'));

const fake = await import('../../test/doubles/fake-electron');
const w = await import('./window');

const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'distillery-renderer-'));
mkdirSync(path.join(rendererDir, 'assets'));
writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Distillery</title>');
writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(path.join(path.dirname(rendererDir), path.basename(rendererDir) + '-secret.txt'), 'secret');
afterAll(() => {
  rmSync(rendererDir, { recursive: true, force: true });
  rmSync(path.join(path.dirname(rendererDir), path.basename(rendererDir) + '-secret.txt'), { force: true });
});

describe('window options', () => {
  it('carry the security flags', () => {
    const o = w.windowOptions({ preload: '/app/out/preload/index.cjs' });
    expect(o.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    expect(o.show).toBe(false);
  });

  it('createMainWindow builds the window with them and loads the app page', () => {
    const pages = w.appPages();
    const win = w.createMainWindow({ preload: '/p.cjs', pages }) as unknown as InstanceType<typeof fake.BrowserWindow>;
    expect((win.options.webPreferences as Record<string, unknown>).sandbox).toBe(true);
    expect((win.options.webPreferences as Record<string, unknown>).contextIsolation).toBe(true);
    expect((win.options.webPreferences as Record<string, unknown>).nodeIntegration).toBe(false);
    expect(win.loaded).toEqual(['app://distillery/index.html']);
    win.emit('ready-to-show');
    expect(win.shown).toBe(1);
  });
});

describe('navigation and new windows', () => {
  const setup = (devUrl?: string) => {
    const log: string[] = [];
    const win = w.createMainWindow({
      preload: '/p.cjs',
      pages: w.appPages(devUrl),
      log: (m) => log.push(m),
    }) as unknown as InstanceType<typeof fake.BrowserWindow>;
    return { wc: win.webContents, log };
  };

  it('denies navigation to anything but the app', () => {
    const { wc, log } = setup();
    for (const url of [
      'https://evil.example/',
      'http://127.0.0.1:8765/',
      'file:///etc/passwd',
      'app://distillery.evil/',
      'app://evil/index.html',
      'app://x@evil/',
      'javascript:alert(1)',
      'not a url',
    ])
      expect(wc.fire('will-navigate', url), url).toBe(true);
    expect(wc.fire('will-navigate', 'app://distillery/index.html#/annotate')).toBe(false);
    expect(wc.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(log.some((l) => l.includes('https://evil.example'))).toBe(true);
    expect(log.join('\n')).not.toContain('/etc/passwd'); // paths and queries are not logged
  });

  it('denies frame navigation and <webview>', () => {
    const { wc } = setup();
    let prevented = false;
    wc.emit('will-frame-navigate', { url: 'https://evil.example/', preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(wc.fire('will-attach-webview', {}, {})).toBe(true);
  });

  it('denies every window.open, even of the app itself', () => {
    const { wc } = setup();
    expect(wc.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(wc.openHandler?.({ url: 'app://distillery/index.html' })).toEqual({ action: 'deny' });
  });

  it('in development, the dev server is the only own origin', () => {
    const { wc } = setup('http://localhost:5173/');
    expect(wc.fire('will-navigate', 'http://localhost:5173/#/corpus')).toBe(false);
    expect(wc.fire('will-navigate', 'http://localhost:5174/')).toBe(true);
    expect(wc.fire('will-navigate', 'app://distillery/index.html')).toBe(true);
    expect(() => w.appPages('https://cdn.example/')).toThrow(/local http URL/);
  });
});

describe('Content-Security-Policy', () => {
  it('allows only the app itself: no eval, no inline script, no plugins, no frames', () => {
    const csp = w.contentSecurityPolicy();
    const d = Object.fromEntries(csp.split('; ').map((x) => [x.split(' ')[0], x.split(' ').slice(1)]));
    expect(d['default-src']).toEqual(["'self'"]);
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['connect-src']).toEqual(["'self'"]);
    expect(d['object-src']).toEqual(["'none'"]);
    expect(d['frame-src']).toEqual(["'none'"]);
    expect(d['frame-ancestors']).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-eval|\*/);
    expect(w.contentSecurityPolicy('http://localhost:5173')).toContain(
      "connect-src 'self' http://localhost:5173 ws://localhost:5173",
    );
  });

  it("is set through webRequest on the app's http pages, replacing any other", () => {
    const pages = w.appPages('http://localhost:5173/');
    w.secureSession(fake.session.defaultSession as unknown as Electron.Session, pages);
    const onHeaders = fake.session.defaultSession.headersReceived!;
    let got: { responseHeaders?: Record<string, string[]> } | undefined;
    onHeaders(
      {
        url: 'http://localhost:5173/index.html',
        resourceType: 'mainFrame',
        responseHeaders: { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] },
      },
      (r: typeof got) => (got = r),
    );
    expect(got!.responseHeaders!['Content-Security-Policy']).toEqual([
      w.contentSecurityPolicy('http://localhost:5173'),
    ]);
    expect(got!.responseHeaders!['content-security-policy']).toBeUndefined();
    expect(got!.responseHeaders!['Content-Type']).toEqual(['text/html']);
    onHeaders({ url: 'https://other.example/', responseHeaders: {} }, (r: typeof got) => (got = r));
    expect(got).toEqual({});
  });

  it('blocks requests to anything outside the app and refuses permissions', () => {
    w.secureSession(fake.session.defaultSession as unknown as Electron.Session, w.appPages('http://localhost:5173/'));
    const before = fake.session.defaultSession.beforeRequest!.h;
    const cancel = (url: string) => {
      let r: { cancel: boolean } | undefined;
      before({ url }, (x: { cancel: boolean }) => (r = x));
      return r!.cancel;
    };
    expect(cancel('https://evil.example/x.js')).toBe(true);
    expect(cancel('http://127.0.0.1:8765/api/projects.list')).toBe(true);
    expect(cancel('http://localhost:5173/src/main.ts')).toBe(false);
    expect(cancel('ws://localhost:5173/')).toBe(false);
    const ask = (p: string) => {
      let r: boolean | undefined;
      fake.session.defaultSession.permissionRequest!({}, p, (x: boolean) => (r = x));
      return r;
    };
    expect(ask('media')).toBe(false);
    expect(ask('geolocation')).toBe(false);
    expect(ask('openExternal')).toBe(false);
    expect(ask('fullscreen')).toBe(true);
    expect(fake.session.defaultSession.permissionCheck!({}, 'notifications')).toBe(false);
  });
});

describe('the app:// scheme', () => {
  const handler = w.appProtocolHandler(rendererDir, w.contentSecurityPolicy());

  it('serves the renderer with the CSP header', async () => {
    const r = await handler(new Request('app://distillery/index.html'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.headers.get('content-security-policy')).toBe(w.contentSecurityPolicy());
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await r.text()).toContain('<title>Distillery');
    const js = await handler(new Request('app://distillery/assets/app.js'));
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('answers app routes with index.html and missing assets with 404', async () => {
    expect(await (await handler(new Request('app://distillery/annotate'))).text()).toContain('<title>Distillery');
    expect((await handler(new Request('app://distillery/assets/missing.js'))).status).toBe(404);
    expect((await handler(new Request('app://distillery/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('never leaves the renderer folder or serves another host', async () => {
    const secret = path.basename(rendererDir) + '-secret.txt';
    for (const url of [
      `app://distillery/../${secret}`,
      `app://distillery/%2e%2e/${secret}`,
      `app://distillery/..%2f${secret}`,
      `app://distillery/%2e%2e%5c${secret}`,
      'app://distillery/%00',
      `app://other/index.html`,
    ]) {
      expect(String(await w.resolveAppFile(rendererDir, url)), url).not.toMatch(/secret/);
      const r = await handler(new Request(url));
      expect(await r.text(), url).not.toContain('secret');
    }
    expect(await w.resolveAppFile(rendererDir, 'app://other/index.html')).toBeUndefined();
  });

  it('says how to build the UI when it is not built', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'distillery-empty-'));
    const r = await w.appProtocolHandler(empty, 'x')(new Request('app://distillery/index.html'));
    expect(r.status).toBe(404);
    expect(await r.text()).toMatch(/electron-vite build/);
    rmSync(empty, { recursive: true, force: true });
  });
});

describe('menu', () => {
  const labels = (t: Electron.MenuItemConstructorOptions[]): string[] =>
    t.flatMap((i) => [i.label ?? '', ...(Array.isArray(i.submenu) ? labels(i.submenu) : [])]).filter(Boolean);

  it('follows the system language: zh-CN or English', () => {
    expect(w.menuLocale('zh-CN')).toBe('zh-CN');
    expect(w.menuLocale('zh-TW')).toBe('zh-CN');
    expect(w.menuLocale('en-US')).toBe('en');
    expect(w.menuLocale('de')).toBe('en');
    const zh = labels(w.menuTemplate('zh-CN', { mac: false, dev: false }));
    expect(zh).toEqual(expect.arrayContaining(['文件', '编辑', '视图', '撤销', '复制', '粘贴', '退出 Distillery']));
    const en = labels(w.menuTemplate('en', { mac: false, dev: false }));
    expect(en).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'Undo', 'Copy', 'Paste', 'Quit Distillery']));
    expect(en.some((l) => /[\u4e00-\u9fff]/.test(l))).toBe(false);
  });

  it('is minimal: developer tools only in development, an app menu on macOS', () => {
    const roles = (t: Electron.MenuItemConstructorOptions[]): string[] =>
      t.flatMap((i) => [String(i.role ?? ''), ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]).filter(Boolean);
    expect(roles(w.menuTemplate('en', { mac: false, dev: false }))).not.toContain('toggleDevTools');
    expect(roles(w.menuTemplate('en', { mac: false, dev: true }))).toContain('toggleDevTools');
    expect(w.menuTemplate('en', { mac: true, dev: false })[0].label).toBe('Distillery');
    w.installMenu('zh-CN', { mac: false, dev: false });
    expect((fake.Menu.current as { template: Electron.MenuItemConstructorOptions[] }).template[0].label).toBe('文件');
  });
});
