/**
 * Self-training through the app's distill job (issue 13 item 4): the project's human labels, its
 * unlabeled documents with the teacher's soft labels, `selfTrain` rounds: the result carries each
 * round's pseudo-labels per class, their precision where the labels are known (`unlabeledFrac`
 * hides some), the student's score, and the last round's student is the model version.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jobContext } from '../../../test/fixtures/job-context';
import { generateCorpus, uniqueDocs } from '../../../test/fixtures/synthetic-corpus';
import type { JobRequest } from '../../shared/api';
import type { JobOptionsOf } from '../../shared/job-options';
import { runJob } from './run-job';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-self-train-job-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TINY: JobOptionsOf<'distill'> = {
  model: 'textcnn',
  embedDim: 8,
  numFilters: 8,
  filterSizes: [2, 3],
  epochs: 3,
  batchSize: 16,
  learningRate: 0.01,
  minCount: 1,
  maxVocab: 300,
  charts: false,
};
const all = uniqueDocs(generateCorpus(240, 21, 'binary')).map((d, i) => ({
  id: `d${i}`,
  text: d.text,
  labels: [d.label],
}));
const labeled = all.slice(0, 120);
const unlabeled = all.slice(120);
// The teacher's soft labels (what the project's documents carry after a teacher scored them): confident and mostly right.
const byId = Object.fromEntries(
  all.map((d, i) => [d.id, (d.labels[0] === '1') !== (i % 10 === 0) ? [0.05, 0.95] : [0.93, 0.07]]),
);
const request = (options: JobOptionsOf<'distill'>): JobRequest => ({
  kind: 'distill',
  projectId: 'p',
  task: 'binary',
  labels: ['0', '1'],
  docs: { labeled, toScore: unlabeled.map((d) => ({ id: d.id, text: d.text })) },
  teacher: { kind: 'probs', byId, name: 'teacher-x' },
  options: { ...TINY, ...options },
});

describe('distill job with self-training', () => {
  it('runs the rounds on the human labels and the unlabeled documents and returns per-round figures', async () => {
    const folder = path.join(tmp, 'p1');
    const { ctx, seen } = jobContext(folder);
    const r = await runJob(request({ selfTrain: 2, confidence: 0.6, unlabeledFrac: 0.3 }), ctx);
    expect(r.modelVersion).toMatch(/^distilled-\d{8}-\d{6}-textcnn$/);
    const st = r.selfTraining!;
    expect(st.rounds.map((x) => x.round)).toEqual([0, 1, 2]);
    expect(st.confidence).toBe(0.6);
    // The pool: the 120 unlabeled documents and the 30 % of the training rows whose labels were hidden.
    expect(st.hiddenLabels).toBeGreaterThan(0);
    expect(st.unlabeledRows).toBe(unlabeled.length + st.hiddenLabels);
    expect(st.rounds[0].pseudo).toBeUndefined();
    expect(st.rounds[1].pseudo!.from).toBe('teacher');
    expect(st.rounds[2].pseudo!.from).toBe('student');
    for (const x of st.rounds.slice(1)) {
      const p = x.pseudo!;
      expect(p.kept['0'] + p.kept['1']).toBe(p.keptTotal);
      expect(p.keptTotal).toBeGreaterThan(0);
      expect(x.trainRows).toBe(st.humanLabels + p.keptTotal);
      // Kept rows with a hidden label are graded; the unlabeled documents' labels are unknown.
      expect(p.graded).toBeLessThanOrEqual(p.keptTotal);
      if (p.graded) expect(p.precision).toBeCloseTo(p.correct / p.graded, 10);
    }
    expect(st.rounds[1].pseudo!.graded).toBeGreaterThan(0);
    for (const x of st.rounds) expect(x.metrics.accuracy).toBeGreaterThanOrEqual(0);
    // The last round's student is the version, and its metrics are the run's.
    expect(r.metrics!.accuracy).toBeCloseTo(st.rounds[2].metrics.accuracy, 10);
    const dir = path.join(folder, 'models', r.modelVersion);
    expect(existsSync(path.join(dir, 'model.onnx'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'self-training.json'), 'utf8')).rounds).toHaveLength(3);
    // Progress names the round.
    for (const round of [0, 1, 2]) expect(seen.some((p) => p.phase.startsWith(`round ${round}/2 · epoch`))).toBe(true);
  }, 120_000);

  it('finalFinetune: after the last round the student trains on the human labels only, recorded before and after', async () => {
    const folder = path.join(tmp, 'p4');
    const { ctx, seen } = jobContext(folder);
    const r = await runJob(request({ selfTrain: 1, confidence: 0.6, unlabeledFrac: 0.3, finalFinetune: true }), ctx);
    const st = r.selfTraining!;
    const ft = st.finalFinetune!;
    const kept = st.rounds[1].pseudo!.keptTotal;
    expect(kept).toBeGreaterThan(TINY.batchSize!);
    // The rows it trained on: the human labels, no pseudo-label (counted by the phase's batches, then recorded).
    const ftTotals = new Set(seen.filter((p) => p.phase.includes('final fine-tune · epoch')).map((p) => p.total));
    const batches = (rows: number) => ft.epochs * Math.ceil(rows / TINY.batchSize!);
    expect([...ftTotals]).toEqual([2 * batches(st.humanLabels)]); // roundSink: (rounds + 1) × the phase's total
    expect(batches(st.humanLabels)).not.toBe(batches(st.humanLabels + kept));
    expect(ft.rows).toBe(st.humanLabels);
    expect(ft.epochs).toBe(2);
    expect(ft.learningRate).toBeCloseTo(TINY.learningRate! / 10, 12);
    // Before: the last round's score; after: the run's, whose model is the version.
    expect(ft.before).toEqual(st.rounds[1].metrics);
    expect(ft.after.accuracy).toBeCloseTo(r.metrics!.accuracy, 10);
    const dir = path.join(folder, 'models', r.modelVersion);
    expect(JSON.parse(readFileSync(path.join(dir, 'self-training.json'), 'utf8')).finalFinetune).toEqual(ft);
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(config.training.fineTune).toEqual({ rows: ft.rows, epochs: 2, learningRate: ft.learningRate });
    const metrics = JSON.parse(readFileSync(path.join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.fineTune.testBefore.accuracy).toBeCloseTo(ft.before.accuracy, 10);
    expect(metrics.fineTune.history).toHaveLength(2);
  }, 120_000);

  it('finalFinetune without selfTrain rounds is a CONFIG error naming it', async () => {
    await expect(runJob(request({ finalFinetune: true }), jobContext(path.join(tmp, 'p5')).ctx)).rejects.toMatchObject({
      code: 'CONFIG',
      details: { field: 'finalFinetune' },
    });
  });

  it('a bad confidence is a CONFIG error naming the option; selfTrain 0 is a plain distillation', async () => {
    await expect(
      runJob(request({ selfTrain: 1, confidence: 1.5 }), jobContext(path.join(tmp, 'p2')).ctx),
    ).rejects.toMatchObject({ code: 'CONFIG', details: { field: 'confidence' } });
    const r = await runJob(request({ selfTrain: 0, epochs: 1 }), jobContext(path.join(tmp, 'p3')).ctx);
    expect(r.selfTraining).toBeUndefined();
  }, 60_000);
});
