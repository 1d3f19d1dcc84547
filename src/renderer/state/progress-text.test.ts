import { describe, expect, it } from 'vitest';
import { phaseText } from './progress-text';

describe('phaseText: the worker phase in message keys, and what done / total counts', () => {
  it('training counts batches; scoring counts documents; one-step phases count nothing', () => {
    expect(phaseText('epoch 3/10')).toEqual({
      parts: [{ key: 'epoch', params: { epoch: 3, epochs: 10 } }],
      unit: 'batches',
    });
    expect(phaseText('epoch 3/10 done').parts).toEqual([{ key: 'epochDone', params: { epoch: 3, epochs: 10 } }]);
    expect(phaseText('teacher epoch 1/3')).toEqual({
      parts: [{ key: 'teacherEpoch', params: { epoch: 1, epochs: 3 } }],
      unit: 'batches',
    });
    expect(phaseText('pretrain epoch 2/3 done').parts).toEqual([
      { key: 'pretrainEpochDone', params: { epoch: 2, epochs: 3 } },
    ]);
    expect(phaseText('scoring')).toEqual({ parts: [{ key: 'scoring', params: {} }], unit: 'documents' });
    expect(phaseText('teacher predict').unit).toBe('documents');
    for (const p of ['starting', 'latency', 'done']) expect(phaseText(p).unit).toBe('none');
  });

  it('reads the α sweep and BERT stage prefixes', () => {
    expect(phaseText('α = 0.5 (2/3) · epoch 1/8')).toEqual({
      parts: [
        { key: 'sweepAlpha', params: { alpha: '0.5', i: 2, n: 3 } },
        { key: 'epoch', params: { epoch: 1, epochs: 8 } },
      ],
      unit: 'batches',
    });
    expect(phaseText('α = 1 (3/3, seed 2/5) · epoch 4/8 done').parts.map((p) => ('key' in p ? p.key : p.raw))).toEqual([
      'sweepAlpha',
      'seed',
      'epochDone',
    ]);
    expect(phaseText('2/3 teacher epoch 1/3')).toEqual({
      parts: [
        { key: 'stage', params: { i: 2, n: 3 } },
        { key: 'teacherEpoch', params: { epoch: 1, epochs: 3 } },
      ],
      unit: 'batches',
    });
    expect(phaseText('3/3 scoring').unit).toBe('documents');
  });

  it("names the binary-relevance teacher's label and weight, and self-training's round", () => {
    expect(phaseText('2/3 label 1/9 口味 · weight 2/7 (0.1) · teacher epoch 1/3')).toEqual({
      parts: [
        { key: 'stage', params: { i: 2, n: 3 } },
        { key: 'brLabel', params: { i: 1, n: 9, label: '口味' } },
        { key: 'brWeight', params: { i: 2, n: 7, weight: '0.1' } },
        { key: 'teacherEpoch', params: { epoch: 1, epochs: 3 } },
      ],
      unit: 'batches',
    });
    expect(phaseText('round 2/3 · epoch 1/4').parts).toEqual([
      { key: 'selfTrainRound', params: { i: 2, n: 3 } },
      { key: 'epoch', params: { epoch: 1, epochs: 4 } },
    ]);
    expect(phaseText('round 2/2 · final fine-tune · epoch 1/2')).toEqual({
      parts: [
        { key: 'selfTrainRound', params: { i: 2, n: 2 } },
        { key: 'finalFinetune', params: {} },
        { key: 'epoch', params: { epoch: 1, epochs: 2 } },
      ],
      unit: 'batches',
    });
  });

  it('keeps a phase it does not know as text, counted in steps', () => {
    expect(phaseText('warming up')).toEqual({ parts: [{ raw: 'warming up' }], unit: 'steps' });
  });

  it("names the simulator's rounds, counted in rounds", () => {
    expect(phaseText('run 2/3 full data')).toEqual({
      parts: [{ key: 'simRunFull', params: { i: 2, n: 3 } }],
      unit: 'rounds',
    });
    expect(phaseText('run 1/3 least-confidence 40 labels')).toEqual({
      parts: [{ key: 'simRound', params: { i: 1, n: 3, strategy: 'least-confidence', labels: 40 } }],
      unit: 'rounds',
    });
  });
});
