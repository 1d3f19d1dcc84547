import { describe, expect, it } from 'vitest';
import { clockTime, liveLoopOf, LIVE_LOOP_DEFAULT, queueModelOfChoice, retrainDue } from './live-loop';
import type { GoldScore, QueueChoice, Verdict } from '../../shared/queue-model-choice';

describe('live loop', () => {
  it('fills in the default setting and keeps N in range', () => {
    expect(liveLoopOf({})).toEqual(LIVE_LOOP_DEFAULT);
    expect(liveLoopOf({ liveLoop: { enabled: false } })).toEqual({ enabled: false, every: 20 });
    expect(liveLoopOf({ liveLoop: { enabled: true, every: 0 } }).every).toBe(1);
    expect(liveLoopOf({ liveLoop: { enabled: true, every: 2.5 } }).every).toBe(20);
  });

  it('retrains after every N new human labels, never below the minimum, never twice at once', () => {
    const on = { enabled: true, every: 20 };
    expect(retrainDue(on, 19, 0, false)).toBe(false);
    expect(retrainDue(on, 20, 0, false)).toBe(true);
    expect(retrainDue(on, 20, 0, true)).toBe(false);
    expect(retrainDue(on, 39, 20, false)).toBe(false);
    expect(retrainDue(on, 40, 20, false)).toBe(true);
    expect(retrainDue({ enabled: true, every: 5 }, 9, 0, false)).toBe(false);
    expect(retrainDue({ enabled: false, every: 20 }, 100, 0, false)).toBe(false);
  });

  it('shows the time as hours and minutes', () => {
    const at = new Date(2026, 11, 5, 14, 3, 59).toISOString();
    expect(clockTime(at, 'en-US')).toBe('14:03');
    expect(clockTime(at, 'zh-CN')).toBe('14:03');
    expect(clockTime('nonsense', 'en-US')).toBe('');
  });
});

describe('the record of the model the live loop chose', () => {
  const g = (macroF1: number): GoldScore => ({
    n: 20,
    accuracy: macroF1,
    accuracyCi: [0, 1],
    macroF1,
    macroF1Ci: [0, 1],
  });
  const noise: Verdict = { against: 'nb', f1Diff: 0.1, f1DiffCi: [-0.1, 0.3], aboveNbCv: false, clear: false };
  const choice = (over: Partial<QueueChoice> = {}): QueueChoice => ({
    candidates: [
      { kind: 'nb', version: 'nb-1', gold: g(0.64) },
      { kind: 'student', version: 's', gold: g(0.76), verdict: noise },
      { kind: 'teacher', version: 't', gold: g(0.5), verdict: { ...noise, f1Diff: -0.14 } },
    ],
    chosen: 0,
    rule: '',
    trainLabels: 180,
    stop: {},
    ...over,
  });
  it('names the costlier models that scored higher on the gold set but within the noise', () => {
    expect(queueModelOfChoice(choice(), 'nb-1', 200, 'T')).toEqual({
      kind: 'nb',
      version: 'nb-1',
      labels: 200,
      at: 'T',
      gold: g(0.64),
      over: ['student'],
    });
  });
  it('names none where the chosen model won clearly, where a higher one could not be compared, or without a choice', () => {
    const c = choice();
    const clear = choice({
      chosen: 1,
      candidates: [c.candidates[0]!, { ...c.candidates[1]!, verdict: { ...noise, clear: true } }],
    });
    expect(queueModelOfChoice(clear, 's', 200, 'T')).toEqual({
      kind: 'student',
      version: 's',
      labels: 200,
      at: 'T',
      gold: g(0.76),
    });
    const { verdict: _, ...unjudged } = c.candidates[1]!;
    expect(
      queueModelOfChoice(choice({ candidates: [c.candidates[0]!, unjudged] }), 'nb-1', 200, 'T').over,
    ).toBeUndefined();
    expect(queueModelOfChoice(undefined, 'nb-1', 10, 'T')).toEqual({
      kind: 'nb',
      version: 'nb-1',
      labels: 10,
      at: 'T',
    });
  });
});
