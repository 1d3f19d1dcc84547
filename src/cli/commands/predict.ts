import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { ModelFolderError } from '../../shared/errors';
import { loadModelFolder } from '../../worker/export/model-folder';
import { openBatchOnnxPredictor, openPredictor, type Predictor } from '../../worker/predict/predictor';
import { documentsOf, predictStream, type PredictModel } from '../../worker/predict/predict-stream';
import { readFile } from 'node:fs/promises';
import { TextPipeline } from '../../worker/text/pipeline';
import { positiveInt } from '../options';
import { info, peakRssMb } from '../progress';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** A model folder, or a bare .onnx file with tokenizer.json and labels.json beside it (what `export --format onnx` writes). */
async function openModel(
  spec: string,
  engine: 'onnx' | 'tfjs' | 'auto',
  threads: number | undefined,
): Promise<{ model: PredictModel; predictor: Predictor }> {
  if (spec.endsWith('.onnx')) {
    const dir = path.dirname(spec);
    const need = ['tokenizer.json', 'labels.json'].filter((f) => !existsSync(path.join(dir, f)));
    if (!existsSync(spec)) throw new ModelFolderError(`${spec} does not exist`, { file: spec });
    if (need.length)
      throw new ModelFolderError(`${spec}: missing ${need.join(', ')} beside it (export writes them)`, { file: spec });
    const pipeline = TextPipeline.fromJSON(JSON.parse(await readFile(path.join(dir, 'tokenizer.json'), 'utf8')), dir);
    const meta = JSON.parse(await readFile(path.join(dir, 'labels.json'), 'utf8'));
    const labels: string[] = Array.isArray(meta) ? meta : meta.labels;
    return {
      model: { pipeline, labels, multiLabel: Boolean(meta.multiLabel), threshold: meta.threshold ?? 0.5 },
      predictor: await openBatchOnnxPredictor(spec, threads),
    };
  }
  const m = await loadModelFolder(spec);
  return {
    model: {
      pipeline: m.pipeline,
      labels: m.config.labels,
      multiLabel: m.config.task === 'multilabel',
      threshold: m.config.threshold,
    },
    predictor: await openPredictor(m, engine, threads, true),
  };
}

export function predictCommand(): Command {
  return new Command('predict')
    .description('Predict labels: one JSON line per input document ({"label", "probs"}), streamed in batches.')
    .requiredOption(
      '--model <dir|file.onnx>',
      'model folder or exported .onnx (repeat for an ensemble: probabilities are averaged)',
      collect,
    )
    .requiredOption('--data <file|->', 'text (one document per line), CSV/TSV/JSONL, or - for stdin')
    .option('--text-col <name>', 'text column for tabular input')
    .option('--encoding <name>', 'input encoding (default: detected)')
    .option('--batch-size <n>', 'documents per batch', positiveInt('--batch-size'), 256)
    .option('--engine <name>', 'onnx | tfjs | auto (onnx where model.onnx exists)', 'auto')
    .option(
      '--threads <n>',
      'cores to use (default: every core), as one single-thread onnxruntime session each; 1 where one predict process runs per core or per partition',
      positiveInt('--threads'),
    )
    .option('--teacher-format', 'write {"id", "probs": {label: p}} lines for `distill --teacher-outputs`')
    .action(async (o) => {
      const opened = [];
      for (const spec of o.model as string[]) opened.push(await openModel(spec, o.engine, o.threads));
      const labels = opened[0].model.labels.join('\u0000');
      if (opened.some((x) => x.model.labels.join('\u0000') !== labels))
        throw new ModelFolderError('ensemble members have different labels', {});
      const t0 = performance.now();
      try {
        const n = await predictStream(
          documentsOf(o.data, { textCol: o.textCol, encoding: o.encoding }),
          opened.map((x) => x.model),
          opened.map((x) => x.predictor),
          process.stdout,
          { batchSize: o.batchSize, teacherFormat: o.teacherFormat },
        );
        const s = (performance.now() - t0) / 1000;
        // CPU time of the whole process (every thread, start-up included): on a shared machine the
        // wall-clock rate is noise, this is not (bench/predict-speed.md).
        const cpu = process.cpuUsage();
        const cpuUsPerDoc = n ? Math.round((cpu.user + cpu.system) / n) : 0;
        info(
          `predicted ${n} documents in ${s.toFixed(2)} s (${(n / s).toFixed(0)}/s) with ${opened.length} model(s) via ${opened[0].predictor.engine}; peak RSS ${peakRssMb()} MB; CPU ${cpuUsPerDoc} µs/doc`,
        );
      } finally {
        for (const x of opened) await x.predictor.dispose();
      }
    });
}
