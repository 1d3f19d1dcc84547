/**
 * "Show in folder" after an export, in the real renderer. In serve mode (a browser) the written
 * file is on the server: the Export view offers its download link and no such button. In the
 * desktop app the preload adds `window.distillery.desktop`; the Electron binary is missing here, so
 * the page is given a stand-in with the preload's shape (every API call over serve's HTTP routes,
 * plus `desktop.showItemInFolder` recording its argument) — the IPC side and the main process's
 * path check are unit-tested in src/preload/index.test.ts and src/main/ipc.test.ts.
 * Screenshot: $E2E_SHOTS (default <tmp>/distillery-e2e-shots)/show-in-folder-desktop.png.
 */
import {
  buildRenderer,
  haveChromium,
  launchChromium,
  shutdown,
  watchPageErrors,
  SHOTS,
  startServe,
  type Serve,
} from './harness';
import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CALLS } from '../../src/shared/api-calls';

/** Runs in the page before its scripts: a `window.distillery` shaped like the Electron preload's. */
function desktopStandIn(calls: string[]): void {
  const revealed: string[] = [];
  const call = async (name: string, args: unknown[]) => {
    const r = await fetch(`/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args),
      credentials: 'same-origin',
    });
    const body = (await r.json()) as { ok: boolean; result?: unknown; error?: Record<string, unknown> };
    // The preload rejects with a plain WireError object, marked for withWireErrors (src/shared/bridge.ts).
    if (!body.ok) throw { ...body.error, distilleryWireError: true };
    // The desktop backend gives no download URL: its files are on this machine.
    if (name.startsWith('exports.') && body.result && typeof body.result === 'object')
      delete (body.result as { downloadUrl?: string }).downloadUrl;
    return body.result;
  };
  const api: Record<string, Record<string, (...a: unknown[]) => unknown>> = {};
  for (const c of calls) {
    const [g, m] = c.split('.');
    (api[g] ??= {})[m] = (...a: unknown[]) => call(c, a);
  }
  api.jobs.subscribe = () => () => {};
  api.system.info = async () => ({
    ...((await call('system.info', [])) as object),
    mode: 'electron',
    separateDatabase: false,
  });
  // The desktop app answers share.status itself (serve refuses it): not sharing.
  api.share.status = async () => ({ running: false, owner: 'me', teamFile: '/tmp/team.json' });
  api.desktop = {
    showItemInFolder: async (file: unknown) => {
      revealed.push(String(file));
    },
  };
  Object.assign(window, { distillery: api, __revealed: revealed });
}

describe.skipIf(!haveChromium)('Show in folder after an export', () => {
  let serve: Serve;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tmp: string;
  let projectsDir: string;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'distillery-show-in-folder-')));
    projectsDir = path.join(tmp, 'projects');
    const renderer = path.join(tmp, 'renderer');
    await buildRenderer(renderer);
    serve = await startServe(projectsDir, renderer);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    page = await context.newPage();
    watchPageErrors(page, errors);
  }, 120_000);

  afterAll(() => shutdown(browser, serve, tmp));

  async function exportCsv(): Promise<string> {
    await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    await page.click('[data-testid="project-card"][data-sample]');
    await page.click('[data-testid="nav-export"]');
    await page.click('[data-testid="export-csv"]');
    await page.waitForSelector('[data-testid="export-file"]');
    return ((await page.locator('[data-testid="export-path"]').first().textContent()) ?? '').trim();
  }

  it('serve mode: the download link, no "Show in folder"', async () => {
    await page.goto(serve.url);
    const file = await exportCsv();
    expect(path.dirname(file)).toBe(
      path.join(projectsDir, (await page.evaluate(() => location.hash)).split('/')[2], 'exports'),
    );
    expect(await page.locator('[data-testid="export-file"] a[download]').count()).toBe(1);
    expect(await page.locator('[data-testid="show-in-folder"]').count()).toBe(0);
  });

  it('desktop app: a "Show in folder" button hands the written file to desktop.showItemInFolder', async () => {
    await context.addInitScript(desktopStandIn, [...API_CALLS]);
    await page.goto(serve.origin + '/');
    await page.waitForSelector('text=Desktop');
    const file = await exportCsv();
    const button = page.locator('[data-testid="export-file"] [data-testid="show-in-folder"]');
    expect(await button.count()).toBe(1);
    expect((await button.textContent())?.trim()).toBe('Show in folder');
    expect(await page.locator('[data-testid="export-file"] a[download]').count()).toBe(0);
    await button.click();
    expect(await page.evaluate(() => (window as unknown as { __revealed: string[] }).__revealed)).toEqual([file]);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(SHOTS, 'show-in-folder-desktop.png') });
  });

  it('logged no errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
