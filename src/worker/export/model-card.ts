/** A model card (Mitchell et al. 2019, abridged) for the model folder, in Markdown. */
import type { Metrics } from '../../shared/metrics';
import { evidenceLines } from '../eval/report';
import { archEntry } from '../models/registry';
import type { ModelFolderConfig } from './model-folder';

export interface ModelCardFacts {
  metrics: Metrics;
  paramCount: number;
  sizeMB: number;
  sizes: { train: number; valid: number; test: number; unlabeledUsed: number };
  bestEpoch: number;
}

const pct = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : (100 * x).toFixed(2));

export function renderModelCard(c: ModelFolderConfig, f: ModelCardFacts): string {
  const s = c.student;
  const m = f.metrics as unknown as Record<string, number>;
  const shape =
    s.arch === 'textcnn' || s.arch === 'cnn-nb'
      ? `filters ${s.filterSizes.join('/')} × ${s.numFilters}`
      : `${s.layers} layer(s), hidden ${s.hidden}${s.arch === 'gru-att' ? `, attention ${s.attDim}` : ''}`;
  const lines = [
    `# ${archEntry(s.arch).title} text classifier`,
    '',
    `- Task: ${c.task}; labels: ${c.labels.map((l) => `\`${l}\``).join(', ')}${c.task === 'multilabel' ? ` (threshold ${c.threshold})` : ''}`,
    `- Architecture: ${archEntry(s.arch).title}, embedding ${s.embedDim}, ${shape}; vocabulary ${s.vocabSize}, max length ${s.maxLen}`,
    `- Parameters: ${f.paramCount.toLocaleString('en-US')} (${f.sizeMB.toFixed(2)} MB as float32)`,
    `- Trained: ${c.training.startedAt}, ${c.training.seconds.toFixed(1)} s on the \`${c.training.backend}\` backend, seed ${c.training.seed}`,
    `- Data: ${c.training.dataFile ?? '–'} (${c.training.dataHash ?? '–'}); train ${f.sizes.train}, valid ${f.sizes.valid}, test ${f.sizes.test}` +
      (f.sizes.unlabeledUsed ? `, unlabeled with soft labels ${f.sizes.unlabeledUsed}` : ''),
    `- Teacher: ${c.training.teacher ?? 'none (trained on human labels only)'}`,
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
    ...evidenceLines(f.metrics, c.labels.length).flatMap((l, i, all) => [`- ${l}`, ...(i === all.length - 1 ? [''] : [])]),
    '## Use',
    '',
    '- `model.onnx`: input `input_ids` (int64 [batch, T]), the ids from `tokenizer.json`, post-padded with 0; outputs `logits` and `probs` (label order in `labels.json`).',
    '- `distillery predict --model <this folder> --data file.txt` streams JSONL predictions.',
    '- Exact function: docs/model-spec.md of Distillery applied to `config.json`.',
    '',
    '## Limits',
    '',
    '- Trained on the data above only; expect lower accuracy on other domains, styles or languages.',
    '- Texts longer than the max length are cut (head + tail).',
    '',
  ];
  return lines.join('\n');
}
