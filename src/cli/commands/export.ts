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

export function exportCommand(): Command {
  return new Command('export')
    .description('Export a trained student: ONNX (onnxruntime, any language) or TensorFlow.js format.')
    .requiredOption('--model <dir>', 'model folder')
    .requiredOption('--format <fmt>', 'onnx | tfjs')
    .requiredOption('--out <path>', 'onnx: the .onnx file to write; tfjs: a folder')
    .action(async (o) => {
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
