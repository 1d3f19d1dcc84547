/** config.json of a model folder (model-folder.ts; docs/model-spec.md): what the folder's other files are described by. */
import type { TaskType } from '../../shared/task';
import type { StudentConfig } from '../models/student-config';

export const MODEL_FORMAT = 'distillery-model';

/** How a model was made: enough to reproduce the run. */
export interface TrainingRecord {
  seed: number;
  dataFile?: string;
  dataHash?: string;
  backend: string;
  options: Record<string, unknown>;
  startedAt: string;
  seconds: number;
  samplesPerSecond?: number;
  /** Where soft labels came from when distilled, e.g. "teacher (textcnn ensemble of 5)". */
  teacher?: string;
  /** Set when distilled: the loss weights and which rows carried which labels. */
  distillation?: DistillationRecord;
  /** Set when a final fine-tune phase ran (self-training's --final-finetune): on how many rows (the human labels), how long, how fast. */
  fineTune?: { rows: number; epochs: number; learningRate: number };
  distillery: string;
}

/** How a distilled student was trained (docs/model-spec.md and losses.ts give the loss). */
export interface DistillationRecord {
  teacher: string;
  /** Weight of the distillation term. */
  alpha: number;
  /**
   * α per label source where the rows named their source (the defaults teacher/student 1 and the
   * given ones); a source not listed took `alpha`.
   */
  sourceAlpha?: Record<string, number>;
  /** Temperature ρ of the soft labels; absent for multi-label tasks (BCE against probabilities). */
  temperature?: number;
  /** Training rows with a human label; each also carries the teacher's soft label. */
  humanLabeledRows: number;
  /** Training rows without a human label, trained on the teacher's soft label only (data distillation). */
  teacherOnlyRows: number;
  /** The teacher-outputs file and its hash, when the soft labels came from one (the CLI). */
  teacherOutputs?: string;
  teacherOutputsHash?: string;
}

export interface ModelFolderConfig {
  format: typeof MODEL_FORMAT;
  version: 1;
  task: TaskType;
  labels: string[];
  /** Multi-label decision threshold on probabilities. */
  threshold: number;
  student: StudentConfig;
  training: TrainingRecord;
}
