/**
 * The app's binary-relevance teacher (issue 13 item 3): a 'train-bert-teacher' job with
 * `binaryRelevance` on a tiny multi-label project (three keyword labels, a tiny generated BERT, a
 * two-weight grid): per-label chosen weights and validation F1 in the result, progress per label and
 * per weight, every document scored in the project's label order, a re-score of the version; a
 * single-label project is refused; cancel stops it as CANCELLED and leaves nothing behind.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobContext } from '../../../test/fixtures/job-context';
import { makeTinyBertFolder } from '../../../test/fixtures/tiny-bert';
import { createRng } from '../../shared/random';
import type { JobRequest } from '../../shared/api';
import { runJob } from './run-job';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-br-job-'));
const bertDir = path.join(tmp, 'tiny-bert');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await makeTinyBertFolder(bertDir, { layers: 1, hidden: 32, heads: 2, intermediate: 64, seed: 3 });
}, 60_000);

// One keyword per label at different frequencies (as teacher-br-cli.test.ts); the project's label order is not sorted.
const FILLER = Array.from('的了是我不很也就都吃菜送餐慢味道辣咸甜难太一个这那外卖饭店点份钱便宜');
const KEYS = { taste: '香', speed: '快', price: '贵' } as const;
const LABELS = ['speed', 'taste', 'price'];
const rng = createRng(4);
const all = Array.from({ length: 90 }, (_, i) => {
  let labels: string[];
  do labels = LABELS.filter((l) => rng.next() < (l === 'taste' ? 0.5 : l === 'speed' ? 0.4 : 0.3));
  while (!labels.length);
  const chars = Array.from({ length: 3 + rng.int(5) }, () => FILLER[rng.int(FILLER.length)]);
  for (const l of labels) chars.splice(rng.int(chars.length + 1), 0, KEYS[l as keyof typeof KEYS]);
  return { id: `d${i}`, text: `${chars.join('')}${i}`, labels };
});
const labeled = all.slice(0, 70);
const toScore = all.map((d) => ({ id: d.id, text: d.text }));
const GRID = [0.5, 2];
const FAST = { epochs: 1, maxLen: 16, batchSize: 16, learningRate: 2e-3, validSplit: 0.2, testSplit: 0.15 };
const request = (options: Record<string, unknown>, task: JobRequest['task'] = 'multilabel'): JobRequest => ({
  kind: 'train-bert-teacher',
  projectId: 'p',
  task,
  labels: LABELS,
  docs: { labeled, toScore },
  options: { source: 'model-dir', modelDir: bertDir, binaryRelevance: true, brWeights: GRID, ...FAST, ...options },
});
const leftovers = (folder: string) =>
  ['models', 'datasets'].flatMap((d) => (existsSync(path.join(folder, d)) ? readdirSync(path.join(folder, d)) : []));

describe('binary-relevance teacher job', () => {
  it('chooses a class weight per label, reports its validation F1, and pre-labels every document', async () => {
    const folder = path.join(tmp, 'p1');
    const { ctx, seen } = jobContext(folder);
    const r = await runJob(request({}), ctx);
    expect(r.modelVersion).toMatch(/^teacher-\d{8}-\d{6}-bert-br$/);
    const br = r.teacher!.binaryRelevance!;
    expect(br.weights).toEqual(GRID);
    // Per label, in the teacher's label order (sorted), the chosen weight is one of the grid's, with the F1 it won with.
    expect(br.perLabel.map((x) => x.label).sort()).toEqual([...LABELS].sort());
    for (const x of br.perLabel) {
      expect(GRID).toContain(x.weight);
      expect(x.candidates.map((c) => c.weight)).toEqual(GRID);
      expect(x.validF1).toBeGreaterThanOrEqual(0);
      expect(x.validF1).toBeLessThanOrEqual(1);
      expect(x.validF1).toBe(Math.max(...x.candidates.map((c) => c.validF1 ?? -1)));
      expect(x.trainPositives).toBeGreaterThan(0);
    }
    expect(r.teacher!.kind).toMatch(/binary relevance/);
    expect(r.metrics).toMatchObject({ micro_f1: expect.any(Number) });
    const dir = path.join(folder, 'models', r.modelVersion);
    expect(JSON.parse(readFileSync(path.join(dir, 'teacher.json'), 'utf8')).binaryRelevance.perLabel).toHaveLength(3);
    // Progress names the label and the weight being tried: 3 labels × 2 weights.
    for (let l = 1; l <= 3; l++)
      for (let w = 1; w <= 2; w++)
        expect(
          seen.some(
            (p) =>
              p.phase.startsWith(`1/2 label ${l}/3 `) &&
              p.phase.includes(` · weight ${w}/2 (${GRID[w - 1]}) · teacher epoch 1/1`),
          ),
        ).toBe(true);
    // Every document scored, one probability per project label, in the project's order (a keyword → that label's probability).
    expect(Object.keys(r.scores!).sort()).toEqual(toScore.map((d) => d.id).sort());
    for (const p of Object.values(r.scores!)) {
      expect(p).toHaveLength(3);
      for (const x of p) expect(x >= 0 && x <= 1).toBe(true);
    }
    expect(r.latency).toMatchObject({ engine: 'onnxruntime' });
    // A re-score of that version through the job path gives the same probabilities.
    const again = await runJob(
      {
        kind: 'score',
        projectId: 'p',
        task: 'multilabel',
        labels: LABELS,
        docs: { labeled: [], toScore: toScore.slice(0, 4) },
        options: {},
        modelVersion: r.modelVersion,
      },
      jobContext(folder).ctx,
    );
    for (const d of toScore.slice(0, 4))
      for (let c = 0; c < 3; c++) expect(again.scores![d.id][c]).toBeCloseTo(r.scores![d.id][c], 5);
    expect(leftovers(folder).filter((n) => n.startsWith('.partial'))).toEqual([]);
  }, 120_000);

  it('is refused on a single-label project, naming the option', async () => {
    const folder = path.join(tmp, 'p2');
    const single = {
      ...request({}, 'binary'),
      labels: ['a', 'b'],
      docs: { labeled: labeled.map((d, i) => ({ ...d, labels: [i % 2 ? 'a' : 'b'] })) },
    };
    await expect(runJob(single, jobContext(folder).ctx)).rejects.toMatchObject({
      code: 'CONFIG',
      details: { field: 'binaryRelevance' },
      message: expect.stringMatching(/multi-label projects/),
    });
    await expect(runJob(request({ binaryRelevance: false }), jobContext(folder).ctx)).rejects.toMatchObject({
      code: 'CONFIG',
      details: { field: 'brWeights' },
    });
    expect(leftovers(folder)).toEqual([]);
  });

  it('cancel stops it (state cancelled) and leaves no folder or snapshot', async () => {
    const folder = path.join(tmp, 'p3');
    // Cancelled while the second weight of the first label trains.
    const { ctx } = jobContext(folder, (p) => p.phase.includes('weight 2/2'));
    await expect(runJob(request({}), ctx)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(leftovers(folder)).toEqual([]);
  }, 60_000);
});
