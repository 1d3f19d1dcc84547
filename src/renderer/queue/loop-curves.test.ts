import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../shared/metrics';
import type { QueueChoice } from '../../shared/queue-model-choice';
import type { JobRow } from '../db/types';
import { kappaSeries, learningCurve, loopRounds, stopSignal } from './loop-curves';

function job(
  labels: number,
  minute: number,
  accuracy: number | null,
  stop: Record<string, string>,
  kind: 'nb' | 'teacher' = 'nb',
): JobRow {
  const n = 40;
  const gold =
    accuracy === null
      ? undefined
      : {
          n,
          accuracy,
          accuracyCi: wilsonInterval(Math.round(accuracy * n), n),
          macroF1: accuracy,
          macroF1Ci: [accuracy, accuracy] as [number, number],
        };
  const queueChoice: QueueChoice = {
    candidates: [{ kind, version: `${kind}-${minute}`, ...(gold ? { gold } : {}) }],
    chosen: 0,
    rule: '',
    trainLabels: labels,
    stop,
  };
  return {
    id: `j${minute}`,
    projectId: 'p',
    kind: 'fast-prelabel',
    state: 'done',
    options: {},
    startedAt: `2026-12-05T20:${String(minute).padStart(2, '0')}:00Z`,
    curve: [],
    labeledCount: labels,
    result: { modelVersion: `${kind}-${minute}`, queueChoice },
  };
}

describe('the live loop curves', () => {
  it('rounds oldest first; a learning-curve point per round scored on the gold set, with its interval and n', () => {
    const jobs = [
      job(40, 3, 0.8, {}),
      job(20, 1, null, {}),
      { ...job(30, 2, 0.7, {}), state: 'failed' as const },
      { ...job(60, 5, 0.9, {}), kind: 'train-student' as const },
    ];
    const rounds = loopRounds(jobs);
    expect(rounds.map((r) => r.labels)).toEqual([20, 40]);
    const curve = learningCurve(rounds);
    expect(curve).toEqual([
      { labels: 40, accuracy: 0.8, lo: wilsonInterval(32, 40)[0], hi: wilsonInterval(32, 40)[1], n: 40, kind: 'nb' },
    ]);
  });

  it('κ between successive rounds over the stop-set documents both decided on', () => {
    const a = { x: '0', y: '1', z: '0', w: '1' };
    const b = { x: '0', y: '1', z: '0', w: '1', v: '1' };
    const c = { x: '0', y: '0', z: '0', v: '1' };
    const k = kappaSeries(loopRounds([job(20, 1, 0.7, a), job(30, 2, 0.7, b), job(40, 3, 0.7, c)]));
    expect(k.map((p) => p.common)).toEqual([4, 4]);
    expect(k[0]!.kappa).toBe(1);
    // x,y,z,v: prev 0,1,0,1 vs 0,0,0,1 → po = 3/4, pe = (2/4·3/4 + 2/4·1/4) = 1/2 → κ = 0.5.
    expect(k[1]!.kappa).toBeCloseTo(0.5, 12);
  });

  it('the stopping signal: stable once κ ≥ 0.99 for three rounds; how much the last labels moved accuracy', () => {
    const same = { a: '0', b: '1', c: '1' };
    const rounds = loopRounds([
      job(20, 1, 0.7, { a: '1', b: '0', c: '1' }),
      job(40, 2, 0.8, same),
      job(60, 3, 0.8, same),
      job(80, 4, 0.8, same),
      job(100, 5, 0.82, same),
    ]);
    const s = stopSignal(rounds);
    expect(s.kappas.map((k) => k.labels)).toEqual([40, 60, 80, 100]);
    expect(s.stableAt).toBe(100);
    expect(s.change?.labels).toBe(80);
    expect(s.change?.points).toBe(5);
    expect(stopSignal(rounds.slice(0, 3)).stableAt).toBeNull();
    expect(stopSignal(rounds.slice(0, 1)).change).toBeNull();
  });
});
