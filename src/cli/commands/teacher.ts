import { Command } from 'commander';
import { CancelledError, DistilleryError } from '../../shared/errors';
import { isMultiLabelMetrics } from '../../shared/metrics';
import { BR_WEIGHT_GRID, validateWeightGrid } from '../../worker/teacher/train/binary-relevance';
import { TEACHER_PRETRAIN_OPTIONS, TEACHER_TRAIN_OPTIONS } from '../../shared/job-options';
import { describeTeacher, readTeacherInfo, runTeacherPredict, runTeacherTrain } from '../../worker/jobs/teacher-job';
import { runTeacherPretrain } from '../../worker/jobs/teacher-pretrain-job';
import { announceBackend } from '../backend-info';
import { sigintCancel } from '../cancel';
import { addDataOptions, BACKEND_OPTION, numList, positiveInt, tableOption } from '../options';
import { info, peakRssMb, stderrProgress } from '../progress';

function teacherTrainCommand(): Command {
  return addDataOptions(
    new Command('train')
      .description(
        'Fine-tune a local Hugging Face BERT folder on labeled data; writes a HF folder + model.onnx + teacher.json (with --binary-relevance: a label-<i>/ folder per label + teacher.json).',
      )
      .requiredOption('--model-dir <dir>', 'Hugging Face BERT folder (config.json, vocab.txt, model.safetensors)')
      .requiredOption('--data <file>', 'labeled corpus: CSV, TSV, JSONL or text')
      .requiredOption('--out <dir>', 'folder to write the fine-tuned teacher to'),
  )
    .addOption(tableOption(TEACHER_TRAIN_OPTIONS, 'epochs'))
    .addOption(tableOption(TEACHER_TRAIN_OPTIONS, 'batchSize'))
    .addOption(tableOption(TEACHER_TRAIN_OPTIONS, 'learningRate'))
    .addOption(tableOption(TEACHER_TRAIN_OPTIONS, 'maxLen'))
    .addOption(tableOption(TEACHER_TRAIN_OPTIONS, 'seed'))
    .addOption(tableOption(TEACHER_TRAIN_OPTIONS, 'splitSeed'))
    .addOption(tableOption(TEACHER_TRAIN_OPTIONS, 'validSplit'))
    .addOption(tableOption(TEACHER_TRAIN_OPTIONS, 'testSplit'))
    .addOption(tableOption(TEACHER_TRAIN_OPTIONS, 'patience'))
    .addOption(tableOption(TEACHER_TRAIN_OPTIONS, 'threshold'))
    .addOption(tableOption(TEACHER_TRAIN_OPTIONS, 't2s'))
    .addOption(tableOption(TEACHER_TRAIN_OPTIONS, 'truncate'))
    .option(...BACKEND_OPTION)
    .option(
      '--binary-relevance',
      'multi-label data only: one binary BERT per label, each with its positive-class weight chosen on validation (digest B); costs labels × weights fine-tuning runs',
    )
    .option(
      '--br-weights <list>',
      `positive-class weights to try per label, e.g. 1 for one run per label (default ${BR_WEIGHT_GRID.join(',')})`,
      numList('--br-weights'),
    )
    .action(async (o) => {
      if (o.brWeights && !o.binaryRelevance)
        throw new DistilleryError('CONFIG', '--br-weights needs --binary-relevance', { field: 'br-weights' });
      const brWeights = o.binaryRelevance ? validateWeightGrid(o.brWeights ?? BR_WEIGHT_GRID) : undefined;
      const cancel = sigintCancel();
      try {
        info(`distillery teacher train: ${o.modelDir} on ${o.data}`);
        if (brWeights)
          info(
            `binary relevance: one model per label × ${brWeights.length} class weight${brWeights.length > 1 ? 's' : ''} (${brWeights.join(', ')}) = ${brWeights.length} fine-tuning runs per label`,
          );
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
            binaryRelevance: !!o.binaryRelevance,
            brWeights,
            t2s: o.t2s,
            truncate: o.truncate,
          },
          progress,
          cancel,
        );
        progress.done();
        info(`tokenizer: ${r.tokenizer}`);
        for (const w of r.warnings) info(`warning: ${w}`);
        const m = r.metrics;
        const headline = isMultiLabelMetrics(m)
          ? { micro_f1: m.micro_f1, macro_f1: m.macro_f1 }
          : { accuracy: m.accuracy, macro_f1: m.macro_f1 };
        const br = r.info.binaryRelevance;
        if (br) {
          process.stdout.write(
            JSON.stringify({
              teacher: r.info.kind,
              base: r.info.base,
              out: r.outDir,
              task: r.info.task,
              labels: r.info.labels,
              ...headline,
              evaluated_on: r.evaluatedOn,
              weights_tried: br.weights,
              per_label: br.perLabel.map((x) => ({
                label: x.label,
                folder: x.folder,
                weight: x.weight,
                valid_f1: x.validF1,
                train_positives: x.trainPositives,
              })),
              runs: r.runs,
              params: r.paramCount,
              seconds: Number(r.seconds.toFixed(2)),
              samples_per_second: Number(r.trainSamplesPerSecond.toFixed(1)),
              backend: r.backend,
              sizes: r.sizes,
              max_len: r.info.maxLen,
              seed: r.info.seed,
            }) + '\n',
          );
          for (const x of br.perLabel)
            info(`  ${x.label}: weight ${x.weight}, validation F1 ${(100 * x.validF1).toFixed(2)} → ${x.folder}/`);
          info(
            `binary-relevance teacher (${r.runs} runs) micro-F1 on ${r.evaluatedOn}: ${(100 * m.micro_f1).toFixed(2)}, macro-F1 ${(100 * m.macro_f1).toFixed(2)}; wrote ${r.outDir}`,
          );
          return;
        }
        process.stdout.write(
          JSON.stringify({
            teacher: r.info.kind,
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
        info(
          `${r.cancelled ? 'cancelled; saved the weights so far — ' : ''}teacher ${k} on ${r.evaluatedOn}: ${(100 * v).toFixed(2)}; wrote ${r.outDir}`,
        );
      } finally {
        cancel.dispose();
      }
    });
}

function teacherPretrainCommand(): Command {
  return new Command('pretrain')
    .description(
      'Pre-train a small BERT from scratch by masked-language modelling on the texts of a data file (no labels read), ' +
        'for when no pre-trained checkpoint is at hand; writes a Hugging Face folder for `teacher train --model-dir`.',
    )
    .requiredOption('--data <file>', 'texts: CSV, TSV, JSONL or plain text (one per line)')
    .requiredOption('--out <dir>', 'folder to write the pre-trained model to')
    .option('--text-col <name>', 'text column (default: found by name)')
    .option('--encoding <name>', 'input encoding (default: detected)')
    .addOption(tableOption(TEACHER_PRETRAIN_OPTIONS, 'layers'))
    .addOption(tableOption(TEACHER_PRETRAIN_OPTIONS, 'hidden'))
    .addOption(tableOption(TEACHER_PRETRAIN_OPTIONS, 'heads'))
    .addOption(tableOption(TEACHER_PRETRAIN_OPTIONS, 'intermediate'))
    .addOption(tableOption(TEACHER_PRETRAIN_OPTIONS, 'maxLen'))
    .addOption(tableOption(TEACHER_PRETRAIN_OPTIONS, 'vocabSize'))
    .addOption(tableOption(TEACHER_PRETRAIN_OPTIONS, 'minFreq'))
    .addOption(tableOption(TEACHER_PRETRAIN_OPTIONS, 'epochs'))
    .addOption(tableOption(TEACHER_PRETRAIN_OPTIONS, 'batchSize'))
    .addOption(tableOption(TEACHER_PRETRAIN_OPTIONS, 'learningRate'))
    .addOption(tableOption(TEACHER_PRETRAIN_OPTIONS, 'seed'))
    .addOption(tableOption(TEACHER_PRETRAIN_OPTIONS, 't2s'))
    .addOption(tableOption(TEACHER_PRETRAIN_OPTIONS, 'truncate'))
    .option(...BACKEND_OPTION)
    .action(async (o) => {
      const cancel = sigintCancel();
      try {
        info(`distillery teacher pretrain: masked LM on the texts of ${o.data}`);
        await announceBackend(o.backend);
        const progress = stderrProgress();
        const r = await runTeacherPretrain(
          {
            data: o.data,
            out: o.out,
            textCol: o.textCol,
            encoding: o.encoding,
            layers: o.layers,
            hidden: o.hidden,
            heads: o.heads,
            intermediate: o.intermediate,
            maxLen: o.maxLen,
            vocabSize: o.vocabSize,
            minFreq: o.minFreq,
            epochs: o.epochs,
            batchSize: o.batchSize,
            learningRate: o.lr,
            seed: o.seed,
            backend: o.backend,
            t2s: o.t2s,
            truncate: o.truncate,
          },
          progress,
          cancel,
        );
        progress.done();
        process.stdout.write(
          JSON.stringify({
            out: o.out,
            ...r,
            history: undefined,
            epochs_run: r.history.length,
            last: r.history.at(-1),
          }) + '\n',
        );
        const last = r.history.at(-1);
        info(
          `${r.cancelled ? 'cancelled; saved the weights so far — ' : ''}pre-trained ${r.params} params on ${r.texts} texts (vocabulary ${r.vocab_size}) in ${r.seconds.toFixed(0)} s` +
            (last && !Number.isNaN(last.validAccuracy)
              ? `; held-out masked-token accuracy ${(100 * last.validAccuracy).toFixed(2)}%`
              : '') +
            `; wrote ${o.out} — fine-tune it with \`distillery teacher train --model-dir ${o.out}\``,
        );
      } finally {
        cancel.dispose();
      }
    });
}

function teacherPredictCommand(): Command {
  return new Command('predict')
    .description(
      'Score every row of a data file with a fine-tuned teacher (onnxruntime); writes {"id", "logits"} JSONL for `distill --teacher-outputs`.',
    )
    .requiredOption('--model <dir>', 'teacher folder written by `teacher train` (model.onnx, vocab.txt, config.json)')
    .requiredOption('--data <file>', 'corpus to score: CSV, TSV, JSONL or text (the same file `distill --data` gets)')
    .requiredOption('--out <file>', 'JSONL file to write')
    .option('--text-col <name>', 'text column (default: found by name)')
    .option('--id-col <name>', 'document id column (default: row number; use the same as distill)')
    .option('--encoding <name>', 'input encoding (default: detected)')
    .option('--batch-size <n>', 'rows per ONNX run', positiveInt('--batch-size'), 64)
    .option('--max-len <n>', "tokens per text (default: teacher.json's maxLen)", positiveInt('--max-len'))
    .action(async (o) => {
      info(describeTeacher(o.model, await readTeacherInfo(o.model)));
      const cancel = sigintCancel();
      try {
        const progress = stderrProgress();
        const r = await runTeacherPredict(
          {
            model: o.model,
            data: o.data,
            out: o.out,
            textCol: o.textCol,
            idCol: o.idCol,
            encoding: o.encoding,
            batchSize: o.batchSize,
            maxLen: o.maxLen,
          },
          progress,
          cancel,
        );
        progress.done();
        info(
          `scored ${r.rows} rows (${r.numLabels} logits each) in ${r.seconds.toFixed(2)} s (${(r.rows / r.seconds).toFixed(0)}/s) via onnxruntime; peak RSS ${peakRssMb()} MB; wrote ${o.out}`,
        );
        if (r.cancelled) throw new CancelledError(`cancelled after ${r.rows} rows; ${o.out} is partial`);
      } finally {
        cancel.dispose();
      }
    });
}

export function teacherCommand(): Command {
  const c = new Command('teacher').description(
    'Pre-train or fine-tune a BERT teacher and score data with it for distillation.',
  );
  for (const sub of [teacherPretrainCommand(), teacherTrainCommand(), teacherPredictCommand()])
    c.addCommand(sub.exitOverride());
  return c;
}
