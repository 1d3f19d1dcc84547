import { Command } from 'commander';
import { STRATEGY_HELP, STRATEGY_NAMES, parseStrategies } from '../../worker/active/strategies';
import { SIMULATE_OPTIONS } from '../../shared/job-options';
import { runSimulation } from '../../worker/jobs/simulate-job';
import { announceBackend } from '../backend-info';
import { sigintCancel } from '../cancel';
import { addDataOptions, BACKEND_OPTION, tableOption } from '../options';
import { info, stderrProgress } from '../progress';

export function simulateCommand(): Command {
  const strategyList = STRATEGY_NAMES.map((s) => `  ${s}: ${STRATEGY_HELP[s]}`).join('\n');
  return addDataOptions(
    new Command('simulate')
      .description(
        'Replay active learning on fully labeled data: learning curves per strategy, AULC, labels needed to reach 95 % of the full-data accuracy, and where the stopping signal (stop-set κ ≥ 0.99 over three rounds) fires.',
      )
      .addHelpText('after', `\nStrategies:\n${strategyList}`)
      .requiredOption('--data <file>', 'fully labeled corpus: CSV, TSV, JSONL')
      .addOption(tableOption(SIMULATE_OPTIONS, 'strategies'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'model'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'seedSize'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'batch'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'budget'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'runs'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'seed'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'testSplit'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'maxPool'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'tokens'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'nbAlpha'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'committee'))
      .option(
        '--teacher-outputs <file>',
        "teacher-kl: the teacher's outputs for every row of --data (JSONL, as for distill)",
      )
      .option(
        '--rules <file>',
        'cold start from rules (JSON, as for `distillery rules`): the seed set takes rule-covered documents spread over labels',
      )
      .addOption(tableOption(SIMULATE_OPTIONS, 'stopSet'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'epochs'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'batchSize'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'learningRate'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'maxLen'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'embedDim'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'hidden'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'numFilters'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'filterSizes'))
      .addOption(tableOption(SIMULATE_OPTIONS, 't2s'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'userDict'))
      .addOption(tableOption(SIMULATE_OPTIONS, 'stopwords'))
      .option(...BACKEND_OPTION)
      .option(
        '--out <dir>',
        'write simulation.json, simulation.md, learning-curves.svg/png and stop-kappa.svg/png here',
      )
      .option('--no-charts', 'skip the chart')
      .option('--json', 'print one JSON object as the last line of stdout'),
  ).action(async (o) => {
    const strategies = parseStrategies(o.strategies);
    const cancel = sigintCancel();
    const progress = stderrProgress();
    try {
      info(`distillery simulate: ${o.model} on ${o.data}, strategies ${strategies.join(', ')}`);
      if (o.model !== 'nb') await announceBackend(o.backend);
      const r = await runSimulation(
        {
          data: o.data,
          textCol: o.textCol,
          labelCol: o.labelCol,
          idCol: o.idCol,
          encoding: o.encoding,
          strategies,
          model: o.model,
          seedSize: o.seedSize,
          batch: o.batch,
          budget: o.budget,
          runs: o.runs,
          seed: o.seed,
          testSplit: o.testSplit,
          maxPool: o.maxPool,
          tokens: o.tokens,
          t2s: o.t2s,
          userDict: o.userDict,
          stopwords: o.stopwords,
          nbAlpha: o.nbAlpha,
          committee: o.committee,
          teacherOutputs: o.teacherOutputs,
          stopSetSize: o.stopSet,
          rules: o.rules,
          student: {
            epochs: o.epochs,
            batchSize: o.batchSize,
            learningRate: o.lr,
            maxLen: o.maxLen,
            backend: o.backend,
            architecture: {
              embedDim: o.embedDim,
              hidden: o.hidden,
              numFilters: o.numFilters,
              filterSizes: o.filterSizes,
            },
          },
          out: o.out,
          charts: o.charts,
        },
        progress,
        cancel,
      );
      progress.done();
      for (const w of r.warnings) info(`warning: ${w}`);
      const pct = (x: number) => (100 * x).toFixed(2);
      info(
        `pool ${r.pool_size}, test ${r.test_size}; full data: accuracy ${pct(r.full_data.accuracy)} %, macro-F1 ${pct(r.full_data.macro_f1)} %`,
      );
      for (const [name, s] of Object.entries(r.strategies)) {
        const stop =
          s.stopped_at.labels === null
            ? 'not within budget'
            : `${Math.round(s.stopped_at.labels)} labels (${s.stopped_at.runs_fired}/${s.stopped_at.runs.length} runs), accuracy ${pct(s.stopped_at.accuracy!)} %`;
        info(
          `  ${name.padEnd(17)} AULC ${pct(s.aulc)} ± ${pct(s.aulc_std)}  labels to 95 %: ${s.labels_to_95 ?? 'not reached'}  κ stop: ${stop}`,
        );
      }
      if (r.files) info(`wrote ${r.files.markdown}${r.files.png ? `, ${r.files.png}` : ''}`);
      const out = {
        pool_size: r.pool_size,
        test_size: r.test_size,
        full_data: r.full_data,
        text_options: r.text_options,
        strategies: r.strategies,
        ...(r.rule_seed ? { rule_seed: r.rule_seed } : {}),
        ...(r.files ? { files: r.files } : {}),
      };
      process.stdout.write(o.json ? JSON.stringify(out) + '\n' : JSON.stringify(out, null, 2) + '\n');
    } finally {
      cancel.dispose();
    }
  });
}
