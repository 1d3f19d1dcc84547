/**
 * The CLI's flags are derived from the option table (src/shared/job-options.ts): each flag's default
 * is the table's, and a value out of the table's range stops at the command line naming the flag.
 * In process (commander only, no command runs): fast.
 */
import { CommanderError, type Command, type Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { ARCHITECTURES, DISTILL_OPTIONS, OPTION_TABLES, type OptionTable } from '../../src/shared/job-options';
import { distillCommand } from '../../src/cli/commands/distill';
import { pipelineCommand } from '../../src/cli/commands/pipeline';
import { simulateCommand } from '../../src/cli/commands/simulate';
import { teacherCommand } from '../../src/cli/commands/teacher';
import { trainCommand } from '../../src/cli/commands/train';
import { ARCH_IDS, ARCHITECTURES as REGISTRY } from '../../src/worker/models/registry';
import { DEFAULT_TEMPERATURE } from '../../src/worker/train/losses';

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const sub = (c: Command, name: string) => c.commands.find((x) => x.name() === name)!;

/** Which table each command's flags come from, and flags that must be there (so the check is never empty). */
const COMMANDS: { name: string; make: () => Command; tables: OptionTable[]; must: string[] }[] = [
  {
    name: 'train',
    make: trainCommand,
    tables: [OPTION_TABLES['train-student']],
    must: ['--epochs', '--lr', '--model', '--valid-split', '--len-percentile', '--threshold', '--workers'],
  },
  {
    name: 'distill',
    make: distillCommand,
    tables: [OPTION_TABLES.distill, OPTION_TABLES['alpha-sweep']],
    must: ['--alpha', '--temperature', '--alphas', '--use-unlabeled', '--epochs'],
  },
  {
    name: 'teacher train',
    make: () => sub(teacherCommand(), 'train'),
    tables: [OPTION_TABLES['teacher-train']],
    must: ['--epochs', '--lr', '--max-len', '--patience'],
  },
  {
    name: 'teacher pretrain',
    make: () => sub(teacherCommand(), 'pretrain'),
    tables: [OPTION_TABLES['teacher-pretrain']],
    must: ['--layers', '--hidden', '--heads', '--vocab-size', '--lr'],
  },
  {
    name: 'pipeline',
    make: pipelineCommand,
    tables: [OPTION_TABLES.pipeline, OPTION_TABLES['train-student']],
    must: [
      '--temperature',
      '--alpha',
      '--no-use-unlabeled',
      '--pretrain-layers',
      '--teacher-lr',
      '--latency-batch',
      '--epochs',
    ],
  },
  {
    name: 'simulate',
    make: simulateCommand,
    tables: [OPTION_TABLES['simulate-cli']],
    must: ['--strategies', '--seed-size', '--budget', '--stop-set', '--nb-alpha'],
  },
];

describe('CLI flags from the option table', () => {
  for (const { name, make, tables, must } of COMMANDS) {
    it(`${name}: every flag of a table option has the table's default`, () => {
      const cmd = make();
      const byFlag = new Map<string, Option>(cmd.options.map((o) => [o.long!, o]));
      const seen: string[] = [];
      for (const t of tables) {
        for (const [key, spec] of Object.entries(t)) {
          const flag = `--${spec.cli ?? kebab(key)}`;
          // A switch on by default is written --no-….
          const opt = byFlag.get(flag) ?? byFlag.get(flag.replace(/^--/, '--no-'));
          if (!opt || seen.includes(opt.long!)) continue;
          seen.push(opt.long!);
          const want = 'default' in spec ? spec.default : undefined;
          if (!opt.negate) expect(opt.defaultValue, `${name} ${opt.long}`).toEqual(want);
          // …and the parsed value, as the command's action sees it.
          expect(cmd.opts()[opt.attributeName()], `${name} ${opt.long}`).toEqual(want);
        }
      }
      expect(seen).toEqual(expect.arrayContaining(must));
    });
  }

  it('distill: --temperature and --alpha out of range exit 2 naming the flag and the range', () => {
    const parse = (args: string[]): string => {
      const cmd = distillCommand()
        .exitOverride()
        .configureOutput({ writeErr: () => {} });
      try {
        cmd.parseOptions(args);
      } catch (e) {
        expect(e).toBeInstanceOf(CommanderError);
        expect((e as CommanderError).exitCode).toBe(1);
        return (e as CommanderError).message;
      }
      return 'accepted';
    };
    expect(parse(['--temperature', '0'])).toContain('--temperature must be in [0.5, 100], got 0');
    expect(parse(['--temperature', 'hot'])).toContain('--temperature must be a number, got "hot"');
    expect(parse(['--alpha', '1.5'])).toContain('--alpha must be in [0, 1], got 1.5');
    expect(parse(['--alphas', '0,0.5,2'])).toContain('--alphas must be a non-empty list of numbers in [0, 1], got 2');
    expect(parse(['--temperature', '4'])).toBe('accepted');
  });

  it('distill: --source-alpha takes source=α pairs in [0, 1] and names the bad source', () => {
    const cmd = () =>
      distillCommand()
        .exitOverride()
        .configureOutput({ writeErr: () => {} });
    const bad = (args: string[]): string => {
      try {
        cmd().parseOptions(args);
      } catch (e) {
        expect((e as CommanderError).exitCode).toBe(1); // the CLI exits 2 on a CommanderError (src/cli/index.ts)
        return (e as CommanderError).message;
      }
      return 'accepted';
    };
    expect(bad(['--source-alpha', 'teacher=2'])).toContain('source α "teacher=2": expected source=α with α in [0, 1]');
    expect(bad(['--source-alpha', 'rule=-0.1'])).toContain('"rule=-0.1"');
    expect(bad(['--source-alpha', 'teacher'])).toContain('"teacher"');
    const ok = cmd();
    ok.parseOptions(['--source-alpha', 'teacher=1, rule=0.9']);
    expect(ok.opts().sourceAlpha).toEqual({ teacher: 1, rule: 0.9 });
  });

  it('has one ρ: the worker falls back on the table default', () => {
    expect(DEFAULT_TEMPERATURE).toBe(DISTILL_OPTIONS.temperature.default);
  });

  it("the worker's registry implements exactly the shared architecture list", () => {
    expect([...ARCH_IDS]).toEqual([...ARCHITECTURES]);
    expect(Object.keys(REGISTRY).sort()).toEqual([...ARCHITECTURES].sort());
  });
});
