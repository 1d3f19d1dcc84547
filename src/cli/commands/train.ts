import { Command } from 'commander';
import { runRepeated } from '../../worker/jobs/repeated-runs';
import { sigintCancel } from '../cancel';
import { addTrainOptions, int, trainJobOptions } from '../options';
import { info, stderrProgress } from '../progress';
import { printTrainSummary } from './train-summary';

export function trainCommand(): Command {
  return addTrainOptions(
    new Command('train')
      .description('Train a student on labeled data; writes a model folder (weights, ONNX, tokenizer, metrics, charts, model card).')
      .requiredOption('--data <file>', 'labeled corpus: CSV, TSV, JSONL or text')
      .option('--out <dir>', 'model folder to write', 'runs/model')
      .option('--runs <n>', 'repeat with seeds seed..seed+n-1 on the same split; report mean ± std', int('--runs'), 1),
  ).action(async (o) => {
    const opts = trainJobOptions(o);
    const cancel = sigintCancel();
    try {
      info(`distillery train: ${opts.model} on ${opts.data}`);
      const rep = await runRepeated(opts, o.runs, (r) => stderrProgress(o.runs > 1 ? `[run ${r + 1}/${o.runs}] ` : ''), cancel);
      printTrainSummary(rep, opts);
    } finally {
      cancel.dispose();
    }
  });
}
