import { describe, expect, it } from 'vitest';
import type { JobRequest } from '../../shared/api';
import { prepareJobData, trainOptionsFrom } from './job-data';

const labeled = Array.from({ length: 40 }, (_, i) => ({ id: `d${i}`, text: `文本 ${i}`, labels: [i % 2 ? 'pos' : 'neg'] }));
const req = (over: Partial<JobRequest> = {}): JobRequest => ({ kind: 'train-student', projectId: 'p', task: 'binary', labels: ['neg', 'pos'], docs: { labeled }, options: {}, ...over });

describe('trainOptionsFrom', () => {
  it('takes the CLI\'s options (camelCase, lr/variance aliases, architecture flat or nested)', () => {
    const o = trainOptionsFrom({ model: 'bilstm', hidden: 8, layers: 1, embedDim: 8, epochs: 2, maxVocab: 300, lr: 0.01, architecture: { dropout: 0.1 } }, false);
    expect(o).toMatchObject({ model: 'bilstm', epochs: 2, maxVocab: 300, learningRate: 0.01, batchSize: 32, architecture: { hidden: 8, layers: 1, embedDim: 8, dropout: 0.1 } });
    expect(o.alpha).toBeUndefined();
    expect(trainOptionsFrom({}, true)).toMatchObject({ alpha: 0.5, temperature: 3 });
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
    const lines = a.snapshot.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.split === 'test')).toHaveLength(4);
  });

  it('refuses what cannot train: too few labels, one class, unknown labels, missing teacher outputs', () => {
    expect(() => prepareJobData(req({ docs: { labeled: labeled.slice(0, 4) } }), o, 'v')).toThrow(/only 4 labeled/);
    expect(() => prepareJobData(req({ docs: { labeled: labeled.map((d) => ({ ...d, labels: ['pos'] })) } }), o, 'v')).toThrow(/at least two labels/);
    expect(() => prepareJobData(req({ docs: { labeled: [...labeled, { id: 'x', text: 't', labels: ['meh'] }] } }), o, 'v')).toThrow(/label "meh"/);
    expect(() => prepareJobData(req({ kind: 'distill', teacher: { kind: 'probs', byId: {}, name: 't' } }), o, 'v')).toThrow(/no teacher output for labeled document "d0"/);
  });

  it('distill: probabilities become log-probabilities; unlabeled documents with soft labels join on request', () => {
    const byId = Object.fromEntries([...labeled.map((d) => [d.id, [0.25, 0.75]]), ['u1', [0.5, 0.5]]]);
    const r = req({ kind: 'distill', teacher: { kind: 'probs', byId, name: 't' }, docs: { labeled, toScore: [{ id: 'u1', text: '未标注' }, { id: 'u2', text: '无输出' }] } });
    const d = prepareJobData(r, { ...o, useUnlabeled: true }, 'v');
    expect(d.prepared.unlabeled.map((x) => x.id)).toEqual(['u1']);
    const t = d.prepared.teacher!.get(d.prepared.train[0])!;
    expect(t[0]).toBeCloseTo(Math.log(0.25), 5);
  });
});
