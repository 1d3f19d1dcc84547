/**
 * The BERT teacher in the Train view, end to end: `distillery serve` (the real backend and worker)
 * driven through Debian's Chromium. On the sample project made at first start (800 reviews, 100
 * labeled):
 *
 *   a folder without config.json → the job fails and the Teacher panel shows the engine's reason →
 *   a tiny generated checkpoint (makeTinyBertFolder: 1 layer, hidden 32) fine-tuned for 4 epochs →
 *   the run reads "fine-tuned BERT (…/tiny-bert)" with ms/doc, every document gets a pre-label and a
 *   confidence from it, and the Student card names it → a small BERT pre-trained here (masked LM) →
 *   its run says so → screenshots of the Train view in English and Chinese.
 *
 * The renderer is built into a folder of its own (so that this file can run beside the others).
 * Screenshots go to $E2E_SHOTS (default: <tmp>/distillery-e2e-shots), bert-teacher-*.png.
 */
import {
  buildRenderer,
  haveChromium,
  launchChromium,
  shutdown,
  watchPageErrors,
  SHOTS,
  projectDocs,
  liveLoopOff,
  startServe,
  waitFor,
  type Serve,
} from './harness';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyBertFolder } from '../fixtures/tiny-bert';

async function text(page: Page, testid: string): Promise<string> {
  return (await page.locator(`[data-testid="${testid}"]`).first().textContent())?.trim() ?? '';
}

/** The newest run's cells (the runs table lists newest first). */
async function newestRun(
  page: Page,
): Promise<{ kind: string; model: string; state: string; latency: string; accuracy: string; title: string }> {
  const row = page.locator('[data-testid="run-row"]').first();
  return {
    kind: ((await row.locator('td:nth-child(2)').textContent()) ?? '').trim(),
    model: ((await row.locator('[data-testid="run-model"]').textContent()) ?? '').trim(),
    state: ((await row.locator('[data-testid="run-state"]').textContent()) ?? '').trim(),
    latency: ((await row.locator('[data-testid="run-latency"]').textContent()) ?? '').trim(),
    accuracy: ((await row.locator('[data-testid="run-accuracy"]').textContent()) ?? '').trim(),
    title: (await row.locator('[data-testid="run-model"]').getAttribute('title')) ?? '',
  };
}

const newestState = (state: string) =>
  `() => document.querySelector('[data-testid="run-row"] [data-testid="run-state"]')?.textContent.trim() === "${state}"`;

describe.skipIf(!haveChromium)('BERT teacher in the Train view (serve mode)', () => {
  let serve: Serve;
  let browser: Browser;
  let page: Page;
  let tmp: string;
  let tinyBert: string;
  let noConfig: string;
  let projectId = '';
  const consoleErrors: string[] = [];
  const t0 = Date.now();
  const timings: Record<string, number> = {};

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(SHOTS, `bert-teacher-${name}.png`), fullPage: false });
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-bert-e2e-'));
    const renderer = path.join(tmp, 'renderer');
    await buildRenderer(renderer);
    timings.build = (Date.now() - t0) / 1000;
    // The checkpoints live on the worker's machine (here: this one).
    tinyBert = path.join(tmp, 'models', 'tiny-bert');
    await makeTinyBertFolder(tinyBert, { layers: 1, hidden: 32, heads: 2, intermediate: 64, seed: 3 });
    noConfig = path.join(tmp, 'models', 'no-config');
    mkdirSync(noConfig, { recursive: true });
    writeFileSync(path.join(noConfig, 'vocab.txt'), '[PAD]\n[UNK]\n[CLS]\n[SEP]\n');
    serve = await startServe(path.join(tmp, 'projects'), renderer);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    watchPageErrors(page, consoleErrors);
  }, 180_000);

  afterAll(async () => {
    await shutdown(browser, serve, tmp);
    console.log(
      `[e2e bert] screenshots: ${SHOTS}/bert-teacher-*.png; timings (s): ${JSON.stringify(timings)} total ${((Date.now() - t0) / 1000).toFixed(1)}`,
    );
  });

  it("bert: a folder without config.json fails the job with the engine's reason, shown in the Teacher panel", async () => {
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    projectId = (await page.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
    await page.click('[data-testid="project-card"][data-sample]');
    await page.waitForSelector('[data-testid="doc-text"]');
    // The live loop off: its naive Bayes would otherwise compete with the teacher for the queue after
    // every training (and add its own rows to the runs table); this file checks the teacher's pre-labels.
    await liveLoopOff(page, projectId);
    await page.click('[data-testid="nav-train"]');
    await page.selectOption('[data-testid="teacher-kind"]', 'model-dir');
    await page.waitForSelector('[data-testid="bert-form"]');
    // No folder yet: the panel says what is missing and does not start.
    expect(await text(page, 'bert-problem')).toMatch(/full path of the model folder/);
    expect(await page.locator('[data-testid="train-start"]').isDisabled()).toBe(true);
    await page.fill('[data-testid="bert-dir"]', noConfig);
    await page.click('[data-testid="train-start"]');
    await waitFor(page, newestState('failed'), undefined, 30_000);
    await page.waitForSelector('[data-testid="teacher-failed"]');
    expect(await text(page, 'teacher-failed')).toContain(
      `The last teacher job failed: ${noConfig} has no config.json: a Hugging Face model folder holds config.json`,
    );
    const run = await newestRun(page);
    expect(run).toMatchObject({ kind: 'BERT teacher', model: 'fine-tuned BERT (…/models/no-config)' });
    await page
      .locator('[data-testid="teacher-card"]')
      .screenshot({ path: path.join(SHOTS, 'bert-teacher-failed-en.png') });
  });

  it('bert: fine-tunes a tiny checkpoint, names it in the runs table and the Student card, and pre-labels every document', async () => {
    await page.fill('[data-testid="bert-dir"]', tinyBert);
    await page.fill('[data-testid="bert-epochs"]', '4');
    await page.fill('[data-testid="bert-lr"]', '0.002');
    await page.fill('[data-testid="bert-max-len"]', '32');
    await page.fill('[data-testid="bert-batch"]', '16');
    const t = Date.now();
    await page.click('[data-testid="train-start"]');
    await page.waitForSelector('[data-testid="job-live"]', { timeout: 20_000 });
    await waitFor(page, newestState('done'), undefined, 120_000);
    await waitFor(
      page,
      '() => [...document.querySelectorAll(\'[data-testid="toast"]\')].some((t) => /Pre-labeled 800 document/.test(t.textContent))',
      undefined,
      30_000,
    );
    timings.fineTune = (Date.now() - t) / 1000;
    const run = await newestRun(page);
    expect(run.kind).toBe('BERT teacher');
    expect(run.model).toBe('fine-tuned BERT (…/models/tiny-bert)');
    expect(run.title).toBe(`fine-tuned BERT — ${tinyBert} — 1 layers, hidden 32, 2 heads`);
    expect(run.latency).toMatch(/^\d+(\.\d+)? ms$/);
    expect(run.accuracy).toMatch(/%$/);
    expect(await page.locator('[data-testid="teacher-failed"]').count()).toBe(0);
    expect(await text(page, 'distill-teacher')).toMatch(
      /^Distills from: fine-tuned BERT \(…\/models\/tiny-bert\) teacher-\d{8}-\d{6}-bert$/,
    );
    // Every document has the teacher's scores: pre-labels with confidences, from this model version.
    const docs = (await projectDocs(page, projectId)) as (Awaited<ReturnType<typeof projectDocs>>[number] & {
      modelVersion?: string;
      probs?: number[];
    })[];
    expect(docs).toHaveLength(800);
    const version = docs[0].modelVersion!;
    expect(version).toMatch(/^teacher-\d{8}-\d{6}-bert$/);
    for (const d of docs) {
      expect(d.modelVersion).toBe(version);
      expect(d.probs).toHaveLength(2);
      expect(d.confidence).toBeGreaterThanOrEqual(0.5);
      expect(['negative', 'positive']).toContain(d.suggestion?.[0]);
    }
    await page.click('[data-testid="run-row"]');
    await page.waitForSelector('[data-testid="run-details"]');
  });

  it('bert: pre-trains a small BERT here and says so; screenshots in English and Chinese', async () => {
    await page.selectOption('[data-testid="teacher-kind"]', 'pretrain');
    await page.waitForSelector('[data-testid="pretrain-form"]');
    await page.fill('[data-testid="pretrain-layers"]', '1');
    await page.fill('[data-testid="pretrain-hidden"]', '32');
    await page.fill('[data-testid="pretrain-epochs"]', '1');
    await page.fill('[data-testid="pretrain-ft-epochs"]', '1');
    await page.fill('[data-testid="pretrain-max-len"]', '32');
    const t = Date.now();
    await page.click('[data-testid="train-start"]');
    await waitFor(
      page,
      '() => /^Phase: stage 1\\/3 · pre-training epoch/.test(document.querySelector(\'[data-testid="job-phase"]\')?.textContent ?? "")',
      undefined,
      60_000,
    );
    await waitFor(page, newestState('done'), undefined, 120_000);
    timings.pretrain = (Date.now() - t) / 1000;
    const run = await newestRun(page);
    expect(run.model).toBe('BERT pre-trained here (masked LM on the project’s own text), fine-tuned');
    expect(run.latency).toMatch(/ ms$/);
    await waitFor(
      page,
      '() => /^Distills from: BERT pre-trained here/.test(document.querySelector(\'[data-testid="distill-teacher"]\')?.textContent ?? "")',
      undefined,
      30_000,
    );
    // The form with the fine-tuning options for a Hugging Face folder, and the finished runs.
    await page.selectOption('[data-testid="teacher-kind"]', 'model-dir');
    await page.setViewportSize({ width: 1440, height: 1250 });
    await page.evaluate(() =>
      document.querySelectorAll('[data-testid="toast"]').forEach((t) => (t as HTMLElement).click()),
    );
    await page.waitForTimeout(300);
    await shot('train-en');
    await page.selectOption('[data-testid="teacher-kind"]', 'pretrain');
    await page
      .locator('[data-testid="teacher-card"]')
      .screenshot({ path: path.join(SHOTS, 'bert-teacher-pretrain-form-en.png') });
    await page.selectOption('[data-testid="teacher-kind"]', 'model-dir');
    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="run-row"] td:nth-child(2)\')?.textContent.trim() === "BERT 教师"',
    );
    expect((await newestRun(page)).model).toBe('在本地预训练的 BERT（用本项目自身文本做掩码语言模型），再微调');
    expect((await page.locator('[data-testid="run-model"]').nth(1).textContent())?.trim()).toBe(
      '微调的 BERT（…/models/tiny-bert）',
    );
    expect(await text(page, 'distill-teacher')).toMatch(/^蒸馏自：在本地预训练的 BERT/);
    await page.waitForTimeout(300);
    await shot('train-zh');
    await page.selectOption('[data-testid="teacher-kind"]', 'pretrain');
    await page
      .locator('[data-testid="teacher-card"]')
      .screenshot({ path: path.join(SHOTS, 'bert-teacher-pretrain-form-zh.png') });
    await page.selectOption('[data-testid="locale"]', 'en');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('bert: logged no errors in the page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
