/**
 * The app's BERT teacher job in this process, on a tiny generated checkpoint (makeTinyBertFolder) and
 * the synthetic corpus: the teacher folder as a model version, its kind, latency and the scores of
 * every document in the project's label order; a re-score and an export of that version; the engine's
 * clear errors for bad folders; pre-training here; cancel leaves nothing behind.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobContext } from '../../../test/fixtures/job-context';
import { generateCorpus, uniqueDocs } from '../../../test/fixtures/synthetic-corpus';
import type { JobRequest } from '../../shared/api';
import { openBertScorer } from '../jobs/pipeline-models';
import { PRETRAINED_HERE_KIND } from '../jobs/teacher-pretrain-job';
import { makeTinyBertFolder } from '../../../test/fixtures/tiny-bert';
import { runJob } from './run-job';
import { methods } from './worker-methods';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-bert-job-'));
const bertDir = path.join(tmp, 'tiny-bert');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await makeTinyBertFolder(bertDir, { layers: 1, hidden: 32, heads: 2, intermediate: 64, seed: 3 });
}, 60_000);

const all = uniqueDocs(generateCorpus(140, 17, 'binary')).map((d, i) => ({
  id: `d${i}`,
  text: d.text,
  labels: [d.label],
}));
const labeled = all.slice(0, 100);
const toScore = all.map((d) => ({ id: d.id, text: d.text }));
// The project's label order differs from the teacher's (sorted): scores must follow the project's.
const LABELS = ['1', '0'];
const FINE_TUNE = { epochs: 1, maxLen: 32, batchSize: 16, learningRate: 1e-3 };
const base = (options: Record<string, unknown>): JobRequest => ({
  kind: 'train-bert-teacher',
  projectId: 'p',
  task: 'binary',
  labels: LABELS,
  docs: { labeled, toScore },
  options,
});

const leftovers = (folder: string) =>
  ['models', 'datasets'].flatMap((d) => (existsSync(path.join(folder, d)) ? readdirSync(path.join(folder, d)) : []));

describe('BERT teacher job', () => {
  it("fine-tunes a Hugging Face folder, keeps it as a model version, times it and scores every document in the project's label order", async () => {
    const folder = path.join(tmp, 'p1');
    const { ctx, seen } = jobContext(folder);
    const r = await runJob(base({ source: 'model-dir', modelDir: bertDir, ...FINE_TUNE }), ctx);
    expect(r.modelVersion).toMatch(/^teacher-\d{8}-\d{6}-bert$/);
    const dir = path.join(folder, 'models', r.modelVersion);
    for (const f of ['config.json', 'vocab.txt', 'model.safetensors', 'model.onnx', 'teacher.json'])
      expect(existsSync(path.join(dir, f)), f).toBe(true);
    expect(r.files).toContain(path.join(dir, 'model.onnx'));
    const info = JSON.parse(readFileSync(path.join(dir, 'teacher.json'), 'utf8'));
    expect(info).toMatchObject({
      kind: 'fine-tuned BERT',
      base: bertDir,
      labels: ['0', '1'],
      task: 'binary',
      maxLen: 32,
    });
    expect(r.teacher).toMatchObject({
      source: 'model-dir',
      kind: 'fine-tuned BERT',
      base: bertDir,
      shape: '1 layers, hidden 32, 2 heads',
      evaluatedOn: 'test',
    });
    expect(r.metrics).toMatchObject({ accuracy: expect.any(Number) });
    expect(r.paramCount).toBeGreaterThan(1000);
    expect(r.history).toHaveLength(1);
    expect(r.latency).toMatchObject({ engine: 'onnxruntime', docs: 10 });
    expect(r.latency!.msPerDoc).toBeGreaterThan(0);
    // Every document scored; probabilities in the project's order ('1', '0').
    expect(Object.keys(r.scores!).sort()).toEqual(toScore.map((d) => d.id).sort());
    const scorer = await openBertScorer(dir);
    const direct = await scorer.predict([toScore[0].text]);
    await scorer.dispose();
    expect(r.scores![toScore[0].id][0]).toBeCloseTo(direct[1], 5);
    expect(r.scores![toScore[0].id][1]).toBeCloseTo(direct[0], 5);
    for (const p of Object.values(r.scores!)) expect(p[0] + p[1]).toBeCloseTo(1, 4);
    // The labeled data it saw, with single-label cells as strings.
    const snap = readFileSync(path.join(folder, 'datasets', `${r.modelVersion}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(snap).toHaveLength(100);
    expect(typeof snap[0].label).toBe('string');
    // Progress: the stage, the engine's phase, live loss; then latency and scoring.
    expect(seen.some((p) => p.phase === '1/2 teacher epoch 1/1' && typeof p.metrics?.loss === 'number')).toBe(true);
    expect(seen.some((p) => p.phase === 'latency')).toBe(true);
    const scoring = seen.filter((p) => p.phase === '2/2 scoring');
    expect(scoring.at(-1)).toMatchObject({ done: toScore.length, total: toScore.length });
    expect(leftovers(folder).filter((n) => n.startsWith('.partial'))).toEqual([]);

    // Re-scoring with that version gives the same probabilities.
    const again = await runJob(
      {
        kind: 'score',
        projectId: 'p',
        task: 'binary',
        labels: LABELS,
        docs: { labeled: [], toScore: toScore.slice(0, 5) },
        options: {},
        modelVersion: r.modelVersion,
      },
      jobContext(folder).ctx,
    );
    for (const d of toScore.slice(0, 5))
      for (const c of [0, 1]) expect(again.scores![d.id][c]).toBeCloseTo(r.scores![d.id][c], 5);

    // It exports as ONNX (with its tokenizer files) or as its folder; TensorFlow.js is for students.
    const out = path.join(folder, 'exports', 'teacher-onnx');
    const e = await methods['export-model']({ modelDir: dir, outDir: out, format: 'onnx', baseName: r.modelVersion });
    expect(e.file).toBe(path.join(out, `${r.modelVersion}.onnx`));
    expect(readdirSync(out).sort()).toEqual(
      ['config.json', `${r.modelVersion}.onnx`, 'teacher.json', 'tokenizer_config.json', 'vocab.txt'].sort(),
    );
    await expect(
      methods['export-model']({
        modelDir: dir,
        outDir: path.join(folder, 'exports', 'x'),
        format: 'tfjs',
        baseName: 'x',
      }),
    ).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(/ONNX or as its Hugging Face folder/),
    });
  });

  it("fails with the engine's clear reason for a bad folder, and leaves nothing behind", async () => {
    const folder = path.join(tmp, 'p2');
    const run = (modelDir: string) =>
      runJob(base({ source: 'model-dir', modelDir, ...FINE_TUNE }), jobContext(folder).ctx);
    await expect(run(path.join(tmp, 'nowhere'))).rejects.toMatchObject({
      code: 'MODEL_FOLDER',
      message: expect.stringMatching(/does not exist on the machine the worker runs on/),
    });
    const noConfig = path.join(tmp, 'no-config');
    mkdirSync(noConfig);
    writeFileSync(path.join(noConfig, 'vocab.txt'), '[PAD]\n[UNK]\n');
    await expect(run(noConfig)).rejects.toMatchObject({
      code: 'MODEL_FOLDER',
      message: expect.stringMatching(/has no config\.json: a Hugging Face model folder holds config\.json/),
    });
    const gpt = path.join(tmp, 'gpt2');
    mkdirSync(gpt);
    writeFileSync(
      path.join(gpt, 'config.json'),
      JSON.stringify({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'] }),
    );
    await expect(run(gpt)).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(/model_type "gpt2" is not supported; supported: model_type "bert"/),
    });
    // A vocabulary larger than the embeddings: found when the weights load, after the job started writing.
    const mismatch = path.join(tmp, 'mismatch');
    await makeTinyBertFolder(mismatch, { layers: 1, hidden: 32, heads: 2, intermediate: 64, seed: 3 });
    writeFileSync(
      path.join(mismatch, 'vocab.txt'),
      readFileSync(path.join(mismatch, 'vocab.txt'), 'utf8') + 'extra1\nextra2\n',
    );
    await expect(run(mismatch)).rejects.toMatchObject({
      code: 'MODEL_FOLDER',
      message: expect.stringMatching(/the vocabulary has \d+ tokens but the word embeddings have \d+ rows/),
    });
    expect(leftovers(folder)).toEqual([]);
  });

  it("pre-trains a small BERT on the project's texts first, and says so", async () => {
    const folder = path.join(tmp, 'p3');
    const { ctx, seen } = jobContext(folder);
    const r = await runJob(base({ source: 'pretrain', layers: 1, hidden: 32, pretrainEpochs: 1, ...FINE_TUNE }), ctx);
    expect(r.modelVersion).toMatch(/^teacher-\d{8}-\d{6}-bert-here$/);
    expect(r.teacher).toMatchObject({
      source: 'pretrain',
      kind: PRETRAINED_HERE_KIND,
      shape: '1 layers, hidden 32, 4 heads',
    });
    expect(r.teacher!.base).toBeUndefined();
    const dir = path.join(folder, 'models', r.modelVersion);
    const pre = JSON.parse(readFileSync(path.join(dir, 'pretrained', 'pretrain.json'), 'utf8'));
    // Every text but the teacher's 10 test texts.
    expect(pre).toMatchObject({
      kind: 'masked-LM pre-training',
      data: path.join(dir, 'pretrain-texts.jsonl'),
      texts: toScore.length - 10,
    });
    expect(JSON.parse(readFileSync(path.join(dir, 'teacher.json'), 'utf8'))).toMatchObject({
      kind: PRETRAINED_HERE_KIND,
      base: path.join(dir, 'pretrained'),
    });
    expect(seen.some((p) => p.phase === '1/3 pretrain epoch 1/1' && typeof p.metrics?.mlm_loss === 'number')).toBe(
      true,
    );
    expect(seen.some((p) => p.phase === '2/3 teacher epoch 1/1')).toBe(true);
    expect(seen.some((p) => p.phase === '3/3 scoring')).toBe(true);
    expect(Object.keys(r.scores!)).toHaveLength(toScore.length);
  });

  it('a cancelled teacher job fails as cancelled and leaves no folder or snapshot', async () => {
    const folder = path.join(tmp, 'p4');
    const { ctx } = jobContext(folder, (p) => p.phase.includes('teacher epoch'));
    await expect(
      runJob(base({ source: 'model-dir', modelDir: bertDir, ...FINE_TUNE, epochs: 3 }), ctx),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(leftovers(folder)).toEqual([]);
  });
});
