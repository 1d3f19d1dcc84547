/**
 * A BERT teacher exported as ONNX with what a consumer needs beside it (the Export view's "ONNX" and
 * `distillery export --format onnx`). A plain teacher: its model.onnx and tokenizer files. A
 * binary-relevance teacher (teacher.json's binaryRelevance, one model per label in label-<i>/): its
 * label models merged into one graph (onnx/merge-br-onnx.ts: outputs probs and logits [batch, labels]),
 * the first label model's tokenizer files (every label model shares the base's vocabulary), a
 * config.json naming all labels, labels.json, teacher.json (labels, threshold, max length, text
 * options, the weight chosen per label) and README.md, the recipe for scoring with it.
 */
import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelFolderError } from '../../shared/errors';
import { brModelDirs, readTeacherInfo, TEACHER_DEFAULTS, type TeacherInfo } from '../jobs/teacher-job';
import { HF_TEXT_OPTIONS } from '../teacher/tokenize/wordpiece';
import { mergeBrOnnx } from './onnx/merge-br-onnx';

/** Files beside a BERT teacher's model.onnx that `teacher predict` and Hugging Face tools read. */
export const BERT_SIDE_FILES = [
  'config.json',
  'vocab.txt',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'teacher.json',
];
const TOKENIZER_FILES = ['vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];

/** Writes `<dir>/<onnxName>` and its side files from teacher folder `modelDir`; returns what it wrote. */
export async function writeTeacherOnnxExport(modelDir: string, dir: string, onnxName: string): Promise<string[]> {
  const info = await readTeacherInfo(modelDir);
  if (info.binaryRelevance) return writeBrExport(modelDir, info, dir, onnxName);
  const written: string[] = [];
  const onnxFile = path.join(modelDir, 'model.onnx');
  if (!existsSync(onnxFile))
    throw new ModelFolderError(`${onnxFile} is missing: the teacher folder is incomplete`, { file: onnxFile });
  await copyFile(onnxFile, path.join(dir, onnxName));
  written.push(onnxName);
  for (const f of BERT_SIDE_FILES) {
    if (!existsSync(path.join(modelDir, f))) continue;
    await copyFile(path.join(modelDir, f), path.join(dir, f));
    written.push(f);
  }
  return written;
}

async function writeBrExport(
  modelDir: string,
  info: Partial<TeacherInfo>,
  dir: string,
  onnxName: string,
): Promise<string[]> {
  const labelDirs = brModelDirs(modelDir, info);
  const labels = info.labels!;
  // Every label's model must be there before anything is written (a partial teacher scores nothing).
  const files = labelDirs.map((d) => path.join(d, 'model.onnx'));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length)
    throw new ModelFolderError(
      `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing: a binary-relevance teacher needs one model.onnx per label`,
      { file: missing[0], missing },
    );
  const models = await Promise.all(
    files.map(async (file, l) => ({ label: labels[l], file, bytes: new Uint8Array(await readFile(file)) })),
  );
  const text = { ...HF_TEXT_OPTIONS, ...info.text };
  const maxLen = info.maxLen ?? TEACHER_DEFAULTS.maxLen;
  const threshold = info.threshold ?? TEACHER_DEFAULTS.threshold;
  const doc = JSON.stringify({ kind: info.kind, labels, maxLen, text, threshold });
  await writeFile(path.join(dir, onnxName), mergeBrOnnx(models, `Distillery binary-relevance BERT teacher; ${doc}`));
  const written = [onnxName];
  for (const f of TOKENIZER_FILES) {
    if (!existsSync(path.join(labelDirs[0], f))) continue;
    await copyFile(path.join(labelDirs[0], f), path.join(dir, f));
    written.push(f);
  }
  // The encoder's config, with the merged model's labels (each label model's own config has two classes).
  const config = JSON.parse(await readFile(path.join(labelDirs[0], 'config.json'), 'utf8')) as Record<string, unknown>;
  const merged = {
    ...config,
    architectures: ['DistilleryBinaryRelevance'],
    num_labels: labels.length,
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
    problem_type: 'multi_label_classification',
  };
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  await writeFile(path.join(dir, 'config.json'), json(merged));
  await writeFile(path.join(dir, 'labels.json'), json({ labels, task: 'multilabel', multiLabel: true, threshold }));
  await copyFile(path.join(modelDir, 'teacher.json'), path.join(dir, 'teacher.json'));
  await writeFile(path.join(dir, 'README.md'), brReadme(onnxName, labels, maxLen, text, threshold, info));
  written.push('config.json', 'labels.json', 'teacher.json', 'README.md');
  return written;
}

/** The recipe for scoring with an exported binary-relevance teacher, without Distillery. */
function brReadme(
  onnxName: string,
  labels: string[],
  maxLen: number,
  text: { t2s: boolean; truncate: string },
  threshold: number,
  info: Partial<TeacherInfo>,
): string {
  const rows = (info.binaryRelevance?.perLabel ?? []).map(
    (r, i) => `| ${i} | ${r.label} | ${r.weight} | ${Number.isFinite(r.validF1) ? r.validF1.toFixed(4) : '—'} |`,
  );
  return `# Binary-relevance BERT teacher (ONNX)

${info.kind ?? 'binary relevance'}: one binary BERT per label, each fine-tuned with the positive-class
weight that gave the best validation F1, merged here into one ONNX graph (\`${onnxName}\`, opset 17).

Inputs, int64 [batch, T], T ≤ ${maxLen}: \`input_ids\`, \`attention_mask\`, \`token_type_ids\` (zeros).
Outputs, float32 [batch, ${labels.length}], columns in the order of \`labels.json\`:

- \`probs\`: P(label) per label; a label is predicted where P ≥ ${threshold} (the teacher's threshold);
- \`logits\`: z₁ − z₀ of each label's model (sigmoid(logit) = prob), the soft targets for distillation.

| column | label | class weight | validation F1 |
| --- | --- | --- | --- |
${rows.join('\n')}

## Text → ids (as the teacher was trained)

1. ${text.t2s ? 'Traditional → simplified Chinese first (OpenCC, Taiwan standard → mainland; teacher.json `text.t2s` is true).' : 'No traditional → simplified conversion (teacher.json `text.t2s` is false).'}
2. BERT WordPiece with \`vocab.txt\` (lower-casing and the rest as \`tokenizer_config.json\` says).
3. At most ${maxLen - 2} word pieces: ${text.truncate === 'head+tail' ? `a longer text keeps its first ceil(${maxLen - 2} × 0.25) pieces and its last pieces up to ${maxLen - 2} (\`text.truncate\` head+tail)` : `a longer text keeps its first ${maxLen - 2} pieces (\`text.truncate\` head)`}.
4. \`[CLS] pieces [SEP]\`, padded with \`[PAD]\` (mask 0) to the longest row of the batch.

## Python

\`\`\`python
import math
import numpy as np, onnxruntime as ort
from transformers import BertTokenizerFast   # reads vocab.txt / tokenizer.json here

tok = BertTokenizerFast.from_pretrained('.')
session = ort.InferenceSession('${onnxName}')
KEEP = ${maxLen - 2}                           # word pieces between [CLS] and [SEP]

def ids(text):
    pieces = tok.tokenize(text)                # simplify first when text.t2s is true (e.g. opencc.OpenCC('tw2s'))
    if len(pieces) > KEEP:${
      text.truncate === 'head+tail'
        ? `
        head = math.ceil(KEEP * 0.25)          # head+tail, as the teacher was trained (step 3)
        pieces = pieces[:head] + pieces[len(pieces) - (KEEP - head):]`
        : `
        pieces = pieces[:KEEP]                 # head, as the teacher was trained (step 3)`
    }
    return tok.convert_tokens_to_ids(['[CLS]'] + pieces + ['[SEP]'])

texts = ['这家外卖很好吃']
rows = [ids(t) for t in texts]
T = max(len(r) for r in rows)
input_ids = np.array([r + [tok.pad_token_id] * (T - len(r)) for r in rows], dtype=np.int64)
feeds = {'input_ids': input_ids, 'attention_mask': (input_ids != tok.pad_token_id).astype(np.int64),
         'token_type_ids': np.zeros_like(input_ids)}
probs, = session.run(['probs'], feeds)
labels = ${JSON.stringify(labels)}
print([[l for l, p in zip(labels, row) if p >= ${threshold}] for row in probs])
\`\`\`
`;
}
