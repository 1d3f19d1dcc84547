/**
 * Per-source α through a whole distillation (issue 12 item 2): with α = 1 for accepted teacher
 * pre-labels, such a row's hard label has no effect on training (flipping it leaves the trained
 * weights byte-identical for a fixed seed), while flipping a person's label changes them; with α < 1
 * for the teacher rows the same flip does change them. The run records the α per source.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CorpusDoc } from '../data/read-corpus';
import { runTrainJob, TRAIN_DEFAULTS, type PreparedData, type TrainJobOptions } from './train-job';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-source-alpha-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const LABELS = ['neg', 'pos'];
const doc = (i: number, source?: string, flip = false): CorpusDoc => {
  const pos = i % 2 === 1;
  return {
    id: `d${i}`,
    text: pos ? `好吃 推荐 ${i} 味道不错` : `难吃 太咸 ${i} 送得慢`,
    labels: [LABELS[Number(pos !== flip)]],
    line: i + 2,
    ...(source ? { source } : {}),
  };
};

/** 32 training rows (every 4th an accepted teacher pre-label), 8 valid, 8 test; `flip` relabels one training row. */
function prepared(flip?: number): PreparedData {
  const train = Array.from({ length: 32 }, (_, i) => doc(i, i % 4 === 3 ? 'teacher' : 'human', i === flip));
  const valid = Array.from({ length: 8 }, (_, i) => doc(100 + i, 'human'));
  const test = Array.from({ length: 8 }, (_, i) => doc(200 + i, 'human'));
  // The teacher's logits follow the true label (never the flipped one), a little less sure on odd ids.
  const teacher = new Map<CorpusDoc, Float32Array>();
  for (const d of [...train, ...valid, ...test]) {
    const n = Number(d.id.slice(1));
    const m = 1 + (n % 3) * 0.5;
    teacher.set(d, Float32Array.from(n % 2 ? [-m, m] : [m, -m]));
  }
  const docs = [...train, ...valid, ...test];
  return {
    corpus: {
      file: 'mem',
      format: 'jsonl',
      encoding: 'utf-8',
      textColumn: 'text',
      labelColumn: 'labels',
      docs,
      duplicatesRemoved: 0,
      multiLabel: false,
      labels: LABELS,
      skippedEmpty: 0,
    },
    schema: { task: 'binary', labels: LABELS },
    train,
    valid,
    test,
    unlabeled: [],
    teacher,
    dataHash: 'sha256:test',
  };
}

const opts = (name: string, over: Partial<TrainJobOptions> = {}): TrainJobOptions => ({
  ...TRAIN_DEFAULTS,
  data: path.join(tmp, 'mem.jsonl'),
  out: path.join(tmp, name),
  model: 'textcnn',
  architecture: { embedDim: 8, numFilters: 8, filterSizes: [2] },
  epochs: 2,
  batchSize: 8,
  patience: 0,
  minCount: 1,
  backend: 'wasm',
  charts: false,
  teacherOutputs: undefined,
  alpha: 0.5,
  temperature: 2,
  ...over,
});

/** The trained weights' bytes (every file of the folder's weights/). */
function weightsOf(dir: string): Buffer {
  const w = path.join(dir, 'weights');
  return Buffer.concat(
    readdirSync(w)
      .sort()
      .map((f) => readFileSync(path.join(w, f))),
  );
}

describe('per-source α in a distillation run', () => {
  it("with α = 1 for teacher rows a pre-label's hard label does not touch the weights; a person's label does", async () => {
    const sourceAlpha = { teacher: 1 };
    await runTrainJob(opts('base', { sourceAlpha }), undefined, undefined, prepared());
    await runTrainJob(opts('teacher-flipped', { sourceAlpha }), undefined, undefined, prepared(3)); // row 3: a teacher row
    await runTrainJob(opts('human-flipped', { sourceAlpha }), undefined, undefined, prepared(0)); // row 0: a human row
    const base = weightsOf(path.join(tmp, 'base'));
    expect(base.length).toBeGreaterThan(100);
    expect(weightsOf(path.join(tmp, 'teacher-flipped')).equals(base)).toBe(true);
    expect(weightsOf(path.join(tmp, 'human-flipped')).equals(base)).toBe(false);

    const config = JSON.parse(readFileSync(path.join(tmp, 'base', 'config.json'), 'utf8'));
    expect(config.training.options.sourceAlpha).toEqual({ teacher: 1 });
    expect(config.training.distillation).toMatchObject({ alpha: 0.5, sourceAlpha: { teacher: 1, student: 1 } });
    expect(readFileSync(path.join(tmp, 'base', 'model-card.md'), 'utf8')).toContain(
      'α per label source: teacher 1, student 1; other sources α = 0.5',
    );
  }, 120_000);

  it('with α = 0.5 for teacher rows (as every other row) the flipped pre-label does change the weights', async () => {
    const sourceAlpha = { teacher: 0.5 };
    await runTrainJob(opts('half-base', { sourceAlpha }), undefined, undefined, prepared());
    await runTrainJob(opts('half-flipped', { sourceAlpha }), undefined, undefined, prepared(3));
    expect(weightsOf(path.join(tmp, 'half-flipped')).equals(weightsOf(path.join(tmp, 'half-base')))).toBe(false);
  }, 120_000);
});
