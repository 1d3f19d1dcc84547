/**
 * Digest A's α table: the distilled student's held-out accuracy for each α at a fixed temperature,
 * mean ± std over seeds, written as JSON, Markdown and a chart.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError } from '../../shared/errors';
import { DEFAULT_TEMPERATURE } from '../train/losses';
import type { CancelToken, ProgressSink } from '../../shared/progress';
import { alphaSweepChart } from '../eval/charts';
import { formatAlphaSweepTable, type AlphaSweepRow } from '../eval/report';
import { runRepeated } from './repeated-runs';
import { prepareData, type PreparedData, type TrainJobOptions } from './train-job';

export interface AlphaSweepResult {
  /** `mean`/`std`/`runs`: accuracy (single-label) or micro-F1 (multi-label), as `metric` says. */
  rows: (AlphaSweepRow & { runs: number[]; macroF1?: { mean: number; std: number } })[];
  best: AlphaSweepRow;
  metric: 'accuracy' | 'micro_f1';
  files: string[];
}

export async function runAlphaSweep(
  o: TrainJobOptions,
  alphas: number[],
  seeds: number,
  outDir: string,
  onProgress?: (label: string, at: { alpha: number; index: number; run: number }) => ProgressSink,
  cancel?: CancelToken,
  /** The data already read and split (the app's jobs); default: read `o.data`. */
  prepared?: PreparedData,
): Promise<AlphaSweepResult> {
  const data = prepared ?? (await prepareData({ ...o, splitSeed: o.splitSeed ?? o.seed }));
  const temperature = o.temperature ?? DEFAULT_TEMPERATURE;
  const rows: AlphaSweepResult['rows'] = [];
  let metric: AlphaSweepResult['metric'] = 'accuracy';
  for (const [index, alpha] of alphas.entries()) {
    if (cancel?.cancelled) break;
    const rep = await runRepeated(
      { ...o, alpha, out: undefined },
      seeds,
      (r) => onProgress?.(`[α=${alpha} run ${r + 1}/${seeds}] `, { alpha, index, run: r }) ?? (() => {}),
      cancel,
      data,
    );
    // A run cut short by a cancel is no measurement.
    if (cancel?.cancelled) break;
    if (!rep.summary.accuracy) metric = 'micro_f1';
    const s = rep.summary.accuracy ?? rep.summary.micro_f1;
    const macro = rep.summary.macro_f1;
    rows.push({
      alpha,
      temperature,
      mean: s.mean,
      std: s.std,
      n: s.n,
      runs: rep.runs.map((r) => r.metrics.accuracy ?? r.metrics.micro_f1),
      ...(macro ? { macroF1: { mean: macro.mean, std: macro.std } } : {}),
    });
  }
  if (rows.length === 0) throw new CancelledError('α sweep cancelled before its first α finished');
  const best = rows.reduce((a, b) => (b.mean > a.mean ? b : a), rows[0]);
  await mkdir(outDir, { recursive: true });
  const base = path.join(outDir, 'alpha-sweep');
  const md = [
    `# α sweep at ρ = ${temperature}`,
    '',
    'L = α · ρ² · KL(softmax(z_T/ρ) ‖ softmax(z_S/ρ)) + (1 − α) · CE(y, z_S): α weights the distillation term.',
    '',
    formatAlphaSweepTable(rows),
    '',
    `Best: α = ${best.alpha} (${(100 * best.mean).toFixed(2)} ± ${(100 * best.std).toFixed(2)}), ${seeds} seed(s) per α, test set of the fixed split.`,
    '',
    '![α sweep](alpha-sweep.png)',
    '',
  ].join('\n');
  await writeFile(base + '.json', JSON.stringify({ temperature, seeds, metric, rows, best }, null, 2));
  await writeFile(base + '.md', md);
  const chart = await alphaSweepChart(base, rows, { temperature });
  return { rows, best, metric, files: [base + '.json', base + '.md', chart.svg, chart.png] };
}
