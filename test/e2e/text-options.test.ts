/**
 * The Train view's text options (issue #13 item 5), end to end in serve mode: traditional → simplified,
 * the truncation, a jieba user dictionary (a path relative to the project folder) and a stop-word list
 * (a full path) reach the teacher's training and its model folder records them (tokenizer.json, copies
 * of both files, config.json's options); the form in English and Chinese (screenshots).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  haveChromium,
  liveLoopOff,
  projectFolder,
  SHOTS,
  shutdown,
  startWorkbench,
  waitFor,
  type Workbench,
} from './harness';

describe.skipIf(!haveChromium)('text options in the Train view (serve mode)', () => {
  let w: Workbench;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    w = await startWorkbench('distillery-textopts-e2e-', pageErrors);
  }, 180_000);
  afterAll(() => shutdown(w?.browser, w?.serve, w?.tmp));

  it('the four options reach the training and the model folder records them', async () => {
    const { page } = w;
    await page.goto(w.serve.url);
    await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    const projectId = (await page.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
    await page.click('[data-testid="project-card"][data-sample]');
    await page.waitForSelector('[data-testid="doc-text"]');
    await liveLoopOff(page, projectId);
    const folder = projectFolder(w.projectsDir, projectId);
    mkdirSync(path.join(folder, 'dicts'));
    writeFileSync(path.join(folder, 'dicts', 'user.txt'), '蓝瘦香菇 5 n\n');
    const stopFile = path.join(w.tmp, 'stop.txt');
    writeFileSync(stopFile, '的\n了\n');

    await page.click('[data-testid="nav-train"]');
    await page.waitForSelector('[data-testid="text-options"]');
    // The defaults: off, start and end (head+tail), no files.
    expect(await page.isChecked('[data-testid="text-t2s"]')).toBe(false);
    expect(await page.inputValue('[data-testid="text-truncate"]')).toBe('head+tail');
    await page.check('[data-testid="text-t2s"]');
    await page.selectOption('[data-testid="text-truncate"]', 'head');
    await page.fill('[data-testid="text-user-dict"]', 'dicts/user.txt');
    await page.fill('[data-testid="text-stopwords"]', stopFile);
    await page.locator('[data-testid="teacher-card"]').screenshot({ path: path.join(SHOTS, 'text-options-en.png') });
    await page.selectOption('[data-testid="teacher-model"]', 'textcnn');
    await page.fill('[data-testid="teacher-epochs"]', '1');
    await page.selectOption('[data-testid="teacher-tokens"]', 'word');
    await page.click('[data-testid="train-start"]');
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="run-row"] [data-testid="run-state"]\')?.textContent.trim() === "done"',
      undefined,
      120_000,
    );

    const models = path.join(folder, 'models');
    const version = readdirSync(models).find((n) => /^teacher-.*textcnn$/.test(n))!;
    const dir = path.join(models, version);
    const tok = JSON.parse(readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'));
    expect(tok.config).toMatchObject({
      mode: 'word',
      truncation: 'head',
      normalize: { traditionalToSimplified: true },
      stopWords: ['的', '了'],
      userDict: { file: 'user-dict.txt' },
    });
    expect(readFileSync(path.join(dir, 'user-dict.txt'), 'utf8')).toBe('蓝瘦香菇 5 n\n');
    expect(readFileSync(path.join(dir, 'stopwords.txt'), 'utf8')).toBe('的\n了\n');
    const cfg = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(cfg.training.options).toMatchObject({
      t2s: true,
      truncate: 'head',
      userDict: path.join(folder, 'dicts', 'user.txt'),
      stopwords: stopFile,
    });

    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="text-options"] legend\')?.textContent.trim() === "文本选项"',
    );
    await page.locator('[data-testid="teacher-card"]').screenshot({ path: path.join(SHOTS, 'text-options-zh.png') });
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
