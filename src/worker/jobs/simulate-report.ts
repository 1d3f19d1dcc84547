/**
 * Summaries of a labeling-budget simulation: mean ± std curves over runs, the normalised area
 * under the learning curve, labels needed to reach 95 % of the full-data score, where the
 * stabilizing-predictions stopping rule would have fired, a Markdown report and two charts
 * (accuracy and stop-set κ against labels).
 */
import { meanStd } from '../../shared/metrics';
import {
  curveChange,
  curveChangeSentence,
  stabilizedAt,
  STOP_KAPPA,
  STOP_WINDOW,
  type CurveChange,
} from '../active/stopping';
import { lineChart, type ChartFiles } from '../eval/charts';

/** One point of one run: the model trained on `labels` bought labels, scored on the test split. */
export interface RunPoint {
  labels: number;
  accuracy: number;
  macro_f1: number;
  /** κ between this round's and the previous round's predictions on the stop set; null in the first round. */
  stop_kappa?: number | null;
}

export interface CurvePoint {
  labels: number;
  accuracy: number;
  macro_f1: number;
  accuracy_std: number;
  macro_f1_std: number;
  /** Mean over runs of the stop-set κ against the previous round; null in the first round. */
  stop_kappa: number | null;
}

/** Where the stopping rule (κ ≥ 0.99 on the stop set over the last three rounds) fired. */
export interface StopSummary {
  /** Mean label count at the stop over the runs where the rule fired; null if it fired in none. */
  labels: number | null;
  /** Mean test accuracy at the stop, over the same runs. */
  accuracy: number | null;
  /** Mean full-data accuracy of the same runs, to compare with. */
  full_accuracy: number | null;
  runs_fired: number;
  /** Per run: the label count and accuracy at the stop, or null where it never fired within the budget. */
  runs: ({ labels: number; accuracy: number } | null)[];
}

export interface StrategySummary {
  curve: CurvePoint[];
  /** Normalised area under the mean accuracy curve (see `aulc`). */
  aulc: number;
  /** Std over runs of each run's own AULC. */
  aulc_std: number;
  /** First label count where mean accuracy ≥ 95 % of the mean full-data accuracy; null if never. */
  labels_to_95: number | null;
  stopped_at: StopSummary;
  /** How the last 300 labels of the budget moved the mean accuracy curve; null with fewer than two rounds. */
  last_change: (CurveChange & { sentence: string }) | null;
}

/**
 * Area under accuracy(labels) by the trapezoid rule, divided by the width of the label range, so
 * it is the curve's mean accuracy over the budget: in [0, 1], comparable across budgets, and 1
 * only for a model perfect from the first round. A single point's AULC is its accuracy.
 */
export function aulc(points: readonly { labels: number; accuracy: number }[]): number {
  if (points.length === 0) return NaN;
  if (points.length === 1) return points[0]!.accuracy;
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    area += ((a.accuracy + b.accuracy) / 2) * (b.labels - a.labels);
  }
  return area / (points[points.length - 1]!.labels - points[0]!.labels);
}

export interface SummarizeOptions {
  /** Each run's full-data accuracy (same order as the runs), for the comparison at the stop. */
  fullPerRun?: readonly number[];
  /** Test documents per run, for the interval of a two-point curve change. */
  testSize?: number;
}

/** Runs (each a curve over the same label counts) → the strategy's summary. */
export function summarizeStrategy(
  runs: readonly RunPoint[][],
  fullDataAccuracy: number,
  o: SummarizeOptions = {},
): StrategySummary {
  const rounds = Math.min(...runs.map((r) => r.length));
  const curve: CurvePoint[] = [];
  for (let i = 0; i < rounds; i++) {
    const acc = meanStd(runs.map((r) => r[i]!.accuracy));
    const f1 = meanStd(runs.map((r) => r[i]!.macro_f1));
    const kappas = runs.map((r) => r[i]!.stop_kappa).filter((k): k is number => typeof k === 'number');
    const stop_kappa = kappas.length ? meanStd(kappas).mean : null;
    curve.push({
      labels: runs[0]![i]!.labels,
      accuracy: acc.mean,
      macro_f1: f1.mean,
      accuracy_std: acc.std,
      macro_f1_std: f1.std,
      stop_kappa,
    });
  }
  const perRun = meanStd(runs.map((r) => aulc(r.slice(0, rounds))));
  const hit = curve.find((p) => p.accuracy >= 0.95 * fullDataAccuracy);
  const change = curveChange(curve, undefined, o.testSize);
  return {
    curve,
    aulc: aulc(curve),
    aulc_std: perRun.std,
    labels_to_95: hit ? hit.labels : null,
    stopped_at: stopSummary(runs, o.fullPerRun),
    last_change: change ? { ...change, sentence: curveChangeSentence(change) } : null,
  };
}

function stopSummary(runs: readonly RunPoint[][], fullPerRun?: readonly number[]): StopSummary {
  const per = runs.map((r) => {
    const i = stabilizedAt(r.map((p) => p.stop_kappa ?? null));
    return i < 0 ? null : { labels: r[i]!.labels, accuracy: r[i]!.accuracy };
  });
  const fired = per.flatMap((p, r) => (p ? [{ ...p, r }] : []));
  const avg = (xs: number[]) => (xs.length ? meanStd(xs).mean : null);
  return {
    labels: avg(fired.map((f) => f.labels)),
    accuracy: avg(fired.map((f) => f.accuracy)),
    full_accuracy: fullPerRun ? avg(fired.map((f) => fullPerRun[f.r]!)) : null,
    runs_fired: fired.length,
    runs: per,
  };
}

export interface SimulationSummary {
  pool_size: number;
  test_size: number;
  full_data: { accuracy: number; macro_f1: number; accuracy_std: number; macro_f1_std: number };
  strategies: Record<string, StrategySummary>;
}

const pct = (x: number) => (100 * x).toFixed(2);

export function renderSimulationMarkdown(
  s: SimulationSummary,
  setup: Record<string, unknown>,
  chart?: string,
  kappaChart?: string,
): string {
  const names = Object.keys(s.strategies);
  const lines: string[] = [];
  lines.push('# Labeling-budget simulation', '');
  lines.push(
    `Pool ${s.pool_size} documents, test split ${s.test_size}. Full-data accuracy ${pct(s.full_data.accuracy)} ± ${pct(s.full_data.accuracy_std)} %, ` +
      `macro-F1 ${pct(s.full_data.macro_f1)} ± ${pct(s.full_data.macro_f1_std)} % (model trained on the whole pool; mean ± std over runs).`,
    '',
  );
  lines.push('| Setting | Value |', '|---|---|');
  for (const [k, v] of Object.entries(setup)) lines.push(`| ${k} | ${Array.isArray(v) ? v.join(', ') : String(v)} |`);
  lines.push('');
  lines.push('## Summary', '');
  lines.push(
    "AULC = area under the mean accuracy curve divided by the width of the label range (the mean accuracy over the budget), ± the std of the runs' own AULCs. " +
      '"Labels to 95 %" = the first label count where mean accuracy reaches 95 % of the full-data accuracy.',
    '',
  );
  const random = s.strategies.random;
  lines.push(
    '| Strategy | AULC (%) | vs random (points) | Labels to 95 % | Final accuracy (%) | Final macro-F1 (%) |',
    '|---|---|---|---|---|---|',
  );
  for (const n of names) {
    const st = s.strategies[n]!;
    const last = st.curve[st.curve.length - 1]!;
    const vs = random && n !== 'random' ? `${st.aulc - random.aulc >= 0 ? '+' : ''}${pct(st.aulc - random.aulc)}` : '';
    const l95 =
      st.labels_to_95 === null ? 'not reached' : `${st.labels_to_95} (${pct(st.labels_to_95 / s.pool_size)} % of pool)`;
    lines.push(
      `| ${n} | ${pct(st.aulc)} ± ${pct(st.aulc_std)} | ${vs} | ${l95} | ${pct(last.accuracy)} ± ${pct(last.accuracy_std)} | ${pct(last.macro_f1)} ± ${pct(last.macro_f1_std)} |`,
    );
  }
  lines.push('');
  if (chart) lines.push(`![Learning curves](${chart})`, '');
  lines.push('## When to stop', '');
  lines.push(
    `Stabilizing predictions (Bloodgood & Vijay-Shanker 2009): each round's model predicts a fixed stop set of pool documents drawn once per run; ` +
      `the rule fires at the first round where Cohen's κ against the previous round's predictions has been ≥ ${STOP_KAPPA} for the last ${STOP_WINDOW} rounds. ` +
      `"Accuracy at the stop" and "full data" are means over the runs where it fired; "last 300 labels" is the mean curve's least-squares change over the budget's last 300 labels, ± 1.96 standard errors.`,
    '',
  );
  lines.push(
    '| Strategy | Stopped at (labels, per run) | Accuracy at the stop (%) | Full data, same runs (%) | Last 300 labels |',
    '|---|---|---|---|---|',
  );
  for (const n of names) {
    const st = s.strategies[n]!;
    const z = st.stopped_at;
    const perRun = z.runs.map((r) => (r ? String(r.labels) : 'not within budget')).join(', ');
    const at = z.labels === null ? 'not within budget' : `${Math.round(z.labels)} (${perRun})`;
    lines.push(
      `| ${n} | ${at} | ${z.accuracy === null ? '' : pct(z.accuracy)} | ${z.full_accuracy === null ? '' : pct(z.full_accuracy)} | ${st.last_change?.sentence ?? ''} |`,
    );
  }
  lines.push('');
  if (kappaChart) lines.push(`![Stop-set κ](${kappaChart})`, '');
  lines.push('## Curves (accuracy %, mean ± std over runs)', '');
  const labels = s.strategies[names[0]!]!.curve.map((p) => p.labels);
  lines.push(`| Labels | ${names.join(' | ')} |`, `|---|${names.map(() => '---').join('|')}|`);
  labels.forEach((l, i) => {
    lines.push(
      `| ${l} | ${names
        .map((n) => {
          const p = s.strategies[n]!.curve[i];
          return p ? `${pct(p.accuracy)} ± ${pct(p.accuracy_std)}` : '';
        })
        .join(' | ')} |`,
    );
  });
  lines.push('');
  lines.push(`## Stop-set κ against the previous round (mean over runs)`, '');
  lines.push(`| Labels | ${names.join(' | ')} |`, `|---|${names.map(() => '---').join('|')}|`);
  labels.forEach((l, i) => {
    lines.push(
      `| ${l} | ${names
        .map((n) => {
          const k = s.strategies[n]!.curve[i]?.stop_kappa;
          return typeof k === 'number' ? k.toFixed(4) : '';
        })
        .join(' | ')} |`,
    );
  });
  lines.push('');
  return lines.join('\n');
}

/** Accuracy against labels bought, one line per strategy, the 95 %-of-full-data level as its own line. */
export function simulationChart(outPathNoExt: string, s: SimulationSummary, title: string): Promise<ChartFiles> {
  const names = Object.keys(s.strategies);
  const xs = s.strategies[names[0]!]!.curve.map((p) => p.labels);
  return lineChart(outPathNoExt, {
    title,
    xLabel: 'Labels bought',
    yLabel: 'Test accuracy (%)',
    series: [
      ...names.map((n) => ({
        name: n,
        points: s.strategies[n]!.curve.map((p) => ({ x: p.labels, y: 100 * p.accuracy })),
      })),
      {
        name: '95 % of full data',
        points: [xs[0]!, xs[xs.length - 1]!].map((x) => ({ x, y: 95 * s.full_data.accuracy })),
      },
    ],
  });
}

/** Stop-set κ against the previous round, one line per strategy, the threshold as its own line. */
export function stopKappaChart(outPathNoExt: string, s: SimulationSummary, title: string): Promise<ChartFiles> {
  const names = Object.keys(s.strategies);
  const xs = s.strategies[names[0]!]!.curve.map((p) => p.labels);
  return lineChart(outPathNoExt, {
    title,
    xLabel: 'Labels bought',
    yLabel: "Cohen's κ vs previous round (stop set)",
    series: [
      ...names.map((n) => ({
        name: n,
        points: s.strategies[n]!.curve.flatMap((p) =>
          p.stop_kappa === null ? [] : [{ x: p.labels, y: p.stop_kappa }],
        ),
      })),
      {
        name: `stop threshold κ = ${STOP_KAPPA}`,
        points: [xs[1] ?? xs[0]!, xs[xs.length - 1]!].map((x) => ({ x, y: STOP_KAPPA })),
      },
    ],
  });
}
