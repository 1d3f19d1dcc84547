/** Rows of the renderer's Dexie database (no Dexie import here: pure types, usable in Node tests). */
import type { JobKind, JobResult, JobState, LabelEvent, ProjectMeta } from '../../shared/api';
import type { FinalRule } from '../../shared/consensus';
import type { WireError } from '../../shared/errors';
import type { Progress } from '../../shared/progress';
import type { LiveLoopSetting, QueueModel } from '../queue/live-loop';
import type { Strategy } from '../queue/strategies';
import type { TeacherDescriptor } from '../state/teacher-kind';

export type LabelSource = LabelEvent['source'];

export interface ProjectRow extends ProjectMeta {
  /** Active-learning strategy of the annotation queue. */
  strategy: Strategy;
  /** Model whose probabilities are stored on the documents (the latest trained teacher). */
  teacherVersion?: string;
  /** Which kind of teacher `teacherVersion` is (a student architecture, a fine-tuned BERT, a BERT pre-trained here). */
  teacherKind?: TeacherDescriptor;
  /** Latest distilled student. */
  studentVersion?: string;
  /** The live loop's setting (absent: LIVE_LOOP_DEFAULT, on, every 20 labels). */
  liveLoop?: LiveLoopSetting;
  /** The model whose scores ordered the queue last (naive Bayes of the live loop, or a teacher). */
  queueModel?: QueueModel;
  /** Gold set size (db/gold.ts GOLD_DEFAULTS when absent). */
  goldFraction?: number;
  goldCap?: number;
  /** Loss weight per label origin for training (shared/source-weights.ts defaults when absent). */
  sourceWeights?: Record<string, number>;
  /** The journal seq this replica has applied up to (state/sync.ts pulls journal.since from it). */
  syncedSeq?: number;
  /** Distillation α per label origin (shared/source-weights.ts DEFAULT_SOURCE_ALPHA when absent; an origin not named takes the run's α). */
  sourceAlpha?: Record<string, number>;
}

export interface DocRow {
  projectId: string;
  /** Document id, unique within its project. */
  id: string;
  text: string;
  /** Final labels (shared/consensus.ts: what training, the gold set and exports use); [] = not labeled yet. */
  labels: string[];
  /** 1 when labels is non-empty (IndexedDB cannot index booleans). */
  isLabeled: 0 | 1;
  /** Provenance of `labels`. */
  source?: LabelSource;
  who?: string;
  at?: string;
  /** The model version whose pre-label was accepted as `labels`; absent for a person's (and imported, rule) labels. */
  labelModelVersion?: string;
  /** Model version that produced `probs` and `suggestion` (not the labels': a model may score a document long after a person labeled it). */
  modelVersion?: string;
  /** Model probabilities in the project's label order. */
  probs?: number[];
  /** The model's predicted labels. */
  suggestion?: string[];
  /** Confidence of the suggestion in [0, 1]; absent until the model scored the document. */
  confidence?: number;
  /** Queue priority under the project's strategy: higher comes first. */
  queueScore: number;
  /** Import that created the row (rolled back as a whole when it fails). */
  importId?: string;
  /** Line of the source file. */
  line?: number;
  /** Re-created from the journal without its text; the next import of the file fills it in. */
  missingText?: 1;
  /** How a person's label was made, where it matters for its training weight: came with an imported file, or corrected a pre-label / an earlier label. */
  labelVia?: 'import' | 'correct';
  /** In the project's fixed gold set (db/gold.ts): 1 = held out, never trained on; 0 = taken out by a person, never drawn again. */
  gold?: 0 | 1;
  /** Set aside by an annotator ("ignore"): out of the queues until restored. Reversible. */
  ignored?: { reason: string; who: string; at: string };
  /** Each annotator's current labels (shared/consensus.ts perAnnotator); `labels` are the final ones. */
  byAnnotator?: Record<string /*who*/, { labels: string[]; source: LabelSource; at: string }>;
  /** The rule that made `labels` final (shared/consensus.ts). */
  finalRule?: FinalRule;
  /** False = annotators disagree and nobody adjudicated. */
  agree?: boolean;
}

/** One label event (also appended to the backend journal); `journaled` = 1 once it was. */
export interface EventRow extends LabelEvent {
  /** Local order (Dexie's key); not the journal's. */
  seq?: number;
  /** The journal's seq for the event, once this replica has seen it in journal.since. */
  journalSeq?: number;
  projectId: string;
  journaled: 0 | 1;
  /** The document's text, so that a wiped database can be rebuilt from the journal alone. */
  text?: string;
}

export interface ImportRow {
  id: string;
  projectId: string;
  fileName: string;
  state: 'pending' | 'done';
  startedAt: string;
  count: number;
}

export interface JobRow {
  id: string;
  projectId: string;
  kind: JobKind;
  state: JobState;
  options: Record<string, unknown>;
  startedAt: string;
  finishedAt?: string;
  progress?: Progress;
  /** Points of the live curve: one per progress event that carried metrics. */
  curve: { x: number; metrics: Record<string, number>; key?: string }[];
  result?: JobResult;
  error?: WireError;
  /** Scores of the result were written to the documents. */
  applied?: boolean;
  labeledCount: number;
  /** What the run was tested on when it was the project's gold set: size and label origins ("n = 40 gold, human"). */
  testSet?: { n: number; origins: string[]; gold: true };
}
