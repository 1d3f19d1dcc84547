/**
 * The workbench end to end: `distillery serve` (the real backend and worker) driven through Debian's
 * Chromium with playwright-core.
 *
 *   create a project → a malformed CSV shows line-level errors and imports nothing → import 300
 *   documents (an automatic backup follows) → training with no labels explains why not → label 30
 *   with the keyboard alone (skip and undo included) → train → suggestions with confidences →
 *   accept or correct 10 pre-labels by keyboard → kill the worker mid-training (failed job, every
 *   label kept, retry works) → distill (latency per document in the runs table) → a tiny α sweep
 *   (accuracy against α drawn, English and Chinese) → export the dataset and the ONNX student →
 *   reload: every label still there → wipe IndexedDB: the app offers the rebuild from the journal
 *   or the latest automatic backup, and both restore every label → 100,000 documents in the corpus
 *   view (import time and time per scroll step, printed).
 *
 * Screenshots of every view go to $E2E_SHOTS (default: <tmp>/distillery-e2e-shots).
 */
import {
  buildRenderer,
  haveChromium,
  launchChromium,
  liveLoopOff,
  shutdown,
  watchPageErrors,
  SHOTS,
  projectDocCount,
  projectDocs,
  startServe,
  waitFor,
  type Serve,
} from './harness';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField, generateCorpus, uniqueDocs } from '../fixtures/synthetic-corpus';

/** positive ← '1', negative ← '0' in the synthetic corpus. */
const GOLD: Record<string, 'positive' | 'negative'> = { '1': 'positive', '0': 'negative' };
const KEY = { positive: '1', negative: '2' } as const;

function csv(rows: string[][]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

async function text(page: Page, testid: string): Promise<string> {
  return (await page.locator(`[data-testid="${testid}"]`).first().textContent())?.trim() ?? '';
}

/** Every labeled document in the browser's IndexedDB: id → labels joined by '|'. */
async function labelsInDb(page: Page, projectId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const d of await projectDocs(page, projectId)) if (d.labels.length) out[d.id] = d.labels.join('|');
  return out;
}

/** Unlabeled documents the model scored: id, suggestion, confidence. */
async function scoredUnlabeled(
  page: Page,
  projectId: string,
): Promise<{ id: string; suggestion: string[]; confidence: number }[]> {
  return (await projectDocs(page, projectId))
    .filter((d) => !d.labels.length && d.confidence !== undefined && d.suggestion?.length)
    .map((d) => ({ id: d.id, suggestion: d.suggestion!, confidence: d.confidence! }));
}

/** How many of the project's labeled documents have their text (not a rebuilt placeholder). */
async function labeledWithText(page: Page, projectId: string): Promise<number> {
  return (await projectDocs(page, projectId)).filter((d) => d.labels.length && d.text.length > 0).length;
}

describe.skipIf(!haveChromium)('workbench in a browser (serve mode)', () => {
  let serve: Serve;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let projectsDir: string;
  let tmp: string;
  let projectId = '';
  const consoleErrors: string[] = [];
  const backupWarnings: string[] = [];
  /** What the test labeled: doc id → labels joined by '|'. */
  const expected: Record<string, string> = {};
  const goldByText = new Map<string, 'positive' | 'negative'>();
  let corpusFile = '';
  const t0 = Date.now();
  const timings: Record<string, number> = {};

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-e2e-'));
    projectsDir = path.join(tmp, 'projects');
    // The UI the server hosts: built from the sources under test.
    await buildRenderer();
    serve = await startServe(projectsDir);
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'en-US',
      acceptDownloads: true,
    });
    page = await context.newPage();
    watchPageErrors(page, consoleErrors);
    page.on('console', (m) => {
      // Automatic backups run their export in a worker; falling back to the page is a warning.
      if (m.type() === 'warning' && /backup/i.test(m.text())) backupWarnings.push(m.text());
    });
    page.on('dialog', (d) => void d.accept());

    const docs = uniqueDocs(generateCorpus(400, 4242, 'binary')).slice(0, 300);
    expect(docs).toHaveLength(300);
    for (const d of docs) goldByText.set(d.text, GOLD[d.label]);
    // No label column: the annotators label it. The ids come from the row numbers.
    corpusFile = path.join(tmp, 'reviews-300.csv');
    writeFileSync(corpusFile, csv([['review', 'source'], ...docs.map((d, i) => [d.text, i % 2 ? 'app' : 'web'])]));
  }, 180_000);

  afterAll(async () => {
    await shutdown(browser, serve, tmp);
    console.log(`[e2e] screenshots: ${SHOTS}`);
    console.log(`[e2e] timings (s): ${JSON.stringify(timings)} total ${((Date.now() - t0) / 1000).toFixed(1)}`);
  });

  it('creates a project with a label schema and guidelines', async () => {
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid="new-project"]');
    // The token left the address bar; the browser keeps its own database, and says so.
    expect(page.url()).not.toContain('token=');
    await page.waitForSelector('[data-testid="separate-db"]');
    // A fresh database: the sample project is made on the first start (see first-run.test.ts).
    await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    await shot('01-projects-first-run');
    await page.fill('[data-testid="project-name-input"]', 'Takeaway reviews');
    await page.fill('[data-testid="label-name-0"]', 'positive');
    await page.fill('[data-testid="label-desc-0"]', 'The customer is happy overall');
    await page.fill('[data-testid="label-name-1"]', 'negative');
    await page.fill('[data-testid="label-desc-1"]', 'Complaints: taste, delivery, service, price');
    await page.fill(
      '[data-testid="guidelines"]',
      'Judge the review as a whole. Mixed reviews (虽然…但是…): the clause after 但是 decides.',
    );
    await shot('02-new-project-form');
    await page.click('[data-testid="create-project"]');
    await page.waitForSelector('[data-testid="import-file"]');
    projectId = decodeURIComponent(/#\/p\/([^/]+)\//.exec(page.url())![1]);
    expect(projectId).toBeTruthy();
  });

  it('shows line-level errors for bad files and imports nothing', async () => {
    // Malformed CSV: an unterminated quote.
    await page.setInputFiles('[data-testid="import-file"]', {
      name: 'broken.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('review,source\n"fine",web\n"never closed,web\nnext,app\n'),
    });
    await page.waitForSelector('[data-testid="import-errors"]');
    const err = await text(page, 'import-error-line');
    expect(err).toMatch(/line \d+/i);
    expect(await page.locator('[data-testid="import-run"]').count()).toBe(0);
    await shot('03-import-malformed');
    // Labels outside the schema: every offending line is listed and the import is refused.
    await page.setInputFiles('[data-testid="import-file"]', {
      name: 'unknown-labels.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('review,label\n好吃,positive\n难吃,terrible\n一般,meh\n送得快,negative\n'),
    });
    await page.waitForSelector('[data-testid="import-preview"] [data-testid="import-errors"]');
    const lines = await page.locator('[data-testid="import-error-line"]').allTextContents();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/line 3.*terrible/);
    expect(lines[1]).toMatch(/line 4.*meh/);
    expect(await page.locator('[data-testid="import-run"]').isDisabled()).toBe(true);
    await shot('04-import-unknown-labels');
    // GB18030 is detected, and the encoding can be chosen by hand.
    const gb = iconv.encode('评论,来源\n味道很好，送餐很快,app\n太咸了,web\n', 'gb18030');
    await page.setInputFiles('[data-testid="import-file"]', { name: 'gbk.csv', mimeType: 'text/csv', buffer: gb });
    await waitFor(
      page,
      '() => /gb18030 · 2 document/.test(document.querySelector(\'[data-testid="import-summary"]\')?.textContent ?? "")',
    );
    expect(await page.locator('[data-testid="import-preview"] td.text').first().textContent()).toBe(
      '味道很好，送餐很快',
    );
    await page.selectOption('[data-testid="import-encoding"]', 'utf-8');
    await page.waitForSelector('[data-testid="import-errors"]');
    await page.selectOption('[data-testid="import-encoding"]', 'gb18030');
    await waitFor(
      page,
      '() => /gb18030 · 2 document/.test(document.querySelector(\'[data-testid="import-summary"]\')?.textContent ?? "")',
    );
    await page.selectOption('[data-testid="import-encoding"]', '');
    // Hostile labels (issue #8): a 100,000-character label is refused naming its line and the limit…
    const long = 'x'.repeat(100_000);
    await page.setInputFiles('[data-testid="import-file"]', {
      name: 'long-label.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`review,label\n送得快,negative\n好吃,${long}\n`),
    });
    await waitFor(
      page,
      '() => /at most 200 characters/.test(document.querySelector(\'[data-testid="import-errors"]\')?.textContent ?? "")',
    );
    const longErr = await text(page, 'import-error-line');
    expect(longErr).toMatch(/line 3/);
    expect(longErr).toContain('long-label.csv:3: the label in column "label" is 100,000 characters long');
    expect(longErr.length).toBeLessThan(600);
    expect(await page.locator('[data-testid="import-run"]').count()).toBe(0);
    await shot('04b-import-long-label');
    // …and labels that only one document carries are named in the preview's warnings.
    await page.setInputFiles('[data-testid="import-file"]', {
      name: 'single.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('review,label\n好吃,positive\n难吃,negative\n太咸了,negative\n'),
    });
    await page.waitForSelector('[data-testid="import-warnings"]');
    expect(await text(page, 'import-warnings')).toContain(
      'single.csv: 1 of 2 label(s) in column "label" have a single document, too few to learn or to test: "positive" (line 2)',
    );
    await shot('04c-import-single-document-label');
    expect(await projectDocCount(page, projectId)).toBe(0);
  });

  it('imports a CSV of 300 documents (preview, columns, all or nothing)', async () => {
    await page.setInputFiles('[data-testid="import-file"]', corpusFile);
    await page.waitForSelector('[data-testid="import-summary"]');
    expect(await text(page, 'import-summary')).toMatch(/CSV · utf-8 · 300 document/);
    expect(await page.locator('[data-testid="import-text-col"]').inputValue()).toBe('review');
    await shot('05-import-preview');
    const t = Date.now();
    await page.click('[data-testid="import-run"]');
    await page.waitForSelector('[data-testid="import-done"]', { timeout: 30_000 });
    timings.import300 = (Date.now() - t) / 1000;
    expect(await text(page, 'import-done')).toMatch(/Imported 300 document/);
    expect(await projectDocCount(page, projectId)).toBe(300);
    // An automatic backup of the project follows the import, into its folder.
    const backups = path.join(projectsDir, readdirOne(projectsDir, projectId), 'backups');
    await expect
      .poll(() => (existsSync(backups) ? readdirSync(backups).filter((n) => n.endsWith('.meta.json')) : []), {
        timeout: 30_000,
      })
      .toHaveLength(1);
    const meta = JSON.parse(
      readFileSync(
        path.join(
          backups,
          readdirSync(backups).find((n) => n.endsWith('.meta.json'))!,
        ),
        'utf8',
      ),
    );
    expect(meta).toMatchObject({ reason: 'import', docs: 300, labeled: 0 });
  });

  it('explains why training cannot start without labels', async () => {
    await page.click('[data-testid="nav-train"]');
    await page.click('[data-testid="train-start"]');
    await page.waitForSelector('[data-testid="train-blocked"]');
    expect(await text(page, 'train-blocked')).toMatch(/no labels yet/i);
    await shot('06-train-no-labels');
  });

  it('labels 30 documents with the keyboard alone (skip and undo included)', async () => {
    await page.click('[data-testid="nav-annotate"]');
    await page.waitForSelector('[data-testid="doc-text"]');
    // The live loop off: its retrains would race the trainings below for the worker and the runs
    // table (test/e2e/live-loop.test.ts is its test).
    await liveLoopOff(page, projectId);
    await page.locator('body').focus();
    await shot('07-annotate-start');
    const t = Date.now();
    let labeled = 0;
    let step = 0;
    while (labeled < 30) {
      const id = (await page.getAttribute('[data-testid="doc-card"]', 'data-doc-id'))!;
      const docText = await text(page, 'doc-text');
      const gold = goldByText.get(docText)!;
      expect(gold, docText).toBeTruthy();
      step++;
      if (step === 3) {
        // Skip one, then undo the skip: the same document comes back.
        await page.keyboard.press(' ');
        await waitFor(page, '(id) => document.querySelector(\'[data-testid="doc-card"]\')?.dataset.docId !== id', id);
        await page.keyboard.press('Control+z');
        await waitFor(page, '(id) => document.querySelector(\'[data-testid="doc-card"]\')?.dataset.docId === id', id);
      }
      if (step === 6) {
        // A wrong label, undone with Ctrl+Z.
        const wrong = gold === 'positive' ? 'negative' : 'positive';
        await page.keyboard.press(KEY[wrong]);
        await waitFor(
          page,
          ((n) => `() => document.querySelector('[data-testid="progress"]')?.textContent.startsWith('${n} /')`)(
            labeled + 1,
          ),
        );
        await page.keyboard.press('Control+z');
        await waitFor(
          page,
          ((n) => `() => document.querySelector('[data-testid="progress"]')?.textContent.startsWith('${n} /')`)(
            labeled,
          ),
        );
        await waitFor(page, '(id) => document.querySelector(\'[data-testid="doc-card"]\')?.dataset.docId === id', id);
      }
      await page.keyboard.press(KEY[gold]);
      labeled++;
      expected[id] = gold;
      await waitFor(
        page,
        ((n) => `() => document.querySelector('[data-testid="progress"]')?.textContent.startsWith('${n} /')`)(labeled),
      );
    }
    timings.label30 = (Date.now() - t) / 1000;
    expect(await text(page, 'progress')).toBe('30 / 300 labeled');
    await shot('08-annotate-30-labeled');
    expect(await labelsInDb(page, projectId)).toEqual(expected);
    // Each label is journaled on the server (undo and skip included).
    await waitFor(page, '() => !document.body.textContent.includes("not yet journaled")');
    const journal = readFileSync(path.join(projectsDir, readdirOne(projectsDir, projectId), 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(journal.filter((e) => e.action === 'undo')).toHaveLength(1);
    expect(journal.filter((e) => e.action === 'skip')).toHaveLength(1);
    // The history panel shows the undone label of the last document.
    expect(await page.locator('[data-testid="history"]').count()).toBe(1);
  });

  it('trains, and shows suggestions with confidences', async () => {
    await page.click('[data-testid="nav-train"]');
    await page.fill('[data-testid="teacher-epochs"]', '12');
    await page.fill('[data-testid="teacher-patience"]', '0');
    await page.fill('[data-testid="teacher-hidden"]', '16');
    const t = Date.now();
    await page.click('[data-testid="train-start"]');
    await page.waitForSelector('[data-testid="job-live"]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid="job-live"] canvas');
    await waitFor(
      page,
      '() => (document.querySelector(\'[data-testid="job-progress"]\')?.style.width ?? "0%") !== "0%"',
      undefined,
      60_000,
    ).catch(() => undefined);
    await shot('09-training-live');
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
    timings.train = (Date.now() - t) / 1000;
    expect(await text(page, 'run-accuracy')).toMatch(/%$/);
    // Under the accuracy: the number of test documents and its Wilson 95 % interval; the tooltip says more (issue #12).
    expect(await text(page, 'run-evidence')).toMatch(/^n = \d+ · \d+\.\d%–\d+\.\d%$/);
    expect(await page.locator('[data-testid="run-evidence"]').first().locator('..').getAttribute('title')).toMatch(
      /95 % interval .*Wilson/,
    );
    // The teacher's row (the live loop's run that compares it on the gold set may be listed above it).
    await page.locator('[data-testid="run-row"]').filter({ hasNotText: 'naive Bayes (queue)' }).first().click();
    await page.waitForSelector('[data-testid="run-details"] canvas');
    await page.waitForSelector('[data-testid="confusion"]');
    await shot('10-train-done');
    await page.locator('[data-testid="runs"]').screenshot({ path: path.join(SHOTS, '10b-runs-n-interval.png') });

    await page.click('[data-testid="nav-annotate"]');
    await page.waitForSelector('[data-testid="suggestion"]');
    expect(await text(page, 'confidence')).toMatch(/^\d{1,3}\.\d%$/);
    await page.selectOption('[data-testid="strategy"]', 'least-confidence');
    await page.waitForSelector('[data-testid="suggestion"]');
    await page.locator('body').focus();
    await shot('11-annotate-suggestion');
  });

  it('accepts or corrects 10 pre-labels by keyboard, least confident first', async () => {
    await page.click('[data-testid="nav-review"]');
    await page.waitForSelector('[data-testid="doc-card"]');
    await page.locator('body').focus();
    await shot('12-review');
    let accepted = 0;
    let corrected = 0;
    let lastConf = -1;
    for (let i = 0; i < 10; i++) {
      const id = (await page.getAttribute('[data-testid="doc-card"]', 'data-doc-id'))!;
      const docText = await text(page, 'doc-text');
      const gold = goldByText.get(docText)!;
      const suggested = (await page.locator('[data-testid="suggestion"] .chip').first().textContent())?.trim();
      const conf = parseFloat(await text(page, 'confidence'));
      expect(conf).toBeGreaterThanOrEqual(lastConf - 1e-9);
      lastConf = conf;
      if (suggested === gold) {
        await page.keyboard.press('Enter');
        accepted++;
      } else {
        await page.keyboard.press(KEY[gold]);
        corrected++;
      }
      expected[id] = gold;
      await waitFor(page, '(id) => document.querySelector(\'[data-testid="doc-card"]\')?.dataset.docId !== id', id);
    }
    console.log(`[e2e] review: ${accepted} accepted, ${corrected} corrected`);
    await waitFor(page, '() => !document.body.textContent.includes("not yet journaled")');
    expect(await labelsInDb(page, projectId)).toEqual(expected);

    // Bulk accept above a confidence: here the threshold that takes the 5 most confident pre-labels.
    const scored = (await scoredUnlabeled(page, projectId)).sort((a, b) => b.confidence - a.confidence);
    const thr = scored[4].confidence;
    const take = scored.filter((d) => d.confidence >= thr);
    await page.fill('[data-testid="bulk-threshold"]', String(thr));
    await waitFor(
      page,
      ((n) => `() => document.querySelector('[data-testid="bulk-accept"]')?.textContent.trim() === 'Accept ${n}'`)(
        take.length,
      ),
    );
    await page.click('[data-testid="bulk-accept"]');
    await waitFor(
      page,
      ((n) =>
        `() => [...document.querySelectorAll('[data-testid="toast"]')].some((t) => t.textContent.includes('Accepted ${n} pre-label'))`)(
        take.length,
      ),
    );
    for (const d of take) expected[d.id] = d.suggestion.join('|');
    await waitFor(page, '() => !document.body.textContent.includes("not yet journaled")');
    expect(await labelsInDb(page, projectId)).toEqual(expected);
  });

  it('a worker killed mid-training fails the job, keeps every label, and a retry works', async () => {
    await page.click('[data-testid="nav-train"]');
    await page.fill('[data-testid="teacher-epochs"]', '400');
    await page.click('[data-testid="train-start"]');
    await page.waitForSelector('[data-testid="job-live"]', { timeout: 20_000 });
    await waitFor(
      page,
      '() => /running/.test(document.querySelector(\'[data-testid="run-state"]\')?.textContent ?? "")',
      undefined,
      30_000,
    );
    const workers = childPids(serve.proc.pid!);
    expect(workers.length).toBeGreaterThan(0);
    for (const pid of workers) process.kill(pid, 'SIGKILL');
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="run-state"]\')?.textContent.trim() === "failed"',
      undefined,
      30_000,
    );
    await shot('13-worker-killed');
    expect(await labelsInDb(page, projectId)).toEqual(expected);
    // Retry on the restarted worker.
    await page.fill('[data-testid="teacher-epochs"]', '12');
    await waitFor(page, '() => !document.querySelector(\'[data-testid="train-start"]\').disabled', undefined, 30_000);
    await page.click('[data-testid="train-start"]');
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="run-state"]\')?.textContent.trim() === "done"',
      undefined,
      120_000,
    );
  });

  it('distills a student', async () => {
    await page.selectOption('[data-testid="student-model"]', 'textcnn');
    await page.fill('[data-testid="student-epochs"]', '8');
    await page.fill('[data-testid="student-patience"]', '0');
    await waitFor(page, '() => !document.querySelector(\'[data-testid="distill-start"]\').disabled', undefined, 30_000);
    const t = Date.now();
    await page.click('[data-testid="distill-start"]');
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="run-row"] td:nth-child(2)\')?.textContent.trim() === "student"',
      undefined,
      20_000,
    );
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="run-state"]\')?.textContent.trim() === "done"',
      undefined,
      120_000,
    );
    timings.distill = (Date.now() - t) / 1000;
    // Inference latency per document, measured by the worker when the run finished (ONNX Runtime).
    // The live loop is off in this file (turned off before labeling): no naive Bayes runs, not even after a training.
    const kinds = await page.locator('[data-testid="run-row"] td:nth-child(2)').allTextContents();
    expect(kinds.filter((k) => k.trim() === 'naive Bayes (queue)')).toHaveLength(0);
    const latencies = await page
      .locator('[data-testid="run-row"]')
      .evaluateAll((rows) =>
        rows
          .filter(
            (r) =>
              r.querySelector('[data-testid="run-state"]')?.textContent?.trim() === 'done' &&
              r.querySelector('td:nth-child(2)')?.textContent?.trim() !== 'naive Bayes (queue)',
          )
          .map((r) => r.querySelector('[data-testid="run-latency"]')?.textContent?.trim()),
      );
    expect(latencies.length).toBeGreaterThanOrEqual(2);
    for (const l of latencies) expect(l).toMatch(/^\d+(\.\d+)? ms$/);
    // The finished distillation starts a live-loop run (it compares the new student on the gold set): look at the student's row.
    const studentRow = page.locator('[data-testid="run-row"]').filter({ hasNotText: 'naive Bayes (queue)' }).first();
    expect(await studentRow.locator('[data-testid="run-latency"]').getAttribute('title')).toMatch(/ONNX Runtime/);
    await studentRow.click();
    await page.waitForSelector('[data-testid="run-details"] canvas');
    await shot('14-distilled');
  });

  it('runs a tiny α sweep and draws accuracy against α (English and Chinese)', async () => {
    await page.fill('[data-testid="student-epochs"]', '2');
    await page.fill('[data-testid="sweep-alphas"]', '0, 0.5, 1.5');
    await page.waitForSelector('[data-testid="sweep-problem"]');
    expect(await page.locator('[data-testid="sweep-start"]').isDisabled()).toBe(true);
    await page.fill('[data-testid="sweep-alphas"]', '0, 0.5, 1');
    await page.waitForSelector('[data-testid="sweep-problem"]', { state: 'detached' });
    const t = Date.now();
    await page.click('[data-testid="sweep-start"]');
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="run-row"] td:nth-child(2)\')?.textContent.trim() === "α sweep"',
      undefined,
      20_000,
    );
    await page.waitForSelector('[data-testid="job-live"]');
    await waitFor(
      page,
      '() => /^Phase: α = /.test(document.querySelector(\'[data-testid="job-live"] .row.small span\')?.textContent ?? "")',
      undefined,
      60_000,
    );
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="run-state"]\')?.textContent.trim() === "done"',
      undefined,
      180_000,
    );
    timings.alphaSweep = (Date.now() - t) / 1000;
    await page.waitForSelector('[data-testid="alpha-sweep"] canvas');
    expect(await page.locator('[data-testid="sweep-row"]').count()).toBe(3);
    expect(
      (await page.locator('[data-testid="sweep-row"] td:first-child').allTextContents()).map((x) => x.trim()),
    ).toEqual(['0', '0.5', '1']);
    for (const cell of await page.locator('[data-testid="sweep-row"] td:nth-child(2)').allTextContents())
      expect(cell.trim()).toMatch(/^\d+\.\d ± \d+\.\d$/);
    expect(await text(page, 'sweep-best')).toMatch(/^Best: α = (0|0\.5|1)$/);
    // The sweep keeps no model: the student to export is still the distilled one.
    expect(
      await page.locator('[data-testid="run-row"]').first().locator('[data-testid="run-latency"]').textContent(),
    ).toBe('–');
    const chart = await page.locator('[data-testid="alpha-sweep"] canvas').boundingBox();
    expect(chart!.width).toBeGreaterThan(200);
    expect(chart!.height).toBeGreaterThan(150);
    // The view scrolls inside the page: a tall window shows all of it (runs with latency, the α sweep).
    await page.setViewportSize({ width: 1440, height: 1700 });
    await page.evaluate(() =>
      document.querySelectorAll('[data-testid="toast"]').forEach((t) => (t as HTMLElement).click()),
    );
    await page.waitForTimeout(300);
    await shot('14b-train-latency-alpha-sweep-en');
    await page.locator('[data-testid="alpha-sweep"]').screenshot({ path: path.join(SHOTS, '14d-alpha-sweep-en.png') });
    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="alpha-sweep"] h2\')?.textContent.trim() === "α 扫描"',
    );
    await page.waitForTimeout(300);
    await shot('14c-train-latency-alpha-sweep-zh');
    await page.locator('[data-testid="alpha-sweep"]').screenshot({ path: path.join(SHOTS, '14e-alpha-sweep-zh.png') });
    await page.locator('[data-testid="runs"]').screenshot({ path: path.join(SHOTS, '14f-runs-latency-zh.png') });
    await page.selectOption('[data-testid="locale"]', 'en');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('exports the dataset and the ONNX student', async () => {
    await page.click('[data-testid="nav-export"]');
    await page.click('[data-testid="export-csv"]');
    await waitFor(page, '() => document.querySelectorAll(\'[data-testid="export-file"]\').length === 1');
    await page.click('[data-testid="export-jsonl"]');
    await waitFor(page, '() => document.querySelectorAll(\'[data-testid="export-file"]\').length === 2');
    const version = await page.locator('[data-testid="export-model-version"]').inputValue();
    expect(version).toMatch(/^distilled-/);
    await page.click('[data-testid="export-model-onnx"]');
    await waitFor(
      page,
      '() => document.querySelectorAll(\'[data-testid="export-file"]\').length === 3',
      undefined,
      60_000,
    );
    const files = await page.locator('[data-testid="export-path"]').allTextContents();
    const [onnx, jsonl, csvOut] = files.map((f) => f.trim());
    expect(onnx).toMatch(/\.onnx$/);
    for (const f of [onnx, jsonl, csvOut]) expect(existsSync(f), f).toBe(true);
    const rows = readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            id: string;
            labels: string[];
            provenance?: { source: string; modelVersion?: string };
            soft_labels_model_version?: string;
          },
      );
    expect(Object.fromEntries(rows.map((r) => [r.id, r.labels.join('|')]))).toEqual(expected);
    // A person's label has no model version, though a model (trained after it) scored its document;
    // an accepted pre-label names the model it came from: the teacher, or naive Bayes where the live
    // loop found it better on the gold set and let it pre-label the queue.
    const human = rows.filter((r) => r.provenance?.source === 'human');
    expect(human.length).toBeGreaterThanOrEqual(20);
    expect(human.filter((r) => r.provenance!.modelVersion !== undefined)).toEqual([]);
    expect(human.every((r) => /^teacher-\d{8}-\d{6}-/.test(r.soft_labels_model_version ?? ''))).toBe(true);
    const accepted = rows.filter((r) => r.provenance?.source === 'teacher');
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.every((r) => /^(teacher|nb)-\d{8}-\d{6}-/.test(r.provenance!.modelVersion ?? ''))).toBe(true);
    // The download link works through the same authenticated origin.
    const href = await page.locator('[data-testid="export-file"] a').first().getAttribute('href');
    expect(href).toBeTruthy();
    const status = await page.evaluate(async (u) => (await fetch(u!, { credentials: 'same-origin' })).status, href);
    expect(status).toBe(200);
    await shot('15-export');

    // Backup (dexie-export-import) and restore over the project: the same labels afterwards.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="backup-run"]')]);
    const backup = path.join(tmp, 'backup.json');
    await download.saveAs(backup);
    expect(JSON.parse(readFileSync(backup, 'utf8')).formatName).toBe('dexie');
    await page.setInputFiles('[data-testid="restore-file"]', backup);
    await waitFor(
      page,
      '() => [...document.querySelectorAll(\'[data-testid="toast"]\')].some((t) => /Restored the backup \\(300 /.test(t.textContent))',
      undefined,
      30_000,
    );
    expect(await projectDocCount(page, projectId)).toBe(300);
    expect(await labelsInDb(page, projectId)).toEqual(expected);
  });

  it('finds every label after a reload', async () => {
    await page.reload();
    await page.click('[data-testid="nav-annotate"]');
    const n = Object.keys(expected).length;
    await waitFor(
      page,
      ((n) => `() => document.querySelector('[data-testid="progress"]')?.textContent === "${n} / 300 labeled"`)(n),
    );
    expect(await labelsInDb(page, projectId)).toEqual(expected);
    await page.click('[data-testid="nav-corpus"]');
    await waitFor(
      page,
      '() => /of 300 document/.test(document.querySelector(\'[data-testid="corpus-count"]\')?.textContent ?? "")',
    );
    await page.selectOption('[data-testid="filter-source"]', 'human');
    await waitFor(
      page,
      '() => /^\\d+ of 300/.test(document.querySelector(\'[data-testid="corpus-count"]\')?.textContent ?? "")',
    );
    await page.selectOption('[data-testid="filter-source"]', '');
    await page.locator('[data-testid="corpus-row"]').first().click();
    await page.waitForSelector('[data-testid="corpus-detail"]');
    await shot('16-corpus');
    // Chinese UI.
    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    await page.click('[data-testid="nav-annotate"]');
    await waitFor(
      page,
      ((n) => `() => document.querySelector('[data-testid="progress"]')?.textContent === "已标注 ${n} / 300"`)(n),
    );
    await shot('17-annotate-zh');
    await page.selectOption('[data-testid="locale"]', 'en');
  });

  it('offers to rebuild a wiped database from the journal and restores every label', async () => {
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const q = indexedDB.deleteDatabase('distillery');
          q.onsuccess = () => resolve();
          q.onerror = () => reject(q.error);
        }),
    );
    await page.reload();
    await page.waitForSelector('[data-testid="rebuild-dialog"]', { timeout: 20_000 });
    const n = Object.keys(expected).length;
    expect(await text(page, 'rebuild-dialog')).toContain(`records ${n} labeled`);
    // The sample project made on the first start was wiped too, and is offered as well.
    expect(await text(page, 'rebuild-dialog')).toContain('records 100 labeled');
    // Each project also offers its latest automatic backup.
    await page.waitForSelector(`[data-testid="rebuild-backup"][data-project-id="${projectId}"]`);
    const sampleId = (await page.getAttribute(
      `[data-testid="rebuild-backup"]:not([data-project-id="${projectId}"])`,
      'data-project-id',
    ))!;
    expect(sampleId).toBeTruthy();
    expect(await text(page, 'rebuild-backup-info')).toMatch(/Latest automatic backup: .*document/);
    await shot('18-rebuild-offer');
    await page.click(`[data-testid="rebuild"][data-project-id="${projectId}"]`);
    await page.waitForSelector(`[data-testid="rebuild"][data-project-id="${projectId}"]`, { state: 'detached' });
    // The sample project from its automatic backup (made after its import): every document comes
    // back, the unlabeled ones too, which the journal alone cannot restore.
    await page.click(`[data-testid="rebuild-backup"][data-project-id="${sampleId}"]`);
    await page.waitForSelector('[data-testid="rebuild-dialog"]', { state: 'detached' });
    await waitFor(
      page,
      '() => [...document.querySelectorAll(\'[data-testid="toast"]\')].some((t) => /from the automatic backup of .* \\(800 document/.test(t.textContent))',
      undefined,
      30_000,
    );
    expect(await projectDocCount(page, sampleId)).toBe(800);
    expect((await projectDocs(page, sampleId)).filter((d) => d.labels.length)).toHaveLength(100);
    expect(await labelsInDb(page, projectId)).toEqual(expected);
    // The journal carries each labeled document's text, so the rebuild alone restores them.
    expect(await labeledWithText(page, projectId)).toBe(Object.keys(expected).length);
    // Re-importing the corpus file brings back the unlabeled rest; labels stay.
    await page.click('[data-testid="nav-import"]');
    await page.setInputFiles('[data-testid="import-file"]', corpusFile);
    await page.waitForSelector('[data-testid="import-run"]:not([disabled])');
    await page.click('[data-testid="import-run"]');
    await page.waitForSelector('[data-testid="import-done"]', { timeout: 30_000 });
    expect(await projectDocCount(page, projectId)).toBe(300);
    expect(await labelsInDb(page, projectId)).toEqual(expected);
    await page.click('[data-testid="nav-annotate"]');
    await waitFor(
      page,
      ((n) => `() => document.querySelector('[data-testid="progress"]')?.textContent === "${n} / 300 labeled"`)(n),
    );
  });

  it('multi-label: keys toggle labels and Enter saves them', async () => {
    await page.click('[data-testid="home"]');
    await page.fill('[data-testid="project-name-input"]', 'Aspects');
    await page.click('[data-testid="task-multilabel"]');
    expect(await page.locator('[data-testid="label-name-2"]').inputValue()).toBe('service');
    await page.click('[data-testid="create-project"]');
    await page.waitForSelector('[data-testid="import-file"]');
    const pid = decodeURIComponent(/#\/p\/([^/]+)\//.exec(page.url())![1]);
    await page.setInputFiles('[data-testid="import-file"]', {
      name: 'aspects.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('虽然好吃但是送得太慢\n服务很好\n'),
    });
    await page.waitForSelector('[data-testid="import-summary"]');
    await page.click('[data-testid="import-run"]');
    await page.waitForSelector('[data-testid="import-done"]');
    await page.click('[data-testid="nav-annotate"]');
    await page.waitForSelector('[data-testid="doc-text"]');
    await page.locator('body').focus();
    const first = (await page.getAttribute('[data-testid="doc-card"]', 'data-doc-id'))!;
    await page.keyboard.press('1');
    await page.keyboard.press('2');
    await page.keyboard.press('3');
    await page.keyboard.press('3');
    await waitFor(page, '() => document.querySelectorAll(".label-btn.on").length === 2');
    await shot('20-multilabel');
    await page.keyboard.press('Enter');
    await waitFor(page, '() => document.querySelector(\'[data-testid="progress"]\')?.textContent === "1 / 2 labeled"');
    const second = (await page.getAttribute('[data-testid="doc-card"]', 'data-doc-id'))!;
    await page.keyboard.press('3');
    await page.keyboard.press('Enter');
    await waitFor(page, '() => document.querySelector(\'[data-testid="progress"]\')?.textContent === "2 / 2 labeled"');
    expect(await labelsInDb(page, pid)).toEqual({ [first]: 'taste|delivery', [second]: 'service' });
  });

  it('handles 100,000 documents in the corpus view (import time and scroll step, measured in the browser)', async () => {
    const N = 100_000;
    const base = uniqueDocs(generateCorpus(3000, 777, 'binary')).map((d) => d.text);
    const rows: string[][] = [['text']];
    for (let i = 0; i < N; i++) rows.push([`${base[i % base.length]} #${i}`]);
    const big = path.join(tmp, 'big-100k.csv');
    writeFileSync(big, csv(rows));

    await page.click('[data-testid="home"]');
    await page.fill('[data-testid="project-name-input"]', 'Corpus 100k');
    await page.click('[data-testid="create-project"]');
    await page.waitForSelector('[data-testid="import-file"]');
    const bigId = decodeURIComponent(/#\/p\/([^/]+)\//.exec(page.url())![1]);
    const tParse = Date.now();
    await page.setInputFiles('[data-testid="import-file"]', big);
    await page.waitForSelector('[data-testid="import-summary"]', { timeout: 120_000 });
    const parseS = (Date.now() - tParse) / 1000;
    await page.click('[data-testid="import-run"]');
    await page.waitForSelector('[data-testid="import-done"]', { timeout: 180_000 });
    const importMs = await page.evaluate(() => (window as unknown as { __lastImportMs: number }).__lastImportMs);
    expect(await projectDocCount(page, bigId)).toBe(N);
    // The automatic backup after the import (exported in a worker; it reads the whole project from
    // IndexedDB for a few seconds): let it finish before timing the corpus view.
    const tBackup = Date.now();
    const backups = path.join(projectsDir, readdirOne(projectsDir, bigId), 'backups');
    const metaFiles = () => (existsSync(backups) ? readdirSync(backups).filter((n) => n.endsWith('.meta.json')) : []);
    await expect.poll(metaFiles, { timeout: 180_000, interval: 250 }).toHaveLength(1);
    const backupS = (Date.now() - tBackup) / 1000;
    const backupMeta = JSON.parse(readFileSync(path.join(backups, metaFiles()[0]), 'utf8')) as {
      docs: number;
      bytes: number;
    };
    expect(backupMeta.docs).toBe(N);

    await page.click('[data-testid="nav-corpus"]');
    await waitFor(
      page,
      '() => / of 100,000 document/.test(document.querySelector(\'[data-testid="corpus-count"]\')?.textContent ?? "")',
      undefined,
      60_000,
    );
    const loadMs = await page.evaluate(() => (window as unknown as { __corpusLoadMs: number }).__corpusLoadMs);
    const scroll = await page.evaluate(async () => {
      const el = document.querySelector('[data-testid="corpus-scroller"]') as HTMLElement;
      const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
      const steps: number[] = [];
      const jumps: number[] = [];
      await frame();
      // Steady scrolling: 120 steps of one screen each.
      for (let i = 0; i < 120; i++) {
        const t = performance.now();
        el.scrollTop += el.clientHeight;
        await frame();
        await frame();
        steps.push(performance.now() - t);
      }
      // Jumps anywhere in the 100,000 rows.
      for (let i = 0; i < 40; i++) {
        const t = performance.now();
        el.scrollTop = (((i * 7919) % 100) / 100) * el.scrollHeight;
        await frame();
        await frame();
        jumps.push(performance.now() - t);
      }
      const rowsShown = document.querySelectorAll('[data-testid="corpus-row"]').length;
      const stat = (xs: number[]) => {
        const s = [...xs].sort((a, b) => a - b);
        return {
          mean: xs.reduce((a, b) => a + b, 0) / xs.length,
          p95: s[Math.floor(0.95 * (s.length - 1))],
          max: s[s.length - 1],
        };
      };
      return { steps: stat(steps), jumps: stat(jumps), rowsShown, scrollHeight: el.scrollHeight };
    });
    // Search over all 100,000 texts.
    const tSearch = Date.now();
    await page.fill('[data-testid="corpus-search"]', '#99999');
    await waitFor(
      page,
      '() => /^1 of/.test(document.querySelector(\'[data-testid="corpus-count"]\')?.textContent ?? "")',
      undefined,
      20_000,
    );
    const searchS = (Date.now() - tSearch) / 1000;
    await page.fill('[data-testid="corpus-search"]', '');
    await waitFor(
      page,
      '() => /^100,000 of 100,000/.test(document.querySelector(\'[data-testid="corpus-count"]\')?.textContent ?? "")',
      undefined,
      20_000,
    );
    await page.locator('[data-testid="corpus-scroller"]').evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await page.waitForTimeout(100);
    await shot('19-corpus-100k');
    const fmt = (x: { mean: number; p95: number; max: number }) =>
      `mean ${x.mean.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms, max ${x.max.toFixed(1)} ms`;
    console.log(
      [
        `[e2e] corpus of ${N.toLocaleString('en')} documents (headless Chromium, ${os.cpus().length} cores):`,
        `  parse (server) + preview: ${parseS.toFixed(1)} s; import into IndexedDB (chunks of 1,000): ${(importMs / 1000).toFixed(1)} s`,
        `  automatic backup after the import (${(backupMeta.bytes / 2 ** 20).toFixed(1)} MB): done ${backupS.toFixed(1)} s after the import`,
        `  corpus view load: ${(loadMs / 1000).toFixed(2)} s; rows in the DOM: ${scroll.rowsShown}; scroll height ${scroll.scrollHeight}px`,
        `  scroll step (one screen, 2 frames): ${fmt(scroll.steps)}`,
        `  jump to anywhere: ${fmt(scroll.jumps)}`,
        `  text search over all documents (incl. 150 ms debounce): ${searchS.toFixed(2)} s`,
      ].join('\n'),
    );
    expect(scroll.rowsShown).toBeLessThan(200);
  });

  it('logged no errors in the page', () => {
    expect(consoleErrors.filter((e) => !/WORKER_CRASH|worker|Failed to load resource/i.test(e))).toEqual([]);
    expect(backupWarnings).toEqual([]);
  });
});

/** The project's folder name under the projects root (the folder whose project.json has its id). */
function readdirOne(root: string, id: string): string {
  for (const name of readdirSync(root)) {
    try {
      const meta = JSON.parse(readFileSync(path.join(root, name, 'project.json'), 'utf8')) as { id: string };
      if (meta.id === id) return name;
    } catch {
      /* not a project */
    }
  }
  throw new Error(`no folder for project ${id} in ${root}`);
}

function childPids(pid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((s) => parseInt(s.trim(), 10))
    .filter((n) => Number.isInteger(n));
}
