/** The options, hooks and report of `distillery pipeline` (pipeline-job.ts runs it, one file per stage in this folder). */
import type { MetricsEvidence } from '../../../shared/metrics';
import type { ProgressSink } from '../../../shared/progress';
import type { SourceWeights } from '../../../shared/source-weights';
import type { TaskType } from '../../../shared/task';
import type { TrainJobOptions } from '../train-job';

export type TeacherSource =
  /** Fine-tune this Hugging Face BERT folder. */
  | { kind: 'model-dir'; dir: string }
  /** Pre-train a small BERT by masked LM on the data's texts, then fine-tune it. */
  | { kind: 'pretrain' }
  /** K students of `arch` with seeds 1..K, probabilities averaged. */
  | { kind: 'ensemble'; size: number; arch: string; epochs?: number }
  /** An already-trained teacher folder: fine-tuned BERT, student model folder or ensemble folder. */
  | { kind: 'existing'; dir: string };

export interface TeacherTrainSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Default: min(128, the model's max_position_embeddings); with --pretrain also the pre-trained model's positions. */
  maxLen?: number;
  patience: number;
  /** Default: the student seed. */
  seed?: number;
}

export interface PretrainSettings {
  layers: number;
  hidden: number;
  heads: number;
  intermediate?: number;
  vocabSize: number;
  minFreq: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
}

export interface LatencySettings {
  /** Test documents timed per model (the first N of the test split). */
  docs: number;
  batchSizes: number[];
  /** onnxruntime intra-op threads (default: every core). */
  threads?: number;
}

/** The student options are train/distill's; `out` is the pipeline folder. */
export interface PipelineOptions extends Omit<
  TrainJobOptions,
  'out' | 'teacherOutputs' | 'teacherName' | 'useUnlabeled' | 'alpha' | 'temperature'
> {
  out: string;
  teacher: TeacherSource;
  teacherTrain: TeacherTrainSettings;
  pretrain: PretrainSettings;
  alpha: number;
  temperature: number;
  /** Distil on rows without a human label too, from the teacher's soft labels (default true). */
  useUnlabeled: boolean;
  /** Student seeds seed..seed+runs-1 (mean ± std); the first run's models are saved and timed. */
  runs: number;
  latency: LatencySettings;
}

export interface PipelineHooks {
  /** A stage starts (k of total). */
  onStage?(k: number, total: number, name: string): void;
  /** A progress sink for stage k (part: e.g. "member 2/5", "run 3/5"). */
  progress?(k: number, total: number, part?: string): ProgressSink | undefined;
  /** Lines worth showing: warnings, what a stage found. */
  log?(msg: string): void;
}

export type PipelineRole = 'teacher' | 'plain' | 'distilled';

export interface PipelineRow {
  role: PipelineRole;
  name: string;
  /** What the model is, e.g. the teacher's kind or the student architecture. */
  kind: string;
  /** Folder, relative to the pipeline folder. */
  dir: string;
  params: number;
  /** float32 parameters in MB (MiB), as train reports it. */
  size_mb: number;
  onnx_mb: number;
  /** Headline metrics on the evaluation rows, through onnxruntime: accuracy + macro_f1, or micro_f1 + macro_f1 (multi-label). */
  metrics: Record<string, number>;
  /** n, the 95 % intervals, the macro rule and warnings of those metrics. */
  evidence?: Partial<MetricsEvidence>;
  /** Over --runs seeds (students, runs > 1): mean ± std as the training code evaluated them. */
  runs?: Record<string, { mean: number; std: number; n: number }>;
  /** Milliseconds per document at each batch size ("1", "32"): tokenization + onnxruntime; median over calls. */
  latency_ms_per_doc: Record<string, number>;
  /** CPU milliseconds per document (this process, all threads) at each batch size: not disturbed by other processes. */
  cpu_ms_per_doc: Record<string, number>;
}

export interface PipelineReport {
  title: string;
  created_at: string;
  distillery: string;
  data: string;
  data_hash: string;
  test_data?: string;
  task: TaskType;
  labels: string[];
  teacher: {
    source: TeacherSource['kind'];
    kind: string;
    /** One plain sentence: which kind of teacher produced the soft labels. */
    description: string;
    dir: string;
    base?: string;
    seeds?: number[];
    /** Encoder shape for BERT teachers. */
    shape?: string;
    split_note?: string;
  };
  split: {
    seed: number;
    train: number;
    valid: number;
    test: number;
    evaluated_on: 'test' | 'valid';
    evaluated_rows: number;
    unlabeled: number;
    unlabeled_used: number;
  };
  seeds: { students: number[]; split: number; teacher: number | number[] };
  /** `source_alpha`: α per label source (with --source-col), the defaults and the given ones. */
  distillation: { alpha: number; source_alpha?: SourceWeights; temperature: number; use_unlabeled: boolean };
  config: Record<string, unknown>;
  backend: { training: string; inference: string; threads: number | 'all cores' };
  latency: { docs: number; batch_sizes: number[]; measures: string };
  rows: PipelineRow[];
  stages: { name: string; seconds: number }[];
  files: Record<string, string>;
  cancelled: boolean;
}

export interface PipelineResult {
  report: PipelineReport;
  reportJson: string;
  reportMd: string;
}
