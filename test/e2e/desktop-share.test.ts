/**
 * The desktop app shares its project with a teammate (issue #10 item 1), end to end: the desktop
 * window (desktop-window.ts: the real renderer, preload and IPC handler in Chromium, no Electron
 * binary here) makes the sample project, starts sharing in the Projects view's share panel and
 * invites ann in its Team panel; ann's own browser opens the invite link, takes the project from the
 * server and labels; her label reaches the desktop window's database (who = ann), and the desktop
 * user's label reaches hers. Stopping closes the port; the desktop window goes on.
 *
 * Screenshots: $E2E_SHOTS (default <tmp>/distillery-e2e-shots), desktop-share-*.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  buildRenderer,
  haveChromium,
  labelCurrent,
  launchChromium,
  liveLoopOff,
  projectDocs,
  projectFolder,
  readJournal,
  SHOTS,
  waitForBackup,
  watchPageErrors,
  type StoredDoc,
} from './harness';
import { DESKTOP_URL, openDesktopWindow, type DesktopWindow } from './desktop-window';

vi.mock('electron', () => import('../doubles/fake-electron'));

type Doc = StoredDoc & { byAnnotator?: Record<string, { labels: string[] }> };

describe.skipIf(!haveChromium)('the desktop app shares its project with a teammate’s browser', () => {
  let tmp = '';
  let projectsDir = '';
  let browser: Browser | undefined;
  let desk: DesktopWindow | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-desktop-share-e2e-'));
    projectsDir = path.join(tmp, 'projects');
    mkdirSync(projectsDir);
    const rendererDir = path.join(tmp, 'renderer');
    await buildRenderer(rendererDir);
    browser = await launchChromium();
    desk = await openDesktopWindow(browser, { projectsDir, rendererDir, owner: 'os-user' });
    watchPageErrors(desk.page, pageErrors);
  }, 240_000);

  afterAll(async () => {
    await desk?.close();
    await browser?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    console.log(`[e2e desktop share] screenshots: ${SHOTS}/desktop-share-*.png`);
  });

  it('starts sharing, invites ann; her label reaches the desktop window and the desktop’s reaches her; stop closes the port', async () => {
    const d = desk!.page;
    await d.goto(DESKTOP_URL);
    await d.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 90_000 });
    const pid = (await d.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
    const folder = projectFolder(projectsDir, pid);
    // A fresh browser takes the project from its automatic backup.
    await waitForBackup(folder);

    // The share panel is the desktop app's: choosing other computers warns of plain HTTP before anything starts.
    await d.waitForSelector('[data-testid="share-panel"][data-running="no"]');
    await d.check('[data-testid="share-network"]');
    await d.waitForSelector('[data-testid="share-http-warning"]');
    await d.locator('[data-testid="share-panel"]').screenshot({ path: path.join(SHOTS, 'desktop-share-01-form.png') });
    await d.check('[data-testid="share-local"]');
    // The desktop user's name in the app is the owner's name while sharing (their labels carry it).
    await d.fill('[data-testid="user"]', 'olga');
    await d.dispatchEvent('[data-testid="user"]', 'change');
    await d.fill('[data-testid="share-port"]', '0');
    await d.click('[data-testid="share-start"]');
    await d.waitForSelector('[data-testid="share-panel"][data-running="yes"]');
    const url = await d.inputValue('[data-testid="share-url"]');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await d.waitForSelector('[data-testid="share-exposure-local"]');

    // The Team panel under it invites against the shared team.
    await d.fill('[data-testid="team-name"]', 'ann');
    await d.click('[data-testid="team-invite"]');
    const link = await d.inputValue('[data-testid="team-link"]');
    expect(link.startsWith(`${url}?token=`)).toBe(true);
    await d.waitForSelector('[data-testid="team-member"][data-name="ann"]');
    // The desktop user is the team's owner: marked as you, with no button to lock yourself out.
    const me = d.locator('[data-testid="team-member"][data-name="olga"]');
    expect(await me.innerText()).toContain('(you)');
    expect(await me.locator('[data-testid="team-revoke"]').count()).toBe(0);
    await d
      .locator('[data-testid="share-panel"]')
      .screenshot({ path: path.join(SHOTS, 'desktop-share-02-running.png') });

    // ann's browser: a database of its own, filled from the desktop's project.
    const annCtx = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const ann: Page = await annCtx.newPage();
    watchPageErrors(ann, pageErrors);
    await ann.goto(link);
    const card = `[data-testid="project-card"][data-project-id="${pid}"]`;
    await ann.waitForSelector(card, { timeout: 60_000 });
    expect(await ann.locator('[data-testid="share-panel"]').count()).toBe(0); // a browser cannot share
    await ann.click(card);
    await ann.waitForSelector('[data-testid="doc-card"]', { timeout: 30_000 });
    await liveLoopOff(ann, pid);
    const names = await ann.$$eval('[data-testid^="label-btn-"]', (els) =>
      els.map((e) => e.getAttribute('data-testid')!.slice('label-btn-'.length)),
    );

    // The desktop window on the same project.
    await d.click(card);
    await d.waitForSelector('[data-testid="doc-card"]', { timeout: 30_000 });
    await liveLoopOff(d, pid);

    const doc = async (page: Page, id: string) => ((await projectDocs(page, pid)) as Doc[]).find((x) => x.id === id);
    const annsDoc = await labelCurrent(ann, names[0]);
    await expect
      .poll(async () => (await doc(d, annsDoc))?.byAnnotator?.ann?.labels, { timeout: 10_000, interval: 50 })
      .toEqual([names[0]]);

    // The desktop user labels another document: it reaches ann's database.
    // (ann's document, if the desktop shows it too, gets the desktop's label as well: byAnnotator keeps both.)
    const desksDoc = await labelCurrent(d, names[1]);
    const deskWho = (await doc(d, desksDoc))!.who!;
    expect(deskWho).toBe('olga');
    await expect
      .poll(async () => (await doc(ann, desksDoc))?.byAnnotator?.[deskWho]?.labels, { timeout: 10_000, interval: 50 })
      .toEqual([names[1]]);
    const journal = readJournal(folder).filter((e) => e.action === 'label' && e.source === 'human');
    expect(journal.some((e) => e.docId === annsDoc && e.who === 'ann')).toBe(true);
    expect(journal.some((e) => e.docId === desksDoc && e.who === deskWho)).toBe(true);
    await d.screenshot({ path: path.join(SHOTS, 'desktop-share-03-desktop.png') });
    await ann.screenshot({ path: path.join(SHOTS, 'desktop-share-04-ann.png') });

    // Stop: ann's server is gone, the desktop window labels on.
    await d.click('[data-testid="home"]');
    await d.click('[data-testid="share-stop"]');
    await d.waitForSelector('[data-testid="share-panel"][data-running="no"]');
    const r = await fetch(url).then(
      () => 'answered',
      () => 'refused',
    );
    expect(r).toBe('refused');
    await annCtx.close();
    // The panel in Chinese (the plain-HTTP warning included).
    await d.selectOption('[data-testid="locale"]', 'zh-CN');
    await d.check('[data-testid="share-network"]');
    await d.waitForSelector('[data-testid="share-http-warning"]');
    expect(await d.locator('[data-testid="share-panel"] h2').innerText()).toBe('与团队共享此项目');
    await d.locator('[data-testid="share-panel"]').screenshot({ path: path.join(SHOTS, 'desktop-share-05-zh.png') });
    expect(pageErrors.filter((e) => !/Failed to fetch|ERR_CONNECTION_REFUSED|WebSocket/.test(e))).toEqual([]);
  }, 300_000);
});
