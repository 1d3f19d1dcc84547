/** Turning job curves and histories into chart series (pure). */
import type { JobRow } from '../db/types';

export interface Series {
  name: string;
  /** Secondary axis (0–1 metrics beside the loss). */
  right?: boolean;
  points: { x: number; y: number }[];
}

/** Metrics whose name says loss go on the left axis; the rest (accuracy, F1…) on the right, 0–1. */
export function isLossKey(k: string): boolean {
  return /loss/i.test(k);
}

export function curveSeries(curve: JobRow['curve']): Series[] {
  const byKey = new Map<string, Series>();
  for (const p of curve) {
    for (const [k, v] of Object.entries(p.metrics)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      let s = byKey.get(k);
      if (!s) byKey.set(k, (s = { name: k, right: !isLossKey(k), points: [] }));
      s.points.push({ x: p.x, y: v });
    }
  }
  // A metric outside [0, 1] cannot share the 0–1 axis.
  for (const s of byKey.values()) if (s.right && s.points.some((p) => p.y < 0 || p.y > 1)) s.right = false;
  return [...byKey.values()];
}

export function historySeries(h: { epoch: number; loss: number; valMetric: number }[]): Series[] {
  return [
    { name: 'loss', points: h.map((e) => ({ x: e.epoch, y: e.loss })) },
    { name: 'validation', right: true, points: h.map((e) => ({ x: e.epoch, y: e.valMetric })) },
  ];
}
