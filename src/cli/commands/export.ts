import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { DistilleryError } from '../../shared/errors';
import type { ModelFiles } from '../../worker/export/model-card';
import { labelsMeta, loadModelFolder } from '../../worker/export/model-folder';
import { readModelCard, writeUsageFiles } from '../../worker/export/usage-files';
import { exportStudentToOnnx } from '../../worker/export/onnx/export-student';
import { saveStudentTfjs } from '../../worker/export/tfjs-format';
import { initBackend } from '../../worker/backend/tfjs-backend';
import { info } from '../progress';
import { writeTeacherOnnxExport } from '../../worker/export/teacher-export';
import { isBertTeacherFolder } from '../../worker/process/bert-teacher-job';

export function exportCommand(): Command {
  return new Command('export')
    .description(
      'Export a trained student: ONNX (onnxruntime, any language) or TensorFlow.js format; or a BERT teacher as ONNX (a binary-relevance teacher as one graph scoring every label).',
    )
    .requiredOption('--model <dir>', 'model folder (student, or teacher folder from `teacher train`)')
    .requiredOption('--format <fmt>', 'onnx | tfjs')
    .requiredOption('--out <path>', 'onnx: the .onnx file to write; tfjs: a folder')
    .action(async (o) => {
      if (await isBertTeacherFolder(o.model)) return exportTeacher(o);
      const m = await loadModelFolder(o.model);
      let dir: string;
      let files: ModelFiles;
      if (o.format === 'onnx') {
        dir = path.dirname(o.out);
        await mkdir(dir, { recursive: true });
        await writeFile(o.out, exportStudentToOnnx(m.config.student, m.params));
        files = { onnx: path.basename(o.out) };
      } else if (o.format === 'tfjs') {
        dir = o.out;
        await initBackend();
        const layout = await saveStudentTfjs(dir, m.config.student, m.params);
        info(`tfjs layout: ${layout}`);
        files = { tfjs: 'model.json' };
      } else {
        throw new DistilleryError('CONFIG', `unknown --format "${o.format}"; valid: onnx, tfjs`, { field: 'format' });
      }
      // The tokenizer and labels travel with the model so that predict works on the export alone.
      // With the spec, the reference tokenizers and the card, the export is usable without Distillery.
      const written = await writeUsageFiles(dir, {
        config: m.config,
        pipeline: m.pipeline.toJSON(),
        sideFiles: m.pipeline.sideFiles(),
        files,
        modelCard: await readModelCard(m.dir),
      });
      await writeFile(path.join(dir, 'labels.json'), JSON.stringify(labelsMeta(m.config), null, 2));
      process.stdout.write(
        JSON.stringify({ format: o.format, out: o.out, files: [...written, path.join(dir, 'labels.json')] }) + '\n',
      );
    });
}

/** A BERT teacher: ONNX only (TensorFlow.js export is for students), side files beside the .onnx. */
async function exportTeacher(o: { model: string; format: string; out: string }): Promise<void> {
  if (o.format !== 'onnx')
    throw new DistilleryError(
      'CONFIG',
      `a BERT teacher exports as ONNX, not as ${JSON.stringify(o.format)} (TensorFlow.js export is for students)`,
      { field: 'format' },
    );
  const dir = path.dirname(o.out);
  await mkdir(dir, { recursive: true });
  const written = await writeTeacherOnnxExport(o.model, dir, path.basename(o.out));
  process.stdout.write(
    JSON.stringify({ format: o.format, out: o.out, files: written.map((f) => path.join(dir, f)) }) + '\n',
  );
}
