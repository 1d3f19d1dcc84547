/**
 * The fast pre-labeler job (issue #12, the live loop): naive Bayes trained on the request's labels
 * scores every document to score, well above chance on the synthetic reviews; gold-set documents
 * named in options.goldIds never train it; bad options and too few labels are clear errors; the
 * project's text options (t2s, stop words) shape what naive Bayes reads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jobContext } from '../../../test/fixtures/job-context';
import { generateCorpus, uniqueDocs } from '../../../test/fixtures/synthetic-corpus';
import type { JobRequestOf } from '../../shared/api';
import { MODEL_VERSION_RE } from '../../shared/worker-protocol';
import { runJob } from './run-job';

const all = uniqueDocs(generateCorpus(700, 77, 'binary')).map((d, i) => ({
  id: `d${i}`,
  text: d.text,
  labels: [d.label],
}));
const labeled = all.slice(0, 120);
const unlabeled = all.slice(120, 620);
const request = (over: Partial<JobRequestOf<'fast-prelabel'>> = {}): JobRequestOf<'fast-prelabel'> => ({
  kind: 'fast-prelabel',
  projectId: 'p',
  task: 'binary',
  labels: ['0', '1'],
  docs: { labeled, toScore: unlabeled.map((d) => ({ id: d.id, text: d.text })) },
  options: {},
  ...over,
});

describe('fast-prelabel job', () => {
  it('trains naive Bayes on the labels and scores every unlabeled document, well above chance', async () => {
    const { ctx, seen } = jobContext('/nonexistent-project-folder');
    const r = await runJob(request(), ctx);
    expect(r.modelVersion).toMatch(MODEL_VERSION_RE);
    expect(r.modelVersion).toMatch(/^nb-/);
    expect(Object.keys(r.scores!).sort()).toEqual(unlabeled.map((d) => d.id).sort());
    let right = 0;
    for (const d of unlabeled) {
      const p = r.scores![d.id]!;
      expect(p).toHaveLength(2);
      expect(p[0]! + p[1]!).toBeCloseTo(1, 5);
      if ((p[1]! > p[0]! ? '1' : '0') === d.labels[0]) right++;
    }
    // Chance is ~50 % on this balanced corpus (5 % label noise caps it near 95 %).
    expect(right / unlabeled.length).toBeGreaterThan(0.8);
    expect(seen.at(-1)).toMatchObject({ phase: 'scoring', done: unlabeled.length, total: unlabeled.length });
  });

  it('leaves the gold set out of training: scores as if those documents were not labeled at all', async () => {
    const gold = labeled.slice(0, 30);
    const withGold = await runJob(request({ options: { goldIds: gold.map((d) => d.id) } }), jobContext('/x').ctx);
    const without = await runJob(
      request({ docs: { labeled: labeled.slice(30), toScore: request().docs.toScore } }),
      jobContext('/x').ctx,
    );
    const everything = await runJob(request(), jobContext('/x').ctx);
    expect(withGold.scores).toEqual(without.scores);
    expect(withGold.scores).not.toEqual(everything.scores);
  });

  it('multi-label: one probability per label', async () => {
    const ml = uniqueDocs(generateCorpus(300, 5, 'multilabel')).map((d, i) => ({
      id: `m${i}`,
      text: d.text,
      labels: d.labels,
    }));
    const r = await runJob(
      request({
        task: 'multilabel',
        labels: ['口味', '配送', '服务', '价格'],
        docs: { labeled: ml.slice(0, 200), toScore: ml.slice(200) },
      }),
      jobContext('/x').ctx,
    );
    expect(Object.keys(r.scores!)).toHaveLength(ml.length - 200);
    for (const p of Object.values(r.scores!)) expect(p).toHaveLength(4);
  });

  it('bad input is a clear error naming the field', async () => {
    const { ctx } = jobContext('/x');
    await expect(
      runJob(request({ options: { goldIds: 'd1' } as never }) /* a bad request the worker still refuses */, ctx),
    ).rejects.toMatchObject({ code: 'CONFIG', details: { field: 'goldIds' } });
    await expect(runJob(request({ options: { epochs: 3 } as never }), ctx)).rejects.toMatchObject({
      code: 'CONFIG',
      details: { field: 'epochs' },
    });
    await expect(runJob(request({ docs: { labeled: labeled.slice(0, 5) } }), ctx)).rejects.toMatchObject({
      code: 'INPUT_EMPTY',
      message: expect.stringMatching(/only 5 labeled/),
    });
    await expect(
      runJob(request({ docs: { labeled: [{ ...labeled[0]!, labels: ['2'] }, ...labeled.slice(1)] } }), ctx),
    ).rejects.toMatchObject({ code: 'LABEL_UNKNOWN', details: { docId: 'd0' } });
  });

  it('stops when cancelled', async () => {
    const { ctx } = jobContext('/x', (p) => p.phase === 'fitting');
    await expect(runJob(request(), ctx)).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  describe("the project's text options", () => {
    // Simplified reviews to train on; the test documents in traditional script share none of 这/饭/务/态/们/凉/难/吃 with them unless converted.
    const pos = ['这家店的饭菜很好吃', '服务态度很好，饭菜也香', '我们都觉得好吃，下次还来', '这家的饭很香，服务好'];
    const neg = ['送得太慢了，饭菜都凉了', '难吃，服务态度也差', '这家太难吃了，我们不会再来', '饭菜凉了，态度很差'];
    const zhLabeled = [...pos.map((t) => [t, '1']), ...neg.map((t) => [t, '0'])].flatMap(([t, l], i) =>
      [0, 1, 2].map((k) => ({ id: `z${i}-${k}`, text: `${t}${'！'.repeat(k)}`, labels: [l!] })),
    );
    const simplified = '这家店饭菜好吃，服务态度好，我们还来';
    const traditional = '這家店飯菜好吃，服務態度好，我們還來';
    const zhRequest = (options: Record<string, unknown>) =>
      request({
        docs: {
          labeled: zhLabeled,
          toScore: [
            { id: 's', text: simplified },
            { id: 't', text: traditional },
          ],
        },
        options,
      });
    const folder = mkdtempSync(path.join(os.tmpdir(), 'distillery-fast-prelabel-text-'));
    afterAll(() => rmSync(folder, { recursive: true, force: true }));

    it('t2s: a traditional-script document gets the same probabilities as its simplified form', async () => {
      const on = await runJob(zhRequest({ t2s: true }), jobContext(folder).ctx);
      expect(on.scores!.t).toEqual(on.scores!.s);
      const off = await runJob(zhRequest({ t2s: false }), jobContext(folder).ctx);
      expect(off.scores!.t).not.toEqual(off.scores!.s);
      expect(off.scores!.s).toEqual(on.scores!.s); // simplified text reads the same either way
    });

    it('stop words (a file relative to the project folder) are not counted', async () => {
      writeFileSync(path.join(folder, 'stop.txt'), '很\n也\n');
      const padded = (options: Record<string, unknown>) =>
        request({
          docs: {
            labeled: zhLabeled,
            toScore: [
              { id: 's', text: simplified },
              { id: 'x', text: `${simplified}很也很` },
            ],
          },
          options,
        });
      const stopped = await runJob(padded({ stopwords: 'stop.txt' }), jobContext(folder).ctx);
      expect(stopped.scores!.x).toEqual(stopped.scores!.s);
      const plain = await runJob(padded({}), jobContext(folder).ctx);
      expect(plain.scores!.x).not.toEqual(plain.scores!.s);
      await expect(runJob(zhRequest({ stopwords: 'missing.txt' }), jobContext(folder).ctx)).rejects.toMatchObject({
        code: 'CONFIG',
        details: { field: 'stopwords' },
      });
    });
  });
});
