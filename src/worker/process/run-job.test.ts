/**
 * The worker's jobs on the request's documents, in this process: a trained model carries its
 * inference latency; an α sweep trains once per α, reports progress over the whole sweep, writes its
 * folder, and leaves nothing behind when cancelled.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jobContext } from '../../../test/fixtures/job-context';
import { generateCorpus, uniqueDocs } from '../../../test/fixtures/synthetic-corpus';
import { topicCorpus, TOPIC_LABELS } from '../../../test/fixtures/topic-corpus';
import type { JobRequest } from '../../shared/api';
import type { JobOptionsOf } from '../../shared/job-options';
import { runJob } from './run-job';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-run-job-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TINY: JobOptionsOf<'train-student'> = {
  model: 'textcnn',
  embedDim: 8,
  numFilters: 4,
  filterSizes: [2, 3],
  epochs: 1,
  batchSize: 16,
  maxVocab: 300,
  charts: false,
};
const docs = uniqueDocs(generateCorpus(160, 31, 'binary')).map((d, i) => ({
  id: `d${i}`,
  text: d.text,
  labels: [d.label],
}));
const teacher = {
  kind: 'probs' as const,
  name: 'teacher-x',
  byId: Object.fromEntries(docs.map((d) => [d.id, d.labels[0] === '1' ? [0.2, 0.8] : [0.9, 0.1]])),
};
/** `over` is one kind's (partial) request, checked by the compiler; the merge keeps its kind and options together. */
const base = (over: Partial<JobRequest>): JobRequest =>
  ({
    kind: 'train-student',
    projectId: 'p',
    task: 'binary',
    labels: ['0', '1'],
    docs: { labeled: docs },
    options: TINY,
    ...over,
  }) as JobRequest;

describe('runJob', () => {
  it('a trained model carries its inference latency on the test texts (onnxruntime)', async () => {
    const folder = path.join(tmp, 'train');
    const { ctx, seen } = jobContext(folder);
    const r = await runJob(base({}), ctx);
    // The app trains a student architecture only as its teacher, and names the version so.
    expect(r.modelVersion).toMatch(/^teacher-\d{8}-\d{6}-textcnn$/);
    expect(r.latency).toMatchObject({ engine: 'onnxruntime', msPerDoc: expect.any(Number) });
    expect(r.latency!.msPerDoc).toBeGreaterThan(0);
    expect(r.latency!.calls).toBeGreaterThanOrEqual(30);
    // The test split: 10 % of the labeled documents.
    expect(r.latency!.docs).toBe(Math.round(docs.length * 0.1));
    expect(seen.some((p) => p.phase === 'latency')).toBe(true);
  });

  it('an α sweep trains once per α and reports accuracy and macro-F1 against α', async () => {
    const folder = path.join(tmp, 'sweep');
    const { ctx, seen } = jobContext(folder);
    const r = await runJob(
      base({ kind: 'alpha-sweep', teacher, options: { ...TINY, alphas: [1, 0], temperature: 2 } }),
      ctx,
    );
    expect(r.modelVersion).toBe('');
    const s = r.sweep!;
    expect(s).toMatchObject({ temperature: 2, metric: 'accuracy', seeds: 1 });
    expect(s.points.map((p) => p.alpha)).toEqual([0, 1]);
    for (const p of s.points) {
      expect(p.mean).toBeGreaterThanOrEqual(0);
      expect(p.mean).toBeLessThanOrEqual(1);
      expect(p).toMatchObject({ std: 0, n: 1, macroF1: { mean: expect.any(Number), std: 0 } });
    }
    expect([0, 1]).toContain(s.best);
    expect(path.dirname(s.folder)).toBe(path.join(folder, 'sweeps'));
    expect(path.basename(s.folder)).toMatch(/^sweep-\d{8}-\d{6}-textcnn$/);
    expect(readdirSync(s.folder).sort()).toEqual([
      'alpha-sweep.json',
      'alpha-sweep.md',
      'alpha-sweep.png',
      'alpha-sweep.svg',
      'dataset.jsonl',
    ]);
    for (const f of r.files!) expect(existsSync(f), f).toBe(true);
    // Progress over the whole sweep: the α in the phase, batches counted across runs.
    const training = seen.filter((p) => p.phase.startsWith('α'));
    expect(training.some((p) => p.phase.startsWith('α = 1 (1/2) · epoch 1/1'))).toBe(true);
    expect(training.some((p) => p.phase.startsWith('α = 0 (2/2) · epoch 1/1'))).toBe(true);
    const last = training.at(-1)!;
    expect(last.done).toBe(last.total);
    for (let i = 1; i < training.length; i++) expect(training[i].done).toBeGreaterThanOrEqual(training[i - 1].done);
    expect(training.every((p) => p.total === last.total)).toBe(true);
  });

  it('a cancelled α sweep fails as cancelled and leaves no sweep folder', async () => {
    const folder = path.join(tmp, 'cancel');
    const { ctx } = jobContext(folder, (p) => p.phase.startsWith('α = 0.5'));
    await expect(
      runJob(base({ kind: 'alpha-sweep', teacher, options: { ...TINY, alphas: [0, 0.5, 1] } }), ctx),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(readdirSync(path.join(folder, 'sweeps'))).toEqual([]);
  });

  it('refuses bad α lists in the worker too', async () => {
    const { ctx } = jobContext(path.join(tmp, 'bad'));
    await expect(
      runJob(base({ kind: 'alpha-sweep', teacher, options: { ...TINY, alphas: [0, 2] } }), ctx),
    ).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringMatching(/\[0, 1\]/) });
  });
});

describe('runJob: the 10-class case in the app (issue #12)', () => {
  it('distills by label name when the project lists its labels in another order than the data sort ("1", "10", "2", …)', async () => {
    // The app sends soft labels in the project's label order; the job's schema is that order too.
    const labels = [...TOPIC_LABELS].sort();
    const ten = topicCorpus(400, 12).map((d, i) => ({ id: `t${i}`, text: d.text, labels: [d.label] }));
    const byId = Object.fromEntries(ten.map((d) => [d.id, labels.map((l) => (l === d.labels[0] ? 0.91 : 0.01))]));
    const { ctx } = jobContext(path.join(tmp, 'ten'));
    const r = await runJob(
      {
        kind: 'distill',
        projectId: 'p',
        task: 'multiclass',
        labels,
        docs: { labeled: ten },
        teacher: { kind: 'probs', name: 'oracle', byId },
        options: {
          model: 'textcnn',
          embedDim: 16,
          numFilters: 16,
          filterSizes: [2],
          epochs: 6,
          batchSize: 16,
          learningRate: 0.01,
          patience: 6,
          minCount: 1,
          alpha: 1,
          temperature: 1,
          charts: false,
        },
      },
      ctx,
    );
    expect(r.metrics!.n).toBe(40);
    expect(r.metrics!.accuracy).toBeGreaterThanOrEqual(0.7);
    expect(r.metrics!.accuracy_ci[0]).toBeLessThan(r.metrics!.accuracy);
  });
});
