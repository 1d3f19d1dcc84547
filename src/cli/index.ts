/**
 * The `distillery` command: headless access to the worker code. Progress goes to stderr, results
 * to stdout; errors print their code and where (file:line:column) and exit non-zero.
 */
import { Command, CommanderError } from 'commander';
import { DistilleryError } from '../shared/errors';
import { onCorpusWarning } from '../worker/data/corpus-warnings';
import { agreementCommand } from './commands/agreement';
import { auditCommand } from './commands/audit';
import { benchCommand } from './commands/bench';
import { distillCommand } from './commands/distill';
import { evalCommand } from './commands/eval';
import { exportCommand } from './commands/export';
import { pipelineCommand } from './commands/pipeline';
import { predictCommand } from './commands/predict';
import { rulesCommand } from './commands/rules';
import { serveCommand } from './commands/serve';
import { simulateCommand } from './commands/simulate';
import { teacherCommand } from './commands/teacher';
import { trainCommand } from './commands/train';
import { info } from './progress';

export function buildProgram(): Command {
  const program = new Command('distillery')
    .description('Train, distill, evaluate and export text classifiers (see README.md).')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  for (const c of [
    trainCommand(),
    distillCommand(),
    evalCommand(),
    predictCommand(),
    exportCommand(),
    benchCommand(),
    serveCommand(),
    teacherCommand(),
    pipelineCommand(),
    simulateCommand(),
    rulesCommand(),
    agreementCommand(),
    auditCommand(),
  ]) {
    program.addCommand(c.exitOverride());
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // Every command that reads a corpus shows what the reader noticed, once each (a file read twice,
  // e.g. by pipeline stages, says it once).
  const shown = new Set<string>();
  const stopWarnings = onCorpusWarning((w) => {
    if (shown.has(w)) return;
    shown.add(w);
    info(`warning: ${w}`);
  });
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
  } finally {
    stopWarnings();
  }
}
