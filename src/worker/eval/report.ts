/**
 * Markdown evaluation reports: headline metrics, per-class table, confusion matrix, per-seed runs
 * with mean ± std, model comparison (digest A's results table), α sweep (digest A's sweep table)
 * and a reproducibility block.
 *
 * Every rate (accuracy, F1, std of a rate, …) is a fraction in [0, 1], as `shared/metrics`
 * returns it; the report prints percent with two decimals like the digest (0.8072 → "80.72").
 * A rate outside [0, 1] throws: it almost always means a caller passed percent already, and a
 * report that says "8072.00" is worse than none.
 */
import type { TaskType } from '../../shared/task';
import {
  isMultiLabelMetrics,
  meanStd,
  type Interval,
  type Metrics,
  type MetricsEvidence,
  type MultiLabelMetrics,
  type SingleLabelMetrics,
} from '../../shared/metrics';

export interface MeanStd {
  mean: number;
  std: number;
  n?: number;
}

/** A single value, or mean ± std over runs. */
export type Rate = number | MeanStd;

export interface RunResult {
  seed: number;
  metrics: Metrics;
}

export interface ComparisonRow {
  name: string;
  /** Parameter count. */
  params?: number;
  /** Size of the parameters in MB (digest A's "model size"). */
  sizeMB?: number;
  accuracy?: Rate;
  precision?: Rate;
  recall?: Rate;
  f1?: Rate;
  micro_f1?: Rate;
  macro_f1?: Rate;
  weighted_f1?: Rate;
  subset_accuracy?: Rate;
  /** Mean latency per document in ms. */
  latencyMs?: number;
  /** Documents per second. */
  throughput?: number;
  note?: string;
}

export interface AlphaSweepRow {
  /** Weight of the KL (distillation) term: L = α·KL(T) + (1 − α)·CE. */
  alpha: number;
  temperature: number;
  /** Student accuracy over runs (fractions). */
  mean: number;
  std: number;
  n?: number;
}

export interface Reproducibility {
  seed: number;
  config: Record<string, unknown>;
  /** Hash of the evaluation data (e.g. sha256 of the canonical JSONL). */
  dataHash: string;
  /** Compute backend, e.g. "tensorflow (CPU)" or "wasm". */
  backend: string;
  version?: string;
  createdAt?: string;
}

export interface EvalReport {
  title: string;
  task: TaskType;
  labels: string[];
  metrics: Metrics;
  /** Positive class index the binary metrics were computed for (default 1). */
  positive?: number;
  runs?: RunResult[];
  comparison?: ComparisonRow[];
  alphaSweep?: AlphaSweepRow[];
  /** Chart images to embed, paths relative to the report file. */
  charts?: { title: string; path: string }[];
  reproducibility: Reproducibility;
}

const DASH = '—';

/** 0.8072 → "80.72". Throws on values outside [0, 1] (see the module comment). */
export function formatPercent(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return DASH;
  if (x < -1e-9 || x > 1 + 1e-9) throw new RangeError(`rate ${x} is outside [0, 1]; pass fractions, not percent`);
  return (x * 100).toFixed(2);
}

/**
 * What the metrics stand on, in sentences: n, the 95 % intervals, which classes the macro averages
 * cover, and any warning (a small test set). Empty for metrics from before these fields existed.
 */
export function evidenceLines(
  m: Partial<MetricsEvidence> & { accuracy?: number; macro_f1?: number },
  labelCount?: number,
): string[] {
  const out: string[] = [];
  const range = (ci: Interval) => `${formatPercent(ci[0])}–${formatPercent(ci[1])} %`;
  if (m.accuracy_ci && m.n !== undefined)
    out.push(
      `Accuracy ${formatPercent(m.accuracy)} % on ${formatCount(m.n)} test documents, 95 % interval ${range(m.accuracy_ci)} (Wilson).`,
    );
  if (m.macro_f1_ci)
    out.push(
      `Macro-F1 ${formatPercent(m.macro_f1)} %, 95 % interval ${range(m.macro_f1_ci)} (bootstrap over documents).`,
    );
  if (m.macro_over) {
    const of = labelCount !== undefined ? ` (${m.macro_over.length} of ${labelCount} labels)` : '';
    out.push(
      `Macro averages are over the classes present in the gold labels of the test set${of}: ${m.macro_over.join(', ') || 'none'}.`,
    );
  }
  for (const w of m.warnings ?? []) out.push(`Warning: ${w}.`);
  return out;
}

/** {mean: 0.8072, std: 0.0041} → "80.72 ± 0.41"; a plain number → "80.72". */
export function formatRate(r: Rate | undefined): string {
  if (r === undefined) return DASH;
  if (typeof r === 'number') return formatPercent(r);
  return `${formatPercent(r.mean)} ± ${formatPercent(r.std)}`;
}

function rateValue(r: Rate | undefined): number | undefined {
  return r === undefined ? undefined : typeof r === 'number' ? r : r.mean;
}

function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 110_000_000 → "110.00M", 2_400 → "2.4k". */
export function formatParams(p: number | undefined): string {
  if (p === undefined) return DASH;
  if (p >= 1e9) return `${(p / 1e9).toFixed(2)}B`;
  if (p >= 1e6) return `${(p / 1e6).toFixed(2)}M`;
  if (p >= 1e3) return `${(p / 1e3).toFixed(1)}k`;
  return String(p);
}

/** 0.30000000000000004 (α built by adding 0.1s) → "0.3". */
function shortNumber(x: number): string {
  return String(Number(x.toPrecision(6)));
}

function fixed(x: number | undefined, digits: number): string {
  return x === undefined || Number.isNaN(x) ? DASH : x.toFixed(digits);
}

/** Table cells may hold label names from user data: keep them on one line and out of the table syntax. */
export function escapeCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(header: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

function bold(s: string): string {
  return s === DASH ? s : `**${s}**`;
}

interface ComparisonColumn {
  title: string;
  get: (r: ComparisonRow) => unknown;
  format: (r: ComparisonRow) => string;
  /** Rates: the best (largest) value in the column is bolded, like the digest's tables. */
  rate?: (r: ComparisonRow) => number | undefined;
}

const rateColumn = (title: string, key: keyof ComparisonRow): ComparisonColumn => ({
  title,
  get: (r) => r[key],
  format: (r) => formatRate(r[key] as Rate | undefined),
  rate: (r) => rateValue(r[key] as Rate | undefined),
});

const COMPARISON_COLUMNS: ComparisonColumn[] = [
  { title: 'Params', get: (r) => r.params, format: (r) => formatParams(r.params) },
  { title: 'Size (MB)', get: (r) => r.sizeMB, format: (r) => fixed(r.sizeMB, 2) },
  rateColumn('Accuracy', 'accuracy'),
  rateColumn('Precision', 'precision'),
  rateColumn('Recall', 'recall'),
  rateColumn('F1', 'f1'),
  rateColumn('Micro-F1', 'micro_f1'),
  rateColumn('Macro-F1', 'macro_f1'),
  rateColumn('Weighted-F1', 'weighted_f1'),
  rateColumn('Subset acc.', 'subset_accuracy'),
  { title: 'Latency (ms/doc)', get: (r) => r.latencyMs, format: (r) => fixed(r.latencyMs, 2) },
  { title: 'Throughput (docs/s)', get: (r) => r.throughput, format: (r) => fixed(r.throughput, 0) },
];

/**
 * Model comparison table (digest A: Acc / P / R / F1 % and model size). Only columns that some
 * row fills are shown; the best value of each rate column is bold.
 */
export function formatComparisonTable(rows: ComparisonRow[]): string {
  if (rows.length === 0) return '';
  const cols = COMPARISON_COLUMNS.filter((c) => rows.some((r) => c.get(r) !== undefined));
  const hasNote = rows.some((r) => r.note);
  const best = cols.map((c) => {
    if (!c.rate || rows.length < 2) return undefined;
    const vs = rows.map((r) => c.rate!(r)).filter((v): v is number => v !== undefined);
    return vs.length ? Math.max(...vs) : undefined;
  });
  const body = rows.map((r) => [
    escapeCell(r.name),
    ...cols.map((c, i) => {
      const s = c.format(r);
      const v = c.rate?.(r);
      // Compare the printed precision so that 0.80721 and 0.80719 tie, as a reader would see them.
      return best[i] !== undefined && v !== undefined && formatPercent(v) === formatPercent(best[i]) ? bold(s) : s;
    }),
    ...(hasNote ? [escapeCell(r.note ?? '')] : []),
  ]);
  return table(
    ['Model', ...cols.map((c) => c.title), ...(hasNote ? ['Note'] : [])],
    ['l', ...cols.map(() => 'r' as const), ...(hasNote ? ['l' as const] : [])],
    body,
  );
}

/** α sweep table (digest A): one row per α, the best mean accuracy bold. */
export function formatAlphaSweepTable(rows: AlphaSweepRow[]): string {
  if (rows.length === 0) return '';
  const sorted = [...rows].sort((a, b) => a.alpha - b.alpha || a.temperature - b.temperature);
  const best = Math.max(...sorted.map((r) => r.mean));
  const showN = sorted.some((r) => r.n !== undefined);
  return table(
    ['α (KL weight)', 'Temperature', 'Accuracy (mean ± std)', ...(showN ? ['Runs'] : [])],
    ['r', 'r', 'r', ...(showN ? ['r' as const] : [])],
    sorted.map((r) => {
      const acc = formatRate({ mean: r.mean, std: r.std });
      return [
        shortNumber(r.alpha),
        shortNumber(r.temperature),
        formatPercent(r.mean) === formatPercent(best) ? bold(acc) : acc,
        ...(showN ? [r.n === undefined ? DASH : String(r.n)] : []),
      ];
    }),
  );
}

type MetricKey = { key: string; title: string };

function headlineKeys(m: Metrics, labels: string[], positive: number | undefined): MetricKey[] {
  if (isMultiLabelMetrics(m)) {
    return [
      { key: 'micro_f1', title: 'Micro-F1' },
      { key: 'macro_f1', title: 'Macro-F1' },
      { key: 'weighted_f1', title: 'Weighted-F1' },
      { key: 'subset_accuracy', title: 'Subset accuracy' },
      { key: 'hamming_loss', title: 'Hamming loss' },
      { key: 'micro_precision', title: 'Micro precision' },
      { key: 'micro_recall', title: 'Micro recall' },
    ];
  }
  const which =
    positive !== undefined ? ` (positive: ${escapeCell(labels[positive] ?? String(positive))})` : ' (macro)';
  return [
    { key: 'accuracy', title: 'Accuracy' },
    { key: 'precision', title: `Precision${which}` },
    { key: 'recall', title: `Recall${which}` },
    { key: 'f1', title: `F1${which}` },
    { key: 'macro_f1', title: 'Macro-F1' },
    { key: 'weighted_f1', title: 'Weighted-F1' },
    { key: 'micro_f1', title: 'Micro-F1' },
  ];
}

/** The columns of the per-seed table: digest A's four for single-label, digest B's for multi-label. */
function runKeys(m: Metrics): MetricKey[] {
  return isMultiLabelMetrics(m)
    ? [
        { key: 'micro_f1', title: 'Micro-F1' },
        { key: 'macro_f1', title: 'Macro-F1' },
        { key: 'weighted_f1', title: 'Weighted-F1' },
        { key: 'subset_accuracy', title: 'Subset acc.' },
      ]
    : [
        { key: 'accuracy', title: 'Accuracy' },
        { key: 'precision', title: 'Precision' },
        { key: 'recall', title: 'Recall' },
        { key: 'f1', title: 'F1' },
        { key: 'macro_f1', title: 'Macro-F1' },
      ];
}

function metricValue(m: Metrics, key: string): number | undefined {
  const v = (m as unknown as Record<string, unknown>)[key];
  return typeof v === 'number' ? v : undefined;
}

function perClassTable(m: SingleLabelMetrics | MultiLabelMetrics, labels: string[]): string {
  return table(
    ['Label', 'Precision', 'Recall', 'F1', 'Support'],
    ['l', 'r', 'r', 'r', 'r'],
    labels.map((l) => {
      const c = m.per_class[l];
      return c
        ? [
            escapeCell(l),
            formatPercent(c.precision),
            formatPercent(c.recall),
            formatPercent(c.f1),
            formatCount(c.support),
          ]
        : [escapeCell(l), DASH, DASH, DASH, DASH];
    }),
  );
}

function confusionTable(m: SingleLabelMetrics, labels: string[]): string {
  return table(
    ['true \\ predicted', ...labels.map(escapeCell)],
    ['l', ...labels.map(() => 'r' as const)],
    m.confusion.map((row, i) => [escapeCell(labels[i] ?? String(i)), ...row.map(formatCount)]),
  );
}

function runsTable(runs: RunResult[]): string {
  const keys = runKeys(runs[0].metrics);
  const rows = runs.map((r) => [String(r.seed), ...keys.map((k) => formatPercent(metricValue(r.metrics, k.key)))]);
  const summary = keys.map((k) => {
    const vs = runs.map((r) => metricValue(r.metrics, k.key)).filter((v): v is number => v !== undefined);
    const ms = meanStd(vs);
    return vs.length ? formatRate(ms) : DASH;
  });
  rows.push([`**mean ± std** (n = ${runs.length})`, ...summary]);
  return table(['Seed', ...keys.map((k) => k.title)], ['l', ...keys.map(() => 'r' as const)], rows);
}

function reproducibilityBlock(r: Reproducibility): string {
  const lines = [
    `- Seed: ${r.seed}`,
    `- Backend: ${r.backend}`,
    `- Data hash: \`${r.dataHash}\``,
    ...(r.version ? [`- Distillery version: ${r.version}`] : []),
    ...(r.createdAt ? [`- Created: ${r.createdAt}`] : []),
    '- Config:',
    '',
    '```json',
    JSON.stringify(r.config, null, 2),
    '```',
  ];
  return lines.join('\n');
}

export function renderMarkdownReport(report: EvalReport): string {
  const { metrics: m, labels } = report;
  const multi = isMultiLabelMetrics(m);
  const positive = multi ? undefined : (report.positive ?? (labels.length === 2 ? 1 : undefined));
  const out: string[] = [];
  out.push(`# ${report.title}`, '');
  out.push(
    `Task: ${report.task} · ${labels.length} labels · ${formatCount(m.n)} documents evaluated. ` +
      'Rates are percent with two decimals.',
    '',
  );

  out.push('## Metrics', '');
  out.push(
    table(
      ['Metric', 'Value'],
      ['l', 'r'],
      headlineKeys(m, labels, positive).map((k) => [k.title, formatPercent(metricValue(m, k.key))]),
    ),
    '',
  );
  const evidence = evidenceLines(m, labels.length);
  if (evidence.length) out.push(...evidence.map((l) => (l.startsWith('Warning') ? `- **${l}**` : `- ${l}`)), '');

  out.push('## Per class', '', perClassTable(m, labels), '');
  if (!multi)
    out.push(
      '## Confusion matrix',
      '',
      'Rows are true labels, columns predicted labels.',
      '',
      confusionTable(m, labels),
      '',
    );

  if (report.runs?.length) out.push('## Runs', '', runsTable(report.runs), '');
  if (report.comparison?.length) out.push('## Model comparison', '', formatComparisonTable(report.comparison), '');
  if (report.alphaSweep?.length) {
    out.push(
      '## Distillation weight sweep',
      '',
      'Loss: L = α · KL(teacher ‖ student, temperature T) + (1 − α) · CE(hard label, student); α weighs the distillation term.',
      '',
      formatAlphaSweepTable(report.alphaSweep),
      '',
    );
  }
  if (report.charts?.length) {
    out.push('## Charts', '');
    for (const c of report.charts) out.push(`![${c.title.replace(/[[\]]/g, '')}](${encodeURI(c.path)})`, '');
  }
  out.push('## Reproducibility', '', reproducibilityBlock(report.reproducibility), '');
  return out.join('\n');
}
