import { describe, expect, it } from 'vitest';
import type { JobRequest, JobRequestOf, UncheckedJobRequest } from './api';
import { DistilleryError } from './errors';
import {
  APP_FORM_PRESETS,
  DISTILL_OPTIONS,
  inputBounds,
  OPTION_TABLES,
  rangeText,
  validateJobOptions,
  whyBadOption,
  type OptionSpec,
  type OptionTableKind,
} from './job-options';

const tables = Object.entries(OPTION_TABLES) as [OptionTableKind, Record<string, OptionSpec>][];
const every = tables.flatMap(([kind, t]) => Object.entries(t).map(([key, spec]) => ({ kind, key, spec })));

/** The error validateJobOptions throws for `{ [key]: v }` (fails the test when it throws none). */
function rejection(kind: OptionTableKind, options: Record<string, unknown>): DistilleryError {
  try {
    validateJobOptions(kind, options);
  } catch (e) {
    return e as DistilleryError;
  }
  throw new Error(`${kind}: ${JSON.stringify(options)} was accepted`);
}

describe('the job option table', () => {
  it('gives every option help text, and every default lies inside its own range', () => {
    expect(every.length).toBeGreaterThan(100);
    for (const { kind, key, spec } of every) {
      expect(spec.help.trim(), `${kind}.${key}`).not.toBe('');
      if ('default' in spec && spec.default !== undefined)
        expect(whyBadOption(key, spec, spec.default), `${kind}.${key}`).toBeUndefined();
      if ('min' in spec) expect(spec.min, `${kind}.${key}`).toBeLessThan(spec.max);
    }
  });

  it('has one distillation temperature ρ, 3 (digest A), wherever ρ is an option', () => {
    const rhos = every
      .filter((o) => o.key === 'temperature')
      .map((o) => ('default' in o.spec ? o.spec.default : undefined));
    expect(rhos.length).toBeGreaterThanOrEqual(3);
    expect(new Set(rhos)).toEqual(new Set([3]));
    expect(DISTILL_OPTIONS.temperature.default).toBe(3);
  });

  it('accepts each default as a job option (validateJobOptions)', () => {
    for (const [kind, t] of tables) {
      const defaults = Object.fromEntries(
        Object.entries(t).flatMap(([k, s]) => ('default' in s && s.default !== undefined ? [[k, s.default]] : [])),
      );
      expect(() => validateJobOptions(kind, defaults), kind).not.toThrow();
    }
  });

  it('rejects a value above or below each numeric range with a CONFIG error naming the option and the range', () => {
    let checked = 0;
    for (const { kind, key, spec } of every) {
      if (spec.type !== 'int' && spec.type !== 'number' && spec.type !== 'intList' && spec.type !== 'numList') continue;
      const low = spec.min - 1;
      const high = spec.max + 1;
      for (const v of [low, high]) {
        const value = spec.type.endsWith('List') ? [v] : v;
        const e = rejection(kind, { [key]: value });
        expect(e.code, `${kind}.${key}`).toBe('CONFIG');
        expect(e.message).toContain(`option "${key}"`);
        expect(e.message).toContain(rangeText(spec));
        expect(e.details.field).toBe(key);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('rejects wrong types, values outside a list and unknown options, naming them', () => {
    expect(rejection('distill', { epochs: 2.5 }).message).toBe('option "epochs": expected an integer, got 2.5');
    expect(rejection('distill', { temperature: '3' }).message).toBe('option "temperature": expected a number, got "3"');
    expect(rejection('distill', { temperature: 0 }).message).toBe('option "temperature" must be in [0.5, 100], got 0');
    expect(rejection('train-student', { model: 'transformer' }).message).toBe(
      'option "model": unknown model "transformer"; valid: bilstm, lstm, gru, textcnn, gru-att, han, cnn-nb',
    );
    expect(rejection('train-student', { tokens: 'bpe' }).message).toMatch(
      /option "tokens": unknown tokens "bpe"; valid: char, word, both/,
    );
    expect(rejection('train-student', { useUnlabeled: true }).message).toMatch(
      /option "useUnlabeled": unknown option; valid: epochs, model/,
    );
    expect(rejection('alpha-sweep', { alphas: [0.5, 0.5] }).message).toMatch(/"alphas": a value appears twice/);
    expect(rejection('train-student', { validSplit: 0.5, testSplit: 0.5 }).message).toMatch(
      /validSplit \+ testSplit must be below 1/,
    );
    expect(rejection('train-bert-teacher', { learningRate: 0 }).message).toBe(
      'option "learningRate" must be in (0, 1], got 0',
    );
    expect(rejection('fast-prelabel', { goldIds: [1] }).message).toMatch(/"goldIds" must be a list of strings/);
    expect(rejection('distill', [] as unknown as Record<string, unknown>).message).toMatch(/must be an object/);
  });

  it('returns aliases under their option name and drops null/undefined values', () => {
    expect(
      validateJobOptions('train-student', {
        lr: 0.01,
        lenPercentile: 90,
        variance: 0.9,
        hidden: null,
        layers: undefined,
      }),
    ).toEqual({ learningRate: 0.01, lengthPercentile: 90, varianceKept: 0.9 });
  });

  it("keeps the Train view's presets inside the table's ranges", () => {
    expect(() => validateJobOptions('train-student', APP_FORM_PRESETS.teacher)).not.toThrow();
    expect(() => validateJobOptions('distill', APP_FORM_PRESETS.student)).not.toThrow();
    expect(() => validateJobOptions('alpha-sweep', APP_FORM_PRESETS.sweep)).not.toThrow();
    expect(Object.keys(APP_FORM_PRESETS.student)).not.toContain('temperature');
  });

  it('gives number inputs their bounds and step', () => {
    expect(inputBounds(DISTILL_OPTIONS.epochs)).toEqual({ min: 1, max: 10_000, step: 1 });
    expect(inputBounds(DISTILL_OPTIONS.temperature)).toEqual({ min: 0.5, max: 100, step: 0.5 });
    expect(inputBounds(DISTILL_OPTIONS.dropout)).toEqual({ min: 0, max: 0.99, step: 'any' });
    expect(inputBounds(DISTILL_OPTIONS.tokens)).toEqual({});
  });

  it('types a request by its kind (checked by the compiler: npm run typecheck)', () => {
    const base = { projectId: 'p', task: 'binary' as const, labels: ['a', 'b'], docs: { labeled: [] } };
    const distill: JobRequestOf<'distill'> = {
      ...base,
      kind: 'distill',
      options: { model: 'textcnn', alpha: 0.3, temperature: 3 },
    };
    // @ts-expect-error ρ is a number
    const badType: JobRequestOf<'distill'> = { ...base, kind: 'distill', options: { temperature: '3' } };
    const badArch: JobRequestOf<'train-student'> = {
      ...base,
      kind: 'train-student',
      // @ts-expect-error no such architecture
      options: { model: 'transformer' },
    };
    // @ts-expect-error alphas belong to an α sweep, not to a distillation
    const badKey: JobRequestOf<'distill'> = { ...base, kind: 'distill', options: { alphas: [0.5] } };
    const typed: JobRequest = distill;
    // Every request is an unchecked one as it crosses a transport; the router and the worker check the options (validateJobOptions).
    const wire: UncheckedJobRequest = typed;
    expect(validateJobOptions(wire.kind, wire.options)).toEqual({ model: 'textcnn', alpha: 0.3, temperature: 3 });
    for (const r of [badType, badArch, badKey])
      expect(() => validateJobOptions(r.kind, r.options)).toThrow(DistilleryError);
  });
});
