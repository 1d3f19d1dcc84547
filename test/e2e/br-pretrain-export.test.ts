/**
 * A binary-relevance teacher on an encoder pre-trained here, and its export, end to end (`distillery
 * serve` and Debian's Chromium; issue 13): a multi-label project → the Train view's binary-relevance
 * teacher with the base "pre-trained here" (the pre-training form, not the folder field) → the job
 * gets source 'pretrain' with binaryRelevance, and its model folder records the pre-trained encoder
 * (pretrained/pretrain.json, teacher.json's base and kind) → the Export view says what a BR teacher's
 * ONNX is and exports it: one graph whose probs are [batch, labels] in onnxruntime-node. The live
 * loop is off (its retrains would race the assertions).
 *
 * Screenshots go to $E2E_SHOTS (default: <tmp>/distillery-e2e-shots), br-pretrain-*.png.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { aspectsCsv } from '../fixtures/aspects-csv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxSession } from '../../src/worker/backend/onnx-runtime';
import { teacherTokenizer } from '../../src/worker/jobs/teacher-job';
import { loadHfFolder } from '../../src/worker/teacher/checkpoint/hf-folder';
import { bertFeeds } from '../../src/worker/teacher/onnx/bert-feeds';
import {
  haveChromium,
  jobRows,
  liveLoopOff,
  SHOTS,
  shutdown,
  startWorkbench,
  waitFor,
  type Workbench,
} from './harness';

/** The folder under `root` named `name` (the project's model version), searched a few levels down. */
function findDir(root: string, name: string, depth = 4): string | undefined {
  for (const e of readdirSync(root, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const p = path.join(root, e.name);
    if (e.name === name) return p;
    const found = depth > 0 ? findDir(p, name, depth - 1) : undefined;
    if (found) return found;
  }
  return undefined;
}

describe.skipIf(!haveChromium)('binary-relevance teacher pre-trained here, and its export (serve mode)', () => {
  let w: Workbench;
  let page: Page;
  let projectId = '';
  let version = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    w = await startWorkbench('distillery-br-pretrain-e2e-', pageErrors, { width: 1440, height: 900 });
    page = w.page;
  }, 240_000);
  afterAll(async () => {
    await shutdown(w?.browser, w?.serve, w?.tmp);
    console.log(`[e2e br-pretrain] screenshots: ${SHOTS}/br-pretrain-*.png`);
  });

  it('the BR teacher form offers a base pre-trained here; the job gets it and the folder records it', async () => {
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
    await page.click('[data-testid="nav-annotate"]');
    await page.waitForSelector('[data-testid="doc-text"]');
    await liveLoopOff(page, projectId);

    await page.click('[data-testid="nav-train"]');
    await page.selectOption('[data-testid="teacher-kind"]', 'binary-relevance');
    // A local folder by default (the folder field); "pre-trained here" swaps in the pre-training form.
    expect(await page.locator('[data-testid="br-base"]').inputValue()).toBe('model-dir');
    expect(await page.locator('[data-testid="bert-dir"]').count()).toBe(1);
    await page.selectOption('[data-testid="br-base"]', 'pretrain');
    await page.waitForSelector('[data-testid="pretrain-form"]');
    expect(await page.locator('[data-testid="bert-dir"]').count()).toBe(0);
    await page.fill('[data-testid="pretrain-layers"]', '1');
    await page.fill('[data-testid="pretrain-hidden"]', '16');
    await page.fill('[data-testid="pretrain-epochs"]', '1');
    await page.fill('[data-testid="pretrain-ft-epochs"]', '1');
    await page.fill('[data-testid="pretrain-max-len"]', '16');
    await page.fill('[data-testid="br-weights"]', '1');
    expect(await page.locator('[data-testid="bert-problem"]').count()).toBe(0);
    await page
      .locator('[data-testid="teacher-card"]')
      .screenshot({ path: path.join(SHOTS, 'br-pretrain-teacher-form-en.png') });
    await page.click('[data-testid="train-start"]');
    await page.waitForSelector('[data-testid="job-live"]', { timeout: 20_000 });
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="run-row"] [data-testid="run-state"]\')?.textContent.trim() === "done"',
      undefined,
      240_000,
    );
    const job = (await jobRows(page, projectId))[0];
    expect(job).toMatchObject({
      kind: 'train-bert-teacher',
      state: 'done',
      options: { source: 'pretrain', binaryRelevance: true, brWeights: [1], layers: 1, hidden: 16, pretrainEpochs: 1 },
    });
    expect(job.options).not.toHaveProperty('modelDir');
    version = job.result!.modelVersion!;
    expect(version).toMatch(/^teacher-\d{8}-\d{6}-bert-here-br$/);
    const dir = findDir(w.projectsDir, version)!;
    expect(dir).toBeTruthy();
    // The folder records the encoder pre-trained here: its record, teacher.json's base and kind, one model per label.
    const pre = JSON.parse(readFileSync(path.join(dir, 'pretrained', 'pretrain.json'), 'utf8'));
    expect(pre).toMatchObject({ kind: 'masked-LM pre-training', config: { layers: 1, hidden: 16 }, epochs: 1 });
    const info = JSON.parse(readFileSync(path.join(dir, 'teacher.json'), 'utf8'));
    expect(info.base).toBe(path.join(dir, 'pretrained'));
    expect(info.kind).toMatch(/^binary relevance.*pre-trained here/);
    expect(info.binaryRelevance.perLabel).toHaveLength(3);
    for (const r of info.binaryRelevance.perLabel)
      expect(existsSync(path.join(dir, r.folder, 'model.onnx'))).toBe(true);
    expect(await page.locator('[data-testid="run-model"]').first().textContent()).toMatch(/binary relevance/);
  }, 300_000);

  it('the Export view exports that teacher as one ONNX graph scoring every label', async () => {
    await page.click('[data-testid="nav-export"]');
    await page.waitForSelector('[data-testid="export-model-version"]');
    await page.selectOption('[data-testid="export-model-version"]', version);
    await page.waitForSelector('[data-testid="export-br-note"]');
    await page.click('[data-testid="export-model-onnx"]');
    await page.waitForSelector('[data-testid="export-file"]', { timeout: 60_000 });
    const file = ((await page.locator('[data-testid="export-path"]').first().textContent()) ?? '').trim();
    expect(file.endsWith(`${version}.onnx`)).toBe(true);
    expect(existsSync(path.join(path.dirname(path.dirname(file)), `${version}-onnx.zip`))).toBe(true);
    await page
      .locator('[data-testid="export-model"]')
      .screenshot({ path: path.join(SHOTS, 'br-pretrain-export-en.png') });
    // One graph, probs [batch, 3], with the export's own tokenizer files and text options.
    const exported = path.dirname(file);
    const info = JSON.parse(readFileSync(path.join(exported, 'teacher.json'), 'utf8'));
    const { tokenizer } = await loadHfFolder(exported, { configOnly: true });
    const session = await createOnnxSession(file);
    const out = await session.run(bertFeeds(teacherTokenizer(tokenizer, info), ['菜很香', '送餐快'], info.maxLen));
    await session.release();
    expect(out.probs.dims).toEqual([2, 3]);

    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    await page.waitForSelector('[data-testid="export-br-note"]');
    expect(await page.locator('[data-testid="export-br-note"]').textContent()).toMatch(/二元相关/);
    await page
      .locator('[data-testid="export-model"]')
      .screenshot({ path: path.join(SHOTS, 'br-pretrain-export-zh.png') });
    await page.click('[data-testid="nav-train"]');
    await page.selectOption('[data-testid="teacher-kind"]', 'binary-relevance');
    await page.waitForSelector('[data-testid="br-base"]');
    await page
      .locator('[data-testid="teacher-card"]')
      .screenshot({ path: path.join(SHOTS, 'br-pretrain-teacher-form-zh.png') });
    await page.selectOption('[data-testid="locale"]', 'en');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
