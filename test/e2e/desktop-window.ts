/**
 * The desktop window played by a Chromium page, where no Electron binary exists: the real renderer
 * (served by main's app:// handler, with its CSP), the real preload (bundled with
 * electron-in-page.ts in place of 'electron') as `window.distillery`, and main's real IPC handler
 * (src/main/ipc.ts, registered on the fake 'electron' of test/doubles) in front of an electron-mode
 * backend with sharing (src/host/share.ts), the composition src/main/index.ts makes. Only Electron's
 * transport is replaced: invoke → a Playwright binding, webContents.send → a page call.
 *
 * The test file must mock 'electron' first: vi.mock('electron', () => import('../doubles/fake-electron')).
 */
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { WebContents } from 'electron';
import { createBackend, type Backend } from '../../src/host/api-backend';
import { withSharing } from '../../src/host/share';
import { CALL_CHANNEL } from '../../src/shared/ipc-channels';
import { ROOT } from './harness';

/** Where the window's page lives in Chromium (localhost: a secure context, like app://). */
export const DESKTOP_URL = 'http://localhost:47999/index.html';

export interface DesktopWindow {
  page: Page;
  context: BrowserContext;
  backend: Backend;
  close(): Promise<void>;
}

/** The preload as one script for the page: src/preload/index.ts with electron-in-page.ts as 'electron'. */
async function preloadScript(): Promise<string> {
  const r = await build({
    entryPoints: [path.join(ROOT, 'src/preload/index.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    alias: { electron: path.join(ROOT, 'test/e2e/electron-in-page.ts') },
  });
  return r.outputFiles[0].text;
}

export async function openDesktopWindow(
  browser: Browser,
  o: { projectsDir: string; rendererDir: string; owner: string; viewport?: { width: number; height: number } },
): Promise<DesktopWindow> {
  const fake = await import('../doubles/fake-electron');
  const { registerIpc } = await import('../../src/main/ipc');
  const { APP_ORIGIN, appPages, appProtocolHandler, contentSecurityPolicy } = await import('../../src/main/window');
  const backend = withSharing(createBackend({ root: o.projectsDir, mode: 'electron' }), {
    rendererDir: o.rendererDir,
    projectsRoot: o.projectsDir,
    owner: o.owner,
  });
  const context = await browser.newContext({ viewport: o.viewport ?? { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  const wc = new fake.FakeWebContents(`${APP_ORIGIN}/index.html`);
  wc.send = (channel: string, message: unknown) => {
    void page
      .evaluate(
        ([c, m]) => (window as unknown as { __desktopEmit(c: unknown, m: unknown): void }).__desktopEmit(c, m),
        [channel, message] as const,
      )
      .catch(() => {}); // the page is navigating or closed
  };
  const undo = registerIpc({
    backend,
    subscribe: (l) => backend.subscribe(l),
    subscribeJournal: (l) => backend.subscribeJournal(l),
    isOwnUrl: (u) => appPages().isOwn(u),
    windows: () => [wc as unknown as WebContents],
  });
  const handler = fake.ipcMain.handlers.get(CALL_CHANNEL)!;
  await page.exposeBinding('__desktopInvoke', (_source, _channel: string, name: unknown, args: unknown) =>
    handler({ sender: wc, senderFrame: wc.mainFrame }, name, args),
  );
  await page.addInitScript({ content: await preloadScript() });
  const serveApp = appProtocolHandler(o.rendererDir, contentSecurityPolicy());
  const origin = new URL(DESKTOP_URL).origin;
  await context.route(`${origin}/**`, async (route) => {
    const u = new URL(route.request().url());
    const res = await serveApp(new Request(`${APP_ORIGIN}${u.pathname}`));
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    await route.fulfill({
      status: res.status,
      headers,
      body: Buffer.from(await res.arrayBuffer()),
    });
  });
  return {
    page,
    context,
    backend,
    close: async () => {
      await context.close().catch(() => {});
      undo();
      await backend.dispose();
    },
  };
}
