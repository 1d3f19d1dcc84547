/** What every stage of one pipeline run shares (pipeline-job.ts sets it up; one file per stage reads it). */
import type { CancelToken, ProgressSink } from '../../../shared/progress';
import type { CorpusDoc } from '../../data/read-corpus';
import type { PreparedData, TrainJobOptions } from '../train-job';
import type { PipelineHooks, PipelineOptions } from './types';

export interface PipelineRun {
  o: PipelineOptions;
  /** The students' options (train/distill's) with the split seed: the same for every student. */
  base: TrainJobOptions;
  data: PreparedData;
  /** The rows every model is compared on: the test split, else the validation split. */
  evalDocs: CorpusDoc[];
  splitSeed: number;
  teacherSeed: number;
  teacherMaxLen: number | undefined;
  dirs: { pretrained: string; teacher: string; plain: string; distilled: string };
  files: { teacherOutputs: string; prelabels: string; pretrainTexts: string; json: string; md: string };
  hooks: PipelineHooks;
  cancel?: CancelToken;
  log(m: string): void;
  /** Runs the next stage: announces it, times it, and stops the pipeline if it was cancelled. */
  stage<T>(fn: (progress: ProgressSink | undefined, k: number) => Promise<T>): Promise<T>;
  /** How many stages this run has. */
  total: number;
}
