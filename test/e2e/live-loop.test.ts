/**
 * The live loop in a browser (issue #12 item 5): `distillery serve` (real worker) and Debian's
 * Chromium with the app's real Dexie database. A new project of 300 unlabeled reviews, queue by
 * entropy, retrain every 10 labels: labeling 10 documents by keyboard starts the worker's naive
 * Bayes job by itself; when it is done the document on screen is the same one, the documents that
 * come next are the most uncertain under the new scores (not the ones that would have come before),
 * and the Annotate view says "Queue ordered by naive Bayes (10 labels) · HH:MM" (English and Chinese).
 * Labeling on to 30: from 20 labels the retrain draws a gold set from the human labels and scores the
 * queue model on it — the line adds "gold F1 0.xx on n = k" — and the side panel shows the learning
 * curve (one point per retrain scored on the gold set) and the stopping chart (κ between successive
 * retrains on the stop set, the sentence on how much the last labels moved accuracy).
 */
import {
  buildRenderer,
  createBinaryProject,
  haveChromium,
  launchChromium,
  shutdown,
  watchPageErrors,
  SHOTS,
  projectDocs,
  projectRow,
  startServe,
  waitFor,
  type Serve,
} from './harness';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField, generateCorpus, uniqueDocs } from '../fixtures/synthetic-corpus';

const GOLD: Record<string, 'positive' | 'negative'> = { '1': 'positive', '0': 'negative' };
const KEY = { positive: '1', negative: '2' } as const;
const EVERY = 10;

interface RawDoc {
  id: string;
  text: string;
  labels: string[];
  probs?: number[];
  queueScore: number;
  modelVersion?: string;
  gold?: 0 | 1;
  source?: string;
}

/** Binary entropy of a document's probabilities, as the queue's 'entropy' strategy scores it. */
function entropy(p: number[]): number {
  return -p.reduce((s, x) => (x > 0 ? s + x * Math.log(x) : s), 0) / Math.log(p.length);
}

/** The unlabeled documents, highest queue priority first, leaving out `except`. */
async function queueInDb(page: Page, projectId: string, except: string): Promise<RawDoc[]> {
  const docs = (await projectDocs(page, projectId)) as unknown as RawDoc[];
  return docs.filter((d) => !d.labels.length && d.id !== except).sort((a, b) => b.queueScore - a.queueScore);
}

/** The project's job rows in IndexedDB. */
function jobsInDb(page: Page, projectId: string): Promise<{ kind: string; state: string; labeledCount: number }[]> {
  return page.evaluate(
    (pid) =>
      new Promise((resolve, reject) => {
        const q = indexedDB.open('distillery');
        q.onerror = () => reject(q.error);
        q.onsuccess = () => {
          const r = q.result.transaction('jobs').objectStore('jobs').index('projectId').getAll(pid);
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        };
      }),
    projectId,
  );
}

describe.skipIf(!haveChromium)('the live loop in a browser', () => {
  let serve: Serve;
  let browser: Browser;
  let page: Page;
  let tmp: string;
  let projectId = '';
  const errors: string[] = [];
  const goldByText = new Map<string, 'positive' | 'negative'>();
  let corpusFile = '';

  const docId = () => page.getAttribute('[data-testid="doc-card"]', 'data-doc-id') as Promise<string>;
  const text = async (id: string) => (await page.locator(`[data-testid="${id}"]`).first().textContent())?.trim() ?? '';
  async function labelCurrent(done: number): Promise<void> {
    const gold = goldByText.get(await text('doc-text'))!;
    expect(gold).toBeTruthy();
    await page.keyboard.press(KEY[gold]);
    await waitFor(
      page,
      `() => document.querySelector('[data-testid="progress"]')?.textContent.startsWith('${done} /')`,
    );
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-live-loop-'));
    await buildRenderer();
    serve = await startServe(path.join(tmp, 'projects'));
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    watchPageErrors(page, errors);
    const docs = uniqueDocs(generateCorpus(400, 99, 'binary')).slice(0, 300);
    for (const d of docs) goldByText.set(d.text, GOLD[d.label]);
    corpusFile = path.join(tmp, 'reviews.csv');
    writeFileSync(corpusFile, ['review', ...docs.map((d) => csvField(d.text))].join('\n') + '\n');
  }, 180_000);

  afterAll(async () => {
    await shutdown(browser, serve, tmp);
    console.log(`[e2e] screenshots: ${SHOTS}`);
  });

  it('a new project of 300 unlabeled reviews, queue by entropy, retrain every 10 labels', async () => {
    projectId = await createBinaryProject(page, serve.url, 'Live loop', corpusFile);
    await page.selectOption('[data-testid="strategy"]', 'entropy');
    await expect.poll(async () => (await projectRow(page, projectId))?.strategy, { timeout: 15_000 }).toBe('entropy');
    expect(await page.isChecked('[data-testid="live-loop-on"]')).toBe(true);
    expect(await page.inputValue('[data-testid="live-loop-every"]')).toBe('20');
    await page.fill('[data-testid="live-loop-every"]', String(EVERY));
    await page.locator('[data-testid="live-loop-every"]').dispatchEvent('change');
    await expect
      .poll(async () => (await projectRow(page, projectId))?.liveLoop, { timeout: 15_000 })
      .toEqual({ enabled: true, every: EVERY });
    expect((await projectRow(page, projectId))?.strategy).toBe('entropy');
    expect(await text('ordered-by')).toBe('No model has ordered the queue yet');
  });

  it(`labeling ${EVERY} documents retrains naive Bayes in the worker; the document on screen stays, what comes next is re-ordered`, async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.locator('body').focus();
    for (let i = 1; i < EVERY; i++) await labelCurrent(i);
    // One short of N: no job yet.
    expect((await jobsInDb(page, projectId)).filter((j) => j.kind === 'fast-prelabel')).toHaveLength(0);
    const next = await docId();
    // The order before the retrain, read before the label that starts it (naive Bayes may finish
    // within a second of that label, so reading afterwards could already see its order).
    const before = (await queueInDb(page, projectId, next)).slice(0, 6).map((d) => d.id);
    await labelCurrent(EVERY);
    const onScreen = await docId();
    expect(onScreen).toBe(before[0]);
    const beforeNext = before.slice(1);

    // The job runs by itself and its scores reach the database: the line says which model ordered the queue, on how many labels, when.
    await waitFor(
      page,
      '() => /^Queue ordered by naive Bayes \\(10 labels\\) · \\d\\d:\\d\\d$/.test(document.querySelector(\'[data-testid="ordered-by"]\')?.textContent.trim() ?? "")',
      undefined,
      60_000,
    );
    const jobs = (await jobsInDb(page, projectId)).filter((j) => j.kind === 'fast-prelabel');
    expect(jobs).toEqual([expect.objectContaining({ state: 'done', labeledCount: EVERY })]);
    // The document on screen did not change; it shows the new model's suggestion.
    expect(await docId()).toBe(onScreen);
    await page.waitForSelector('[data-testid="suggestion"]');
    await page.screenshot({ path: path.join(SHOTS, 'live-loop-annotate-en.png') });

    // Every unlabeled document carries naive Bayes probabilities; the queue is their entropy, highest first.
    const queue = await queueInDb(page, projectId, onScreen);
    expect(queue.every((d) => d.probs?.length === 2 && d.modelVersion?.startsWith('nb-'))).toBe(true);
    const after = queue.slice(0, 5).map((d) => d.id);
    expect(after).not.toEqual(beforeNext);
    // What the annotator sees next: each the most uncertain document left under the new scores.
    for (let i = EVERY + 1; i <= EVERY + 3; i++) {
      await labelCurrent(i);
      const id = await docId();
      const left = await queueInDb(page, projectId, '');
      const top = Math.max(...left.map((d) => entropy(d.probs!)));
      const shown = left.find((d) => d.id === id)!;
      // Within the queue's tie-break (a stable hash × 1e-9).
      expect(entropy(shown.probs!)).toBeCloseTo(top, 8);
    }
  });

  it('says so in Chinese too', async () => {
    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    await waitFor(page, '() => document.documentElement.lang === "zh-CN"');
    expect(await text('ordered-by')).toMatch(/^队列排序依据：朴素贝叶斯（10 个标注）· \d\d:\d\d$/);
    await page.screenshot({ path: path.join(SHOTS, 'live-loop-annotate-zh.png') });
    await page.selectOption('[data-testid="locale"]', 'en');
  });

  it('retrains at 20 and 30 labels score naive Bayes on the gold set; the learning curve and the stopping chart appear', async () => {
    await page.locator('body').focus();
    const orderedAt = (n: number) =>
      `() => /^Queue ordered by naive Bayes \\(${n} labels\\) · gold F1 \\d\\.\\d\\d on n = \\d+ · \\d\\d:\\d\\d$/.test(document.querySelector('[data-testid="ordered-by"]')?.textContent.trim() ?? "")`;
    for (let i = EVERY + 4; i <= 2 * EVERY; i++) await labelCurrent(i);
    await waitFor(page, orderedAt(2 * EVERY), undefined, 60_000);
    for (let i = 2 * EVERY + 1; i <= 3 * EVERY; i++) await labelCurrent(i);
    await waitFor(page, orderedAt(3 * EVERY), undefined, 60_000);

    // The gold set: human labels only, and the n the line states.
    const docs = (await projectDocs(page, projectId)) as unknown as RawDoc[];
    const gold = docs.filter((d) => d.gold === 1);
    expect(gold.length).toBeGreaterThanOrEqual(2);
    expect(gold.every((d) => d.labels.length === 1 && (d.source ?? 'human') === 'human')).toBe(true);
    const line = await text('ordered-by');
    expect(Number(/on n = (\d+)/.exec(line)![1])).toBe(gold.length);

    // Retrains at 20 and 30 labels were scored on the gold set: two learning-curve points; three retrains: two κ values.
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="learning-curve"]\')?.getAttribute("data-points") === "2"',
    );
    expect(await page.getAttribute('[data-testid="stopping-chart"]', 'data-points')).toBe('2');
    expect(await page.locator('[data-testid="loop-panel"] canvas').count()).toBe(2);
    expect(await text('learning-curve-last')).toMatch(
      new RegExp(
        `^Last: \\d+\\.\\d % \\[\\d+\\.\\d, \\d+\\.\\d\\] on n = ${gold.length} gold documents \\(naive Bayes\\)\\.$`,
      ),
    );
    expect(await text('stop-sentence')).toMatch(
      /^The last 10 labels changed accuracy by [+−]\d+\.\d ± \d+\.\d points\.$/,
    );
    expect(await text('stop-rule')).toMatch(/^(Not stable yet|Predictions stable since)/);
    const jobs = (await jobsInDb(page, projectId)).filter((j) => j.kind === 'fast-prelabel');
    expect(jobs.map((j) => j.labeledCount).sort((a, b) => a - b)).toEqual([EVERY, 2 * EVERY, 3 * EVERY]);
    await page.locator('[data-testid="loop-panel"]').screenshot({ path: path.join(SHOTS, 'live-loop-panel-en.png') });
    await page.screenshot({ path: path.join(SHOTS, 'live-loop-annotate-gold-en.png') });

    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    await waitFor(page, '() => document.documentElement.lang === "zh-CN"');
    expect(await text('ordered-by')).toMatch(
      new RegExp(
        `^队列排序依据：朴素贝叶斯（30 个标注）· 金标准 F1 \\d\\.\\d\\d（n = ${gold.length}）· \\d\\d:\\d\\d$`,
      ),
    );
    expect(await text('stop-sentence')).toMatch(/^最近 10 个标注使准确率变化 [+−]\d+\.\d ± \d+\.\d 个百分点。$/);
    await page.locator('[data-testid="loop-panel"]').screenshot({ path: path.join(SHOTS, 'live-loop-panel-zh.png') });
    await page.selectOption('[data-testid="locale"]', 'en');
  });

  it('logged no errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
