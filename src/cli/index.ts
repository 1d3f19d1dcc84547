/**
 * The `distillery` command: headless access to the worker code. Progress goes to stderr, results
 * to stdout; errors print their code and where (file:line:column) and exit non-zero.
 */
import { Command, CommanderError } from 'commander';
import { DistilleryError } from '../shared/errors';
import { benchCommand } from './commands/bench';
import { distillCommand } from './commands/distill';
import { evalCommand } from './commands/eval';
import { exportCommand } from './commands/export';
import { pipelineCommand } from './commands/pipeline';
import { predictCommand } from './commands/predict';
import { serveCommand } from './commands/serve';
import { simulateCommand } from './commands/simulate';
import { teacherCommand } from './commands/teacher';
import { trainCommand } from './commands/train';

export function buildProgram(): Command {
  const program = new Command('distillery')
    .description('Train, distill, evaluate and export text classifiers (see README.md).')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  for (const c of [trainCommand(), distillCommand(), evalCommand(), predictCommand(), exportCommand(), benchCommand(), serveCommand(), teacherCommand(), pipelineCommand(), simulateCommand()]) {
    program.addCommand(c.exitOverride());
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof DistilleryError) {
      process.stderr.write(`error [${e.code}]: ${e.message}\n`);
      return e.code === 'CANCELLED' ? 130 : 1;
    }
    process.stderr.write(`error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}
