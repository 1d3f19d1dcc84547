/**
 * The typed API the UI calls. Two transports implement it and the renderer cannot tell them apart:
 * Electron IPC (preload + main) and HTTP/WebSocket (serve mode, `distillery serve`).
 *
 * Documents, labels, provenance, queue order and history live in the renderer's Dexie database
 * (the source of truth). The backend owns files (project folders, models, exports, the label
 * journal) and compute (jobs run by the worker process).
 */
import type { FinalRule } from './consensus';
import type { WireError } from './errors';
import type { Metrics } from './metrics';
import type { Progress } from './progress';
import type { QueueChoice } from './queue-model-choice';
import type { OverlapSetting } from './routing';
import type { LabelEvent, LabelSource } from './label-event';
import type { TaskType } from './task';
import type { JobKind, JobOptionsOf } from './job-options';
import type { SelfTrainResult } from './self-training';
import type { Invite, MemberInfo, Principal, Role } from './roles';

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
  /** Team routing: the share of documents that get several annotators (shared/routing.ts); absent = no routing. */
  overlap?: OverlapSetting;
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

/**
 * Where a file's label came from, where the file says (Label Studio annotations and predictions; the
 * provenance fields of doccano and JSONL exports). Absent fields: a person's label, made at import.
 */
export interface LabelProvenance {
  source?: LabelSource;
  who?: string;
  at?: string;
  /** The model whose pre-label was accepted as the label (model sources only). */
  modelVersion?: string;
  /** A model's pre-label for the document (Label Studio predictions); score in [0, 1] where the file gives one. */
  prediction?: { labels: string[]; score?: number; modelVersion?: string };
  /**
   * Several annotators' labels on the document (Label Studio: one annotation per annotator), each
   * annotator's latest, oldest first; the row's labels are then the final ones, made by `rule`
   * (shared/consensus.ts). Absent where one person (or nobody) labeled it.
   */
  annotators?: { who: string; labels: string[]; source?: LabelSource; at?: string }[];
  rule?: FinalRule;
}

/** Each annotator's labels on a document, by name (exports; the renderer's DocRow.byAnnotator). */
export type LabelsBy = Record<string, { labels: string[]; source?: string; at?: string }>;

export interface ParsedCorpus {
  columns: string[];
  textColumn: string;
  labelColumn?: string;
  encoding: string;
  format: string;
  docs: ({ id: string; text: string; labels: string[]; line: number } & LabelProvenance)[];
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
 * 'fast-prelabel': naive Bayes over char 1–2-grams trained on `docs.labeled` (the human labels; `options.goldIds` are left
 * out), then `docs.toScore` scored, in seconds; no model folder is written (the app's live loop re-orders the queue with it).
 * 'audit': the label-noise audit (`distillery audit`) on `docs.labeled`: K-fold naive Bayes, confident learning; `result.audit`.
 * 'simulate': the labeling-budget simulator (`distillery simulate`) replayed on `docs.labeled` — the project's human labels
 * only — with options SimulateJobOptions; the result's `simulation` holds the curves, AULC and labels to 95 %.
 */
export type { JobKind } from './job-options';

/** A 'simulate' job's options (the app's simulator; src/shared/job-options.ts SIMULATE_APP_OPTIONS). */
export type SimulateJobOptions = JobOptionsOf<'simulate'>;

/** One point of a simulated learning curve: mean (± std) over runs, fractions. */
export interface SimulationCurvePoint {
  labels: number;
  accuracy: number;
  macro_f1: number;
  accuracy_std: number;
}

/** What a 'simulate' job returns (the CLI's `--json` object, plus what it ran on). */
export interface SimulationResult {
  /** Human-labeled documents the simulation ran on (pool + test split). */
  docs: number;
  pool_size: number;
  test_size: number;
  model: string;
  runs: number;
  full_data: { accuracy: number; macro_f1: number };
  strategies: Record<
    string,
    { curve: SimulationCurvePoint[]; aulc: number; aulc_std: number; labels_to_95: number | null }
  >;
  /** `<project>/simulations/<name>`: dataset.jsonl, simulation.json and simulation.md. */
  folder: string;
}

interface JobRequestBase<K extends JobKind, O> {
  kind: K;
  projectId: string;
  task: TaskType;
  labels: string[];
  docs: JobDocs;
  /**
   * The job's options as the CLI's (model, epochs, alpha, temperature, …; an alpha sweep's `alphas`
   * and `seeds`; a BERT teacher's `source`, …): the table in src/shared/job-options.ts. The worker
   * checks them with validateJobOptions and fills in the defaults.
   */
  options: O;
  /** For distill and alpha-sweep: soft labels by document id (teacher logits or probabilities). */
  teacher?: { kind: 'logits' | 'probs'; byId: Record<string, number[]>; name: string };
  /** For score: the model version to use. */
  modelVersion?: string;
}
/**
 * A job for the worker: one variant per kind, the options typed by the option table (checking
 * `kind` narrows `options`).
 */
export type JobRequest = { [K in JobKind]: JobRequestBase<K, JobOptionsOf<K>> }[JobKind];
/** The request of one kind of job. */
export type JobRequestOf<K extends JobKind> = Extract<JobRequest, { kind: K }>;
/**
 * A job request as it comes off a transport (JSON over HTTP, IPC): the options stay `unknown` until
 * the job router checks them with validateJobOptions(kind, options). Every JobRequest is one.
 */
export type UncheckedJobRequest = JobRequestBase<JobKind, unknown>;

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
  /** A binary-relevance teacher (one binary BERT per label): the weights tried and, per label, the one chosen. */
  binaryRelevance?: { weights: number[]; perLabel: BrLabelSummary[] };
}

/** One label of a binary-relevance teacher: the positive-class weight chosen and its validation F1 (of that label). */
export interface BrLabelSummary {
  label: string;
  weight: number;
  /** NaN travels as null (no validation split). */
  validF1: number | null;
  trainPositives: number;
  validPositives: number;
  /** Every weight tried, with its validation F1. */
  candidates: { weight: number; validF1: number | null }[];
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
  /** The live loop's 'fast-prelabel' job: which model was chosen to order the queue, on the gold set. */
  queueChoice?: QueueChoice;
  files?: string[];
  latency?: LatencyResult;
  sweep?: AlphaSweepSummary;
  /** A BERT teacher run: which kind of teacher it is. */
  teacher?: TeacherSummary;
  /** A 'simulate' run: per-strategy learning curves. */
  simulation?: SimulationResult;
  /** A distill run with self-training rounds (options.selfTrain > 0): each round's pseudo-labels and the student's score. */
  selfTraining?: SelfTrainResult;
  /** An 'audit' run: the documents whose label looks wrong, lowest label quality first. */
  audit?: LabelAuditResult;
}

/** What an 'audit' job returns (worker/audit/label-audit.ts AuditResult; `distillery audit --json`). */
export interface LabelAuditResult {
  n: number;
  folds: number;
  oof_accuracy: number;
  suspects: { id: string; label: string | string[]; suggested: string | string[]; score: number }[];
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

/** A label event, as appended to the project's journal file (one JSON line each): src/shared/label-event.ts. */
export type { LabelEvent } from './label-event';

/** A label event as the journal holds it, with the sequence number the host gave it (1-based, journal order). */
export type JournaledEvent = LabelEvent & { seq: number };

/** One page of `journal.since`: events after a seq, the journal's last seq, and whether more follow. */
export interface JournalPage {
  events: JournaledEvent[];
  lastSeq: number;
  more: boolean;
}

/**
 * Pushed to every client after each journal append that wrote events (serve: a WebSocket frame on
 * /api/events; desktop: JOURNAL_CHANNEL): a replica whose seq is behind `lastSeq` pulls `journal.since`.
 */
export interface JournalNews {
  type: 'journal';
  projectId: string;
  lastSeq: number;
}

/**
 * Pushed to every browser of a served folder (serve: a WebSocket frame on /api/events) after its team
 * changed (an invite, a revoke, a new token): the Annotate view reads team.names again and re-routes,
 * instead of waiting for its next poll. The desktop window changes its team itself and polls.
 */
export interface TeamChanged {
  type: 'team';
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
  rows: {
    id: string;
    text: string;
    /** The final labels (with several annotators: by `rule`, shared/consensus.ts). */
    labels: string[];
    source?: string;
    who?: string;
    at?: string;
    modelVersion?: string;
    probs?: number[];
    probsModelVersion?: string;
    /** Each annotator's labels, where the document has them per annotator. */
    byAnnotator?: LabelsBy;
    rule?: FinalRule;
  }[];
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

/**
 * `share.start`: the desktop app serves its projects to teammates' browsers (src/host/share.ts), as
 * `distillery serve` does: `host` 127.0.0.1 by default (this machine only); another interface (e.g.
 * 0.0.0.0) lets other machines in, each with a member's token. `cert` and `key`: PEM files on this
 * machine, for HTTPS/WSS. `port`: absent = 8765 or the next free one, 0 = any free port.
 */
export interface ShareRequest {
  /**
   * The desktop user's name while sharing (the app's annotator name): the owner of the shared team,
   * so the labels made in the desktop window and the owner's link carry the same name. Default: the
   * name given at start-up, else this machine's user name.
   */
  owner?: string;
  host?: string;
  port?: number;
  cert?: string;
  key?: string;
}

/**
 * Who can reach a shared desktop app: 'local' this machine only; 'network' other machines over HTTPS;
 * 'network-http' other machines over plain HTTP (tokens and labels cross the network unencrypted).
 */
export type ShareExposure = 'local' | 'network' | 'network-http';

/** Whether the desktop app is sharing its projects, and where (`share.status`, `share.start`). */
export interface ShareStatus {
  running: boolean;
  /** The owner (the desktop user): the name the owner link signs in as. */
  owner: string;
  /** `<projects>/team.json`: the same team `distillery serve` keeps for this projects folder. */
  teamFile: string;
  /** While running: the address teammates open (their invite links carry their tokens), no token. */
  url?: string;
  /** While running: the owner's own link (with a token that signs in as the owner): keep it private. */
  ownerUrl?: string;
  host?: string;
  port?: number;
  exposure?: ShareExposure;
  /** What the exposure means, in English (as `distillery serve` prints it). */
  warnings?: string[];
}

// ---------------------------------------------------------------------------------------------
// The call table: every call the UI may make, defined once. The API types below, the IPC client
// (preload), the HTTP client (renderer/api/http-client.ts), the main-process handler (main/ipc.ts)
// and serve mode's dispatcher (host/serve/server.ts) are all derived from it.

/**
 * Which JSON body cap serve mode applies to a call: 'json' (SERVE_LIMITS.maxJsonBytes) or 'bulk'
 * (maxBulkBytes: arguments that grow with the corpus, such as a job's or an export's documents).
 */
export type BodyCap = 'json' | 'bulk';

/**
 * A call that carries a file. Over HTTP its bytes go to POST /api/upload first (streamed to disk)
 * and the call names the upload as `{upload: id}` in their place, so large files never sit in a
 * JSON body. `arg`: the argument carrying the file; `base64Field`: the file is that field of the
 * argument, base64-encoded (the upload replaces the field); without it the argument is the file's
 * text (the upload replaces the argument).
 */
export interface UploadFact {
  arg: number;
  base64Field?: string;
}

/** What the transports need to know of a call, besides its name and types. */
export interface CallFacts {
  body: BodyCap;
  upload?: UploadFact;
  /** The call resolves to nothing (the IPC client turns the wire's null into undefined). */
  void?: true;
  /** Only the desktop app has it (IPC only; group 'desktop'): serve mode knows nothing of it. */
  desktop?: true;
  /**
   * Serve mode: the least role the caller's token must hold (src/shared/roles.ts; absent: any
   * member). The desktop app's user is the owner. shared/call-roles.ts lowers it for some jobs.
   */
  role?: Exclude<Role, 'annotator'>;
}

/** One row of API_TABLE: the facts, plus the argument list A and result R (types only). */
export interface CallSpec<A extends unknown[], R> extends CallFacts {
  readonly __types?: (...args: A) => R;
}

/** A void result must say so (`{void: true}`), anything else must not: checked by the compiler. */
type FactsFor<R> = { body?: BodyCap; role?: CallFacts['role'] } & ([R] extends [void]
  ? { void: true }
  : { void?: never });
type FactsArg<R> = [R] extends [void] ? [facts: FactsFor<R>] : [facts?: FactsFor<R>];

function call<A extends unknown[], R>(...[facts]: FactsArg<R>): CallSpec<A, R> {
  return { body: 'json', ...facts };
}
function fileCall<A extends unknown[], R>(
  upload: UploadFact,
  ...[facts]: FactsArg<R>
): CallSpec<A, R> & { upload: UploadFact } {
  return { body: 'json', ...facts, upload };
}
function desktopCall<A extends unknown[], R>(...[facts]: FactsArg<R>): CallSpec<A, R> & { desktop: true } {
  return { body: 'json', ...facts, desktop: true };
}

type NewProject = Omit<ProjectMeta, 'id' | 'createdAt' | 'folder'>;
type BackupMeta = { reason: BackupReason; docs: number; labeled: number };
type ModelFormat = 'onnx' | 'tfjs' | 'folder';
type Written = { file: string; downloadUrl?: string };

/**
 * Every call, by its wire name "<group>.<method>". Job events (`jobs.subscribe`) are no call: they
 * travel on their own channel (IPC event, WebSocket).
 */
export const API_TABLE = {
  'system.info': call<[], SystemInfo>(),
  'projects.list': call<[], ProjectMeta[]>(),
  'projects.create': call<[p: NewProject], ProjectMeta>({ role: 'owner' }),
  'projects.update': call<[p: ProjectMeta], ProjectMeta>({ role: 'owner' }),
  'corpus.parse': fileCall<[r: ParseCorpusRequest], ParsedCorpus>({ arg: 0, base64Field: 'base64' }, { role: 'owner' }),
  'jobs.start': call<[r: JobRequest], { id: string }>({ body: 'bulk', role: 'owner' }),
  'jobs.cancel': call<[id: string], void>({ void: true, role: 'owner' }),
  'jobs.status': call<[id: string], JobStatus>(),
  /** Appended and flushed before it resolves. */
  'journal.append': call<[projectId: string, events: LabelEvent[]], void>({ body: 'bulk', void: true }),
  'journal.read': call<[projectId: string], LabelEvent[]>(),
  /** The events after seq `afterSeq` (a page of at most 5,000), for a replica to catch up. */
  'journal.since': call<[projectId: string, afterSeq: number], JournalPage>(),
  /** Label counts kept outside IndexedDB, to detect a wiped or damaged database. */
  'journal.sentinel': call<[projectId: string], JournalSentinel | null>(),
  'exports.dataset': call<[r: ExportRequest], Written>({ body: 'bulk', role: 'owner' }),
  'exports.model': call<[projectId: string, modelVersion: string, format: ModelFormat], Written>({ role: 'owner' }),
  /** The files earlier exports wrote (datasets, model zips), newest first: they outlive a reload. */
  'exports.list': call<[projectId: string], ExportedFile[]>(),
  /**
   * Automatic backups of the UI's database, kept in the project folder (the newest few). save writes
   * `data` (a dexie-export-import JSON text) atomically and drops the oldest beyond the limit.
   */
  'backups.save': fileCall<[projectId: string, data: string, meta: BackupMeta], BackupInfo>({ arg: 1 }),
  /** Newest first. */
  'backups.list': call<[projectId: string], BackupInfo[]>(),
  /** The JSON text of one backup. */
  'backups.read': call<[projectId: string, name: string], string>(),
  /** The caller: in serve mode the holder of the request's token; in the desktop app, its user (owner). */
  'team.me': call<[], Principal>(),
  /**
   * The active members' names and roles (revoked ones left out), for any member: the team that routing
   * (shared/routing.ts routingMembers) shares documents among. The desktop app: its one local owner.
   */
  'team.names': call<[], Principal[]>(),
  /** Every member, revoked ones included (never a token or hash). */
  'team.list': call<[], MemberInfo[]>({ role: 'owner' }),
  /** A new member (or a revoked one back) with a new token, shown in this answer only. */
  'team.invite': call<[name: string, role: Role], Invite>({ role: 'owner' }),
  /** Locks a member out at once: their requests get 401 and their open WebSockets close. */
  'team.revoke': call<[name: string], void>({ void: true, role: 'owner' }),
  /**
   * The desktop app shares its projects with teammates' browsers (src/host/share.ts): the serve
   * server on the app's own backend. Desktop only: `distillery serve` and every browser get a CONFIG error.
   */
  'share.start': call<[r?: ShareRequest], ShareStatus>({ role: 'owner' }),
  /** Stops sharing: teammates' connections close; the desktop app goes on. */
  'share.stop': call<[], ShareStatus>({ role: 'owner' }),
  'share.status': call<[], ShareStatus>({ role: 'owner' }),
  /**
   * Shows a file the app wrote (an export) in the system file manager (Electron's
   * shell.showItemInFolder); main checks the path is a file the app wrote.
   */
  'desktop.showItemInFolder': desktopCall<[file: string], void>({ void: true }),
} as const;

type Table = typeof API_TABLE;
/** Every call name in the table, desktop ones included. */
export type CallName = keyof Table;
/** The calls only the desktop app has ("desktop.<method>"). */
export type DesktopCall = { [C in CallName]: Table[C] extends { desktop: true } ? C : never }[CallName];
/** Every call both transports carry: "<group>.<method>" (e.g. "jobs.start"). */
export type ApiCall = Exclude<CallName, DesktopCall>;
/** The calls that take a file (see UploadFact). */
export type UploadCall = { [C in CallName]: Table[C] extends { upload: UploadFact } ? C : never }[CallName];
export type CallArgs<C extends CallName> = Table[C] extends { readonly __types?: (...args: infer A) => unknown }
  ? A
  : never;
export type CallResult<C extends CallName> = Table[C] extends { readonly __types?: (...args: never[]) => infer R }
  ? R
  : never;

type GroupOf<C extends string> = C extends `${infer G}.${string}` ? G : never;
/** Calls C arranged as groups of methods ({jobs: {start, …}}), each method typed by `T[call]`. */
export type Grouped<C extends CallName, T extends { [K in C]: unknown }> = {
  [G in GroupOf<C>]: { [K in C as K extends `${G}.${infer M}` ? M : never]: T[K] };
};
/** Calls C as the async methods the UI calls. */
export type ApiGroups<C extends CallName> = Grouped<C, { [K in C]: (...args: CallArgs<K>) => Promise<CallResult<K>> }>;

/** The API calls without job events: what the backend implements and the transports carry. */
export type HostApi = ApiGroups<ApiCall>;

/** The API the UI calls: every API call, plus job events. */
export interface DistilleryApi extends HostApi {
  jobs: HostApi['jobs'] & {
    /** Progress and completion events; returns an unsubscribe function. */
    subscribe(listener: (s: JobStatus) => void): () => void;
  };
  journal: HostApi['journal'] & {
    /** News of appends (anyone's) to a project's journal; returns an unsubscribe function. */
    subscribe(listener: (n: JournalNews) => void): () => void;
  };
  team: HostApi['team'] & {
    /** News that the team changed (serve mode only); returns an unsubscribe function. */
    subscribe?(listener: (n: TeamChanged) => void): () => void;
  };
}

/**
 * Calls only the desktop app has: the Electron preload adds them to `window.distillery` as the
 * `desktop` group. Serve mode has none (its files are on the server, not on the browser's machine),
 * so the UI shows what needs them only where `api.desktop` exists.
 */
export type DesktopApi = ApiGroups<DesktopCall>['desktop'];

/** What the Electron preload exposes as `window.distillery`. */
export type ElectronApi = DistilleryApi & { desktop: DesktopApi };

/** The API as the renderer holds it: `desktop` only in the desktop app. */
export type AppApi = DistilleryApi & { desktop?: DesktopApi };
