/**
 * The app's labeling-budget simulator job (issue #12 item 7): the existing simulator run on the
 * request's documents — per-strategy curves, AULC, labels to 95 % — with progress per round, and a
 * cancel that stops it and leaves no folder behind.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jobContext } from '../../../test/fixtures/job-context';
import { generateCorpus, uniqueDocs } from '../../../test/fixtures/synthetic-corpus';
import type { JobRequest } from '../../shared/api';
import { toSimplified } from '../text/normalize';
import { runJob } from './run-job';

const folder = mkdtempSync(path.join(os.tmpdir(), 'distillery-sim-job-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const labeled = uniqueDocs(generateCorpus(260, 31, 'binary')).map((d, i) => ({
  id: `d${i}`,
  text: d.text,
  labels: [d.label],
}));
const request = (options: Record<string, unknown> = {}): JobRequest => ({
  kind: 'simulate',
  projectId: 'p',
  task: 'binary',
  labels: ['0', '1'],
  docs: { labeled },
  options: { strategies: ['random', 'entropy'], seedSize: 10, batch: 20, budget: 70, runs: 2, ...options },
});

describe('simulate job', () => {
  it('returns a curve per strategy, AULC and labels to 95 %, with progress per round', async () => {
    const { ctx, seen } = jobContext(folder);
    const r = await runJob(request(), ctx);
    const sim = r.simulation!;
    expect(sim.docs).toBe(labeled.length);
    expect(sim.pool_size + sim.test_size).toBe(labeled.length);
    expect(sim.model).toBe('nb');
    expect(Object.keys(sim.strategies)).toEqual(['random', 'entropy']);
    for (const s of Object.values(sim.strategies)) {
      // Rounds at 10, 30, 50, 70 labels.
      expect(s.curve.map((p) => p.labels)).toEqual([10, 30, 50, 70]);
      expect(s.aulc).toBeGreaterThan(0.5);
      expect(s.labels_to_95 === null || s.labels_to_95 >= 10).toBe(true);
    }
    expect(sim.full_data.accuracy).toBeGreaterThan(0.7);
    expect(readdirSync(sim.folder).sort()).toEqual(['dataset.jsonl', 'simulation.json', 'simulation.md']);
    // 2 runs × (full data + 2 strategies × 4 rounds) = 18 steps, counted one by one, with an ETA.
    expect(seen.map((p) => p.done)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(seen.every((p) => p.total === 18)).toBe(true);
    expect(seen.some((p) => typeof p.etaSeconds === 'number')).toBe(true);
  });

  it('runs a neural student one option away (textcnn, 1 epoch a round)', async () => {
    const { ctx } = jobContext(folder);
    const small = {
      ...request({ model: 'textcnn', epochs: 1, runs: 1, strategies: ['random'], budget: 30 }),
      docs: { labeled: labeled.slice(0, 60) },
    };
    const r = await runJob(small, ctx);
    expect(r.simulation!.docs).toBe(60);
    expect(r.simulation!.model).toBe('textcnn');
    for (const s of Object.values(r.simulation!.strategies)) expect(s.curve.map((p) => p.labels)).toEqual([10, 30]);
  }, 60_000);

  it('bald: a bootstrap committee for naive Bayes, MC-dropout passes for a neural student (which has no committee)', async () => {
    const { ctx } = jobContext(folder);
    const nb = await runJob(request({ strategies: ['random', 'bald'], runs: 1 }), ctx);
    expect(nb.simulation!.strategies.bald!.curve.map((p) => p.labels)).toEqual([10, 30, 50, 70]);
    const setupOf = (f: string) => JSON.parse(readFileSync(path.join(f, 'simulation.json'), 'utf8')).setup;
    expect(setupOf(nb.simulation!.folder).committee).toBe('5 bootstrap members');
    const small = {
      ...request({ model: 'textcnn', epochs: 1, runs: 1, strategies: ['bald'], budget: 30 }),
      docs: { labeled: labeled.slice(0, 60) },
    };
    const cnn = await runJob(small, ctx);
    expect(cnn.simulation!.strategies.bald!.curve.map((p) => p.labels)).toEqual([10, 30]);
    expect(setupOf(cnn.simulation!.folder)['bald passes']).toBe('5 MC-dropout passes');
  }, 60_000);

  it('multi-label: the snapshot keeps every label of a document', async () => {
    const ml = uniqueDocs(generateCorpus(200, 5, 'multilabel')).map((d, i) => ({
      id: `m${i}`,
      text: d.text,
      labels: d.labels,
    }));
    const r = await runJob(
      {
        ...request({ strategies: ['random', 'cardinality'], runs: 1, budget: 50 }),
        task: 'multilabel',
        labels: ['口味', '配送', '服务', '价格'],
        docs: { labeled: ml },
      },
      jobContext(folder).ctx,
    );
    expect(Object.keys(r.simulation!.strategies)).toEqual(['random', 'cardinality']);
    expect(r.simulation!.docs).toBe(ml.length);
    const rows = readFileSync(path.join(r.simulation!.folder, 'dataset.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; labels: string[] });
    expect(rows.map((x) => x.labels)).toEqual(ml.map((d) => d.labels));
  });

  it('stops when cancelled and leaves no simulation folder', async () => {
    const before = readdirSync(path.join(folder, 'simulations')).length;
    const { ctx, seen } = jobContext(folder, (p) => p.done === 3);
    await expect(runJob(request(), ctx)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen.at(-1)!.done).toBe(3);
    expect(readdirSync(path.join(folder, 'simulations'))).toHaveLength(before);
  });

  it("reads text with the project's text options: t2s, a stop-word file relative to the project folder", async () => {
    // Traditional forms (質 說 體 驗) carry the label; with t2s the run equals one on the simplified text.
    const tagged = labeled
      .slice(0, 120)
      .map((d) => ({ ...d, text: `${d.text} ${d.labels[0] === '1' ? '質說' : '體驗'}` }));
    const simplified = tagged.map((d) => ({ ...d, text: toSimplified(d.text) }));
    expect(simplified[0].text).not.toBe(tagged[0].text);
    const run = async (docs: typeof labeled, options: Record<string, unknown>) => {
      const { ctx } = jobContext(folder);
      const r = await runJob({ ...request({ ...options, budget: 50 }), docs: { labeled: docs } }, ctx);
      const record = JSON.parse(readFileSync(path.join(r.simulation!.folder, 'simulation.json'), 'utf8'));
      return { curves: r.simulation!.strategies, text: record.setup['text options'] };
    };
    const t2s = await run(tagged, { t2s: true });
    const plain = await run(simplified, {});
    expect(t2s.curves).toEqual(plain.curves);
    expect(t2s.text).toEqual({ t2s: true });
    writeFileSync(path.join(folder, 'stop.txt'), '质\n');
    const stop = await run(simplified, { stopwords: 'stop.txt' });
    expect(stop.text).toEqual({ t2s: false, stopwords: path.join(folder, 'stop.txt') });
    const { ctx } = jobContext(folder);
    await expect(runJob(request({ stopwords: 'missing-stop.txt' }), ctx)).rejects.toMatchObject({
      message: expect.stringMatching(/missing-stop\.txt/),
    });
  });

  it('bad options are clear errors naming the option', async () => {
    const { ctx } = jobContext(folder);
    await expect(runJob(request({ strategies: ['nope'] }), ctx)).rejects.toMatchObject({
      code: 'CONFIG',
      details: { field: 'strategies' },
    });
    await expect(runJob(request({ model: 'gpt' }), ctx)).rejects.toMatchObject({
      code: 'CONFIG',
      details: { field: 'model' },
    });
    await expect(runJob(request({ budget: 2.5 }), ctx)).rejects.toMatchObject({
      code: 'CONFIG',
      details: { field: 'budget' },
    });
    await expect(runJob(request({ alpha: 1 }), ctx)).rejects.toMatchObject({
      code: 'CONFIG',
      details: { field: 'alpha' },
    });
    await expect(runJob(request({ budget: 5000 }), ctx)).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(/exceeds the pool/),
    });
  });
});
