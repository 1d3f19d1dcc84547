/**
 * Role-aware UI (issue #10): `distillery serve`, Debian's Chromium, the real Dexie database. The owner
 * (the printed URL) sees every nav entry, the new-project form and the Team panel, and turns routing
 * on for the sample project. An annotator's browser (their invite link) shows none of the owner's
 * controls: no Import, Train, Export or Adjudicate in the nav, no new-project form, no Team panel, the
 * routing setting read-only; visiting every view, the hidden ones by their address too, makes no API
 * call that fails (403 or any other) and shows no error toast. A reviewer's nav has Adjudicate, whose
 * audit they may start.
 *
 * Screenshots: $E2E_SHOTS (default <tmp>/distillery-e2e-shots), roles-*.png (the annotator's Annotate
 * view and nav, en and zh).
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  haveChromium,
  inviteMember,
  liveLoopOff,
  projectFolder,
  shutdown,
  SHOTS,
  startWorkbench,
  waitFor,
  waitForBackup,
  watchPageErrors,
  type Serve,
} from './harness';

const ALL_VIEWS = ['import', 'annotate', 'review', 'adjudicate', 'corpus', 'train', 'export'];
/** Owner-only controls, by test id: none may be on an annotator's or a reviewer's screen. */
const OWNER_CONTROLS = ['new-project', 'create-project', 'create-sample', 'team-panel', 'routing-save', 'routing-on'];

describe.skipIf(!haveChromium)('the UI follows the role (serve mode)', () => {
  let serve: Serve | undefined;
  let browser: Browser | undefined;
  let owner: Page;
  let tmp = '';
  let projectsDir = '';
  let pid = '';
  const errors: string[] = [];

  beforeAll(async () => {
    ({ tmp, projectsDir, serve, browser, page: owner } = await startWorkbench('distillery-roles-e2e-', errors));
  }, 180_000);

  afterAll(async () => {
    await shutdown(browser, serve, tmp);
    console.log(`[e2e roles] screenshots: ${SHOTS}/roles-*.png`);
  });

  const nav = (page: Page) =>
    page.$$eval('nav.tabs [data-testid^="nav-"]', (els) => els.map((e) => e.getAttribute('data-testid')!.slice(4)));

  /** A member's own browser on their invite link; every API answer of 400 or more and every error toast is kept in `failed`. */
  async function memberPage(name: string, role: 'annotator' | 'reviewer', failed: string[]): Promise<Page> {
    const link = await inviteMember(owner, name, role);
    const ctx = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await ctx.newPage();
    watchPageErrors(page, errors);
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/') && r.status() >= 400)
        failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await page.goto(link);
    await page.waitForSelector(`[data-testid="project-card"][data-project-id="${pid}"]`, { timeout: 60_000 });
    return page;
  }

  /** Error toasts on screen now (a refused call shows one). */
  const errorToasts = (page: Page) =>
    page.$$eval('[data-testid="toast"].error', (els) => els.map((e) => e.textContent));

  async function ownerControls(page: Page): Promise<string[]> {
    const out: string[] = [];
    for (const id of OWNER_CONTROLS) if (await page.locator(`[data-testid="${id}"]`).count()) out.push(id);
    return out;
  }

  it('the owner sees every view, the new-project form and the Team panel, and turns routing on', async () => {
    await owner.goto(serve!.url);
    await owner.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    pid = (await owner.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
    expect(await owner.locator('[data-testid="new-project"]').count()).toBe(1);
    expect(await owner.locator('[data-testid="team-panel"]').count()).toBe(1);
    await owner.click('[data-testid="project-card"][data-sample]');
    await owner.waitForSelector('[data-testid="doc-card"]', { timeout: 30_000 });
    await liveLoopOff(owner, pid);
    expect(await nav(owner)).toEqual(ALL_VIEWS);
    await owner.click('[data-testid="routing-settings"] summary');
    await owner.check('[data-testid="routing-on"]');
    await owner.click('[data-testid="routing-save"]');
    await owner.waitForSelector('[data-testid="routing-team"]');
    await waitForBackup(projectFolder(projectsDir, pid));
  });

  it('an annotator sees no owner-only control, and no view they reach makes a call that fails', async () => {
    const failed: string[] = [];
    const ann = await memberPage('ann', 'annotator', failed);
    expect(await ownerControls(ann)).toEqual([]);
    expect(await ann.textContent('[data-testid="new-project-denied"]')).toContain('owner role');
    await ann.click(`[data-testid="project-card"][data-project-id="${pid}"]`);
    await ann.waitForSelector('[data-testid="doc-card"]', { timeout: 30_000 });
    await liveLoopOff(ann, pid);
    expect(await nav(ann)).toEqual(['annotate', 'review', 'corpus']);
    // The routing setting, read-only, with the team it routes among (the server's annotators).
    expect(await ann.textContent('[data-testid="routing-team"]')).toContain('Routed among: ann');
    expect(await ann.getAttribute('[data-testid="routing-readonly"]', 'title')).toBe(
      'Needs the owner role (you are annotator).',
    );
    expect(await ownerControls(ann)).toEqual([]);
    await ann.keyboard.press('1'); // a label: the journal takes an annotator's events
    for (const v of ['review', 'corpus', 'annotate']) {
      await ann.click(`[data-testid="nav-${v}"]`);
      await waitFor(ann, `(v) => location.hash.endsWith('/' + v)`, v);
      expect(await ownerControls(ann), v).toEqual([]);
    }
    await ann.waitForSelector('[data-testid="doc-card"]');
    await ann.screenshot({ path: path.join(SHOTS, 'roles-annotator-annotate-en.png') });
    await ann.selectOption('[data-testid="locale"]', 'zh-CN');
    await ann.waitForSelector('[data-testid="nav-annotate"]:has-text("标注")');
    await ann.screenshot({ path: path.join(SHOTS, 'roles-annotator-annotate-zh.png') });
    expect(await ann.getAttribute('[data-testid="routing-readonly"]', 'title')).toBe('需要所有者角色（你是标注员）。');
    await ann.selectOption('[data-testid="locale"]', 'en');
    // The hidden views by their address: a note saying which role they need, no controls, no call.
    for (const v of ['import', 'train', 'export', 'adjudicate']) {
      await ann.evaluate((h) => (location.hash = h), `#/p/${encodeURIComponent(pid)}/${v}`);
      await ann.waitForSelector('[data-testid="view-denied"]');
      expect(await ann.textContent('[data-testid="view-denied"]'), v).toMatch(/needs the (owner|reviewer) role/);
    }
    await ann.evaluate((h) => (location.hash = h), `#/p/${encodeURIComponent(pid)}/annotate`);
    await ann.waitForSelector('[data-testid="doc-card"]');
    // The label went to the journal (so the calls above did run) and nothing was refused.
    await expect.poll(() => ann.locator('[data-testid="journal-pending"]').count()).toBe(0);
    expect(failed).toEqual([]);
    expect(await errorToasts(ann)).toEqual([]);
  });

  it('a reviewer’s nav has Adjudicate, whose audit is theirs to start', async () => {
    const failed: string[] = [];
    const rev = await memberPage('rev', 'reviewer', failed);
    expect(await ownerControls(rev)).toEqual([]);
    await rev.click(`[data-testid="project-card"][data-project-id="${pid}"]`);
    await rev.waitForSelector('[data-testid="nav-adjudicate"]', { timeout: 30_000 });
    expect(await nav(rev)).toEqual(['annotate', 'review', 'adjudicate', 'corpus']);
    await rev.click('[data-testid="nav-adjudicate"]');
    await rev.waitForSelector('[data-testid="adjudicate-view"]');
    await rev.click('[data-testid="tab-suspects"]');
    expect(await rev.isEnabled('[data-testid="audit-run"]')).toBe(true);
    expect(await rev.getAttribute('[data-testid="audit-run"]', 'title')).toBeNull();
    await rev.click('[data-testid="tab-agreement"]');
    expect(await ownerControls(rev)).toEqual([]);
    expect(failed).toEqual([]);
    expect(await errorToasts(rev)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
