/**
 * The files that make a student usable from its folder alone, written beside the model by every
 * path that writes one (the model folder, `distillery export`, the app's model export):
 * tokenizer.json (with its spec_version), tokenizer-spec.md, the two reference tokenizers and,
 * when the model has one, model-card.md with its Use section naming the files actually there.
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TextPipelineJSON } from '../text/pipeline';
import type { SideFiles } from '../text/text-option-files';
import { renderUseSection, withUseSection, type ModelFiles } from './model-card';
import type { ModelFolderConfig } from './model-folder-config';
import { REFERENCE_TOKENIZER_FILES, renderTokenizerSpec, TOKENIZER_SPEC_FILE } from './tokenizer-spec';

const REFERENCE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reference');

export interface UsageFilesInput {
  config: ModelFolderConfig;
  pipeline: TextPipelineJSON;
  files: ModelFiles;
  /** Files tokenizer.json names (a user dictionary, a stop-word list), by name (TextPipeline.sideFiles). */
  sideFiles?: SideFiles;
  /** The model card to rewrite for these files; none is written when absent. */
  modelCard?: string;
}

/** Writes the files into dir (which exists) and returns their paths. */
export async function writeUsageFiles(dir: string, u: UsageFilesInput): Promise<string[]> {
  // Files written before spec_version existed follow spec 1.
  const tokenizer: TextPipelineJSON = { ...u.pipeline, spec_version: u.pipeline.spec_version ?? 1 };
  const out = (f: string) => path.join(dir, f);
  await writeFile(out('tokenizer.json'), JSON.stringify(tokenizer));
  const io = { onnxFile: u.files.onnx, labels: u.config.labels, task: u.config.task, threshold: u.config.threshold };
  await writeFile(out(TOKENIZER_SPEC_FILE), renderTokenizerSpec(tokenizer, io));
  for (const f of REFERENCE_TOKENIZER_FILES) await copyFile(path.join(REFERENCE_DIR, f), out(f));
  const written = ['tokenizer.json', TOKENIZER_SPEC_FILE, ...REFERENCE_TOKENIZER_FILES];
  for (const [name, text] of Object.entries(u.sideFiles ?? {})) {
    await writeFile(out(name), text);
    written.push(name);
  }
  if (u.modelCard !== undefined) {
    await writeFile(
      out('model-card.md'),
      withUseSection(u.modelCard, renderUseSection(u.config, u.files, tokenizer.config.mode)),
    );
    written.push('model-card.md');
  }
  return written.map(out);
}

/** The model card of a model folder, or undefined when it has none. */
export async function readModelCard(dir: string): Promise<string | undefined> {
  return readFile(path.join(dir, 'model-card.md'), 'utf8').catch(() => undefined);
}
