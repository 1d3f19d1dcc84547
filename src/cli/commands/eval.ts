import { Command } from 'commander';
import { renderMarkdownReport } from '../../worker/eval/report';
import { runEvalJob } from '../../worker/jobs/evaluate-job';
import { addDataOptions } from '../options';

export function evalCommand(): Command {
  return addDataOptions(
    new Command('eval')
      .description("Evaluate a model folder on labeled data (labels must be in the model's schema).")
      .requiredOption(
        '--model <dir>',
        'model folder (repeat for an ensemble: probabilities are averaged)',
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .requiredOption('--data <file>', 'labeled corpus')
      .option('--json', 'print one JSON object (accuracy, macro_f1, micro_f1, weighted_f1, per_class, …)')
      .option('--engine <name>', 'onnx | tfjs | auto', 'auto'),
  ).action(async (o) => {
    const r = await runEvalJob({
      model: o.model,
      data: o.data,
      textCol: o.textCol,
      labelCol: o.labelCol,
      encoding: o.encoding,
      engine: o.engine,
    });
    if (o.json) {
      process.stdout.write(JSON.stringify({ ...r.metrics, engine: r.engine, labels: r.schema.labels }) + '\n');
      return;
    }
    process.stdout.write(
      renderMarkdownReport({
        title: `Evaluation of ${o.model} on ${o.data}`,
        task: r.schema.task,
        labels: r.schema.labels,
        metrics: r.metrics,
        reproducibility: { seed: 0, config: { engine: r.engine, n: r.n }, dataHash: '', backend: r.engine },
      }),
    );
  });
}
