/**
 * The models `distillery pipeline` compares, behind one interface: texts in, probabilities out,
 * through onnxruntime-node (the exported model.onnx of each folder). A teacher is a fine-tuned BERT
 * folder (model.onnx with input_ids / attention_mask / token_type_ids), one student model folder,
 * or an ensemble of student folders whose probabilities are averaged. Also: parameter counts and
 * the latency measurement (ms per document at a given batch size, tokenization included).
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelFolderError } from '../../shared/errors';
import type { TaskType } from '../../shared/task';
import { createOnnxSession } from '../backend/onnx-runtime';
import { bertFeeds } from '../teacher/onnx/bert-feeds';
import { loadModelFolder, MODEL_FORMAT } from '../export/model-folder';
import { OnnxPredictor } from '../predict/predictor';
import { loadHfFolder } from '../teacher/checkpoint/hf-folder';
import { brModelDirs, readTeacherInfo, TEACHER_DEFAULTS, teacherTokenizer, type TeacherInfo } from './teacher-job';

/** A classifier that scores raw texts: n texts → n × C probabilities (softmax, or sigmoid for multi-label). */
export interface TextScorer {
  readonly labels: string[];
  readonly task: TaskType;
  /** Multi-label decision threshold. */
  readonly threshold: number;
  /** Parameters (float32 values). */
  readonly params: number;
  /** Bytes of the model.onnx file(s). */
  readonly onnxBytes: number;
  predict(texts: readonly string[]): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** What teacher.json holds for an ensemble-of-students teacher (member folders relative to it). */
export interface EnsembleTeacherInfo {
  kind: string;
  members: string[];
  arch: string;
  seeds: number[];
  labels: string[];
  task: TaskType;
  threshold: number;
  [k: string]: unknown;
}

export type TeacherFolderKind = 'bert' | 'student' | 'ensemble';

function countParams(tensors: Record<string, { data: ArrayLike<number> }>): number {
  return Object.values(tensors).reduce((s, t) => s + t.data.length, 0);
}

/** Which kind of teacher a folder holds; a clear error when it holds none. */
export async function teacherFolderKind(dir: string): Promise<TeacherFolderKind> {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new ModelFolderError(`teacher folder ${dir} does not exist or is not a folder`, { file: dir });
  const info = (await readTeacherInfo(dir)) as Partial<EnsembleTeacherInfo>;
  if (Array.isArray(info.members)) return 'ensemble';
  // A binary-relevance teacher: one BERT per label in sub-folders, scored as one (openBertScorer).
  if (info.binaryRelevance) return 'bert';
  const configFile = path.join(dir, 'config.json');
  if (existsSync(configFile)) {
    let config: { format?: unknown };
    try {
      config = JSON.parse(await readFile(configFile, 'utf8'));
    } catch (e) {
      throw new ModelFolderError(`${configFile}: not valid JSON (${(e as Error).message})`, { file: configFile });
    }
    if (config.format === MODEL_FORMAT) return 'student';
    if (existsSync(path.join(dir, 'model.onnx'))) return 'bert';
  }
  throw new ModelFolderError(
    `${dir} is not a teacher folder: expected a fine-tuned BERT (config.json + model.onnx, from \`distillery teacher train\`), ` +
      'a Distillery model folder, or an ensemble folder (teacher.json with "members", from `distillery pipeline --teacher-ensemble`)',
    { file: dir },
  );
}

/** A Distillery student model folder through its model.onnx. */
export async function openStudentScorer(dir: string, threads?: number): Promise<TextScorer> {
  const m = await loadModelFolder(dir);
  if (!m.onnxPath)
    throw new ModelFolderError(`${dir} has no model.onnx; run \`distillery export --model ${dir} --format onnx\``, {
      file: dir,
    });
  const predictor = await OnnxPredictor.open(m.onnxPath, threads);
  const T = m.pipeline.maxLen;
  return {
    labels: m.config.labels,
    task: m.config.task,
    threshold: m.config.threshold,
    params: countParams(m.params),
    onnxBytes: statSync(m.onnxPath).size,
    predict: (texts) => predictor.predict(m.pipeline.encodeBatch(texts), texts.length, T),
    dispose: () => predictor.dispose(),
  };
}

/**
 * A fine-tuned BERT teacher folder (what `teacher train` writes) through its model.onnx. Rows are
 * padded to the longest row of each batch, as `teacher predict` does.
 */
export async function openBertScorer(dir: string, threads?: number, maxLenOverride?: number): Promise<TextScorer> {
  const info = await readTeacherInfo(dir);
  if (info.binaryRelevance) return openBrScorer(dir, info, threads, maxLenOverride);
  const onnxFile = path.join(dir, 'model.onnx');
  if (!existsSync(onnxFile))
    throw new ModelFolderError(`${dir} has no model.onnx (write one with \`distillery teacher train\`)`, { file: dir });
  const folder = await loadHfFolder(dir);
  const tokenizer = teacherTokenizer(folder.tokenizer, info);
  const maxLen = maxLenOverride ?? info.maxLen ?? TEACHER_DEFAULTS.maxLen;
  const numLabels = folder.weights['classifier.weight']?.shape[0] ?? folder.config.num_labels ?? 0;
  const labels =
    info.labels ?? Array.from({ length: numLabels }, (_, i) => folder.config.id2label?.[String(i)] ?? String(i));
  const task: TaskType =
    info.task ??
    ((folder.config as { problem_type?: string }).problem_type === 'multi_label_classification'
      ? 'multilabel'
      : labels.length === 2
        ? 'binary'
        : 'multiclass');
  const session = await createOnnxSession(onnxFile, { threads });
  return {
    labels,
    task,
    threshold: info.threshold ?? TEACHER_DEFAULTS.threshold,
    params: countParams(folder.weights),
    onnxBytes: statSync(onnxFile).size,
    async predict(texts) {
      const out = await session.run(bertFeeds(tokenizer, texts, maxLen));
      return out.probs.data as Float32Array;
    },
    dispose: () => session.release(),
  };
}

/**
 * A binary-relevance teacher: each label's 2-class model (label-<i>/model.onnx) gives P(label) =
 * softmax(z)₁, so the labels' probabilities read like one multi-label sigmoid head's.
 */
async function openBrScorer(
  dir: string,
  info: Partial<TeacherInfo>,
  threads?: number,
  maxLenOverride?: number,
): Promise<TextScorer> {
  const dirs = brModelDirs(dir, info);
  const folder = await loadHfFolder(dirs[0]);
  // The text options teacher.json records (t2s, truncation), as for a single BERT teacher.
  const tokenizer = teacherTokenizer(folder.tokenizer, info);
  const maxLen = maxLenOverride ?? info.maxLen ?? TEACHER_DEFAULTS.maxLen;
  const sessions: Awaited<ReturnType<typeof createOnnxSession>>[] = [];
  let onnxBytes = 0;
  try {
    for (const d of dirs) {
      const file = path.join(d, 'model.onnx');
      if (!existsSync(file))
        throw new ModelFolderError(
          `${d} has no model.onnx (write one with \`distillery teacher train --binary-relevance\`)`,
          { file: d },
        );
      onnxBytes += statSync(file).size;
      sessions.push(await createOnnxSession(file, { threads }));
    }
  } catch (e) {
    for (const s of sessions) await s.release();
    throw e;
  }
  const C = dirs.length;
  return {
    labels: info.labels!,
    task: 'multilabel',
    threshold: info.threshold ?? TEACHER_DEFAULTS.threshold,
    params: countParams(folder.weights) * C,
    onnxBytes,
    async predict(texts) {
      const out = new Float32Array(texts.length * C);
      for (let l = 0; l < C; l++) {
        // Fresh feeds per label: a session may hold on to its input tensors.
        const probs = (await sessions[l].run(bertFeeds(tokenizer, texts, maxLen))).probs.data as Float32Array;
        for (let i = 0; i < texts.length; i++) out[i * C + l] = probs[2 * i + 1];
      }
      return out;
    },
    async dispose() {
      for (const s of sessions) await s.release();
    },
  };
}

/** Several scorers with the same labels; probabilities averaged. */
export function ensembleScorer(members: TextScorer[]): TextScorer {
  const first = members[0];
  const key = first.labels.join('\u0000');
  if (members.some((m) => m.labels.join('\u0000') !== key))
    throw new ModelFolderError('ensemble members have different labels', {});
  return {
    labels: first.labels,
    task: first.task,
    threshold: first.threshold,
    params: members.reduce((s, m) => s + m.params, 0),
    onnxBytes: members.reduce((s, m) => s + m.onnxBytes, 0),
    async predict(texts) {
      let avg: Float32Array | undefined;
      for (const m of members) {
        const p = await m.predict(texts);
        avg ??= new Float32Array(p.length);
        for (let i = 0; i < p.length; i++) avg[i] += p[i] / members.length;
      }
      return avg!;
    },
    async dispose() {
      for (const m of members) await m.dispose();
    },
  };
}

/** Opens whatever teacher a folder holds. */
export async function openTeacherScorer(dir: string, threads?: number, maxLen?: number): Promise<TextScorer> {
  const kind = await teacherFolderKind(dir);
  if (kind === 'bert') return openBertScorer(dir, threads, maxLen);
  if (kind === 'student') return openStudentScorer(dir, threads);
  const info = (await readTeacherInfo(dir)) as EnsembleTeacherInfo;
  const members: TextScorer[] = [];
  try {
    for (const m of info.members) members.push(await openStudentScorer(path.resolve(dir, m), threads));
  } catch (e) {
    for (const m of members) await m.dispose();
    throw e;
  }
  return ensembleScorer(members);
}

/** All texts in batches → n × C probabilities. */
export async function scoreAll(
  s: TextScorer,
  texts: readonly string[],
  batchSize = 64,
  onBatch?: (done: number) => void | Promise<void>,
): Promise<Float32Array> {
  const C = s.labels.length;
  const out = new Float32Array(texts.length * C);
  for (let i = 0; i < texts.length; i += batchSize) {
    const batch = texts.slice(i, i + batchSize);
    out.set(await s.predict(batch), i * C);
    await onBatch?.(i + batch.length);
  }
  return out;
}

/** Untimed calls before timing (onnxruntime's first runs allocate and plan). */
export const WARMUP_CALLS = 5;

export interface Latency {
  /** Median over calls of wall-clock ms per document: other processes on the machine disturb it less than the mean. */
  wallMs: number;
  /** CPU time of this process (every thread, user + system) per document over all calls: what the model costs, whatever else runs. */
  cpuMs: number;
}

/**
 * Milliseconds per document over `texts`, `batchSize` documents per call (tokenization + ONNX run),
 * after WARMUP_CALLS untimed calls.
 */
export async function measureLatency(s: TextScorer, texts: readonly string[], batchSize: number): Promise<Latency> {
  if (!texts.length) return { wallMs: NaN, cpuMs: NaN };
  for (let w = 0; w < WARMUP_CALLS; w++) {
    const at = (w * batchSize) % texts.length;
    await s.predict(texts.slice(at, at + batchSize));
  }
  const perDoc: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < texts.length; i += batchSize) {
    const batch = texts.slice(i, i + batchSize);
    const t0 = performance.now();
    await s.predict(batch);
    perDoc.push((performance.now() - t0) / batch.length);
  }
  const cpu = process.cpuUsage(cpu0);
  perDoc.sort((a, b) => a - b);
  const m = perDoc.length >> 1;
  return {
    wallMs: perDoc.length % 2 ? perDoc[m] : (perDoc[m - 1] + perDoc[m]) / 2,
    cpuMs: (cpu.user + cpu.system) / 1000 / texts.length,
  };
}
