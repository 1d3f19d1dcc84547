/**
 * The job protocol between the host (Electron main, or `distillery serve`) and the worker process
 * (Electron's utilityProcess, or a plain Node child process). Messages are plain objects sent over
 * the parent channel (process.send / process.parentPort); structured-clone semantics.
 *
 * Host → worker
 *   {type:'start', id, request, projectFolder}   run a job (the host sends one at a time)
 *   {type:'cancel', id}                          stop it after the current batch
 *   {type:'call', callId, method, params}        a short request (parse a corpus, export a model…)
 * Worker → host
 *   {type:'ready', pid}                          once, when the worker listens
 *   {type:'progress'|'done'|'failed'|'cancelled', …JobStatus}
 *   {type:'reply', callId, ok, result | error}
 */
import type { JobRequest, JobStatus, ParseCorpusRequest, ParsedCorpus } from './api';
import type { DistilleryError, WireError } from './errors';
import {
  ALPHA_SWEEP_OPTIONS,
  BERT_TEACHER_SOURCES,
  PRETRAIN_ONLY_KEYS,
  validateJobOptions,
  whyBadOption,
  type JobOptionsOf,
} from './job-options';

/** The layout of a project folder (shared by the host's project store and the worker). */
export const PROJECT_LAYOUT = {
  meta: 'project.json',
  models: 'models',
  exports: 'exports',
  /** The exact labeled data each model was trained on, as JSONL (one file per model version). */
  datasets: 'datasets',
  journal: 'journal.jsonl',
  sentinel: 'labels.sentinel.json',
  /** Journal records a crash cut short or a hand edit damaged, set aside on open (never deleted). */
  journalTorn: 'journal.torn.jsonl',
  /** Automatic backups of the UI's database (dexie-export-import JSON), the newest few. */
  backups: 'backups',
  /** α sweeps: one folder each with alpha-sweep.json, .md and the chart. */
  sweeps: 'sweeps',
  /** Labeling-budget simulations run from the app: one folder each (data snapshot, simulation.json, .md). */
  simulations: 'simulations',
} as const;

export interface WorkerMethods {
  /** The tfjs backend the worker trains with. */
  info: {
    params: Record<string, never>;
    result: { backend: string; skipped: { name: string; reason: string }[]; pid: number };
  };
  'parse-corpus': { params: ParseCorpusRequest; result: ParsedCorpus };
  /** parse-corpus on a file the host already holds (serve mode's uploads): the worker reads it, the host never does. */
  'parse-corpus-file': { params: { request: Omit<ParseCorpusRequest, 'base64'>; file: string }; result: ParsedCorpus };
  /** Writes `outDir` with the model in `format` (plus tokenizer.json and labels.json); returns the main file. */
  'export-model': {
    params: { modelDir: string; outDir: string; format: 'onnx' | 'tfjs' | 'folder'; baseName: string };
    result: { file: string; files: string[] };
  };
}
export type WorkerMethod = keyof WorkerMethods;

export type ToWorker =
  | { type: 'start'; id: string; request: JobRequest; projectFolder: string }
  | { type: 'cancel'; id: string }
  | {
      [M in WorkerMethod]: { type: 'call'; callId: number; method: M; params: WorkerMethods[M]['params'] };
    }[WorkerMethod];

export type JobMessageType = 'progress' | 'done' | 'failed' | 'cancelled';

export type FromWorker =
  | { type: 'ready'; pid: number }
  | ({ type: JobMessageType } & JobStatus)
  | { type: 'reply'; callId: number; ok: true; result: unknown }
  | { type: 'reply'; callId: number; ok: false; error: WireError };

/** Training needs at least this many labeled documents (checked when a job starts, and by the worker). */
export const MIN_LABELED = 10;

/** Why a request's labeled documents cannot train a model yet (undefined when they can). */
export function whyNotTrainable(docs: { labels: string[] }[], task: string): string | undefined {
  const labeled = docs.filter((d) => Array.isArray(d.labels) && d.labels.length > 0);
  if (labeled.length === 0)
    return `no labeled documents yet: label at least ${MIN_LABELED} documents (with at least two different labels) before training`;
  if (labeled.length < MIN_LABELED)
    return `only ${labeled.length} labeled document(s): label at least ${MIN_LABELED} (with at least two different labels) before training`;
  const used = new Set(labeled.flatMap((d) => d.labels));
  if (task !== 'multilabel' && used.size < 2)
    return `every labeled document has the label "${[...used][0]}": a classifier needs examples of at least two labels`;
  return undefined;
}

/** Automatic backups kept per project (the backend's default; the UI says it). */
export const AUTO_BACKUP_KEEP = 5;

/** Most α values one sweep job takes, and most seeds per α (the option table's limits). */
export { MAX_SWEEP_ALPHAS, MAX_SWEEP_SEEDS } from './job-options';

/** Why an alpha-sweep job's `alphas` / `seeds` options are not valid (undefined when they are). */
export function whyBadSweep(alphas: unknown, seeds: unknown): string | undefined {
  const t = ALPHA_SWEEP_OPTIONS;
  return (
    whyBadOption('alphas', t.alphas, alphas) ??
    (seeds === undefined ? undefined : whyBadOption('seeds', t.seeds, seeds))
  );
}

/** Where a BERT teacher comes from: a local Hugging Face folder, or masked-LM pre-training on the project's texts. */
export type BertTeacherSource = (typeof BERT_TEACHER_SOURCES)[number];
export { BERT_TEACHER_SOURCES };

/** Options of a 'train-bert-teacher' job (BERT_TEACHER_OPTIONS); the worker fills in what is left out. */
export type BertTeacherOptions = JobOptionsOf<'train-bert-teacher'> & { source: BertTeacherSource };

/** A full path: /…, ~/…, C:\… or \\server\… (a relative one would depend on the worker's working folder). */
export function isFullPath(p: string): boolean {
  return /^(\/|~([\\/]|$)|[A-Za-z]:[\\/]|\\\\)/.test(p);
}

/** Heads of a small BERT pre-trained here when the options leave them out. */
export function defaultHeads(hidden: number): number {
  if (hidden % 64 === 0) return hidden / 64;
  return [4, 2, 1].find((h) => hidden % h === 0)!;
}

/** What is wrong with a BERT teacher job's options (undefined when nothing): the option and why. */
export function whyBadBertTeacher(options: unknown): { field: string; message: string } | undefined {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    return { field: 'options', message: 'options must be an object' };
  const raw = options as Record<string, unknown>;
  const source = raw.source;
  if (typeof source !== 'string' || !(BERT_TEACHER_SOURCES as readonly string[]).includes(source)) {
    return {
      field: 'source',
      message: `option "source" must be "model-dir" (fine-tune a local Hugging Face BERT folder) or "pretrain" (pre-train a small BERT here), got ${JSON.stringify(source)}`,
    };
  }
  let o: BertTeacherOptions;
  try {
    o = validateJobOptions('train-bert-teacher', raw) as BertTeacherOptions;
  } catch (e) {
    const err = e as DistilleryError;
    return { field: String(err.details?.field ?? 'options'), message: err.message };
  }
  for (const k of PRETRAIN_ONLY_KEYS) {
    if (o[k] !== undefined && source !== 'pretrain')
      return {
        field: k,
        message: `option "${k}" is for source "pretrain" (a Hugging Face folder has its own shape and is already pre-trained)`,
      };
  }
  if (o.brWeights !== undefined && !o.binaryRelevance)
    return {
      field: 'brWeights',
      message: 'option "brWeights" is the class-weight grid of a binary-relevance teacher: set "binaryRelevance" too',
    };
  if (o.modelDir !== undefined && source !== 'model-dir')
    return {
      field: 'modelDir',
      message: 'option "modelDir" is for source "model-dir"; a teacher pre-trained here has no folder to start from',
    };
  if (source === 'model-dir') {
    const dir = (o.modelDir ?? '').trim();
    if (!dir)
      return {
        field: 'modelDir',
        message:
          'give the folder of a Hugging Face BERT model (config.json, vocab.txt, model.safetensors) on the machine the worker runs on',
      };
    if (!isFullPath(dir))
      return {
        field: 'modelDir',
        message: `the model folder must be a full path on the machine the worker runs on (e.g. /home/me/models/bert-base-chinese), got "${dir}"`,
      };
  }
  if (source === 'pretrain' && o.hidden !== undefined && o.heads !== undefined && o.hidden % o.heads !== 0) {
    return { field: 'heads', message: `option "hidden" ${o.hidden} is not a multiple of "heads" ${o.heads}` };
  }
  return undefined;
}

/** "0, 0.25 0.5;1" → [0, 0.25, 0.5, 1] (the UI's α list field); null when a part is not a number. */
export function parseAlphaList(text: string): number[] | null {
  const parts = text.split(/[\s,;，、]+/).filter(Boolean);
  const out = parts.map(Number);
  return out.every((x) => Number.isFinite(x)) ? out : null;
}

/** Model version ids: `<prefix>-<yyyyMMdd-HHmmss>-<arch>` (UTC), with `-2`, `-3`… on a collision. */
export const MODEL_VERSION_RE = /^[a-z]+-\d{8}-\d{6}-[a-z0-9-]+$/;

export function modelVersionId(prefix: string, arch: string, at: Date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}-${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}`;
  return `${prefix}-${stamp}-${arch.toLowerCase().replace(/[^a-z0-9-]/g, '')}`;
}
