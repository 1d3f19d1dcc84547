import { Command } from 'commander';
import { runBench } from '../../worker/bench/bench';
import { teacherBenchExtras } from '../../worker/teacher/teacher-bench';
import { announceBackend } from '../backend-info';
import { num } from '../options';
import { info } from '../progress';

export function benchCommand(): Command {
  return new Command('bench')
    .description('Training and inference throughput (samples/s) beside a PyTorch reference on the same config.')
    .option('--json', 'print one JSON object')
    .option('--seconds <s>', 'time per measurement', num('--seconds'), 8)
    .option('--no-pytorch', 'skip the PyTorch reference')
    .option('--no-teacher', 'skip the teacher measurements (BERT-base-shaped inference, small-teacher training)')
    .action(async (o) => {
      await announceBackend();
      const extras = o.teacher ? teacherBenchExtras : [];
      const r = await runBench({ seconds: o.seconds, pytorch: o.pytorch, extras, onStep: (s) => info(`bench: ${s}…`) });
      if (o.json) {
        process.stdout.write(JSON.stringify(r) + '\n');
        return;
      }
      for (const [k, v] of Object.entries(r)) {
        if (typeof v === 'object') continue;
        process.stdout.write(`${k.padEnd(40)} ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(2)) : v}\n`);
      }
    });
}
