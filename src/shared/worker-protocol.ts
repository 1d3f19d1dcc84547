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
import type { WireError } from './errors';

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
  info: { params: Record<string, never>; result: { backend: string; skipped: { name: string; reason: string }[]; pid: number } };
  'parse-corpus': { params: ParseCorpusRequest; result: ParsedCorpus };
  /** parse-corpus on a file the host already holds (serve mode's uploads): the worker reads it, the host never does. */
  'parse-corpus-file': { params: { request: Omit<ParseCorpusRequest, 'base64'>; file: string }; result: ParsedCorpus };
  /** Writes `outDir` with the model in `format` (plus tokenizer.json and labels.json); returns the main file. */
  'export-model': { params: { modelDir: string; outDir: string; format: 'onnx' | 'tfjs' | 'folder'; baseName: string }; result: { file: string; files: string[] } };
}
export type WorkerMethod = keyof WorkerMethods;

export type ToWorker =
  | { type: 'start'; id: string; request: JobRequest; projectFolder: string }
  | { type: 'cancel'; id: string }
  | { [M in WorkerMethod]: { type: 'call'; callId: number; method: M; params: WorkerMethods[M]['params'] } }[WorkerMethod];

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
  if (labeled.length === 0) return `no labeled documents yet: label at least ${MIN_LABELED} documents (with at least two different labels) before training`;
  if (labeled.length < MIN_LABELED) return `only ${labeled.length} labeled document(s): label at least ${MIN_LABELED} (with at least two different labels) before training`;
  const used = new Set(labeled.flatMap((d) => d.labels));
  if (task !== 'multilabel' && used.size < 2) return `every labeled document has the label "${[...used][0]}": a classifier needs examples of at least two labels`;
  return undefined;
}

/** Automatic backups kept per project (the backend's default; the UI says it). */
export const AUTO_BACKUP_KEEP = 5;

/** Most α values one sweep job takes, and most seeds per α. */
export const MAX_SWEEP_ALPHAS = 21;
export const MAX_SWEEP_SEEDS = 10;

/** Why an alpha-sweep job's `alphas` / `seeds` options are not valid (undefined when they are). */
export function whyBadSweep(alphas: unknown, seeds: unknown): string | undefined {
  if (!Array.isArray(alphas) || alphas.length === 0) return 'options.alphas must be a non-empty list of α values in [0, 1]';
  if (alphas.length > MAX_SWEEP_ALPHAS) return `options.alphas: at most ${MAX_SWEEP_ALPHAS} α values, got ${alphas.length}`;
  for (const a of alphas) if (typeof a !== 'number' || !Number.isFinite(a) || a < 0 || a > 1) return `options.alphas: every α must be a number in [0, 1], got ${JSON.stringify(a)}`;
  if (new Set(alphas).size !== alphas.length) return 'options.alphas: an α appears twice';
  if (seeds !== undefined && (typeof seeds !== 'number' || !Number.isInteger(seeds) || seeds < 1 || seeds > MAX_SWEEP_SEEDS))
    return `options.seeds must be an integer in [1, ${MAX_SWEEP_SEEDS}], got ${JSON.stringify(seeds)}`;
  return undefined;
}

/** Where a BERT teacher comes from: a local Hugging Face folder, or masked-LM pre-training on the project's texts. */
export type BertTeacherSource = 'model-dir' | 'pretrain';
export const BERT_TEACHER_SOURCES: readonly BertTeacherSource[] = ['model-dir', 'pretrain'];

/** Options of a 'train-bert-teacher' job; the worker fills in what is left out (the CLI's defaults). */
export interface BertTeacherOptions {
  source: BertTeacherSource;
  /** source 'model-dir': the Hugging Face folder, as a full path on the machine the worker runs on. */
  modelDir?: string;
  /** Fine-tuning. */
  epochs?: number;
  learningRate?: number;
  maxLen?: number;
  batchSize?: number;
  patience?: number;
  seed?: number;
  validSplit?: number;
  testSplit?: number;
  /** source 'pretrain': the small BERT's shape (heads default: hidden / 64, else 4, 2 or 1) and its masked-LM epochs. */
  layers?: number;
  hidden?: number;
  heads?: number;
  pretrainEpochs?: number;
}

/** Each numeric BERT teacher option: integer or not, its range (`above`: min excluded), and `pretrain` = only for source 'pretrain'. */
const BERT_NUMBERS: Record<string, { int: boolean; min: number; max: number; pretrain?: boolean; above?: boolean }> = {
  epochs: { int: true, min: 1, max: 1000 },
  learningRate: { int: false, min: 0, max: 1, above: true },
  maxLen: { int: true, min: 8, max: 4096 },
  batchSize: { int: true, min: 1, max: 4096 },
  patience: { int: true, min: 0, max: 1000 },
  seed: { int: true, min: -(2 ** 31), max: 2 ** 31 },
  validSplit: { int: false, min: 0, max: 0.99 },
  testSplit: { int: false, min: 0, max: 0.99 },
  layers: { int: true, min: 1, max: 24, pretrain: true },
  hidden: { int: true, min: 8, max: 4096, pretrain: true },
  heads: { int: true, min: 1, max: 64, pretrain: true },
  pretrainEpochs: { int: true, min: 1, max: 1000, pretrain: true },
};
export const BERT_TEACHER_OPTION_KEYS = ['source', 'modelDir', ...Object.keys(BERT_NUMBERS)];

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
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return { field: 'options', message: 'options must be an object' };
  const o = { ...(options as Record<string, unknown>) };
  if ('lr' in o && !('learningRate' in o)) {
    o.learningRate = o.lr;
    delete o.lr;
  }
  const source = o.source;
  if (typeof source !== 'string' || !(BERT_TEACHER_SOURCES as readonly string[]).includes(source)) {
    return { field: 'source', message: `option "source" must be "model-dir" (fine-tune a local Hugging Face BERT folder) or "pretrain" (pre-train a small BERT here), got ${JSON.stringify(source)}` };
  }
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || k === 'source') continue;
    if (k === 'modelDir') {
      if (source !== 'model-dir') return { field: k, message: 'option "modelDir" is for source "model-dir"; a teacher pre-trained here has no folder to start from' };
      if (typeof v !== 'string') return { field: k, message: 'option "modelDir" must be a string' };
      continue;
    }
    const spec = BERT_NUMBERS[k];
    if (!spec) return { field: k, message: `option "${k}": unknown option; valid: ${BERT_TEACHER_OPTION_KEYS.join(', ')}` };
    if (spec.pretrain && source !== 'pretrain') return { field: k, message: `option "${k}" is for source "pretrain" (a Hugging Face folder has its own shape and is already pre-trained)` };
    if (typeof v !== 'number' || !Number.isFinite(v)) return { field: k, message: `option "${k}": expected a number, got ${JSON.stringify(v)}` };
    if (spec.int && !Number.isInteger(v)) return { field: k, message: `option "${k}": expected an integer, got ${v}` };
    if (v < spec.min || v > spec.max || (spec.above && v <= spec.min)) return { field: k, message: `option "${k}" must be in ${spec.above ? '(' : '['}${spec.min}, ${spec.max}], got ${v}` };
  }
  if (source === 'model-dir') {
    const dir = typeof o.modelDir === 'string' ? o.modelDir.trim() : '';
    if (!dir) return { field: 'modelDir', message: 'give the folder of a Hugging Face BERT model (config.json, vocab.txt, model.safetensors) on the machine the worker runs on' };
    if (!isFullPath(dir)) return { field: 'modelDir', message: `the model folder must be a full path on the machine the worker runs on (e.g. /home/me/models/bert-base-chinese), got "${dir}"` };
  }
  const vs = (o.validSplit as number | undefined) ?? 0.1;
  const ts = (o.testSplit as number | undefined) ?? 0.1;
  if (vs + ts >= 1) return { field: 'validSplit', message: 'validSplit + testSplit must be below 1' };
  if (source === 'pretrain' && typeof o.hidden === 'number' && typeof o.heads === 'number' && o.hidden % o.heads !== 0) {
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
