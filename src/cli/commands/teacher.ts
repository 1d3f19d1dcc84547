import { Command } from 'commander';
import { CancelledError } from '../../shared/errors';
import { isMultiLabelMetrics } from '../../shared/metrics';
import { describeTeacher, readTeacherInfo, runTeacherPredict, runTeacherTrain, TEACHER_DEFAULTS, TEACHER_KIND } from '../../worker/jobs/teacher-job';
import { announceBackend } from '../backend-info';
import { sigintCancel } from '../cancel';
import { fraction, int, num, positiveInt } from '../options';
import { info, stderrProgress } from '../progress';

function teacherTrainCommand(): Command {
  return new Command('train')
    .description('Fine-tune a local Hugging Face BERT folder on labeled data; writes a HF folder + model.onnx + teacher.json.')
    .requiredOption('--model-dir <dir>', 'Hugging Face BERT folder (config.json, vocab.txt, model.safetensors)')
    .requiredOption('--data <file>', 'labeled corpus: CSV, TSV, JSONL or text')
    .requiredOption('--out <dir>', 'folder to write the fine-tuned teacher to')
    .option('--text-col <name>', 'text column (default: found by name)')
    .option('--label-col <name>', 'label column (default: found by name); multi-label cells as a|b or a JSON array')
    .option('--id-col <name>', 'document id column (default: row number)')
    .option('--encoding <name>', 'input encoding (default: detected)')
    .option('--epochs <n>', 'epochs', positiveInt('--epochs'), TEACHER_DEFAULTS.epochs)
    .option('--batch-size <n>', 'batch size', positiveInt('--batch-size'), TEACHER_DEFAULTS.batchSize)
    .option('--lr <x>', 'peak AdamW learning rate (linear warm-up and decay)', num('--lr'), TEACHER_DEFAULTS.learningRate)
    .option('--max-len <n>', 'tokens per text including [CLS] and [SEP]', positiveInt('--max-len'), TEACHER_DEFAULTS.maxLen)
    .option('--seed <n>', 'random seed (head initialisation, order, dropout; also the split unless --split-seed)', int('--seed'), TEACHER_DEFAULTS.seed)
    .option('--split-seed <n>', 'seed of the train/valid/test split (use the students\' to compare)', int('--split-seed'))
    .option('--valid-split <f>', 'fraction held out for validation', fraction('--valid-split'), TEACHER_DEFAULTS.validSplit)
    .option('--test-split <f>', 'fraction held out for the test', fraction('--test-split'), TEACHER_DEFAULTS.testSplit)
    .option('--patience <n>', 'early stopping: epochs without validation gain (0 = off)', int('--patience'), TEACHER_DEFAULTS.patience)
    .option('--threshold <p>', 'multi-label decision threshold', num('--threshold'), TEACHER_DEFAULTS.threshold)
    .option('--backend <name>', 'tensorflow-gpu | tensorflow | wasm | cpu (default: best available)')
    .action(async (o) => {
      const cancel = sigintCancel();
      try {
        info(`distillery teacher train: ${o.modelDir} on ${o.data}`);
        await announceBackend(o.backend);
        const progress = stderrProgress();
        const r = await runTeacherTrain(
          {
            modelDir: o.modelDir,
            data: o.data,
            out: o.out,
            textCol: o.textCol,
            labelCol: o.labelCol,
            idCol: o.idCol,
            encoding: o.encoding,
            epochs: o.epochs,
            batchSize: o.batchSize,
            learningRate: o.lr,
            maxLen: o.maxLen,
            seed: o.seed,
            splitSeed: o.splitSeed,
            validSplit: o.validSplit,
            testSplit: o.testSplit,
            patience: o.patience,
            threshold: o.threshold,
            backend: o.backend,
          },
          progress,
          cancel,
        );
        progress.done();
        for (const w of r.warnings) info(`warning: ${w}`);
        const m = r.metrics;
        const headline = isMultiLabelMetrics(m) ? { micro_f1: m.micro_f1, macro_f1: m.macro_f1 } : { accuracy: m.accuracy, macro_f1: m.macro_f1 };
        process.stdout.write(
          JSON.stringify({
            teacher: TEACHER_KIND,
            base: r.info.base,
            out: r.outDir,
            task: r.info.task,
            labels: r.info.labels,
            ...headline,
            evaluated_on: r.evaluatedOn,
            best_epoch: r.bestEpoch,
            epochs_run: r.history.length,
            cancelled: r.cancelled,
            params: r.paramCount,
            seconds: Number(r.seconds.toFixed(2)),
            samples_per_second: Number(r.trainSamplesPerSecond.toFixed(1)),
            backend: r.backend,
            sizes: r.sizes,
            max_len: r.info.maxLen,
            seed: r.info.seed,
          }) + '\n',
        );
        const [k, v] = Object.entries(headline)[0];
        info(`${r.cancelled ? 'cancelled; saved the weights so far — ' : ''}teacher ${k} on ${r.evaluatedOn}: ${(100 * v).toFixed(2)}; wrote ${r.outDir}`);
      } finally {
        cancel.dispose();
      }
    });
}

function teacherPredictCommand(): Command {
  return new Command('predict')
    .description('Score every row of a data file with a fine-tuned teacher (onnxruntime); writes {"id", "logits"} JSONL for `distill --teacher-outputs`.')
    .requiredOption('--model <dir>', 'teacher folder written by `teacher train` (model.onnx, vocab.txt, config.json)')
    .requiredOption('--data <file>', 'corpus to score: CSV, TSV, JSONL or text (the same file `distill --data` gets)')
    .requiredOption('--out <file>', 'JSONL file to write')
    .option('--text-col <name>', 'text column (default: found by name)')
    .option('--id-col <name>', 'document id column (default: row number; use the same as distill)')
    .option('--encoding <name>', 'input encoding (default: detected)')
    .option('--batch-size <n>', 'rows per ONNX run', positiveInt('--batch-size'), 64)
    .option('--max-len <n>', 'tokens per text (default: teacher.json\'s maxLen)', positiveInt('--max-len'))
    .action(async (o) => {
      info(describeTeacher(o.model, await readTeacherInfo(o.model)));
      const cancel = sigintCancel();
      try {
        const progress = stderrProgress();
        const r = await runTeacherPredict(
          { model: o.model, data: o.data, out: o.out, textCol: o.textCol, idCol: o.idCol, encoding: o.encoding, batchSize: o.batchSize, maxLen: o.maxLen },
          progress,
          cancel,
        );
        progress.done();
        info(`scored ${r.rows} rows (${r.numLabels} logits each) in ${r.seconds.toFixed(2)} s (${(r.rows / r.seconds).toFixed(0)}/s) via onnxruntime; wrote ${o.out}`);
        if (r.cancelled) throw new CancelledError(`cancelled after ${r.rows} rows; ${o.out} is partial`);
      } finally {
        cancel.dispose();
      }
    });
}

export function teacherCommand(): Command {
  const c = new Command('teacher').description('Fine-tune a BERT teacher and score data with it for distillation.');
  for (const sub of [teacherTrainCommand(), teacherPredictCommand()]) c.addCommand(sub.exitOverride());
  return c;
}
