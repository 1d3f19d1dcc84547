import { Command } from 'commander';
import { runCrossValidation } from '../../worker/jobs/cross-validation';
import { runRepeated } from '../../worker/jobs/repeated-runs';
import { announceBackend } from '../backend-info';
import { sigintCancel } from '../cancel';
import { addTrainOptions, applyStudentDefaults, int, presetOption, trainJobOptions } from '../options';
import { info, stderrProgress } from '../progress';
import { printTrainSummary } from './train-summary';

export function trainCommand(): Command {
  return addTrainOptions(
    new Command('train')
      .description(
        'Train a student on labeled data; writes a model folder (weights, ONNX, tokenizer, metrics, charts, model card).',
      )
      .requiredOption('--data <file>', 'labeled corpus: CSV, TSV, JSONL or text')
      .option('--out <dir>', 'model folder to write', 'runs/model')
      .option('--runs <n>', 'repeat with seeds seed..seed+n-1 on the same split; report mean ± std', int('--runs'), 1)
      .option(
        '--cv <k>',
        'k-fold cross-validation instead of one split (no model folder); report mean ± std',
        int('--cv'),
      )
      .addOption(presetOption()),
  ).action(async (o, cmd: Command) => {
    const opts = trainJobOptions(o);
    const cancel = sigintCancel();
    try {
      const backend = await announceBackend(opts.backend);
      const defaults = applyStudentDefaults(opts, cmd, backend.name);
      if (defaults) info(defaults);
      info(`distillery train: ${opts.model} on ${opts.data}`);
      if (o.cv) {
        const cv = await runCrossValidation(opts, o.cv, (f) => stderrProgress(`[fold ${f + 1}/${o.cv}] `), cancel);
        process.stdout.write(JSON.stringify({ model: opts.model, cv: o.cv, ...cv }) + '\n');
        const a = cv.summary.accuracy ?? cv.summary.micro_f1;
        info(`${o.cv}-fold cross-validation: ${(100 * a.mean).toFixed(2)} ± ${(100 * a.std).toFixed(2)}`);
        return;
      }
      const rep = await runRepeated(
        opts,
        o.runs,
        (r) => stderrProgress(o.runs > 1 ? `[run ${r + 1}/${o.runs}] ` : ''),
        cancel,
      );
      printTrainSummary(rep, opts);
    } finally {
      cancel.dispose();
    }
  });
}
