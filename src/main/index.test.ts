/**
 * The composition root, wired against a fake 'electron' (no binary): lifecycle, the single-instance
 * lock, the window, the app:// scheme, the backend under userData/projects with the utilityProcess
 * worker, and a real API call through the IPC handler down to the project store on disk.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobStatus } from '../shared/api';

vi.mock('electron', () => import('../../test/doubles/fake-electron'));

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cleanup: string[] = [];
afterAll(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

async function boot(o: { lock?: boolean; appPath?: string } = {}) {
  vi.resetModules();
  vi.doMock('electron', () => import('../../test/doubles/fake-electron')); // a fresh fake for each start
  const fake = await import('../../test/doubles/fake-electron');
  fake.app.lock = o.lock ?? true;
  fake.app.appPath = o.appPath ?? repoRoot;
  cleanup.push(fake.userData);
  const main = await import('./index');
  const started = await main.startup;
  return { fake, main, started };
}

function fromWindow(
  fake: typeof import('../../test/doubles/fake-electron'),
  win: InstanceType<typeof fake.BrowserWindow>,
) {
  const handler = fake.ipcMain.handlers.get('distillery:call')!;
  return (name: string, ...args: unknown[]) =>
    handler({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, name, args) as Promise<{
      ok: boolean;
      result?: unknown;
      error?: { code: string };
    }>;
}

beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('main process (without the Electron binary)', () => {
  it('a second instance hands over to the first and quits', async () => {
    const { fake, started } = await boot({ lock: false });
    expect(started).toBeUndefined();
    expect(fake.app.quits).toBe(1);
    expect(fake.BrowserWindow.instances).toHaveLength(0);
    expect(fake.ipcMain.handlers.size).toBe(0);
  });

  it('registers the app scheme as privileged before anything else, and enables the sandbox', async () => {
    const { fake } = await boot();
    expect(fake.calls.indexOf('registerSchemesAsPrivileged')).toBeLessThan(
      fake.calls.indexOf('requestSingleInstanceLock'),
    );
    expect(fake.protocol.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(fake.app.sandboxed).toBe(true);
  });

  it('opens one secure window on the app page, with the built preload', async () => {
    const { fake, started } = await boot();
    expect(fake.BrowserWindow.instances).toHaveLength(1);
    const win = fake.BrowserWindow.instances[0];
    expect(win.options.webPreferences).toMatchObject({
      preload: path.join(repoRoot, 'out', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(win.loaded).toEqual(['app://distillery/index.html']);
    expect(started!.window()).toBe(win);
    expect(win.webContents.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(win.webContents.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(fake.session.defaultSession.headersReceived).toBeTypeOf('function');
    expect((fake.Menu.current as { template: { label: string }[] }).template[0].label).toBe('文件'); // the fake's locale is zh-CN
  });

  it('puts projects under userData/projects and starts the worker as a utilityProcess', async () => {
    const { fake, started } = await boot();
    expect(started!.layout.projectsRoot).toBe(path.join(fake.userData, 'projects'));
    expect(started!.backend.store).toBeDefined();
    // system.info is asked at start-up, so the worker starts at once.
    expect(fake.forks).toHaveLength(1);
    expect(fake.forks[0].entry).toBe(path.join(repoRoot, 'src', 'worker', 'process', 'worker-entry.mjs'));
    expect(existsSync(fake.forks[0].entry)).toBe(true);
  });

  it('serves API calls from the window: IPC → dispatch → the backend on disk', async () => {
    const { fake } = await boot();
    const win = fake.BrowserWindow.instances[0];
    const call = fromWindow(fake, win);
    expect(await call('projects.list')).toEqual({ ok: true, result: [] });
    const created = await call('projects.create', {
      name: '外卖评论',
      task: 'binary',
      labels: [
        { name: 'pos', color: '#0a0', hotkey: '1' },
        { name: 'neg', color: '#a00', hotkey: '2' },
      ],
    });
    expect(created.ok).toBe(true);
    const p = created.result as { id: string; folder: string };
    expect(p.folder.startsWith(path.join(fake.userData, 'projects'))).toBe(true);
    expect(readdirSync(path.join(fake.userData, 'projects'))).toHaveLength(1);
    expect(
      await call('journal.append', p.id, [
        { docId: 'd1', labels: ['pos'], source: 'human', who: 'me', at: new Date().toISOString(), action: 'label' },
      ]),
    ).toEqual({ ok: true, result: null });
    expect(((await call('journal.read', p.id)).result as unknown[]).length).toBe(1);
    expect(await call('jobs.status', 'nope')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // system.info goes to the worker: play the worker's side.
    const child = fake.forks[0].child;
    const info = call('system.info');
    child.emit('message', { type: 'ready', pid: child.pid });
    await vi.waitFor(() => expect(child.posted.some((m) => (m as { method?: string }).method === 'info')).toBe(true));
    for (const m of child.posted as { type: string; callId: number; method: string }[]) {
      if (m.method === 'info')
        child.emit('message', {
          type: 'reply',
          callId: m.callId,
          ok: true,
          result: { backend: 'wasm', skipped: [], pid: child.pid },
        });
    }
    expect(await info).toMatchObject({
      ok: true,
      result: { mode: 'electron', backend: 'wasm', locale: 'zh-CN', separateDatabase: false },
    });

    // A job's status changes reach the window as 'distillery:job' events.
    const labeled = Array.from({ length: 12 }, (_, i) => ({
      id: `d${i}`,
      text: `text ${i}`,
      labels: [i % 2 ? 'pos' : 'neg'],
    }));
    const started = await call('jobs.start', {
      kind: 'train-student',
      projectId: p.id,
      task: 'binary',
      labels: ['pos', 'neg'],
      docs: { labeled },
      options: { epochs: 1 },
    });
    expect(started.ok).toBe(true);
    const id = (started.result as { id: string }).id;
    const events = win.webContents.sent.filter(([c]) => c === 'distillery:job').map(([, s]) => s as JobStatus);
    expect(events[0]).toMatchObject({ id, kind: 'train-student', state: 'queued' });
  });

  it('serves the built renderer on app:// with the CSP', async () => {
    const appPath = path.join((await import('../../test/doubles/fake-electron')).userData, 'app');
    mkdirSync(path.join(appPath, 'out', 'renderer'), { recursive: true });
    writeFileSync(path.join(appPath, 'out', 'renderer', 'index.html'), '<!doctype html><title>Distillery</title>');
    const { fake } = await boot({ appPath });
    cleanup.push(appPath);
    const handler = fake.protocol.handlers.get('app')!;
    const r = await handler(new Request('app://distillery/index.html'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self';/);
  });

  it('focuses the window on a second launch; quits when it closes; stops the worker on quit', async () => {
    const { fake } = await boot();
    const win = fake.BrowserWindow.instances[0];
    fake.app.emit('second-instance');
    expect(win.shown).toBeGreaterThan(0);
    const child = fake.forks[0].child;
    let prevented = false;
    fake.app.emit('will-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await vi.waitFor(() => expect(fake.app.quits).toBe(1));
    expect(child.killed).toBe(1);
    // The second will-quit (from app.quit) goes through.
    let again = false;
    fake.app.emit('will-quit', { preventDefault: () => (again = true) });
    expect(again).toBe(false);
    win.close();
    fake.app.emit('window-all-closed');
    if (process.platform !== 'darwin') expect(fake.app.quits).toBe(2);
  });

  it('reloads a crashed renderer (labels live in IndexedDB and the journal)', async () => {
    const { fake } = await boot();
    const wc = fake.BrowserWindow.instances[0].webContents;
    wc.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(wc.reloads).toBe(1);
    wc.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    expect(wc.reloads).toBe(1);
  });
});
