/**
 * Self-training's final fine-tune in the Train view (issue #13 item 4), serve mode: on the sample
 * project, a quick teacher, then a distillation with one self-training round and "fine-tune on my labels
 * at the end" ticked; the run's rounds table ends with the fine-tune row, trained on the human labels
 * only (round 0's rows), with its score and the score before it. Screenshots in English and Chinese.
 * The live loop is off (liveLoopOff) so that its retrains do not race the assertions.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const newestState = (state: string) =>
  `() => document.querySelector('[data-testid="run-row"] [data-testid="run-state"]')?.textContent.trim() === "${state}"`;
/** The cells' texts of each row (runs in the page: no closure). */
const cells = (rs: Element[]) =>
  rs.map((r) => Array.from(r.querySelectorAll('td'), (td) => (td.textContent ?? '').trim()));

describe.skipIf(!haveChromium)('self-training with a final fine-tune in the Train view (serve mode)', () => {
  let w: Workbench;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    w = await startWorkbench('distillery-self-train-ft-e2e-', pageErrors, { width: 1440, height: 900 });
  }, 240_000);
  afterAll(async () => {
    await shutdown(w?.browser, w?.serve, w?.tmp);
    console.log(`[e2e self-train fine-tune] screenshots: ${SHOTS}/self-train-finetune-*.png`);
  });

  it('the checkbox sends finalFinetune; the run shows the fine-tune on the human labels after the rounds', async () => {
    const page = w.page;
    await page.goto(w.serve.url);
    await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    const sample = (await page.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
    await page.click('[data-testid="project-card"][data-sample]');
    await page.waitForSelector('[data-testid="doc-text"]');
    await liveLoopOff(page, sample);
    await page.click('[data-testid="nav-train"]');
    await page.selectOption('[data-testid="teacher-kind"]', 'student');
    await page.selectOption('[data-testid="teacher-model"]', 'textcnn');
    // Enough epochs that the teacher is not one-class: round 1 keeps pseudo-labels of both classes
    // (class-balanced; a 2-epoch teacher once kept none in a loaded CI run).
    await page.fill('[data-testid="teacher-epochs"]', '6');
    await page.click('[data-testid="train-start"]');
    await waitFor(page, newestState('done'), undefined, 120_000);
    await waitFor(page, '() => !document.querySelector(\'[data-testid="distill-start"]\').disabled', undefined, 30_000);
    await page.fill('[data-testid="student-epochs"]', '1');
    // Off until self-training is on.
    expect(await page.locator('[data-testid="self-train-final-finetune"]').isDisabled()).toBe(true);
    await page.fill('[data-testid="self-train-rounds"]', '1');
    await page.fill('[data-testid="self-train-confidence"]', '0.5'); // low: round 1 must keep some pseudo-labels
    await page.check('[data-testid="self-train-final-finetune"]');
    // Its epochs and learning rate, one field each (empty rate: a tenth of the training rate).
    expect(await page.inputValue('[data-testid="self-train-finetune-epochs"]')).toBe('2');
    expect(await page.inputValue('[data-testid="self-train-finetune-lr"]')).toBe('');
    await page.fill('[data-testid="self-train-finetune-epochs"]', '3');
    await page.fill('[data-testid="self-train-finetune-lr"]', '0.0005');
    await page
      .locator('[data-testid="student-card"]')
      .screenshot({ path: path.join(SHOTS, 'self-train-finetune-form-en.png') });
    await page.click('[data-testid="distill-start"]');
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="run-row"] [data-testid="run-model"]\')?.textContent.includes("self-training")',
      undefined,
      15_000,
    );
    await waitFor(page, newestState('done'), undefined, 120_000);
    expect((await jobRows(page, sample))[0].options).toMatchObject({
      finalFinetune: true,
      finetuneEpochs: 3,
      finetuneLr: 0.0005,
    });
    await page.locator('[data-testid="run-row"]').first().click();
    await page.waitForSelector('[data-testid="self-train-finetune"]');
    const rounds = await page.locator('[data-testid="self-train-row"]').evaluateAll(cells);
    const [ft] = await page.locator('[data-testid="self-train-finetune"]').evaluateAll(cells);
    console.log(`[e2e self-train fine-tune] rounds: ${JSON.stringify(rounds)}; fine-tune: ${JSON.stringify(ft)}`);
    expect(rounds.map((r) => r[0])).toEqual(['0', '1']);
    expect(ft[0]).toBe('Final fine-tune');
    expect(ft[1]).toBe('your labels only');
    // Trained on the human labels only: round 0's rows, not round 1's (which add the pseudo-labels).
    expect(ft[4]).toBe(rounds[0][4]);
    expect(Number(rounds[1][4])).toBeGreaterThan(Number(rounds[0][4]));
    // Its accuracy, then (before it) round 1's.
    expect(ft[5]).toMatch(new RegExp(`^\\d+\\.\\d \\(${rounds[1][5].replace('.', '\\.')}\\)$`));
    await page.locator('[data-testid="run-details"]').scrollIntoViewIfNeeded();
    // The screenshots without the toasts over the table.
    await waitFor(page, '() => !document.querySelector(\'[data-testid="toast"]\')', undefined, 20_000);
    await page
      .locator('[data-testid="self-training"]')
      .screenshot({ path: path.join(SHOTS, 'self-train-finetune-rounds-en.png') });
    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    expect((await page.locator('[data-testid="self-train-finetune"] td').first().textContent())?.trim()).toBe(
      '最终微调',
    );
    await page
      .locator('[data-testid="self-training"]')
      .screenshot({ path: path.join(SHOTS, 'self-train-finetune-rounds-zh.png') });
    await page
      .locator('[data-testid="student-card"]')
      .screenshot({ path: path.join(SHOTS, 'self-train-finetune-form-zh.png') });
    await page.selectOption('[data-testid="locale"]', 'en');
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
