/**
 * What the live loop's retrains say about labeling so far (issue #12), as pure functions over the
 * project's job rows: the learning curve (the queue model's gold-set accuracy against the number of
 * human labels, with its interval and n) and the stopping signal (κ between successive rounds'
 * decisions on the stop set, the rule's threshold, and how much the last labels moved accuracy).
 */
import { cohenKappa } from '../../shared/agreement';
import type { GoldScore, QueueModelKind } from '../../shared/queue-model-choice';
import {
  curveChange,
  SLOPE_WINDOW,
  stabilizedAt,
  STOP_KAPPA,
  STOP_WINDOW,
  type CurveChange,
} from '../../shared/stopping';
import type { JobRow } from '../db/types';

export interface LoopRound {
  /** Human labels when the round started (gold set included). */
  labels: number;
  at: string;
  kind: QueueModelKind;
  version: string;
  /** The chosen model's gold-set score; absent before the project had a gold set. */
  gold?: GoldScore;
  stop: Record<string, string>;
}

/** The finished live-loop rounds that recorded a choice, oldest first. */
export function loopRounds(jobs: readonly JobRow[]): LoopRound[] {
  return jobs
    .filter((j) => j.kind === 'fast-prelabel' && j.state === 'done' && j.result?.queueChoice)
    .sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0))
    .map((j) => {
      const c = j.result!.queueChoice!;
      const m = c.candidates[c.chosen]!;
      return {
        labels: j.labeledCount,
        at: j.finishedAt ?? j.startedAt,
        kind: m.kind,
        version: m.version,
        ...(m.gold ? { gold: m.gold } : {}),
        stop: c.stop,
      };
    });
}

export interface CurvePoint {
  labels: number;
  accuracy: number;
  lo: number;
  hi: number;
  n: number;
  kind: QueueModelKind;
}

/** One point per round scored on the gold set. */
export function learningCurve(rounds: readonly LoopRound[]): CurvePoint[] {
  return rounds.flatMap((r) =>
    r.gold
      ? [
          {
            labels: r.labels,
            accuracy: r.gold.accuracy,
            lo: r.gold.accuracyCi[0],
            hi: r.gold.accuracyCi[1],
            n: r.gold.n,
            kind: r.kind,
          },
        ]
      : [],
  );
}

export interface KappaPoint {
  labels: number;
  kappa: number;
  /** Stop-set documents both rounds decided on. */
  common: number;
}

/**
 * κ of each round against the one before, over the stop-set documents both decided on (documents
 * labeled in between leave the stop set). A round with no document in common with the previous one
 * gives no point.
 */
export function kappaSeries(rounds: readonly LoopRound[]): KappaPoint[] {
  const out: KappaPoint[] = [];
  for (let i = 1; i < rounds.length; i++) {
    const prev = rounds[i - 1]!.stop;
    const cur = rounds[i]!.stop;
    const ids = Object.keys(cur).filter((id) => id in prev);
    if (!ids.length) continue;
    const cat = new Map<string, number>();
    const code = (s: string) => cat.get(s) ?? (cat.set(s, cat.size), cat.size - 1);
    out.push({
      labels: rounds[i]!.labels,
      kappa: cohenKappa(
        ids.map((id) => code(prev[id]!)),
        ids.map((id) => code(cur[id]!)),
      ),
      common: ids.length,
    });
  }
  return out;
}

export interface StopSignal {
  kappas: KappaPoint[];
  threshold: number;
  window: number;
  /** Labels at which κ had stayed ≥ threshold for `window` rounds; null while it has not. */
  stableAt: number | null;
  /** How much the last SLOPE_WINDOW labels moved gold-set accuracy; null with fewer than two points. */
  change: CurveChange | null;
}

export function stopSignal(rounds: readonly LoopRound[]): StopSignal {
  const kappas = kappaSeries(rounds);
  const at = stabilizedAt(
    kappas.map((k) => k.kappa),
    STOP_KAPPA,
    STOP_WINDOW,
  );
  const curve = learningCurve(rounds);
  const n = curve.at(-1)?.n;
  return {
    kappas,
    threshold: STOP_KAPPA,
    window: STOP_WINDOW,
    stableAt: at >= 0 ? kappas[at]!.labels : null,
    change: curveChange(curve, SLOPE_WINDOW, n),
  };
}
