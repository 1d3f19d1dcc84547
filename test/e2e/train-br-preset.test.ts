/**
 * The Train view's binary-relevance teacher and student preset, end to end (`distillery serve` and
 * Debian's Chromium; issue 13 item 3, issue 11 item 2):
 *
 *   a multi-label project (60 labeled aspect reviews, 20 unlabeled) → the teacher kinds include
 *   binary relevance → a tiny generated BERT, two class weights → the finished run's details show the
 *   chosen weight and validation F1 per label, and every document carries the teacher's scores →
 *   the student form shows this backend's preset and why; the switch puts digest A's BiLSTM in the
 *   form and the distill job's options record preset "digest-a" (then back) → screenshots in English
 *   and Chinese → on the (single-label) sample project, no binary relevance; a distillation with two
 *   self-training rounds shows each round's pseudo-labels, precision and score. The live loop is off
 *   (its retrains would race the runs table).
 *
 * Screenshots go to $E2E_SHOTS (default: <tmp>/distillery-e2e-shots), train-br-*.png.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { aspectsCsv } from '../fixtures/aspects-csv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyBertFolder } from '../fixtures/tiny-bert';
import {
  haveChromium,
  jobRows,
  liveLoopOff,
  projectDocs,
  SHOTS,
  shutdown,
  startWorkbench,
  waitFor,
  type Workbench,
} from './harness';

async function text(page: Page, testid: string): Promise<string> {
  return (await page.locator(`[data-testid="${testid}"]`).first().textContent())?.trim() ?? '';
}

const noToasts = '() => !document.querySelector(\'[data-testid="toast"]\')';
const newestState = (state: string) =>
  `() => document.querySelector('[data-testid="run-row"] [data-testid="run-state"]')?.textContent.trim() === "${state}"`;

describe.skipIf(!haveChromium)('binary-relevance teacher and student preset in the Train view (serve mode)', () => {
  let w: Workbench;
  let page: Page;
  let projectId = '';
  let tinyBert = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    w = await startWorkbench('distillery-br-e2e-', pageErrors, { width: 1440, height: 900 });
    page = w.page;
    tinyBert = path.join(w.tmp, 'models', 'tiny-bert');
    await makeTinyBertFolder(tinyBert, { layers: 1, hidden: 32, heads: 2, intermediate: 64, seed: 3 });
  }, 240_000);
  afterAll(async () => {
    await shutdown(w?.browser, w?.serve, w?.tmp);
    console.log(`[e2e br] screenshots: ${SHOTS}/train-br-*.png`);
  });

  it('a multi-label project offers the binary-relevance teacher; its run shows the weight and F1 chosen per label and pre-labels the documents', async () => {
    await page.goto(w.serve.url);
    await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    await page.fill('[data-testid="project-name-input"]', 'Aspects');
    await page.click('[data-testid="task-multilabel"]');
    await page.click('[data-testid="create-project"]');
    await page.waitForSelector('[data-testid="import-file"]');
    projectId = decodeURIComponent(/#\/p\/([^/]+)\//.exec(page.url())![1]);
    await page.setInputFiles('[data-testid="import-file"]', {
      name: 'aspects.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(aspectsCsv()),
    });
    await page.waitForSelector('[data-testid="import-summary"]');
    await page.click('[data-testid="import-run"]');
    await page.waitForSelector('[data-testid="import-done"]', { timeout: 30_000 });
    expect((await projectDocs(page, projectId)).filter((d) => d.labels.length)).toHaveLength(60);
    await page.click('[data-testid="nav-annotate"]');
    await page.waitForSelector('[data-testid="doc-text"]');
    await liveLoopOff(page, projectId);

    await page.click('[data-testid="nav-train"]');
    const kinds = await page
      .locator('[data-testid="teacher-kind"] option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(kinds).toEqual(['student', 'model-dir', 'pretrain', 'binary-relevance']);
    await page.selectOption('[data-testid="teacher-kind"]', 'binary-relevance');
    await page.waitForSelector('[data-testid="br-help"]');
    // The grid starts at the option table's default (digest B's).
    expect(await page.locator('[data-testid="br-weights"]').inputValue()).toBe('0.05, 0.1, 0.5, 1, 2, 3, 5');
    await page.fill('[data-testid="bert-dir"]', tinyBert);
    await page.fill('[data-testid="br-weights"]', '0.5, 0');
    expect(await text(page, 'bert-problem')).toMatch(/distinct positive numbers/);
    await page.fill('[data-testid="br-weights"]', '0.5, 2');
    await page.fill('[data-testid="bert-epochs"]', '1');
    await page.fill('[data-testid="bert-lr"]', '0.002');
    await page.fill('[data-testid="bert-max-len"]', '16');
    await page.fill('[data-testid="bert-batch"]', '16');
    await page
      .locator('[data-testid="teacher-card"]')
      .screenshot({ path: path.join(SHOTS, 'train-br-teacher-form-en.png') });
    await page.click('[data-testid="train-start"]');
    await page.waitForSelector('[data-testid="job-live"]', { timeout: 20_000 });
    await waitFor(page, newestState('done'), undefined, 180_000);
    await waitFor(
      page,
      '() => [...document.querySelectorAll(\'[data-testid="toast"]\')].some((t) => /Pre-labeled 80 document/.test(t.textContent))',
      undefined,
      30_000,
    );
    expect(await text(page, 'run-model')).toBe('binary relevance, one fine-tuned BERT per label (…/models/tiny-bert)');

    await page.locator('[data-testid="run-row"]').first().click();
    await page.waitForSelector('[data-testid="br-labels"]');
    const rows = await page
      .locator('[data-testid="br-row"]')
      .evaluateAll((rs) => rs.map((r) => Array.from(r.querySelectorAll('td'), (td) => (td.textContent ?? '').trim())));
    expect(rows.map((r) => r[0]).sort()).toEqual(['delivery', 'service', 'taste']);
    for (const r of rows) {
      expect(['0.5', '2']).toContain(r[1]);
      expect(Number(r[2])).toBeGreaterThanOrEqual(0);
      expect(Number(r[2])).toBeLessThanOrEqual(100);
    }
    await page.locator('[data-testid="run-details"]').scrollIntoViewIfNeeded();
    await waitFor(page, noToasts, undefined, 20_000);
    await page
      .locator('[data-testid="run-details"]')
      .screenshot({ path: path.join(SHOTS, 'train-br-run-details-en.png') });
    // Every document carries the teacher's scores.
    const docs = await projectDocs(page, projectId);
    expect(docs.filter((d) => (d as { probs?: number[] }).probs?.length === 3)).toHaveLength(80);
  }, 300_000);

  it("the student form shows this backend's preset and why; the switch changes the distill job's options, and back", async () => {
    await page.locator('[data-testid="student-card"]').scrollIntoViewIfNeeded();
    const line = await text(page, 'preset-line');
    // This machine has no GPU: a CPU backend's quick TextCNN, with the backend named.
    expect(line).toMatch(
      /^Defaults because this is a CPU backend \(\S+\): TextCNN, 64 filters × widths 2–5, 3 epochs, 64-token head\+tail — a first model in minutes; digest A’s BiLSTM \(2 × 256\) is one click away\.$/,
    );
    expect(await page.locator('[data-testid="student-model"]').inputValue()).toBe('textcnn');
    expect(await page.locator('[data-testid="student-epochs"]').inputValue()).toBe('3');
    // Self-training is for single-label projects: not offered here.
    expect(await page.locator('[data-testid="self-train-rounds"]').count()).toBe(0);
    await page
      .locator('[data-testid="student-card"]')
      .screenshot({ path: path.join(SHOTS, 'train-br-student-form-en.png') });

    expect(await text(page, 'preset-switch')).toBe('Use digest A’s BiLSTM');
    await page.click('[data-testid="preset-switch"]');
    expect(await page.locator('[data-testid="student-model"]').inputValue()).toBe('bilstm');
    expect(await page.locator('[data-testid="student-epochs"]').inputValue()).toBe('8');
    expect(await text(page, 'preset-line')).toMatch(
      /^Digest A’s configuration, chosen here: BiLSTM, 2 layers × hidden 256, 8 epochs, 64-token head\+tail/,
    );
    expect(await text(page, 'preset-switch')).toBe('Use the quick TextCNN');
    await page
      .locator('[data-testid="student-card"]')
      .screenshot({ path: path.join(SHOTS, 'train-br-student-digest-a-en.png') });

    // Distill with it: the job's options record the preset and its model; cancelled at once (the options are what is checked).
    await page.click('[data-testid="distill-start"]');
    await page.waitForSelector('[data-testid="job-live"]', { timeout: 20_000 });
    await expect.poll(async () => (await jobRows(page, projectId))[0]?.kind, { timeout: 15_000 }).toBe('distill');
    expect((await jobRows(page, projectId))[0].options).toMatchObject({
      preset: 'digest-a',
      model: 'bilstm',
      epochs: 8,
      hidden: 256,
    });
    await page.click('[data-testid="job-cancel"]');
    await waitFor(page, newestState('cancelled'), undefined, 120_000);

    // And back: the quick TextCNN, recorded as preset "cpu".
    await page.click('[data-testid="preset-switch"]');
    expect(await page.locator('[data-testid="student-model"]').inputValue()).toBe('textcnn');
    expect(await text(page, 'preset-line')).toMatch(/^Defaults because this is a CPU backend/);
    await page.fill('[data-testid="student-epochs"]', '1');
    await page.click('[data-testid="distill-start"]');
    await waitFor(page, newestState('done'), undefined, 120_000);
    const job = (await jobRows(page, projectId))[0];
    expect(job).toMatchObject({
      kind: 'distill',
      state: 'done',
      options: { preset: 'cpu', model: 'textcnn', epochs: 1 },
    });
    expect(job.options).not.toHaveProperty('hidden');
  }, 300_000);

  it('in Chinese: the forms and the binary-relevance run details', async () => {
    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    await page.selectOption('[data-testid="teacher-kind"]', 'binary-relevance');
    await page.waitForSelector('[data-testid="br-help"]');
    expect(await text(page, 'preset-line')).toMatch(/^默认设置，因为这是 CPU 后端/);
    expect(await text(page, 'preset-switch')).toBe('改用摘要 A 的 BiLSTM');
    await page
      .locator('[data-testid="teacher-card"]')
      .screenshot({ path: path.join(SHOTS, 'train-br-teacher-form-zh.png') });
    await page
      .locator('[data-testid="student-card"]')
      .screenshot({ path: path.join(SHOTS, 'train-br-student-form-zh.png') });
    // The binary-relevance run (the third row, newest first: two distillations, then the teacher) is still the one selected.
    expect(
      await page.locator('[data-testid="run-row"]').nth(2).locator('[data-testid="run-model"]').textContent(),
    ).toMatch(/^二元相关/);
    if (!(await page.locator('[data-testid="br-labels"]').count()))
      await page.locator('[data-testid="run-row"]').nth(2).click();
    await page.waitForSelector('[data-testid="br-labels"]');
    expect(await page.locator('[data-testid="br-labels"] h3').textContent()).toBe('二元相关：每个标签选定的类别权重');
    await page.locator('[data-testid="run-details"]').scrollIntoViewIfNeeded();
    await waitFor(page, noToasts, undefined, 20_000);
    await page
      .locator('[data-testid="run-details"]')
      .screenshot({ path: path.join(SHOTS, 'train-br-run-details-zh.png') });
    await page.selectOption('[data-testid="locale"]', 'en');
  }, 60_000);

  it('a single-label project: no binary relevance; self-training rounds from the student form, and the run shows each round', async () => {
    await page.click('[data-testid="home"]');
    const sample = (await page.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
    await page.click('[data-testid="project-card"][data-sample]');
    await page.waitForSelector('[data-testid="doc-text"]');
    await liveLoopOff(page, sample);
    await page.click('[data-testid="nav-train"]');
    expect(await page.locator('[data-testid="teacher-kind"] option[value="binary-relevance"]').count()).toBe(0);
    // A quick teacher: TextCNN, 2 epochs; it pre-labels the 800 documents.
    await page.selectOption('[data-testid="teacher-kind"]', 'student');
    await page.selectOption('[data-testid="teacher-model"]', 'textcnn');
    await page.fill('[data-testid="teacher-epochs"]', '2');
    await page.click('[data-testid="train-start"]');
    await waitFor(page, newestState('done'), undefined, 120_000);
    await waitFor(page, '() => !document.querySelector(\'[data-testid="distill-start"]\').disabled', undefined, 30_000);
    await page.fill('[data-testid="student-epochs"]', '1');
    await page.fill('[data-testid="self-train-rounds"]', '2');
    await page.fill('[data-testid="self-train-confidence"]', '0.7');
    await page
      .locator('[data-testid="student-card"]')
      .screenshot({ path: path.join(SHOTS, 'train-br-self-train-form-en.png') });
    await page.click('[data-testid="distill-start"]');
    // The newest row is the teacher's (done) until the distillation's appears.
    await expect.poll(async () => (await jobRows(page, sample))[0]?.kind, { timeout: 15_000 }).toBe('distill');
    await waitFor(page, newestState('done'), undefined, 120_000);
    expect((await jobRows(page, sample))[0]).toMatchObject({
      kind: 'distill',
      options: { selfTrain: 2, confidence: 0.7, useUnlabeled: false, preset: 'cpu' },
    });
    expect(await text(page, 'run-model')).toMatch(/· 2 self-training rounds$/);
    await page.locator('[data-testid="run-row"]').first().click();
    await page.waitForSelector('[data-testid="self-training"]');
    const rows = await page
      .locator('[data-testid="self-train-row"]')
      .evaluateAll((rs) => rs.map((r) => Array.from(r.querySelectorAll('td'), (td) => (td.textContent ?? '').trim())));
    expect(rows.map((r) => r[0])).toEqual(['0', '1', '2']);
    expect(rows.map((r) => r[1])).toEqual(['–', 'teacher', 'student']);
    // Kept per class ("a / b"), and the rows trained on: the human labels plus those kept.
    for (const r of rows.slice(1)) expect(r[2]).toMatch(/^\d+ \/ \d+$/);
    expect(Number(rows[1][4])).toBe(
      Number(rows[0][4]) +
        rows[1][2]
          .split(' / ')
          .map(Number)
          .reduce((a: number, b: number) => a + b, 0),
    );
    await page.locator('[data-testid="run-details"]').scrollIntoViewIfNeeded();
    await waitFor(page, noToasts, undefined, 20_000);
    await page
      .locator('[data-testid="self-training"]')
      .screenshot({ path: path.join(SHOTS, 'train-br-self-train-rounds-en.png') });
    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    await page
      .locator('[data-testid="self-training"]')
      .screenshot({ path: path.join(SHOTS, 'train-br-self-train-rounds-zh.png') });
    await page
      .locator('[data-testid="student-card"]')
      .screenshot({ path: path.join(SHOTS, 'train-br-self-train-form-zh.png') });
    await page.selectOption('[data-testid="locale"]', 'en');
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
