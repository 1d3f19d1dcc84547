/**
 * The live loop's choice of the model that orders the queue (issue #12), in the worker with a real
 * trained student: every candidate is scored on the gold set, the one the shared rule chooses (the
 * cheapest unless a costlier one wins by more than the noise) scores the queue, a candidate that cannot
 * be read is reported and never chosen, and the chosen model's decisions on the stop set come back for
 * the stopping chart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobContext } from '../../../test/fixtures/job-context';
import { generateCorpus, uniqueDocs } from '../../../test/fixtures/synthetic-corpus';
import type { JobRequestOf } from '../../shared/api';
import type { JobOptionsOf } from '../../shared/job-options';
import { SMALL_GOLD } from '../../shared/queue-model-choice';
import { runJob } from './run-job';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-queue-choice-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const flip = (l: string) => (l === '1' ? '0' : '1');
const all = uniqueDocs(generateCorpus(500, 41, 'binary')).map((d, i) => ({
  id: `d${i}`,
  text: d.text,
  labels: [d.label],
}));
const labeled = all.slice(0, 160);
// 50 gold documents: the paired comparison alone decides (a smaller gold set adds naive Bayes's cross-validation).
const gold = labeled.slice(0, SMALL_GOLD);
const unlabeled = all.slice(160, 400).map((d) => ({ id: d.id, text: d.text }));
const request = (over: Partial<JobRequestOf<'fast-prelabel'>> = {}): JobRequestOf<'fast-prelabel'> => ({
  kind: 'fast-prelabel',
  projectId: 'p',
  task: 'binary',
  labels: ['0', '1'],
  docs: { labeled, toScore: unlabeled },
  options: { goldIds: gold.map((d) => d.id) },
  ...over,
});

describe('the live loop chooses the model that orders the queue on the gold set', () => {
  let teacher = '';
  beforeAll(async () => {
    // A "teacher" trained on the opposite labels: far worse than naive Bayes on the true gold set,
    // far better on a gold set whose labels are flipped too.
    const r = await runJob(
      {
        kind: 'train-student',
        projectId: 'p',
        task: 'binary',
        labels: ['0', '1'],
        docs: { labeled: labeled.slice(SMALL_GOLD).map((d) => ({ ...d, labels: [flip(d.labels[0]!)] })) },
        options: {
          model: 'textcnn',
          embedDim: 8,
          numFilters: 4,
          filterSizes: [2, 3],
          epochs: 3,
          batchSize: 16,
          maxVocab: 300,
          charts: false,
        },
      },
      jobContext(tmp).ctx,
    );
    teacher = r.modelVersion;
  }, 120_000);

  it('naive Bayes wins on the true gold set; its scores order the queue; the teacher is listed with its score', async () => {
    const r = await runJob(
      request({
        options: {
          goldIds: gold.map((d) => d.id),
          candidates: [{ kind: 'teacher', version: teacher }],
          scoredBy: teacher,
        },
      }),
      jobContext(tmp).ctx,
    );
    const c = r.queueChoice!;
    expect(c.candidates.map((x) => x.kind)).toEqual(['nb', 'teacher']);
    expect(c.candidates.every((x) => x.gold?.n === SMALL_GOLD)).toBe(true);
    expect(c.chosen).toBe(0);
    expect(c.candidates[1]!.verdict).toMatchObject({ against: 'nb', clear: false });
    expect(c.candidates[1]!.verdict!.f1Diff).toBeLessThan(0);
    expect(c.nbCv).toBeUndefined();
    expect(c.candidates[0]!.gold!.accuracy).toBeGreaterThan(0.8);
    expect(c.trainLabels).toBe(labeled.length - SMALL_GOLD);
    expect(r.modelVersion).toBe(c.candidates[0]!.version);
    expect(Object.keys(r.scores!)).toHaveLength(unlabeled.length);
    // The stop set: unlabeled documents only, with the argmax of the scores sent back.
    const stopIds = Object.keys(c.stop);
    expect(stopIds.length).toBe(unlabeled.length);
    for (const id of stopIds) expect(c.stop[id]).toBe(String(r.scores![id]![1]! > r.scores![id]![0]! ? 1 : 0));
  });

  it('the teacher wins where it is better; documents that already carry its scores are not re-scored', async () => {
    const flipped = labeled.map((d, i) => (i < SMALL_GOLD ? { ...d, labels: [flip(d.labels[0]!)] } : d));
    const opts: JobOptionsOf<'fast-prelabel'> = {
      goldIds: gold.map((d) => d.id),
      candidates: [{ kind: 'teacher', version: teacher }],
    };
    const fresh = await runJob(
      request({ docs: { labeled: flipped, toScore: unlabeled }, options: opts }),
      jobContext(tmp).ctx,
    );
    expect(fresh.queueChoice!.chosen).toBe(1);
    expect(fresh.queueChoice!.candidates[1]!.verdict).toMatchObject({ against: 'nb', clear: true });
    expect(fresh.queueChoice!.candidates[1]!.verdict!.f1DiffCi[0]).toBeGreaterThan(0);
    expect(fresh.modelVersion).toBe(teacher);
    expect(Object.keys(fresh.scores!)).toHaveLength(unlabeled.length);
    const kept = await runJob(
      request({ docs: { labeled: flipped, toScore: unlabeled }, options: { ...opts, scoredBy: teacher } }),
      jobContext(tmp).ctx,
    );
    expect(kept.modelVersion).toBe(teacher);
    expect(kept.scores).toBeUndefined();
    expect(kept.queueChoice!.stop).toEqual(fresh.queueChoice!.stop);
  });

  it('on a small gold set naive Bayes is cross-validated on its training labels, and a costlier model must clear that too', async () => {
    // 20 gold documents whose labels are flipped: the teacher wins the paired comparison on them clearly,
    // but naive Bayes's 5-fold score on the 140 (unflipped) training labels is far above what 20 documents show of the teacher.
    const few = labeled.slice(0, 20);
    const flipped = labeled.map((d, i) => (i < few.length ? { ...d, labels: [flip(d.labels[0]!)] } : d));
    const r = await runJob(
      request({
        docs: { labeled: flipped, toScore: unlabeled },
        options: { goldIds: few.map((d) => d.id), candidates: [{ kind: 'teacher', version: teacher }] },
      }),
      jobContext(tmp).ctx,
    );
    const c = r.queueChoice!;
    expect(c.nbCv).toMatchObject({ folds: 5, n: labeled.length - few.length });
    expect(c.nbCv!.accuracy).toBeGreaterThan(0.7);
    expect(c.candidates[1]!.verdict).toMatchObject({ against: 'nb', aboveNbCv: false, clear: false });
    expect(c.candidates[1]!.verdict!.f1DiffCi[0]).toBeGreaterThan(0);
    expect(c.chosen).toBe(0);
    expect(r.modelVersion).toBe(c.candidates[0]!.version);
  });

  it('a candidate that cannot be read is reported and never chosen; without a gold set naive Bayes keeps the queue', async () => {
    const r = await runJob(
      request({
        options: {
          goldIds: gold.map((d) => d.id),
          candidates: [{ kind: 'student', version: 'distilled-20250101-000000-bilstm' }],
        },
      }),
      jobContext(tmp).ctx,
    );
    expect(r.queueChoice!.chosen).toBe(0);
    expect(r.queueChoice!.candidates[1]).toMatchObject({
      kind: 'student',
      error: expect.stringMatching(/does not exist/),
    });
    const noGold = await runJob(
      request({ options: { candidates: [{ kind: 'teacher', version: teacher }] } }),
      jobContext(tmp).ctx,
    );
    expect(noGold.queueChoice!.candidates.every((x) => x.gold === undefined)).toBe(true);
    expect(noGold.queueChoice!.chosen).toBe(0);
    await expect(
      runJob(
        request({
          options: {
            candidates: [{ kind: 'oracle', version: teacher }],
          } as never /* a bad request the worker still refuses */,
        }),
        jobContext(tmp).ctx,
      ),
    ).rejects.toMatchObject({ code: 'CONFIG', details: { field: 'candidates' } });
  });
});
