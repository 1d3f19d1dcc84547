/**
 * The gold set, label provenance and persistent skip in the workbench (issue 12 items 1, 2, 8), end to
 * end: `distillery serve`, Debian's Chromium, the real Dexie database, the sample project of a fresh
 * database (100 imported human labels, 700 unlabeled documents).
 *
 * - a skipped document is set aside in the database and does not come back first after a reload; the
 *   Corpus view shows it and restores it;
 * - a training request tests on the gold set (10 % of the human labels, per label) and carries the
 *   per-source weights; the runs table says "n = … gold, imported"; the distillation α per source
 *   shows its defaults (accepted pre-labels 1, the others blank) and is saved on the project;
 * - pre-labels accepted in bulk never enter the gold set (asserted on the database) and the next
 *   request sends them as 'teacher' labels, weighted 0.5, none of them gold;
 * - the labeling-budget simulator (issue 12 item 7) starts from the Train view with the 100 human
 *   labels only (not the 699 accepted pre-labels) and shows its chart and table;
 * - a database of the schema's version 1 (another browser profile) opens under version 2 with its rows
 *   and the new gold index.
 *
 * Screenshots: $E2E_SHOTS (default <tmp>/distillery-e2e-shots), gold-*.png.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRequest } from '../../src/shared/api';
import {
  buildRenderer,
  haveChromium,
  launchChromium,
  projectDocs,
  projectRow,
  shutdown,
  SHOTS,
  startServe,
  waitFor,
  watchPageErrors,
  type Serve,
  type StoredDoc,
} from './harness';

type Doc = StoredDoc & { gold?: 0 | 1; ignored?: { reason: string }; labelVia?: string };

describe.skipIf(!haveChromium)('gold set, label weights and persistent skip in the workbench (serve mode)', () => {
  let serve: Serve | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let tmp = '';
  let pid = '';
  const pageErrors: string[] = [];
  const requests: JobRequest[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `gold-${name}.png`) });
  const docs = async () => (await projectDocs(page, pid)) as Doc[];
  const docId = () => page.getAttribute('[data-testid="doc-card"]', 'data-doc-id');

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-gold-e2e-'));
    const projectsDir = path.join(tmp, 'projects');
    mkdirSync(projectsDir);
    const renderer = path.join(tmp, 'renderer');
    await buildRenderer(renderer);
    serve = await startServe(projectsDir, renderer);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    watchPageErrors(page, pageErrors);
    // Every job request the UI sends, as sent (the call's first argument), then passed on unchanged.
    await page.route('**/api/jobs.start', async (route) => {
      requests.push((JSON.parse(route.request().postData() ?? '[]') as JobRequest[])[0]);
      await route.continue();
    });
  }, 180_000);

  afterAll(async () => {
    await shutdown(browser, serve, tmp);
    console.log(`[e2e gold] screenshots: ${SHOTS}/gold-*.png`);
  });

  it('a skipped document is set aside and stays skipped after a reload; the Corpus view restores it', async () => {
    await page.goto(serve!.url);
    await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    pid = (await page.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
    await page.click('[data-testid="project-card"][data-sample]');
    await page.waitForSelector('[data-testid="doc-text"]');
    await page.locator('body').focus();
    const skipped = (await docId())!;
    await page.keyboard.press(' ');
    await waitFor(page, '(id) => document.querySelector(\'[data-testid="doc-card"]\')?.dataset.docId !== id', skipped);
    await expect
      .poll(async () => (await docs()).find((d) => d.id === skipped)?.ignored, { timeout: 10_000 })
      .toMatchObject({ reason: '' });

    await page.reload();
    await page.waitForSelector('[data-testid="doc-text"]');
    expect(await docId()).not.toBe(skipped);
    await shot('01-after-reload');

    // Restored from the Corpus view: in the queue again.
    await page.click('[data-testid="nav-corpus"]');
    await page.fill('[data-testid="corpus-search"]', skipped);
    await page.check('[data-testid="filter-ignored"]');
    await waitFor(page, '() => document.querySelectorAll(\'[data-testid="corpus-row"]\').length === 1');
    await page.click('[data-testid="corpus-row"]');
    await page.waitForSelector('[data-testid="doc-ignored"]');
    await shot('02-corpus-ignored');
    await page.click('[data-testid="ignore-restore"]');
    await page.waitForSelector('[data-testid="ignore"]');
    expect((await docs()).find((d) => d.id === skipped)?.ignored).toBeUndefined();
    // …and set aside again with a reason.
    await page.fill('[data-testid="ignore-reason"]', 'two languages mixed');
    await page.click('[data-testid="ignore"]');
    await page.waitForSelector('[data-testid="doc-ignored"]');
    expect((await docs()).find((d) => d.id === skipped)?.ignored).toMatchObject({ reason: 'two languages mixed' });
  });

  it('a training request tests on the gold set (human labels, 10 % per label) and carries the per-source weights', async () => {
    await page.click('[data-testid="nav-train"]');
    await page.click('[data-testid="train-advanced"] summary');
    await page.waitForSelector('[data-testid="weight-teacher"]');
    expect(await page.inputValue('[data-testid="weight-teacher"]')).toBe('0.5');
    // Distillation α per source: accepted pre-labels 1 (soft target only), the others blank (the run's α); saved on the project.
    expect(await page.inputValue('[data-testid="alpha-teacher"]')).toBe('1');
    expect(await page.inputValue('[data-testid="alpha-human"]')).toBe('');
    await page.fill('[data-testid="alpha-rule"]', '0.9');
    await page.dispatchEvent('[data-testid="alpha-rule"]', 'change');
    const sourceAlpha = async () =>
      ((await projectRow(page, pid)) as { sourceAlpha?: Record<string, number> } | undefined)?.sourceAlpha;
    await expect.poll(sourceAlpha).toEqual({ teacher: 1, student: 1, rule: 0.9 });
    expect(await page.inputValue('[data-testid="gold-fraction"]')).toBe('10');
    await page.selectOption('[data-testid="teacher-model"]', 'textcnn');
    await page.fill('[data-testid="teacher-epochs"]', '2');
    await page.click('[data-testid="train-start"]');
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="run-state"]\')?.textContent.trim() === "done"',
      undefined,
      120_000,
    );
    await waitFor(
      page,
      '() => [...document.querySelectorAll(\'[data-testid="toast"]\')].some((t) => /Pre-labeled/.test(t.textContent))',
      undefined,
      30_000,
    );

    // The training's request (the live loop then compares the new teacher with naive Bayes in a job of its own).
    const req = requests.filter((r) => r.kind === 'train-student').at(-1)!;
    expect(req.options.sourceWeights).toEqual({
      human: 1,
      corrected: 1,
      imported: 1,
      teacher: 0.5,
      student: 0.5,
      rule: 0.3,
    });
    const gold = req.docs.labeled.filter((d) => d.gold);
    // The sample's 100 labels are imported: 10 % of each label's documents, rounded.
    const stored = await docs();
    const perLabel = new Map<string, number>();
    for (const d of stored) if (d.labels.length) perLabel.set(d.labels[0], (perLabel.get(d.labels[0]) ?? 0) + 1);
    const want = [...perLabel.values()].reduce((a, n) => a + Math.round(0.1 * n), 0);
    expect(gold).toHaveLength(want);
    expect(new Set(gold.map((d) => d.source))).toEqual(new Set(['imported']));
    expect(
      stored
        .filter((d) => d.gold === 1)
        .map((d) => d.id)
        .sort(),
    ).toEqual(gold.map((d) => d.id).sort());
    expect(await page.textContent('[data-testid="run-testset"]')).toBe(`n = ${want} gold, imported`);
    expect(await page.textContent('[data-testid="gold-count"]')).toContain(`${want} document`);
    await page.locator('[data-testid="runs"]').screenshot({ path: path.join(SHOTS, 'gold-03-runs-testset.png') });
    await shot('04-train-advanced');
  });

  it('pre-labels accepted in bulk never enter the gold set and are sent weighted as accepted pre-labels', async () => {
    const goldBefore = (await docs())
      .filter((d) => d.gold === 1)
      .map((d) => d.id)
      .sort();
    await page.click('[data-testid="nav-review"]');
    await page.waitForSelector('[data-testid="doc-card"]');
    await page.fill('[data-testid="bulk-threshold"]', '0');
    await waitFor(
      page,
      '() => /^Accept [1-9]/.test(document.querySelector(\'[data-testid="bulk-accept"]\')?.textContent.trim() ?? "")',
    );
    await page.click('[data-testid="bulk-accept"]');
    await waitFor(
      page,
      '() => [...document.querySelectorAll(\'[data-testid="toast"]\')].some((t) => /Accepted \\d+ pre-label/.test(t.textContent))',
    );
    const after = await docs();
    const accepted = after.filter((d) => d.source === 'teacher');
    // Everything scored and not set aside: 700 unlabeled minus the one skipped.
    expect(accepted.length).toBe(699);
    expect(accepted.filter((d) => d.gold !== undefined)).toEqual([]);

    // The next run: the gold set is what it was (no re-draw: accepted labels are not human), the
    // accepted labels train at weight 0.5 and none is in the test set.
    await page.click('[data-testid="nav-train"]');
    const trainings = () => requests.filter((r) => r.kind === 'train-student');
    const n = trainings().length;
    await page.click('[data-testid="train-start"]');
    await expect.poll(() => trainings().length, { timeout: 30_000 }).toBe(n + 1);
    const req = trainings().at(-1)!;
    const sent = req.docs.labeled.filter((d) => d.source === 'teacher');
    expect(sent).toHaveLength(699);
    expect(sent.filter((d) => d.gold)).toEqual([]);
    expect(req.options.sourceWeights).toMatchObject({ teacher: 0.5 });
    expect(
      req.docs.labeled
        .filter((d) => d.gold)
        .map((d) => d.id)
        .sort(),
    ).toEqual(goldBefore);
    expect(
      (await docs())
        .filter((d) => d.gold === 1)
        .map((d) => d.id)
        .sort(),
    ).toEqual(goldBefore);
    await page.click('[data-testid="job-cancel"]');
    await waitFor(
      page,
      '() => /cancelled/.test(document.querySelector(\'[data-testid="run-state"]\')?.textContent ?? "")',
      undefined,
      60_000,
    );
    expect(pageErrors).toEqual([]);
  });

  it('the labeling-budget simulator runs from the Train view on the human labels only and shows its chart and table', async () => {
    // By now: the sample's 100 imported (human) labels and 699 accepted pre-labels.
    const stored = await docs();
    const human = stored.filter((d) => d.labels.length && (d.source ?? 'human') === 'human');
    expect(human).toHaveLength(100);
    await page.click('[data-testid="nav-train"]');
    await waitFor(
      page,
      '() => /100 documents with human labels/.test(document.querySelector(\'[data-testid="simulate-human"]\')?.textContent ?? "")',
    );
    await page.fill('[data-testid="simulate-seed-size"]', '10');
    await page.fill('[data-testid="simulate-batch"]', '20');
    await page.fill('[data-testid="simulate-budget"]', '50');
    await page.fill('[data-testid="simulate-runs"]', '2');
    // The project's text options (the Train view's form) go with the simulation, as with every model.
    await page.check('[data-testid="text-t2s"]');
    const n = requests.length;
    await page.click('[data-testid="simulate-start"]');
    await expect.poll(() => requests.length, { timeout: 30_000 }).toBe(n + 1);
    const req = requests.at(-1)!;
    expect(req.kind).toBe('simulate');
    expect(req.options).toEqual({
      strategies: ['random', 'margin', 'entropy', 'diversity'],
      model: 'nb',
      seedSize: 10,
      batch: 20,
      budget: 50,
      runs: 2,
      t2s: true,
    });
    // Only a person's labels: none of the 699 accepted pre-labels.
    expect(req.docs.labeled.map((d) => d.id).sort()).toEqual(human.map((d) => d.id).sort());
    await page.waitForSelector('[data-testid="simulate-table"]', { timeout: 120_000 });
    expect(await page.locator('[data-testid="simulate-row"] td.mono').allTextContents()).toEqual([
      'random',
      'margin',
      'entropy',
      'diversity',
    ]);
    expect(await page.textContent('[data-testid="simulate-ran-on"]')).toMatch(
      /^\s*Ran on 100 human-labeled documents \(pool \d+, test split \d+\) · nb · 2 run\(s\)/,
    );
    expect(await page.locator('[data-testid="simulate-chart"] canvas').count()).toBe(1);
    await page.locator('[data-testid="simulate-panel"]').scrollIntoViewIfNeeded();
    await page
      .locator('[data-testid="simulate-panel"]')
      .screenshot({ path: path.join(SHOTS, 'gold-05-simulator.png') });
    // The same panel in Chinese.
    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    await waitFor(page, '() => document.documentElement.lang === "zh-CN"');
    expect(await page.textContent('[data-testid="simulate-human"]')).toContain('基于 100 篇人工标注的文档');
    expect(await page.textContent('[data-testid="simulate-ran-on"]')).toContain('基于 100 篇人工标注文档');
    await page
      .locator('[data-testid="simulate-panel"]')
      .screenshot({ path: path.join(SHOTS, 'gold-06-simulator-zh.png') });
    await page.selectOption('[data-testid="locale"]', 'en');
    await waitFor(page, '() => document.documentElement.lang === "en"');
    expect(pageErrors).toEqual([]);
  });

  it('a database written by version 1 of the schema opens under the current version (3), rows kept, the gold and event-id indexes added', async () => {
    const ctx = await browser!.newContext({ locale: 'en-US' });
    const old = await ctx.newPage();
    // Same origin, before the app ever ran: the version-1 layout Dexie made (IndexedDB version 10).
    await old.goto(`${serve!.origin}/no-such-page`);
    await old.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const q = indexedDB.open('distillery', 10);
          q.onupgradeneeded = () => {
            const db = q.result;
            db.createObjectStore('projects', { keyPath: 'id' });
            const docs = db.createObjectStore('docs', { keyPath: ['projectId', 'id'] });
            docs.createIndex('projectId', 'projectId');
            docs.createIndex('[projectId+isLabeled]', ['projectId', 'isLabeled']);
            docs.createIndex('[projectId+isLabeled+queueScore]', ['projectId', 'isLabeled', 'queueScore']);
            docs.createIndex('[projectId+isLabeled+confidence]', ['projectId', 'isLabeled', 'confidence']);
            docs.createIndex('importId', 'importId');
            const events = db.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
            events.createIndex('[projectId+docId]', ['projectId', 'docId']);
            events.createIndex('[projectId+journaled]', ['projectId', 'journaled']);
            events.createIndex('projectId', 'projectId');
            db.createObjectStore('jobs', { keyPath: 'id' }).createIndex('projectId', 'projectId');
            const imports = db.createObjectStore('imports', { keyPath: 'id' });
            imports.createIndex('projectId', 'projectId');
            imports.createIndex('state', 'state');
            docs.put({
              projectId: 'old-project',
              id: 'd1',
              text: '旧文档',
              labels: ['x'],
              isLabeled: 1,
              source: 'human',
              queueScore: 0,
            });
          };
          q.onsuccess = () => {
            q.result.close();
            resolve();
          };
          q.onerror = () => reject(q.error);
        }),
    );
    await old.goto(serve!.url);
    await old.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    const after = await old.evaluate(
      () =>
        new Promise<{ version: number; indexes: string[]; doc: unknown }>((resolve, reject) => {
          const q = indexedDB.open('distillery');
          q.onsuccess = () => {
            const db = q.result;
            const store = db.transaction('docs').objectStore('docs');
            const r = store.get(['old-project', 'd1']);
            r.onsuccess = () => {
              resolve({
                version: db.version,
                indexes: [
                  ...Array.from(store.indexNames),
                  ...Array.from(db.transaction('events').objectStore('events').indexNames),
                ],
                doc: r.result,
              });
              db.close();
            };
            r.onerror = () => reject(r.error);
          };
          q.onerror = () => reject(q.error);
        }),
    );
    expect(after.version).toBe(30); // Dexie's version 3 (IndexedDB version = Dexie version × 10)
    expect(after.indexes).toContain('[projectId+gold]');
    expect(after.indexes).toContain('[projectId+id]');
    expect(after.doc).toMatchObject({ id: 'd1', text: '旧文档', labels: ['x'] });
    await ctx.close();
  });
});
