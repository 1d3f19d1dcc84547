/**
 * First run, end to end: a fresh `distillery serve` (empty projects folder) and a fresh browser
 * database. The newcomer finds a sample project at once — 800 documents from the bundled corpus,
 * 100 of them labeled (source 'human', who 'sample') — opens Annotate and sees a document. It is made
 * once: a reload makes no second one, and after the user deleted it the projects page offers
 * "Create sample project" (in the UI language of the moment) instead of making it again.
 *
 * The renderer is built into a folder of its own (so that this file and workbench.test.ts can run
 * side by side). Screenshots go to $E2E_SHOTS (default: <tmp>/distillery-e2e-shots), first-run-*.png.
 */
import {
  buildRenderer,
  haveChromium,
  launchChromium,
  shutdown,
  watchPageErrors,
  SHOTS,
  projectDocs,
  startServe,
  waitFor,
  type Serve,
} from './harness';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent())?.trim() ?? '';
}

interface DbSummary {
  total: number;
  labeled: number;
  labels: Record<string, number>;
  sources: string[];
  whos: string[];
  /** Ids of the labeled documents, in the corpus' row numbers. */
  labeledIds: string[];
}

/** A project's documents in the browser's IndexedDB, summarised. */
async function dbSummary(page: Page, projectId: string): Promise<DbSummary> {
  const out: DbSummary = { total: 0, labeled: 0, labels: {}, sources: [], whos: [], labeledIds: [] };
  for (const d of await projectDocs(page, projectId)) {
    out.total++;
    if (!d.labels.length) continue;
    out.labeled++;
    out.labeledIds.push(d.id);
    for (const l of d.labels) out.labels[l] = (out.labels[l] ?? 0) + 1;
    if (!out.sources.includes(d.source ?? '')) out.sources.push(d.source ?? '');
    if (!out.whos.includes(d.who ?? '')) out.whos.push(d.who ?? '');
  }
  return out;
}

function projectFolders(root: string): string[] {
  return existsSync(root) ? readdirSync(root).filter((n) => existsSync(path.join(root, n, 'project.json'))) : [];
}

function journalLines(
  root: string,
  id: string,
): { docId: string; labels: string[]; source: string; who: string; text?: string }[] {
  const f = path.join(root, id, 'journal.jsonl');
  if (!existsSync(f)) return [];
  const s = readFileSync(f, 'utf8').trim();
  return s ? s.split('\n').map((l) => JSON.parse(l)) : [];
}

async function until(cond: () => boolean, timeout = 15_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!haveChromium)('first run: the sample project (serve mode)', () => {
  let serve: Serve;
  let browser: Browser;
  let page: Page;
  let tmp: string;
  let projectsDir: string;
  let sampleId = '';
  const consoleErrors: string[] = [];
  const t0 = Date.now();
  const timings: Record<string, number> = {};

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(SHOTS, `first-run-${name}.png`), fullPage: false });
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-first-run-'));
    projectsDir = path.join(tmp, 'projects');
    const renderer = path.join(tmp, 'renderer');
    await buildRenderer(renderer);
    timings.build = (Date.now() - t0) / 1000;
    serve = await startServe(projectsDir, renderer);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    watchPageErrors(page, consoleErrors);
  }, 180_000);

  afterAll(async () => {
    await shutdown(browser, serve, tmp);
    console.log(
      `[e2e first-run] screenshots: ${SHOTS}/first-run-*.png; timings (s): ${JSON.stringify(timings)} total ${((Date.now() - t0) / 1000).toFixed(1)}`,
    );
  });

  it('makes a sample project on a fresh database: 800 documents, 100 labeled by "sample"', async () => {
    expect(projectFolders(projectsDir)).toEqual([]);
    const t = Date.now();
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    timings.sampleVisible = (Date.now() - t) / 1000;
    expect(await page.locator('[data-testid="project-card"]').count()).toBe(1);
    expect(await page.locator('[data-testid="sample-creating"]').count()).toBe(0);
    // Nothing to offer while the sample is there.
    expect(await page.locator('[data-testid="create-sample"]').count()).toBe(0);
    const card = '[data-testid="project-card"][data-sample]';
    expect(await text(page, `${card} strong`)).toBe('Sample project');
    expect(await text(page, `${card} [data-testid="sample-badge"]`)).toBe('Sample');
    expect(await text(page, `${card} [data-testid="project-docs"]`)).toBe('100 / 800 labeled');
    expect(await page.locator(`${card} .chip`).allTextContents()).toEqual(['negative', 'positive']);

    sampleId = (await page.getAttribute(card, 'data-project-id'))!;
    expect(projectFolders(projectsDir)).toEqual([sampleId]);
    const meta = JSON.parse(readFileSync(path.join(projectsDir, sampleId, 'project.json'), 'utf8')) as {
      task: string;
      labels: { name: string; hotkey: string; color: string; description?: string }[];
      guidelines?: string;
    };
    expect(meta.task).toBe('binary');
    expect(meta.labels.map((l) => [l.name, l.hotkey])).toEqual([
      ['negative', '1'],
      ['positive', '2'],
    ]);
    expect(meta.labels.every((l) => !!l.description && /^#/.test(l.color))).toBe(true);
    expect(meta.guidelines).toMatch(/但是/);

    const s = await dbSummary(page, sampleId);
    expect(s.total).toBe(800);
    expect(s.labeled).toBe(100);
    expect(s.sources).toEqual(['human']);
    expect(s.whos).toEqual(['sample']);
    expect(Object.keys(s.labels).sort()).toEqual(['negative', 'positive']);
    // The first 100 rows of the corpus (ids are the row numbers).
    expect(s.labeledIds.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // Its labels are journaled on the server, texts included (a wiped database can be rebuilt).
    await until(() => journalLines(projectsDir, sampleId).length === 100);
    const journal = journalLines(projectsDir, sampleId);
    expect(journal.every((e) => e.source === 'human' && e.who === 'sample' && !!e.text && e.labels.length === 1)).toBe(
      true,
    );
    await shot('projects');
  });

  it('opens Annotate and shows a document with the guidelines', async () => {
    await page.click('[data-testid="project-card"][data-sample]');
    await page.waitForSelector('[data-testid="doc-text"]');
    expect(page.url()).toContain(`#/p/${sampleId}/annotate`);
    expect(await text(page, '[data-testid="progress"]')).toBe('100 / 800 labeled');
    expect((await text(page, '[data-testid="doc-text"]')).length).toBeGreaterThan(2);
    expect(await text(page, '[data-testid="guidelines-panel"]')).toMatch(/Judge each review as a whole/);
    await page.locator('body').focus();
    await shot('annotate');
    // Labeling works right away: key 2 = positive.
    const id = (await page.getAttribute('[data-testid="doc-card"]', 'data-doc-id'))!;
    await page.keyboard.press('2');
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="progress"]\')?.textContent === "101 / 800 labeled"',
    );
    await waitFor(page, '(id) => document.querySelector(\'[data-testid="doc-card"]\')?.dataset.docId !== id', id);
  });

  it('happens once: a reload makes no second sample', async () => {
    await page.click('[data-testid="home"]');
    await page.reload();
    await page.waitForSelector('[data-testid="project-card"][data-sample]');
    await page.waitForTimeout(500);
    expect(await page.locator('[data-testid="project-card"]').count()).toBe(1);
    expect(await text(page, '[data-testid="project-docs"]')).toBe('101 / 800 labeled');
    expect(projectFolders(projectsDir)).toEqual([sampleId]);
  });

  it('after the sample was deleted, offers it again (in the UI language) instead of making it', async () => {
    rmSync(path.join(projectsDir, sampleId), { recursive: true, force: true });
    await page.reload();
    await page.waitForSelector('[data-testid="create-sample"]');
    await page.waitForTimeout(500);
    expect(await page.locator('[data-testid="project-card"]').count()).toBe(0);
    expect(projectFolders(projectsDir)).toEqual([]);
    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    expect(await text(page, '[data-testid="create-sample"]')).toBe('创建示例项目');
    await shot('projects-offer-zh');
    await page.click('[data-testid="create-sample"]');
    await page.waitForSelector('[data-testid="doc-text"]', { timeout: 60_000 });
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="progress"]\')?.textContent === "已标注 100 / 800"',
    );
    expect(await text(page, '[data-testid="project-name"]')).toBe('示例项目');
    const id = decodeURIComponent(/#\/p\/([^/]+)\//.exec(page.url())![1]);
    expect(id).not.toBe(sampleId);
    expect(projectFolders(projectsDir)).toEqual([id]);
    const s = await dbSummary(page, id);
    expect([s.total, s.labeled]).toEqual([800, 100]);
    expect(Object.keys(s.labels).sort()).toEqual(['好评', '差评'].sort());
    expect(await text(page, '[data-testid="per-label"]')).toMatch(/差评.*好评/);
    await page.locator('body').focus();
    await shot('annotate-zh');
    await page.selectOption('[data-testid="locale"]', 'en');
  });

  it('logged no errors in the page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
