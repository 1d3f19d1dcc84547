import { Command } from 'commander';
import { BENCH_CONFIG, runBench } from '../../worker/bench/bench';
import { PREDICT_SCALE_DEFAULTS, predictScale } from '../../worker/bench/predict-scale';
import { teacherBenchExtras } from '../../worker/teacher/bench/teacher-bench';
import { announceBackend } from '../backend-info';
import { num, numList } from '../options';
import { info } from '../progress';

export function benchCommand(): Command {
  return new Command('bench')
    .description('Training and inference throughput (samples/s) beside a PyTorch reference on the same config.')
    .option('--json', 'print one JSON object')
    .option('--seconds <s>', 'time per measurement', num('--seconds'), 8)
    .option('--no-pytorch', 'skip the PyTorch reference')
    .option('--no-teacher', 'skip the teacher measurements (BERT-base-shaped inference, small-teacher training)')
    .option(
      '--predict-sizes <list>',
      `documents per student \`predict\` run for docs/s and peak RSS, e.g. 10000,100000,1000000; 0 = none (default ${PREDICT_SCALE_DEFAULTS.studentSizes.join(',')})`,
      numList('--predict-sizes'),
    )
    .option(
      '--teacher-predict-sizes <list>',
      `documents per \`teacher predict\` run (tiny random BERT); 0 = none (default ${PREDICT_SCALE_DEFAULTS.teacherSizes.join(',')})`,
      numList('--teacher-predict-sizes'),
    )
    .option('--predict-arch <arch>', 'student of the predict runs: bilstm | textcnn (bench config size)', 'bilstm')
    .option('--predict-only', 'only the predict runs (no training or throughput measurements)')
    .action(async (o) => {
      await announceBackend();
      const onStep = (s: string) => info(`bench: ${s}…`);
      const sizes = (list: number[] | undefined, d: number[]) => (list ?? d).filter((n) => n > 0).map(Math.round);
      const scale = {
        name: 'predict at scale',
        measure: () =>
          predictScale(BENCH_CONFIG, {
            studentSizes: sizes(o.predictSizes, PREDICT_SCALE_DEFAULTS.studentSizes),
            teacherSizes: o.teacher ? sizes(o.teacherPredictSizes, PREDICT_SCALE_DEFAULTS.teacherSizes) : [],
            arch: o.predictArch === 'textcnn' ? 'textcnn' : 'bilstm',
            onStep,
          }) as Promise<Record<string, number | string>>,
      };
      const r = o.predictOnly
        ? await scale.measure()
        : await runBench({
            seconds: o.seconds,
            pytorch: o.pytorch,
            extras: [...(o.teacher ? teacherBenchExtras : []), scale],
            onStep,
          });
      if (o.json) {
        process.stdout.write(JSON.stringify(r) + '\n');
        return;
      }
      for (const [k, v] of Object.entries(r)) {
        if (typeof v === 'object') continue;
        process.stdout.write(
          `${k.padEnd(40)} ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(2)) : v}\n`,
        );
      }
    });
}
