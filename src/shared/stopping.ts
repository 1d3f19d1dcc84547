/**
 * When to stop labeling (pure, shared by the worker's simulator and the app's stopping chart):
 *  - Stabilizing predictions (Bloodgood & Vijay-Shanker 2009): Cohen's κ between the predictions of
 *    successive models on a fixed stop set of unlabeled documents; stop once κ has stayed at or above
 *    a threshold (0.99) for the last three rounds.
 *  - The learning curve's slope on the gold set ("the last 300 labels changed accuracy by +0.4 ± 1.1
 *    points").
 */
import { cohenKappa } from './agreement';

export const STOP_KAPPA = 0.99;
export const STOP_WINDOW = 3;
export const SLOPE_WINDOW = 300;

/**
 * κ of each round's decisions against the previous round's: null for the first round (nothing to
 * compare with), then one value per round.
 */
export function successiveKappas(rounds: readonly ArrayLike<number>[]): (number | null)[] {
  return rounds.map((d, i) => (i === 0 ? null : cohenKappa(rounds[i - 1]!, d)));
}

/**
 * The first round at which the last `window` κ values (each against its previous round) are all
 * ≥ `threshold`; -1 if the rule never fires. With window 3 the earliest possible round is 3 (κ at
 * rounds 1, 2, 3: four models agreeing in a row).
 */
export function stabilizedAt(kappas: readonly (number | null)[], threshold = STOP_KAPPA, window = STOP_WINDOW): number {
  let run = 0;
  for (let i = 0; i < kappas.length; i++) {
    const k = kappas[i];
    run = k !== null && k !== undefined && k >= threshold ? run + 1 : 0;
    if (run >= window) return i;
  }
  return -1;
}

export interface CurveChange {
  /** Labels between the first and last point used. */
  labels: number;
  /** Change in accuracy over those labels (fraction, e.g. 0.004). */
  change: number;
  /** Half-width of its 95 % interval (fraction); null where it cannot be estimated. */
  ci: number | null;
  points: number;
}

/**
 * How much the last `window` labels moved the learning curve: a least-squares line through the
 * points within the last `window` labels (the point at the window's start included), its slope
 * times their label span, ± 1.96 standard errors of the slope times the span. With only two points
 * the line has no residuals; the interval then comes from the binomial error of each accuracy on
 * `testSize` documents (independent samples: conservative for one fixed gold set). Null when
 * fewer than two points exist.
 */
export function curveChange(
  points: readonly { labels: number; accuracy: number }[],
  window = SLOPE_WINDOW,
  testSize?: number,
): CurveChange | null {
  if (points.length < 2) return null;
  const last = points[points.length - 1]!.labels;
  let start = points.length - 2;
  while (start > 0 && last - points[start - 1]!.labels <= window) start--;
  const pts = points.slice(start);
  const span = last - pts[0]!.labels;
  if (pts.length === 2) {
    const [a, b] = [pts[0]!.accuracy, pts[1]!.accuracy];
    const ci = testSize ? 1.96 * Math.sqrt((a * (1 - a) + b * (1 - b)) / testSize) : null;
    return { labels: span, change: b - a, ci, points: 2 };
  }
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p.labels, 0) / n;
  const my = pts.reduce((s, p) => s + p.accuracy, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of pts) {
    sxx += (p.labels - mx) ** 2;
    sxy += (p.labels - mx) * (p.accuracy - my);
  }
  const slope = sxy / sxx;
  const sse = pts.reduce((s, p) => s + (p.accuracy - (my + slope * (p.labels - mx))) ** 2, 0);
  const se = Math.sqrt(sse / (n - 2) / sxx);
  return { labels: span, change: slope * span, ci: 1.96 * se * span, points: n };
}

/** "the last 300 labels changed accuracy by +0.4 ± 1.1 points" (points = percentage points). */
export function curveChangeSentence(c: CurveChange): string {
  const pts = (x: number) => (100 * x).toFixed(1);
  const sign = c.change >= 0 ? '+' : '−';
  const ci = c.ci === null ? '' : ` ± ${pts(c.ci)}`;
  return `the last ${c.labels} labels changed accuracy by ${sign}${pts(Math.abs(c.change))}${ci} points`;
}
