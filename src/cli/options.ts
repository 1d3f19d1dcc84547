/** Option parsers and the options shared by train and distill. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  chooseStudentDefaults,
  PRESET_OPTIONS,
  rangeText,
  STUDENT_OPTIONS,
  STUDENT_PRESETS,
  whyBadOption,
  type JobOptionsOf,
  type OptionTable,
} from '../shared/job-options';
import type { TrainJobOptions } from '../worker/jobs/train-job';
import { DistilleryError } from '../shared/errors';
import {
  DEFAULT_SOURCE_ALPHA,
  DEFAULT_SOURCE_WEIGHTS,
  parseSourceWeights,
  type SourceWeights,
} from '../shared/source-weights';

export const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`);
  return n;
};
/** An integer ≥ 1 (counts and sizes: 0 or less would loop forever or train nothing). */
export const positiveInt = (name: string) => (v: string) => {
  const n = int(name)(v);
  if (n < 1) throw new InvalidArgumentError(`${name} must be at least 1, got ${v}`);
  return n;
};
export const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got "${v}"`);
  return n;
};
export const fraction = (name: string) => (v: string) => {
  const n = num(name)(v);
  if (n < 0 || n >= 1) throw new InvalidArgumentError(`${name} must be in [0, 1), got ${v}`);
  return n;
};
const sourceWeightsArg = (v: string): SourceWeights => {
  try {
    return parseSourceWeights(v);
  } catch (e) {
    throw new InvalidArgumentError(`--source-weights: ${(e as Error).message}`);
  }
};
export const intList = (name: string) => (v: string) => v.split(',').map((x) => int(name)(x.trim()));
export const numList = (name: string) => (v: string) => v.split(',').map((x) => num(name)(x.trim()));

export function addDataOptions(c: Command): Command {
  return c
    .option('--text-col <name>', 'text column (default: found by name: text, review, content, sentence, …)')
    .option(
      '--label-col <name>',
      'label column (default: label, labels, category, …); multi-label cells as a|b or a JSON array',
    )
    .option('--id-col <name>', 'document id column (default: row number)')
    .option('--encoding <name>', 'input encoding, e.g. utf-8, gb18030 (default: detected)');
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The flag of option `key` of an option table (src/shared/job-options.ts): its help, its default and
 * a parser that checks the type and the range the worker checks, so a bad value stops at the command
 * line (exit 2) naming the flag. Architectures stay unchecked here: the registry's error lists them.
 */
export function tableOption(t: OptionTable, key: string, flag = `--${t[key].cli ?? kebab(key)}`): Option {
  const s = t[key];
  // A switch: on by default, the flag turns it off (--no-…); off by default, the flag turns it on.
  if (s.type === 'boolean')
    return s.default
      ? new Option(flag.replace(/^--/, '--no-'), `turn off: ${s.help}`)
      : new Option(flag, s.help).default(false);
  const placeholder =
    s.type === 'weights'
      ? '<list>'
      : s.type === 'int'
        ? '<n>'
        : s.type === 'number'
          ? s.min >= 0 && s.max <= 1
            ? '<f>'
            : '<x>'
          : s.type.endsWith('List')
            ? '<list>'
            : s.type === 'string' && s.file
              ? '<file>'
              : '<name>';
  const range =
    s.type === 'int' || s.type === 'number' || s.type === 'intList' || s.type === 'numList' ? ` ${rangeText(s)}` : '';
  const opt = new Option(`${flag} ${placeholder}`, `${s.help}${range}`);
  const check = (v: unknown, text: string): void => {
    const why = whyBadOption(key, s, v);
    if (why)
      throw new InvalidArgumentError(why.replace(`option "${key}"`, flag).replace(/got ([^ ]+)$/, `got ${text}`));
  };
  if (s.type === 'int' || s.type === 'number') {
    opt.argParser((v: string) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n))
        throw new InvalidArgumentError(`${flag} must be a number, got "${v}"`);
      if (s.type === 'int' && !Number.isInteger(n))
        throw new InvalidArgumentError(`${flag} must be an integer, got "${v}"`);
      check(n, v);
      return n;
    });
  } else if (s.type === 'intList' || s.type === 'numList') {
    opt.argParser((v: string) => {
      const list = v.split(',').map((x) => Number(x.trim()));
      check(list, v);
      return list;
    });
  } else if (s.type === 'weights') {
    opt.argParser((v: string) => {
      let w: SourceWeights;
      try {
        w = parseSourceWeights(v, s.max);
      } catch (e) {
        throw new InvalidArgumentError(`${flag}: ${(e as Error).message}`);
      }
      check(w, v);
      return w;
    });
  } else if (s.type === 'enum' && (key === 'model' || key === 'teacherArch')) {
    opt.description += `: ${s.values.join('|')}`;
  } else if (s.type === 'enum') {
    opt.choices(s.values);
  }
  if ('default' in s && s.default !== undefined) opt.default(Array.isArray(s.default) ? [...s.default] : s.default);
  return opt;
}

/** Adds the flags of `keys` from table `t`, in that order. */
export function addTableOptions(c: Command, t: OptionTable, keys: readonly string[]): Command {
  for (const k of keys) c.addOption(tableOption(t, k));
  return c;
}

/** The student's flags (train, distill, pipeline), in the order `--help` lists them. */
const STUDENT_FLAGS = [
  'model',
  'epochs',
  'batchSize',
  'learningRate',
  'seed',
  'splitSeed',
  'patience',
  'validSplit',
  'testSplit',
] as const;
const STUDENT_FLAGS_2 = [
  'tokens',
  'maxVocab',
  'minCount',
  'maxLen',
  'lengthPercentile',
  'sentences',
  'sentenceLen',
  'hidden',
  'layers',
  'embedDim',
  'dropout',
  'filterSizes',
  'numFilters',
  'attDim',
  'varianceKept',
  'classWeights',
  't2s',
  'truncate',
  'userDict',
  'stopwords',
] as const;

export function addTrainOptions(c: Command): Command {
  const t = STUDENT_OPTIONS;
  addTableOptions(addDataOptions(c), t, STUDENT_FLAGS).option(
    '--test-data <file>',
    'a separate labeled test file (instead of --test-split)',
  );
  return addTableOptions(c, t, STUDENT_FLAGS_2)
    .option(
      '--source-col <name>',
      'column naming where each label came from (human, corrected, imported, teacher, student, rule): weighted in the loss by --source-weights',
    )
    .option(
      '--source-weights <list>',
      `${t.sourceWeights.help} (defaults: ${Object.entries(DEFAULT_SOURCE_WEIGHTS)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')})`,
      sourceWeightsArg,
    )
    .addOption(tableOption(t, 'focalGamma'))
    .addOption(tableOption(t, 'threshold'))
    .addOption(tableOption(t, 'workers'))
    .option(...BACKEND_OPTION)
    .option('--no-charts', 'skip chart images');
}

/** `--backend`, for every command that trains in tfjs. */
export const BACKEND_OPTION = ['--backend <name>', STUDENT_OPTIONS.backend.help] as const;

/** commander's camelCased options → the job's options. */
export function trainJobOptions(o: Record<string, unknown>): TrainJobOptions {
  if (o.sourceWeights && !o.sourceCol)
    throw new DistilleryError(
      'CONFIG',
      '--source-weights needs --source-col (the column that says where each label came from)',
      { field: 'sourceWeights' },
    );
  return {
    data: o.data as string,
    out: o.out as string | undefined,
    textCol: o.textCol as string | undefined,
    labelCol: o.labelCol as string | undefined,
    idCol: o.idCol as string | undefined,
    encoding: o.encoding as string | undefined,
    testData: o.testData as string | undefined,
    model: o.model as string,
    epochs: o.epochs as number,
    batchSize: o.batchSize as number,
    learningRate: o.lr as number,
    seed: o.seed as number,
    splitSeed: o.splitSeed as number | undefined,
    patience: o.patience as number,
    validSplit: o.validSplit as number,
    testSplit: o.testData ? 0 : (o.testSplit as number),
    tokens: o.tokens as TrainJobOptions['tokens'],
    maxVocab: o.maxVocab as number,
    minCount: o.minCount as number,
    maxLen: o.maxLen as number | undefined,
    sentences: o.sentences as number | undefined,
    sentenceLen: o.sentenceLen as number | undefined,
    lengthPercentile: o.lenPercentile as number,
    architecture: {
      hidden: o.hidden as number | undefined,
      layers: o.layers as number | undefined,
      embedDim: o.embedDim as number | undefined,
      dropout: o.dropout as number | undefined,
      filterSizes: o.filterSizes as number[] | undefined,
      numFilters: o.numFilters as number | undefined,
      attDim: o.attDim as number | undefined,
      varianceKept: o.variance as number | undefined,
    },
    classWeights: o.classWeights as 'none' | 'balanced',
    t2s: o.t2s as boolean,
    truncate: o.truncate as TrainJobOptions['truncate'],
    userDict: o.userDict as string | undefined,
    stopwords: o.stopwords as string | undefined,
    ...(o.sourceCol
      ? {
          sourceCol: o.sourceCol as string,
          sourceWeights: { ...DEFAULT_SOURCE_WEIGHTS, ...(o.sourceWeights as SourceWeights | undefined) },
        }
      : {}),
    focalGamma: o.focalGamma as number | undefined,
    threshold: o.threshold as number,
    workers: o.workers as number,
    backend: o.backend as string | undefined,
    charts: o.charts as boolean,
  };
}

/**
 * `--source-alpha` (distill): per-source α needs --source-col, like --source-weights. With a source
 * column the run records the α of the defaulted sources (teacher, student) and the given ones.
 */
export function sourceAlphaOptions(o: Record<string, unknown>): Pick<TrainJobOptions, 'sourceAlpha'> {
  if (o.sourceAlpha && !o.sourceCol)
    throw new DistilleryError(
      'CONFIG',
      '--source-alpha needs --source-col (the column that says where each label came from)',
      { field: 'sourceAlpha' },
    );
  return o.sourceCol
    ? { sourceAlpha: { ...DEFAULT_SOURCE_ALPHA, ...(o.sourceAlpha as SourceWeights | undefined) } }
    : {};
}

/** `--preset`: the student defaults (by backend unless named); train and distill. */
export const presetOption = (): Option => tableOption(PRESET_OPTIONS, 'preset');

/** Options a preset may set, and where each sits in the job's options. */
const PRESET_KEYS = [
  ...new Set(Object.values(STUDENT_PRESETS).flatMap((p) => Object.keys(p))),
] as (keyof JobOptionsOf<'train-student'>)[];
const ARCHITECTURE_KEYS = new Set(['hidden', 'layers', 'embedDim', 'dropout', 'filterSizes', 'numFilters', 'attDim']);

/**
 * Fills the student defaults of the backend that runs (or of `--preset`) into `opts`, where the
 * user gave no flag (commander's own defaults do not count as given). Returns the line that says
 * what was chosen and why, or undefined when no preset applies (an explicit --model).
 */
export function applyStudentDefaults(opts: TrainJobOptions, cmd: Command, backend: string): string | undefined {
  const given: Record<string, unknown> = {};
  for (const k of PRESET_KEYS) if (cmd.getOptionValueSource(k) === 'cli') given[k] = cmd.getOptionValue(k);
  const d = chooseStudentDefaults(backend, cmd.getOptionValue('preset') as string | undefined, given);
  if (!d) return undefined;
  opts.architecture ??= {};
  for (const [k, v] of Object.entries(d.filled)) {
    if (ARCHITECTURE_KEYS.has(k)) (opts.architecture as Record<string, unknown>)[k] = v;
    else (opts as unknown as Record<string, unknown>)[k] = v;
  }
  return d.line;
}
