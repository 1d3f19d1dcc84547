/**
 * report.md of `distillery pipeline`: one table comparing the teacher, the plain student and the
 * distilled student (parameters, size, accuracy / F1, latency), like digest A's tables 3 and 4,
 * then what produced the soft labels, the split, the stages and a reproducibility block.
 */
import { escapeCell, formatParams, formatPercent, formatRate } from '../eval/report';
import type { PipelineReport, PipelineRow } from './pipeline/types';

const DASH = '—';

function table(header: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

function ms(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return DASH;
  return x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}

const METRIC_TITLES: Record<string, string> = { accuracy: 'Accuracy', micro_f1: 'Micro-F1', macro_f1: 'Macro-F1' };

/** The comparison table; the best value of each rate column in bold. */
export function pipelineTable(rows: PipelineRow[], batchSizes: number[]): string {
  const keys = Object.keys(rows[0]?.metrics ?? {});
  const best = Object.fromEntries(keys.map((k) => [k, formatPercent(Math.max(...rows.map((r) => r.metrics[k])))]));
  return table(
    [
      'Model',
      'What',
      'Params',
      'Size (MB)',
      ...keys.map((k) => METRIC_TITLES[k] ?? k),
      ...batchSizes.map((b) => `ms/doc (batch ${b})`),
    ],
    ['l', 'l', 'r', 'r', ...keys.map(() => 'r' as const), ...batchSizes.map(() => 'r' as const)],
    rows.map((r) => [
      r.name,
      escapeCell(r.kind),
      formatParams(r.params),
      r.size_mb.toFixed(2),
      ...keys.map((k) => {
        const s = formatPercent(r.metrics[k]);
        return s === best[k] ? `**${s}**` : s;
      }),
      ...batchSizes.map((b) => ms(r.latency_ms_per_doc[String(b)])),
    ]),
  );
}

function runsTable(rows: PipelineRow[]): string {
  const withRuns = rows.filter((r) => r.runs);
  if (!withRuns.length) return '';
  const keys = Object.keys(withRuns[0].metrics).filter((k) => withRuns[0].runs![k]);
  return table(
    ['Model', ...keys.map((k) => `${METRIC_TITLES[k] ?? k} (mean ± std)`), 'Seeds'],
    ['l', ...keys.map(() => 'r' as const), 'r'],
    withRuns.map((r) => [r.name, ...keys.map((k) => formatRate(r.runs![k])), String(r.runs![keys[0]]?.n ?? DASH)]),
  );
}

/** Each model's n and 95 % intervals, the macro rule once, and the small-test warning once. */
function intervalLines(rows: PipelineRow[]): string[] {
  const withCi = rows.filter((x) => x.evidence?.accuracy_ci);
  if (!withCi.length) return [];
  const range = (ci?: [number, number]) => (ci ? `${formatPercent(ci[0])}–${formatPercent(ci[1])}` : DASH);
  const first = withCi[0].evidence!;
  return [
    `95 % intervals on these ${first.n} rows (accuracy: Wilson; macro-F1: bootstrap over the rows): ` +
      withCi
        .map((x) => `${x.name} accuracy ${range(x.evidence!.accuracy_ci)}, macro-F1 ${range(x.evidence!.macro_f1_ci)}`)
        .join('; ') +
      '. Macro averages are over the classes present in the gold labels of these rows' +
      (first.macro_over ? ` (${first.macro_over.length}: ${first.macro_over.join(', ')})` : '') +
      '.',
    ...(first.warnings ?? []).map((w) => `**Warning: ${w}.**`),
  ];
}

export function renderPipelineReport(r: PipelineReport): string {
  const s = r.split;
  const out: string[] = [];
  out.push(`# ${r.title}`, '');
  out.push(`**Teacher (the soft labels come from it):** ${r.teacher.description}.`, '');
  if (r.teacher.split_note) out.push(`Note: ${r.teacher.split_note}.`, '');
  const evalWhat =
    s.evaluated_on === 'test'
      ? `${s.evaluated_rows} test rows`
      : `${s.evaluated_rows} validation rows (the test split is empty)`;
  out.push(
    `Task: ${r.task} · labels ${r.labels.map((l) => `\`${l}\``).join(', ')} · data \`${r.data}\`${r.test_data ? ` (test rows from \`${r.test_data}\`)` : ''}. ` +
      `One split for all three models (split seed ${s.seed}): train ${s.train}, valid ${s.valid}, test ${s.test}.` +
      (s.unlabeled
        ? ` ${s.unlabeled} rows without a label were pre-labeled by the teacher (prelabels.jsonl)` +
          (s.unlabeled_used
            ? `; the distilled student also trained on their soft labels.`
            : '; they were not used for training.')
        : ''),
    '',
  );
  out.push('## Comparison', '');
  out.push(pipelineTable(r.rows, r.latency.batch_sizes), '');
  const intervals = intervalLines(r.rows);
  if (intervals.length) out.push(...intervals, '');
  out.push(
    `Rates are percent on the same ${evalWhat}, each model loaded back from its exported \`model.onnx\` and run through ${r.backend.inference}. ` +
      `Size: float32 parameters in MB (2^20 bytes); ONNX files: ${r.rows.map((x) => `${x.name} ${x.onnx_mb.toFixed(2)} MB`).join(', ')}. ` +
      `Latency: ${r.latency.measures}; ${r.latency.docs} documents, batch ${r.latency.batch_sizes.join(' and ')}, ${r.backend.threads === 'all cores' ? 'all cores' : `${r.backend.threads} thread(s)`}.`,
    '',
  );
  out.push(
    `CPU time per document (this process, every thread; not disturbed by other processes), batch ${r.latency.batch_sizes.join(' / ')}: ` +
      r.rows
        .map((x) => `${x.name} ${r.latency.batch_sizes.map((b) => ms(x.cpu_ms_per_doc?.[String(b)])).join(' / ')} ms`)
        .join(', ') +
      '.',
    '',
  );
  const runs = runsTable(r.rows);
  if (runs)
    out.push(
      `Students over ${r.seeds.students.length} seeds (${r.seeds.students.join(', ')}) on the same split (evaluated by the training code):`,
      '',
      runs,
      '',
    );
  out.push(
    `Distillation: L = α · ρ² · KL(softmax(z_T/ρ) ‖ softmax(z_S/ρ)) + (1 − α) · CE(y, z_S) (multi-label: α · BCE(σ(z_S), p_T) + (1 − α) · BCE(σ(z_S), y)) ` +
      `with α = ${r.distillation.alpha} (the weight of the distillation term) and ρ = ${r.distillation.temperature}.` +
      (r.distillation.source_alpha
        ? ` α per label source: ${Object.entries(r.distillation.source_alpha)
            .map(([s, a]) => `${s} ${a}`)
            .join(', ')}; other sources the global α.`
        : ''),
    '',
  );
  out.push('## Files', '');
  const describe: Record<string, string> = {
    teacher: 'the teacher (model.onnx inside; teacher.json says what it is)',
    plain: 'the plain student (trained on the human labels only): model folder with model.onnx',
    distilled: 'the distilled student: model folder with model.onnx',
    teacher_outputs: "the teacher's outputs for every row (what the distilled student learned from)",
    prelabels: "the teacher's label suggestion for every row without a label",
    pretrained: 'the BERT pre-trained here (masked LM), before fine-tuning',
    pretrain_texts: "the texts it was pre-trained on (every text but the evaluation rows')",
    report: 'this report; report.json holds the same numbers',
  };
  for (const [k, f] of Object.entries(r.files)) out.push(`- \`${f}\`: ${describe[k] ?? k}`);
  out.push('');
  out.push('## Stages', '');
  out.push(
    table(
      ['Stage', 'Seconds'],
      ['l', 'r'],
      r.stages.map((x, i) => [`${i + 1}. ${x.name}`, x.seconds.toFixed(1)]),
    ),
    '',
  );
  out.push('## Reproducibility', '');
  const teacherSeeds = Array.isArray(r.seeds.teacher) ? r.seeds.teacher.join(', ') : String(r.seeds.teacher);
  out.push(
    `- Seeds: students ${r.seeds.students.join(', ')}; split ${r.seeds.split}; teacher ${teacherSeeds}`,
    `- Training backend: ${r.backend.training}; inference: ${r.backend.inference}`,
    `- Data hash: \`${r.data_hash}\``,
    `- ${r.distillery}, ${r.created_at}`,
    '- Config:',
    '',
    '```json',
    JSON.stringify(r.config, null, 2),
    '```',
    '',
  );
  return out.join('\n');
}
