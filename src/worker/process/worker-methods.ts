/** The worker's short calls (see WorkerMethods in src/shared/worker-protocol.ts). */
import { cp, copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ParseCorpusRequest, ParsedCorpus } from '../../shared/api';
import { DistilleryError, InputError } from '../../shared/errors';
import type { WorkerMethod, WorkerMethods } from '../../shared/worker-protocol';
import { initBackend } from '../backend/tfjs-backend';
import { decodeBytes } from '../data/decode';
import { parseTable } from '../data/parse';
import { parseCorpusText, type CorpusDoc } from '../data/read-corpus';
import { LABEL_SOURCES, type LabelSource } from '../../shared/label-event';
import type { ModelFiles } from '../export/model-card';
import { labelsMeta, loadModelFolder } from '../export/model-folder';
import { exportStudentToOnnx } from '../export/onnx/export-student';
import { saveStudentTfjs } from '../export/tfjs-format';
import { readModelCard, writeUsageFiles } from '../export/usage-files';
import { writeTeacherOnnxExport } from '../export/teacher-export';
import { publishFolder } from '../util/publish-folder';
import { isBertTeacherFolder } from './bert-teacher-job';

/** Largest corpus file accepted by parse-corpus (decoded bytes). */
const MAX_CORPUS_BYTES = 512 * 1024 * 1024;

export const methods: { [M in WorkerMethod]: (p: WorkerMethods[M]['params']) => Promise<WorkerMethods[M]['result']> } =
  {
    async info() {
      const b = await initBackend();
      return { backend: b.name, skipped: b.skipped, pid: process.pid };
    },
    async 'parse-corpus'(p: ParseCorpusRequest): Promise<ParsedCorpus> {
      if (!p || typeof p.fileName !== 'string' || typeof p.base64 !== 'string') {
        throw new DistilleryError('CONFIG', 'corpus.parse needs {fileName, base64}', { field: 'base64' });
      }
      return parseCorpusBytes(Buffer.from(p.base64, 'base64'), p);
    },
    async 'parse-corpus-file'({ request, file }) {
      if (!request || typeof request.fileName !== 'string')
        throw new DistilleryError('CONFIG', 'corpus.parse needs a fileName', { field: 'fileName' });
      if ((await stat(file)).size > MAX_CORPUS_BYTES) throw tooLarge(request.fileName);
      return parseCorpusBytes(await readFile(file), request);
    },
    async 'export-model'(p) {
      if (await isBertTeacherFolder(p.modelDir)) return exportBertTeacher(p);
      const m = await loadModelFolder(p.modelDir);
      return publishExport(p.outDir, async (partial) => {
        if (p.format === 'folder') {
          await cp(p.modelDir, partial, { recursive: true });
          return '';
        }
        let main = '';
        let files: ModelFiles = {};
        if (p.format === 'onnx') {
          main = `${p.baseName}.onnx`;
          if (m.onnxPath) await copyFile(m.onnxPath, path.join(partial, main));
          else await writeFile(path.join(partial, main), exportStudentToOnnx(m.config.student, m.params));
          files = { onnx: main };
        } else if (p.format === 'tfjs') {
          await initBackend();
          await saveStudentTfjs(partial, m.config.student, m.params);
          files = { tfjs: 'model.json' };
        } else {
          throw new DistilleryError(
            'CONFIG',
            `unknown model export format ${JSON.stringify(p.format)}; valid: onnx, tfjs, folder`,
            { field: 'format' },
          );
        }
        // What `distillery predict` needs beside an exported model (as `distillery export` writes).
        // The card's Use section names this export's files (`<version>.onnx`, not the folder's model.onnx).
        await writeUsageFiles(partial, {
          config: m.config,
          pipeline: m.pipeline.toJSON(),
          sideFiles: m.pipeline.sideFiles(),
          files,
          modelCard: await readModelCard(m.dir),
        });
        await writeFile(path.join(partial, 'labels.json'), JSON.stringify(labelsMeta(m.config), null, 2));
        await copyFile(path.join(m.dir, 'metrics.json'), path.join(partial, 'metrics.json')).catch(() => {});
        return main;
      });
    },
  };

/** A BERT teacher (Hugging Face folder + model.onnx, or binary relevance: one per label): as ONNX with its tokenizer files (teacher-export.ts), or the whole folder; TensorFlow.js export is for students. */
async function exportBertTeacher(
  p: WorkerMethods['export-model']['params'],
): Promise<WorkerMethods['export-model']['result']> {
  if (p.format !== 'onnx' && p.format !== 'folder') {
    throw new DistilleryError(
      'CONFIG',
      `a BERT teacher exports as ONNX or as its Hugging Face folder, not as ${JSON.stringify(p.format)} (TensorFlow.js export is for students)`,
      { field: 'format' },
    );
  }
  return publishExport(p.outDir, async (partial) => {
    if (p.format === 'folder') {
      await cp(p.modelDir, partial, { recursive: true });
      return '';
    }
    const main = `${p.baseName}.onnx`;
    await writeTeacherOnnxExport(p.modelDir, partial, main);
    return main;
  });
}

/** An export written through publishFolder (no partial folder, no half-replaced export), with its file list. */
async function publishExport(
  outDir: string,
  fill: (partial: string) => Promise<string>,
): Promise<WorkerMethods['export-model']['result']> {
  const main = await publishFolder(outDir, fill, 'replace');
  const files = (await readdir(outDir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  return { file: main ? path.join(outDir, main) : outDir, files };
}

function tooLarge(fileName: string): InputError {
  return new InputError('INPUT_PARSE', `${fileName}: the file is larger than ${MAX_CORPUS_BYTES >> 20} MB`, {
    file: fileName,
  });
}

/** A document as the import view gets it: its label's provenance and pre-label where the file gives them. */
function parsedDoc(d: CorpusDoc): ParsedCorpus['docs'][number] {
  const out: ParsedCorpus['docs'][number] = { id: d.id, text: d.text, labels: d.labels, line: d.line };
  if (d.source && (LABEL_SOURCES as readonly string[]).includes(d.source)) out.source = d.source as LabelSource;
  if (d.who !== undefined) out.who = d.who;
  if (d.at !== undefined) out.at = d.at;
  if (d.modelVersion !== undefined) out.modelVersion = d.modelVersion;
  if (d.prediction !== undefined) out.prediction = d.prediction;
  if (d.annotators !== undefined) out.annotators = d.annotators;
  if (d.rule !== undefined) out.rule = d.rule;
  return out;
}

/** A corpus file's bytes → the documents and columns the import view shows. */
function parseCorpusBytes(bytes: Buffer, p: Omit<ParseCorpusRequest, 'base64'>): ParsedCorpus {
  if (bytes.length > MAX_CORPUS_BYTES) throw tooLarge(p.fileName);
  const decoded = decodeBytes(bytes, p.fileName, { encoding: p.encoding || undefined });
  const corpus = parseCorpusText(decoded.text, p.fileName, {
    textCol: p.textCol || undefined,
    labelCol: p.labelCol || undefined,
    dedupe: p.dedupe,
    encoding: decoded.encoding,
  });
  // The column list for the mapping UI (the importer keeps only the chosen columns).
  const columns = parseTable(decoded.text, p.fileName, corpus.format).columns;
  return {
    columns,
    textColumn: corpus.textColumn,
    ...(corpus.labelColumn ? { labelColumn: corpus.labelColumn } : {}),
    encoding: corpus.encoding,
    format: corpus.format,
    docs: corpus.docs.map(parsedDoc),
    duplicatesRemoved: corpus.duplicatesRemoved,
    skippedEmpty: corpus.skippedEmpty,
    labels: corpus.labels,
    multiLabel: corpus.multiLabel,
    warnings: [...decoded.warnings, ...(corpus.warnings ?? [])],
  };
}
