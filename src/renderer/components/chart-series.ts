/** Turning job curves, histories and α sweeps into chart series (pure). */
import type { AlphaSweepSummary, SimulationResult } from '../../shared/api';
import type { JobRow } from '../db/types';

export interface Series {
  name: string;
  /** Secondary axis (0–1 metrics beside the loss). */
  right?: boolean;
  /** Drawn thin and dashed in the colour of the first series (a ± std bound). */
  band?: boolean;
  /** Left out of the legend (e.g. one whisker per point). */
  noLegend?: boolean;
  points: { x: number; y: number }[];
}

/** Metrics whose name says loss go on the left axis; the rest (accuracy, F1…) on the right, 0–1. */
export function isLossKey(k: string): boolean {
  return /loss/i.test(k);
}

/** A series' name for a metric key (the UI translates 'loss', 'val_metric'…); the key itself by default. */
export type SeriesName = (key: string) => string;
const asIs: SeriesName = (k) => k;

export function curveSeries(curve: JobRow['curve'], name: SeriesName = asIs): Series[] {
  const byKey = new Map<string, Series>();
  for (const p of curve) {
    for (const [k, v] of Object.entries(p.metrics)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      let s = byKey.get(k);
      if (!s) byKey.set(k, (s = { name: name(k), right: !isLossKey(k), points: [] }));
      s.points.push({ x: p.x, y: v });
    }
  }
  // A metric outside [0, 1] cannot share the 0–1 axis.
  for (const s of byKey.values()) if (s.right && s.points.some((p) => p.y < 0 || p.y > 1)) s.right = false;
  return [...byKey.values()];
}

export function historySeries(
  h: { epoch: number; loss: number; valMetric: number }[],
  name: SeriesName = asIs,
): Series[] {
  return [
    { name: name('loss'), points: h.map((e) => ({ x: e.epoch, y: e.loss })) },
    { name: name('validation'), right: true, points: h.map((e) => ({ x: e.epoch, y: e.valMetric })) },
  ];
}

/**
 * An α sweep as chart series in percent against α: the sweep's main metric (accuracy, or micro-F1
 * when multi-label) and macro-F1, each mean over the seeds; with several seeds, the main metric's
 * mean ± std as two thin series around it.
 */
export function sweepSeries(s: AlphaSweepSummary, names: { main: string; macroF1: string; std: string }): Series[] {
  const pts = [...s.points].sort((a, b) => a.alpha - b.alpha);
  const pct = (x: number) => Number((100 * x).toFixed(2));
  const out: Series[] = [{ name: names.main, points: pts.map((p) => ({ x: p.alpha, y: pct(p.mean) })) }];
  if (pts.some((p) => p.macroF1))
    out.push({
      name: names.macroF1,
      points: pts.filter((p) => p.macroF1).map((p) => ({ x: p.alpha, y: pct(p.macroF1!.mean) })),
    });
  if (pts.some((p) => p.n > 1 && p.std > 0)) {
    out.push({
      name: `${names.main} − ${names.std}`,
      band: true,
      points: pts.map((p) => ({ x: p.alpha, y: pct(p.mean - p.std) })),
    });
    out.push({
      name: `${names.main} + ${names.std}`,
      band: true,
      points: pts.map((p) => ({ x: p.alpha, y: pct(p.mean + p.std) })),
    });
  }
  return out;
}

/** A labeling-budget simulation as chart series: per strategy, mean accuracy in percent against labels bought. */
export function simulationSeries(s: SimulationResult): Series[] {
  return Object.entries(s.strategies).map(([name, st]) => ({
    name,
    points: st.curve.map((p) => ({ x: p.labels, y: Number((100 * p.accuracy).toFixed(2)) })),
  }));
}
