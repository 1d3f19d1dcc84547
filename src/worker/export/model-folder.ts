/**
 * The model folder: everything needed to use a trained student without Distillery's training code.
 *
 *   config.json      student config (docs/model-spec.md), labels, task, threshold, training record
 *   tokenizer.json   the fitted text pipeline (normalisation, tokenizer, vocabulary, max length)
 *   tokenizer-spec.md, reference-tokenizer.mjs, reference_tokenizer.py   text → ids without Distillery
 *   labels.json      label names in class-index order
 *   weights/         exact parameters (tfjs weights manifest: weights/model.json + weights.bin)
 *   model.onnx       the same function for onnxruntime (input_ids int64 [batch, T])
 *   metrics.json     evaluation metrics and training history
 *   model-card.md    what it is, how it was trained, how well it does
 */
import { readModelJson } from '../util/read-model-json';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelFolderError } from '../../shared/errors';
import type { TaskType } from '../../shared/task';
import { initBackend } from '../backend/tfjs-backend';
import type { StudentParams } from '../models/student-config';
import { TextPipeline } from '../text/pipeline';
import { exportStudentToOnnx } from './onnx/export-student';
import { loadStudentWeightsTfjs, saveDistilleryWeights } from './tfjs-format';
import { MODEL_FORMAT, type ModelFolderConfig } from './model-folder-config';
import { writeUsageFiles } from './usage-files';

export const REQUIRED_FILES = [
  'config.json',
  'tokenizer.json',
  'labels.json',
  'weights/model.json',
  'weights/weights.bin',
] as const;

// The config types live in model-folder-config.ts (the model card and usage files read them, and this file writes those); kept importable from here.
export {
  MODEL_FORMAT,
  type DistillationRecord,
  type ModelFolderConfig,
  type TrainingRecord,
} from './model-folder-config';

export interface LoadedModel {
  dir: string;
  config: ModelFolderConfig;
  params: StudentParams;
  pipeline: TextPipeline;
  onnxPath?: string;
}

export interface SaveModelInput {
  config: ModelFolderConfig;
  params: StudentParams;
  pipeline: TextPipeline;
  metrics?: Record<string, unknown>;
  modelCard?: string;
  /** Write model.onnx too (default true). */
  onnx?: boolean;
}

export async function saveModelFolder(dir: string, m: SaveModelInput): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(m.config, null, 2));
  await writeFile(path.join(dir, 'labels.json'), JSON.stringify(m.config.labels, null, 2));
  await saveDistilleryWeights(path.join(dir, 'weights'), m.config.student, m.params);
  const onnx = m.onnx !== false;
  if (onnx) await writeFile(path.join(dir, 'model.onnx'), exportStudentToOnnx(m.config.student, m.params));
  if (m.metrics) await writeFile(path.join(dir, 'metrics.json'), JSON.stringify(m.metrics, null, 2));
  await writeUsageFiles(dir, {
    config: m.config,
    pipeline: m.pipeline.toJSON(),
    files: onnx ? { onnx: 'model.onnx' } : {},
    sideFiles: m.pipeline.sideFiles(),
    modelCard: m.modelCard,
  });
}

/** labels.json of an exported model (the model folder's own labels.json is the plain list). */
export function labelsMeta(c: ModelFolderConfig): {
  labels: string[];
  task: TaskType;
  multiLabel: boolean;
  threshold: number;
} {
  return { labels: c.labels, task: c.task, multiLabel: c.task === 'multilabel', threshold: c.threshold };
}

/** Loads a model folder, naming every missing or unreadable file. */
export async function loadModelFolder(dir: string): Promise<LoadedModel> {
  if (!existsSync(dir)) throw new ModelFolderError(`model folder ${dir} does not exist`, { file: dir });
  const missing = REQUIRED_FILES.filter((f) => !existsSync(path.join(dir, f)));
  if (missing.length) {
    throw new ModelFolderError(`model folder ${dir} is incomplete: missing ${missing.join(', ')}`, {
      file: dir,
      missing,
    });
  }
  const config = (await readModelJson(path.join(dir, 'config.json'))) as ModelFolderConfig;
  if (config.format !== MODEL_FORMAT) {
    throw new ModelFolderError(
      `${path.join(dir, 'config.json')}: not a Distillery model (format "${String(config.format)}")`,
      {
        file: path.join(dir, 'config.json'),
        field: 'format',
      },
    );
  }
  const pipeline = TextPipeline.fromJSON(await readModelJson(path.join(dir, 'tokenizer.json')), dir);
  // Decoding the weights creates tensors: choose the backend first (else tfjs silently picks 'cpu').
  await initBackend();
  let weights;
  try {
    weights = await loadStudentWeightsTfjs(path.join(dir, 'weights'));
  } catch (e) {
    throw new ModelFolderError(`${path.join(dir, 'weights')}: ${(e as Error).message}`, {
      file: path.join(dir, 'weights'),
    });
  }
  const onnxPath = path.join(dir, 'model.onnx');
  return { dir, config, params: weights.params, pipeline, onnxPath: existsSync(onnxPath) ? onnxPath : undefined };
}
