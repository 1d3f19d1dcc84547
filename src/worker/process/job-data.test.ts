import { describe, expect, it } from 'vitest';
import type { JobRequest } from '../../shared/api';
import os from 'node:os';
import { bertTeacherOptionsFrom, prepareJobData, selfTrainOf, teacherDataSnapshot, trainOptionsFrom } from './job-data';

const labeled = Array.from({ length: 40 }, (_, i) => ({
  id: `d${i}`,
  text: `文本 ${i}`,
  labels: [i % 2 ? 'pos' : 'neg'],
}));
/** `over` is one kind's (partial) request, checked by the compiler; the merge keeps its kind and options together. */
const req = (over: Partial<JobRequest> = {}): JobRequest =>
  ({
    kind: 'train-student',
    projectId: 'p',
    task: 'binary',
    labels: ['neg', 'pos'],
    docs: { labeled },
    options: {},
    ...over,
  }) as JobRequest;

describe('trainOptionsFrom', () => {
  it("takes the CLI's options (camelCase, lr/variance aliases, architecture flat or nested)", () => {
    const o = trainOptionsFrom(
      {
        model: 'bilstm',
        hidden: 8,
        layers: 1,
        embedDim: 8,
        epochs: 2,
        maxVocab: 300,
        lr: 0.01,
        architecture: { dropout: 0.1 },
      },
      false,
    );
    expect(o).toMatchObject({
      model: 'bilstm',
      epochs: 2,
      maxVocab: 300,
      learningRate: 0.01,
      batchSize: 32,
      architecture: { hidden: 8, layers: 1, embedDim: 8, dropout: 0.1 },
    });
    expect(o.alpha).toBeUndefined();
    expect(trainOptionsFrom({}, true)).toMatchObject({ alpha: 0.5, temperature: 3 });
  });

  it("reads self-training's settings apart from the training options (selfTrainOf), checked by the table", () => {
    expect(selfTrainOf({ selfTrain: 2, confidence: 0.8 })).toEqual({
      rounds: 2,
      confidence: 0.8,
      unlabeledFrac: 0,
      finalFinetune: false,
    });
    expect(selfTrainOf({ selfTrain: 0, confidence: 0.8 })).toBeUndefined();
    expect(() => selfTrainOf({ selfTrain: 2, confidence: 0 })).toThrow(/option "confidence" must be in \(0, 1\]/);
    expect(trainOptionsFrom({ selfTrain: 2, confidence: 0.9 }, true)).not.toHaveProperty('confidence');
    // A named preset fills what the form leaves unset and is not a training option itself.
    const cpu = trainOptionsFrom({ model: 'textcnn', epochs: 5, preset: 'cpu' }, true);
    expect(cpu).toMatchObject({
      model: 'textcnn',
      epochs: 5,
      architecture: { numFilters: 64, filterSizes: [2, 3, 4, 5] },
    });
    expect(cpu).not.toHaveProperty('preset');
    expect(trainOptionsFrom({ model: 'bilstm', hidden: 256, preset: 'digest-a' }, true)).toMatchObject({
      epochs: 8,
      architecture: { layers: 2, hidden: 256 },
    });
  });

  it('text options: t2s and truncate pass through; the file paths are relative to the project folder (~ is home), empty ones dropped', () => {
    const o = trainOptionsFrom(
      { t2s: true, truncate: 'head', userDict: 'dicts/user.txt', stopwords: '~/stop.txt' },
      true,
      '/projects/p1',
    );
    expect(o).toMatchObject({
      t2s: true,
      truncate: 'head',
      userDict: '/projects/p1/dicts/user.txt',
      stopwords: `${os.homedir()}/stop.txt`,
    });
    expect(trainOptionsFrom({ userDict: ' ', stopwords: '/abs/stop.txt' }, false, '/projects/p1')).toMatchObject({
      stopwords: '/abs/stop.txt',
    });
    expect(trainOptionsFrom({ userDict: ' ' }, false, '/projects/p1')).not.toHaveProperty('userDict');
    expect(() => trainOptionsFrom({ truncate: 'tail' }, false)).toThrow(
      /unknown truncate "tail"; valid: head\+tail, head/,
    );
  });

  it('names the bad option', () => {
    expect(() => trainOptionsFrom({ epochz: 3 }, false)).toThrow(/option "epochz": unknown option; valid: epochs/);
    expect(() => trainOptionsFrom({ epochs: 2.5 }, false)).toThrow(/expected an integer/);
    expect(() => trainOptionsFrom({ model: 'gpt' }, false)).toThrow(/unknown model "gpt"; valid: .*bilstm/);
    expect(() => trainOptionsFrom({ alpha: 2 }, true)).toThrow(/alpha.*must be in \[0, 1\]/);
    expect(() => trainOptionsFrom({ validSplit: 0.5, testSplit: 0.5 }, false)).toThrow(/below 1/);
  });
});

describe('prepareJobData', () => {
  const o = { seed: 1, validSplit: 0.1, testSplit: 0.1 };
  it('splits the labeled documents (seeded, stratified) and snapshots them with their split', () => {
    const a = prepareJobData(req(), o, 'v');
    expect([a.prepared.train.length, a.prepared.valid.length, a.prepared.test.length]).toEqual([32, 4, 4]);
    expect(a.prepared.schema).toEqual({ task: 'binary', labels: ['neg', 'pos'] });
    expect(prepareJobData(req(), o, 'v').snapshot).toBe(a.snapshot);
    expect(a.prepared.dataHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const lines = a.snapshot
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.split === 'test')).toHaveLength(4);
  });

  it('refuses what cannot train: too few labels, one class, unknown labels, missing teacher outputs', () => {
    expect(() => prepareJobData(req({ docs: { labeled: labeled.slice(0, 4) } }), o, 'v')).toThrow(/only 4 labeled/);
    expect(() =>
      prepareJobData(req({ docs: { labeled: labeled.map((d) => ({ ...d, labels: ['pos'] })) } }), o, 'v'),
    ).toThrow(/at least two labels/);
    expect(() =>
      prepareJobData(req({ docs: { labeled: [...labeled, { id: 'x', text: 't', labels: ['meh'] }] } }), o, 'v'),
    ).toThrow(/label "meh"/);
    expect(() =>
      prepareJobData(req({ kind: 'distill', teacher: { kind: 'probs', byId: {}, name: 't' } }), o, 'v'),
    ).toThrow(/no teacher output for labeled document "d0"/);
  });

  it('distill: probabilities become log-probabilities; unlabeled documents with soft labels join on request', () => {
    const byId = Object.fromEntries([...labeled.map((d) => [d.id, [0.25, 0.75]]), ['u1', [0.5, 0.5]]]);
    const r = req({
      kind: 'distill',
      teacher: { kind: 'probs', byId, name: 't' },
      docs: {
        labeled,
        toScore: [
          { id: 'u1', text: '未标注' },
          { id: 'u2', text: '无输出' },
        ],
      },
    });
    const d = prepareJobData(r, { ...o, useUnlabeled: true }, 'v');
    expect(d.prepared.unlabeled.map((x) => x.id)).toEqual(['u1']);
    const t = d.prepared.teacher!.get(d.prepared.train[0])!;
    expect(t[0]).toBeCloseTo(Math.log(0.25), 5);
  });
});

describe('prepareJobData with a gold set and label sources (issue 12)', () => {
  const o = { seed: 1, validSplit: 0.1, testSplit: 0.1 };
  it('tests on exactly the gold documents and never trains on them', () => {
    const gold = new Set(['d0', 'd1', 'd2', 'd3', 'd4', 'd5']);
    const docs = labeled.map((d) => ({ ...d, gold: gold.has(d.id) }));
    const a = prepareJobData(req({ docs: { labeled: docs } }), o, 'v');
    expect(a.prepared.test.map((d) => d.id).sort()).toEqual([...gold].sort());
    for (const d of [...a.prepared.train, ...a.prepared.valid]) expect(gold.has(d.id)).toBe(false);
    expect(a.prepared.train.length + a.prepared.valid.length).toBe(34);
  });

  it("keeps each label's source on the document and in the snapshot; checks the weights option", () => {
    const docs = labeled.map((d, i) => ({ ...d, source: i < 10 ? 'teacher' : 'human' }));
    const a = prepareJobData(req({ docs: { labeled: docs } }), o, 'v');
    expect(a.prepared.corpus.docs.find((d) => d.id === 'd3')?.source).toBe('teacher');
    expect(a.snapshot).toContain('"source":"teacher"');
    expect(trainOptionsFrom({ sourceWeights: { human: 1, teacher: 0.5 } }, false).sourceWeights).toEqual({
      human: 1,
      teacher: 0.5,
    });
    expect(() => trainOptionsFrom({ sourceWeights: { teacher: -1 } }, false)).toThrow(
      /option "sourceWeights": weight of "teacher"/,
    );
    expect(trainOptionsFrom({ sourceAlpha: { teacher: 1, rule: 0.9 } }, true).sourceAlpha).toEqual({
      teacher: 1,
      rule: 0.9,
    });
    expect(() => trainOptionsFrom({ sourceAlpha: { teacher: 2 } }, true)).toThrow(
      /option "sourceAlpha": α of "teacher" must be a number in \[0, 1\], got 2/,
    );
  });
});

describe('bertTeacherOptionsFrom', () => {
  it("fills in the CLI's defaults and resolves the folder (~ expanded)", () => {
    const o = bertTeacherOptionsFrom({
      source: 'model-dir',
      modelDir: '~/models/bert-base-chinese',
      epochs: 2,
      lr: 5e-5,
    });
    expect(o).toMatchObject({
      source: 'model-dir',
      modelDir: `${os.homedir()}/models/bert-base-chinese`,
      epochs: 2,
      learningRate: 5e-5,
      batchSize: 32,
      patience: 2,
      seed: 42,
      validSplit: 0.1,
      testSplit: 0.1,
    });
    expect(o.maxLen).toBeUndefined(); // min(128, the model's positions), decided once the folder is read
    expect(o.pretrain).toBeUndefined();
    const p = bertTeacherOptionsFrom({ source: 'pretrain', layers: 2, hidden: 128, pretrainEpochs: 1, maxLen: 64 });
    expect(p).toMatchObject({
      source: 'pretrain',
      maxLen: 64,
      pretrain: { layers: 2, hidden: 128, heads: 2, epochs: 1, vocabSize: 8000 },
    });
    expect(p.modelDir).toBeUndefined();
    expect(bertTeacherOptionsFrom({ source: 'pretrain', hidden: 32 }).pretrain).toMatchObject({
      hidden: 32,
      heads: 4,
      layers: 4,
    });
  });

  it('names the bad option', () => {
    const bad = (o: Record<string, unknown>) => () => bertTeacherOptionsFrom(o);
    expect(bad({})).toThrow(/option "source" must be "model-dir" .* or "pretrain"/);
    expect(bad({ source: 'model-dir' })).toThrow(/give the folder of a Hugging Face BERT model/);
    expect(bad({ source: 'model-dir', modelDir: 'models/bert' })).toThrow(
      /full path on the machine the worker runs on/,
    );
    expect(bad({ source: 'model-dir', modelDir: '/m', layers: 2 })).toThrow(/"layers" is for source "pretrain"/);
    expect(bad({ source: 'pretrain', modelDir: '/m' })).toThrow(/"modelDir" is for source "model-dir"/);
    expect(bad({ source: 'pretrain', hidden: 30, heads: 4 })).toThrow(/not a multiple of "heads"/);
    expect(bad({ source: 'pretrain', epochs: 1.5 })).toThrow(/"epochs": expected an integer/);
    expect(bad({ source: 'pretrain', learningRate: 0 })).toThrow(/"learningRate" must be in \(0, 1\]/);
    expect(bad({ source: 'pretrain', maxLen: 2 })).toThrow(/"maxLen" must be in \[8, 4096\]/);
    expect(bad({ source: 'pretrain', model: 'bilstm' })).toThrow(
      /option "model": unknown option; valid: source, modelDir/,
    );
    expect(bad({ source: 'pretrain', validSplit: 0.5, testSplit: 0.5 })).toThrow(/below 1/);
    try {
      bertTeacherOptionsFrom({ source: 'model-dir', modelDir: 'rel' });
    } catch (e) {
      expect(e).toMatchObject({ code: 'CONFIG', details: { field: 'modelDir' } });
    }
  });
});

describe('teacherDataSnapshot', () => {
  it('writes what `teacher train` reads: a label string for single-label tasks, a list for multi-label ones, duplicates once, the split it will draw', () => {
    const dup = [...labeled, { id: 'copy', text: ` ${labeled[3].text}  `, labels: ['pos'] }];
    const d = prepareJobData(
      req({ docs: { labeled: dup, toScore: [{ id: 'u', text: '未标注' }] } }),
      { seed: 1, validSplit: 0.1, testSplit: 0.1 },
      'v',
    );
    const t = teacherDataSnapshot(d.prepared, { seed: 1, validSplit: 0.1, testSplit: 0.1 });
    const rows = t.snapshot
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(40);
    expect(rows[0]).toEqual({
      id: 'd0',
      text: '文本 0',
      label: 'neg',
      split: expect.stringMatching(/^(train|valid|test)$/),
    });
    expect(rows.filter((r) => r.split === 'test').map((r) => r.id)).toEqual(t.test.map((x) => x.id));
    expect([t.train.length, t.valid.length, t.test.length]).toEqual([32, 4, 4]);
    const multi = prepareJobData(
      req({ task: 'multilabel', labels: ['neg', 'pos'] }),
      { seed: 1, validSplit: 0.1, testSplit: 0.1 },
      'v',
    );
    const m = JSON.parse(
      teacherDataSnapshot(multi.prepared, { seed: 1, validSplit: 0.1, testSplit: 0.1 }).snapshot.split('\n')[0],
    );
    expect(m).toMatchObject({ id: 'd0', labels: ['neg'] });
    expect(m.label).toBeUndefined();
  });
});
