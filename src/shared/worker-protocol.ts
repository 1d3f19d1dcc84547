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
  /** Automatic backups of the UI's database (dexie-export-import JSON), the newest few. */
  backups: 'backups',
  /** α sweeps: one folder each with alpha-sweep.json, .md and the chart. */
  sweeps: 'sweeps',
} as const;

export interface WorkerMethods {
  /** The tfjs backend the worker trains with. */
  info: { params: Record<string, never>; result: { backend: string; skipped: { name: string; reason: string }[]; pid: number } };
  'parse-corpus': { params: ParseCorpusRequest; result: ParsedCorpus };
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
