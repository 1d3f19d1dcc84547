import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { DistilleryError } from '../../shared/errors';
import { loadModelFolder } from '../../worker/export/model-folder';
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
      const meta = { labels: m.config.labels, task: m.config.task, multiLabel: m.config.task === 'multilabel', threshold: m.config.threshold };
      let dir: string;
      if (o.format === 'onnx') {
        dir = path.dirname(o.out);
        await mkdir(dir, { recursive: true });
        await writeFile(o.out, exportStudentToOnnx(m.config.student, m.params));
      } else if (o.format === 'tfjs') {
        dir = o.out;
        await initBackend();
        const layout = await saveStudentTfjs(dir, m.config.student, m.params);
        info(`tfjs layout: ${layout}`);
      } else {
        throw new DistilleryError('CONFIG', `unknown --format "${o.format}"; valid: onnx, tfjs`, { field: 'format' });
      }
      // The tokenizer and labels travel with the model so that predict works on the export alone.
      await copyFile(path.join(m.dir, 'tokenizer.json'), path.join(dir, 'tokenizer.json'));
      await writeFile(path.join(dir, 'labels.json'), JSON.stringify(meta, null, 2));
      process.stdout.write(JSON.stringify({ format: o.format, out: o.out, files: ['tokenizer.json', 'labels.json'].map((f) => path.join(dir, f)) }) + '\n');
    });
}
