/** A model card (Mitchell et al. 2019, abridged) for the model folder, in Markdown. */
import path from 'node:path';
import type { Metrics } from '../../shared/metrics';
import { evidenceLines } from '../eval/report';
import { archEntry } from '../models/registry';
import { specVersionFor } from '../text/pipeline';
import type { ModelFolderConfig } from './model-folder-config';
import { REFERENCE_TOKENIZER_FILES, TOKENIZER_SPEC_FILE } from './tokenizer-spec';

export interface ModelCardFacts {
  metrics: Metrics;
  paramCount: number;
  sizeMB: number;
  sizes: { train: number; valid: number; test: number; unlabeledUsed: number };
  bestEpoch: number;
  /** The tokenizer's mode (char, word, both), for the Use section. */
  tokens?: string;
}

/** The model files a folder or an export holds, by their actual names. */
export interface ModelFiles {
  onnx?: string;
  /** TensorFlow.js model.json. */
  tfjs?: string;
}

const pct = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : (100 * x).toFixed(2));

export function renderModelCard(c: ModelFolderConfig, f: ModelCardFacts): string {
  const s = c.student;
  const m = f.metrics as unknown as Record<string, number>;
  const shape =
    s.arch === 'textcnn' || s.arch === 'cnn-nb'
      ? `filters ${s.filterSizes.join('/')} × ${s.numFilters}`
      : `${s.layers} layer(s), hidden ${s.hidden}${s.arch === 'gru-att' || s.arch === 'han' ? `, attention ${s.attDim}` : ''}` +
        (s.arch === 'han' ? `, ${s.maxLen / s.sentenceLen!} sentences × ${s.sentenceLen} tokens` : '');
  const lines = [
    `# ${archEntry(s.arch).title} text classifier`,
    '',
    `- Task: ${c.task}; labels: ${c.labels.map((l) => `\`${l}\``).join(', ')}${c.task === 'multilabel' ? ` (threshold ${c.threshold})` : ''}`,
    `- Architecture: ${archEntry(s.arch).title}, embedding ${s.embedDim}, ${shape}; vocabulary ${s.vocabSize}, max length ${s.maxLen}`,
    `- Parameters: ${f.paramCount.toLocaleString('en-US')} (${f.sizeMB.toFixed(2)} MB as float32)`,
    `- Trained: ${c.training.startedAt}, ${c.training.seconds.toFixed(1)} s on the \`${c.training.backend}\` backend, seed ${c.training.seed}`,
    `- Data: ${c.training.dataFile ?? '–'} (${c.training.dataHash ?? '–'}); train ${f.sizes.train}, valid ${f.sizes.valid}, test ${f.sizes.test}` +
      (f.sizes.unlabeledUsed ? `, unlabeled with soft labels ${f.sizes.unlabeledUsed}` : ''),
    ...distillationLines(c),
    `- Best epoch (validation): ${f.bestEpoch}`,
    '',
    '## Held-out results',
    '',
    '| metric | value (%) |',
    '| --- | --- |',
    ...['accuracy', 'precision', 'recall', 'f1', 'macro_f1', 'micro_f1', 'weighted_f1', 'subset_accuracy']
      .filter((k) => typeof m[k] === 'number')
      .map((k) => `| ${k} | ${pct(m[k])} |`),
    '',
    ...evidenceLines(f.metrics, c.labels.length).flatMap((l, i, all) => [
      `- ${l}`,
      ...(i === all.length - 1 ? [''] : []),
    ]),
    ...renderUseSection(c, { onnx: 'model.onnx' }, f.tokens),
    '## Limits',
    '',
    '- Trained on the data above only; expect lower accuracy on other domains, styles or languages.',
    '- Texts longer than the max length are cut (head + tail).',
    '',
  ];
  return lines.join('\n');
}

/** Teacher, α, ρ and where the training rows' labels came from; one line when there was no teacher. */
function distillationLines(c: ModelFolderConfig): string[] {
  const d = c.training.distillation;
  if (!d) {
    // Model folders written before the distillation record: the teacher's name alone, when there is one.
    return [`- Teacher: ${c.training.teacher ?? 'none (trained on human labels only)'}`];
  }
  const multi = c.task === 'multilabel';
  return [
    `- Teacher: ${d.teacher}`,
    `- Distillation: α = ${d.alpha} (weight of the distillation term), ` +
      (multi
        ? "no temperature (multi-label: BCE against the teacher's probabilities); "
        : `ρ = ${d.temperature} (temperature); `) +
      (multi
        ? 'L = α · BCE(σ(z_S), p_T) + (1 − α) · BCE(σ(z_S), y)'
        : 'L = α · ρ² · KL(softmax(z_T/ρ) ‖ softmax(z_S/ρ)) + (1 − α) · CE(y, z_S)'),
    ...(d.sourceAlpha
      ? [
          `- α per label source: ${Object.entries(d.sourceAlpha)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}; other sources α = ${d.alpha}; each row's hard term also × its source weight`,
        ]
      : []),
    `- Training rows: ${d.humanLabeledRows} with a human label (each also with the teacher's soft label), ` +
      `${d.teacherOnlyRows} without one, trained on the teacher's soft label only; data ${c.training.dataHash ?? '–'}` +
      (d.teacherOutputs ? `; teacher outputs ${path.basename(d.teacherOutputs)} (${d.teacherOutputsHash ?? '–'})` : ''),
  ];
}

/**
 * How to run the model from its files alone: the actual file names, the input length T and
 * where the text → ids rules are (tokenizer-spec.md). Ends with a blank line.
 */
export function renderUseSection(c: ModelFolderConfig, files: ModelFiles, tokens?: string): string[] {
  const T = c.student.maxLen;
  const C = c.labels.length;
  return [
    '## Use',
    '',
    ...(files.onnx
      ? [
          `- \`${files.onnx}\` (ONNX): input \`input_ids\`, int64, shape [batch, ${T}]: every row is T = ${T} ids, post-padded with 0 ` +
            `(shorter rows only as ${TOKENIZER_SPEC_FILE} step 5 allows); outputs \`logits\` and \`probs\`, float32 [batch, ${C}], columns in the order of \`labels.json\`.`,
        ]
      : []),
    ...(files.tfjs
      ? [`- \`${files.tfjs}\` (TensorFlow.js): the same ids (int32, [batch, ${T}]) in, probabilities out.`]
      : []),
    `- Text → ids: \`${TOKENIZER_SPEC_FILE}\` (spec_version ${specVersionFor(c.student.sentenceLen !== undefined)}${tokens ? `, ${tokens} tokens` : ''}: normalisation, tokens, vocabulary, truncation, padding) with the settings in \`tokenizer.json\`; ` +
      `\`${REFERENCE_TOKENIZER_FILES[0]}\` (JavaScript, no dependencies) and \`${REFERENCE_TOKENIZER_FILES[1]}\` (Python standard library) implement it.`,
    '- `distillery predict --model <this folder> --data file.txt` streams JSONL predictions.',
    '- Exact function: docs/model-spec.md of Distillery applied to `config.json`.',
    '',
  ];
}

/** The card with its Use section rewritten for the files of an export (the section is added when missing). */
export function withUseSection(card: string, use: string[]): string {
  const section = use.join('\n');
  const re = /^## Use\n[\s\S]*?(?=^## |(?![\s\S]))/m;
  return re.test(card) ? card.replace(re, () => section + '\n') : `${card.replace(/\n*$/, '\n\n')}${section}\n`;
}
