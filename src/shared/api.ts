/**
 * The typed API the UI calls. Two transports implement it and the renderer cannot tell them apart:
 * Electron IPC (preload + main) and HTTP/WebSocket (serve mode, `distillery serve`).
 *
 * Documents, labels, provenance, queue order and history live in the renderer's Dexie database
 * (the source of truth). The backend owns files (project folders, models, exports, the label
 * journal) and compute (jobs run by the worker process).
 */
import type { WireError } from './errors';
import type { Metrics } from './metrics';
import type { Progress } from './progress';
import type { TaskType } from './task';

export interface SystemInfo {
  version: string;
  mode: 'electron' | 'serve';
  /** tfjs backend of the worker, e.g. 'wasm'. */
  backend: string;
  /** Suggested UI language from the OS/browser: 'zh-CN' | 'en'. */
  locale: string;
  /** Serve mode only: the database is this browser's own, separate from the desktop app's. */
  separateDatabase: boolean;
}

export interface LabelDef {
  name: string;
  color: string;
  /** One key: '1'–'9' or a letter. */
  hotkey: string;
  description?: string;
}

export interface ProjectMeta {
  id: string;
  name: string;
  task: TaskType;
  labels: LabelDef[];
  guidelines?: string;
  createdAt: string;
  /** Folder on disk for models and exports (managed by the backend). */
  folder: string;
  /**
   * The sample project the UI makes on a first run. Kept in project.json, so that every browser
   * (each with its own database) knows the sample's folder exists and offers no second one.
   */
  sample?: boolean;
}

export interface ParseCorpusRequest {
  fileName: string;
  /** File bytes, base64 (any encoding: the backend detects it). */
  base64: string;
  textCol?: string;
  labelCol?: string;
  encoding?: string;
  dedupe?: boolean;
}

export interface ParsedCorpus {
  columns: string[];
  textColumn: string;
  labelColumn?: string;
  encoding: string;
  format: string;
  docs: { id: string; text: string; labels: string[]; line: number }[];
  duplicatesRemoved: number;
  skippedEmpty: number;
  labels: string[];
  multiLabel: boolean;
  warnings: string[];
}

/** What a job needs from the database: labeled rows to learn from, other rows to score. */
export interface JobDocs {
  /**
   * `source`: where the label came from (shared/source-weights.ts LABEL_ORIGINS), weighted in training by
   * `options.sourceWeights`; `gold`: in the project's fixed gold set, which is then exactly the test
   * set and never trained on (issue 12).
   */
  labeled: { id: string; text: string; labels: string[]; source?: string; gold?: boolean }[];
  /** Documents to pre-label / score after training (ids come back with probabilities). */
  toScore?: { id: string; text: string }[];
}

/**
 * 'alpha-sweep': one distillation per α of `options.alphas` (same config otherwise), the student's test metrics against α.
 * 'train-bert-teacher': a BERT teacher (options: BertTeacherOptions in worker-protocol.ts) fine-tuned from a local Hugging Face
 * folder, or pre-trained here by masked LM on the project's texts first; then it scores `docs.toScore` as 'train-student' does.
 */
export type JobKind = 'train-student' | 'distill' | 'score' | 'alpha-sweep' | 'train-bert-teacher';

export interface JobRequest {
  kind: JobKind;
  projectId: string;
  task: TaskType;
  labels: string[];
  docs: JobDocs;
  /**
   * Student/teacher options, as the CLI's (model, epochs, alpha, temperature, …); an alpha-sweep job
   * also takes `alphas` (the α values, see whyBadSweep) and `seeds` (runs per α, default 1); a BERT teacher job
   * takes BertTeacherOptions (see whyBadBertTeacher).
   */
  options: Record<string, unknown>;
  /** For distill and alpha-sweep: soft labels by document id (teacher logits or probabilities). */
  teacher?: { kind: 'logits' | 'probs'; byId: Record<string, number[]>; name: string };
  /** For score: the model version to use. */
  modelVersion?: string;
}

/** Inference latency of a trained model, measured by the worker when the job finishes. */
export interface LatencyResult {
  /** Mean wall time per document, one document per call (text encoding included), ms. */
  msPerDoc: number;
  /** What ran the model: onnxruntime-node on model.onnx, or the tfjs student when there is no ONNX file. */
  engine: 'onnxruntime' | 'tfjs';
  /** Calls timed (the run's test texts, cycled until the measurement is long enough). */
  calls: number;
  /** Distinct texts used (the test split; the validation or training split when it is empty). */
  docs: number;
}

/** One α of an α sweep: the student's held-out metrics over `n` seeds (fractions). */
export interface AlphaSweepPoint {
  alpha: number;
  /** Accuracy (single-label) or micro-F1 (multi-label): mean and std over the seeds. */
  mean: number;
  std: number;
  macroF1?: { mean: number; std: number };
  n: number;
}

export interface AlphaSweepSummary {
  temperature: number;
  /** What `mean` is: 'accuracy' (single-label) or 'micro_f1' (multi-label). */
  metric: 'accuracy' | 'micro_f1';
  seeds: number;
  points: AlphaSweepPoint[];
  /** α with the highest mean. */
  best: number;
  /** `<project>/sweeps/<name>`: alpha-sweep.json, .md and the chart. */
  folder: string;
}

/** Which teacher a 'train-bert-teacher' run produced: what the UI shows and the student's model card names. */
export interface TeacherSummary {
  source: 'model-dir' | 'pretrain';
  /** As teacher.json names it, e.g. "fine-tuned BERT" or "BERT pre-trained here (masked LM on the project's own text), fine-tuned". */
  kind: string;
  /** The Hugging Face folder fine-tuned (source 'model-dir'), as the worker's machine sees it. */
  base?: string;
  /** Encoder shape, e.g. "2 layers, hidden 128, 4 heads". */
  shape: string;
  /** What split texts into word pieces (tokenizers.js or the built-in WordPiece). */
  tokenizer: string;
  /** tfjs backend that trained it. */
  backend: string;
  /** Metrics below are on the test split, or the validation split when the test split is empty. */
  evaluatedOn: 'test' | 'valid';
  /** Project labels the teacher never saw in training (no labeled example): scored 0. */
  unseenLabels?: string[];
}

export interface JobResult {
  /** The model version written ('' for an α sweep, which keeps no model). */
  modelVersion: string;
  metrics?: Metrics;
  paramCount?: number;
  sizeMB?: number;
  history?: { epoch: number; loss: number; valMetric: number }[];
  /** Probabilities per scored document id, in label order. */
  scores?: Record<string, number[]>;
  files?: string[];
  latency?: LatencyResult;
  sweep?: AlphaSweepSummary;
  /** A BERT teacher run: which kind of teacher it is. */
  teacher?: TeacherSummary;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobStatus {
  id: string;
  kind: JobKind;
  state: JobState;
  progress?: Progress;
  result?: JobResult;
  error?: WireError;
}

/** A label event, as appended to the project's journal file (one JSON line each). */
export interface LabelEvent {
  docId: string;
  labels: string[];
  source: 'human' | 'teacher' | 'rule' | 'student';
  who: string;
  at: string;
  modelVersion?: string;
  action: 'label' | 'accept' | 'correct' | 'skip' | 'undo';
  /** The document's text, so that a rebuild from the journal alone restores documents too. */
  text?: string;
}

/**
 * What the backend repaired in a project's journal when it opened it: records a crash cut short (or
 * a hand edit damaged) are moved, byte for byte, to `journal.torn.jsonl` beside it; label events
 * found whole inside a damaged line (an older version glued an append onto a torn line) are kept.
 */
export interface JournalRecovery {
  /** When the repair ran (ISO); the UI shows each repair once. */
  at: string;
  /** Where the set-aside bytes went, relative to the project folder. */
  file: string;
  /** Damaged or torn records set aside. */
  setAside: number;
  /** Label events read back out of damaged lines. */
  salvaged: number;
  /** 1-based line numbers, in the journal as it was, of the records set aside. */
  lines: number[];
  /** Readable label events in the journal after the repair. */
  events: number;
}

/** The label count kept outside IndexedDB, and the last repair of the journal, if any. */
export interface JournalSentinel {
  labeledCount: number;
  updatedAt: string;
  recovery?: JournalRecovery;
}

/** An automatic backup of a project's database rows (dexie-export-import JSON) in `<project>/backups/`. */
export interface BackupInfo {
  /** File name, `auto-<yyyyMMdd-HHmmss-SSS>.json`. */
  name: string;
  /** When it was written (ISO). */
  at: string;
  bytes: number;
  /** What made it: 'labels' (every N label events), 'timer' (the periodic tick, a pause in labeling), 'import', 'close' (the page was hidden or closed). */
  reason: BackupReason;
  /** Documents and labeled documents in it, as the UI counted them. */
  docs: number;
  labeled: number;
  /** Journal events recorded when it was written: a restore replays the journal from there on. */
  journalEvents: number;
}

export type BackupReason = 'labels' | 'timer' | 'import' | 'close';

export interface ExportRequest {
  projectId: string;
  format: 'csv' | 'jsonl' | 'label-studio' | 'doccano';
  /**
   * modelVersion: the model whose pre-label the label is (absent for a person's label);
   * probsModelVersion: the model that produced `probs`.
   */
  rows: { id: string; text: string; labels: string[]; source?: string; who?: string; at?: string; modelVersion?: string; probs?: number[]; probsModelVersion?: string }[];
  labels: string[];
}

/** A file in a project's exports folder (`<project>/exports/`), as `exports.list` reports it. */
export interface ExportedFile {
  /** File name in the exports folder. */
  name: string;
  /** Absolute path on the backend's machine. */
  file: string;
  bytes: number;
  /** Last written (ISO). */
  at: string;
  /** Serve mode: the URL that downloads it. */
  downloadUrl?: string;
}

export interface DistilleryApi {
  system: { info(): Promise<SystemInfo> };
  projects: {
    list(): Promise<ProjectMeta[]>;
    create(p: Omit<ProjectMeta, 'id' | 'createdAt' | 'folder'>): Promise<ProjectMeta>;
    update(p: ProjectMeta): Promise<ProjectMeta>;
  };
  corpus: { parse(r: ParseCorpusRequest): Promise<ParsedCorpus> };
  jobs: {
    start(r: JobRequest): Promise<{ id: string }>;
    cancel(id: string): Promise<void>;
    status(id: string): Promise<JobStatus>;
    /** Progress and completion events; returns an unsubscribe function. */
    subscribe(listener: (s: JobStatus) => void): () => void;
  };
  journal: {
    /** Appended and flushed before it resolves. */
    append(projectId: string, events: LabelEvent[]): Promise<void>;
    read(projectId: string): Promise<LabelEvent[]>;
    /** Label counts kept outside IndexedDB, to detect a wiped or damaged database. */
    sentinel(projectId: string): Promise<JournalSentinel | null>;
  };
  exports: {
    dataset(r: ExportRequest): Promise<{ file: string; downloadUrl?: string }>;
    model(projectId: string, modelVersion: string, format: 'onnx' | 'tfjs' | 'folder'): Promise<{ file: string; downloadUrl?: string }>;
    /** The files earlier exports wrote (datasets, model zips), newest first: they outlive a reload. */
    list(projectId: string): Promise<ExportedFile[]>;
  };
  /** Automatic backups of the UI's database, kept in the project folder (the newest few). */
  backups: {
    /** Writes `data` (a dexie-export-import JSON text) atomically and drops the oldest beyond the limit. */
    save(projectId: string, data: string, meta: { reason: BackupReason; docs: number; labeled: number }): Promise<BackupInfo>;
    /** Newest first. */
    list(projectId: string): Promise<BackupInfo[]>;
    /** The JSON text of one backup. */
    read(projectId: string, name: string): Promise<string>;
  };
}

/** Every call name on the wire: "<group>.<method>" (e.g. "jobs.start"). */
export type ApiCall = {
  [G in keyof DistilleryApi]: `${G & string}.${Exclude<keyof DistilleryApi[G], 'subscribe'> & string}`;
}[keyof DistilleryApi];

/**
 * Calls only the desktop app has: the Electron preload adds them to `window.distillery` as the
 * `desktop` group (IPC name "desktop.<method>"). Serve mode has none (its files are on the server,
 * not on the browser's machine), so the UI shows what needs them only where `api.desktop` exists.
 */
export interface DesktopApi {
  /** Shows a file the app wrote (an export) in the system file manager (Electron's shell.showItemInFolder). */
  showItemInFolder(file: string): Promise<void>;
}

export type DesktopCall = `desktop.${keyof DesktopApi & string}`;

/** What the Electron preload exposes as `window.distillery`. */
export type ElectronApi = DistilleryApi & { desktop: DesktopApi };

/** The API as the renderer holds it: `desktop` only in the desktop app. */
export type AppApi = DistilleryApi & { desktop?: DesktopApi };
