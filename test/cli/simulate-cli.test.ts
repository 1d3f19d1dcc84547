/**
 * `distillery simulate` through the real binary with the naive Bayes model, on a synthetic corpus
 * built so that uncertainty matters (test/fixtures/rare-cue-corpus.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { RARE_CUES, rareCueCsv } from '../fixtures/rare-cue-corpus';
import { cliOk, ROOT, runCli } from '../fixtures/run-cli';

let tmp: string;
let dataFile: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-simulate-'));
  dataFile = path.join(tmp, 'cues.csv');
  writeFileSync(dataFile, rareCueCsv(1200, 7));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Summary {
  pool_size: number;
  full_data: { accuracy: number; macro_f1: number };
  strategies: Record<
    string,
    {
      curve: { labels: number; accuracy: number; macro_f1: number; accuracy_std: number; stop_kappa: number | null }[];
      aulc: number;
      labels_to_95: number | null;
      stopped_at: {
        labels: number | null;
        accuracy: number | null;
        full_accuracy: number | null;
        runs_fired: number;
        runs: ({ labels: number; accuracy: number } | null)[];
      };
      last_change: { labels: number; change: number; sentence: string } | null;
    }
  >;
}

describe('distillery simulate', () => {
  it('prints curves, AULC and labels-to-95 % per strategy; writes the table and chart; uncertainty beats random here', async () => {
    const out = path.join(tmp, 'sim');
    const r = await cliOk([
      'simulate',
      '--data',
      dataFile,
      '--strategies',
      'random,entropy,margin,diversity,cold-start',
      '--seed-size',
      '10',
      '--batch',
      '10',
      '--budget',
      '120',
      '--runs',
      '2',
      '--out',
      out,
      '--json',
    ]);
    const lines = r.stdout.trim().split('\n');
    const s = JSON.parse(lines[lines.length - 1]!) as Summary;
    expect(s.pool_size).toBe(960); // 1200 − 20 % stratified test split
    expect(s.full_data.accuracy).toBeGreaterThan(0.9);
    expect(Object.keys(s.strategies)).toEqual(['random', 'entropy', 'margin', 'diversity', 'cold-start']);
    for (const [name, st] of Object.entries(s.strategies)) {
      expect(
        st.curve.map((p) => p.labels),
        name,
      ).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
      for (const p of st.curve) {
        expect(Object.keys(p), name).toEqual(
          expect.arrayContaining(['labels', 'accuracy', 'macro_f1', 'accuracy_std']),
        );
        expect(p.accuracy).toBeGreaterThanOrEqual(0);
        expect(p.accuracy).toBeLessThanOrEqual(1);
      }
      // The curve rises: the last round beats the seed set.
      expect(st.curve[st.curve.length - 1]!.accuracy, name).toBeGreaterThan(st.curve[0]!.accuracy + 0.05);
      expect(st.aulc).toBeGreaterThan(0);
      expect(st.aulc).toBeLessThanOrEqual(1);
      expect(st.labels_to_95 === null || (Number.isInteger(st.labels_to_95) && st.labels_to_95 <= 120)).toBe(true);
      // Stopping signal: κ against the previous round from the second round on, and where the rule fired per run.
      expect(st.curve[0]!.stop_kappa, name).toBeNull();
      for (const p of st.curve.slice(1)) expect(p.stop_kappa! >= -1 && p.stop_kappa! <= 1, name).toBe(true);
      expect(st.stopped_at.runs, name).toHaveLength(2);
      for (const run of st.stopped_at.runs) {
        // The rule needs three κ values after the seed round: 40 labels at the earliest.
        if (run) expect(run.labels, name).toBeGreaterThanOrEqual(40);
      }
      expect(st.stopped_at.runs_fired).toBe(st.stopped_at.runs.filter(Boolean).length);
      expect(st.last_change!.sentence, name).toMatch(
        /^the last 110 labels changed accuracy by [+−]\d+\.\d ± \d+\.\d points$/,
      );
    }
    // All strategies start from the same seed set.
    expect(new Set(Object.values(s.strategies).map((st) => st.curve[0]!.accuracy)).size).toBe(1);
    // Uncertainty asks about unseen cues, so it is clearly not worse than random (in fact better).
    expect(s.strategies.entropy!.aulc).toBeGreaterThan(s.strategies.random!.aulc);
    expect(s.strategies.margin!.aulc).toBeGreaterThan(s.strategies.random!.aulc);
    expect(s.strategies.diversity!.aulc).toBeGreaterThan(s.strategies.random!.aulc - 0.02);

    const md = readFileSync(path.join(out, 'simulation.md'), 'utf8');
    expect(md).toMatch(/\| entropy \| \d+\.\d\d ± \d+\.\d\d \|/);
    expect(md).toContain('![Learning curves](learning-curves.png)');
    expect(existsSync(path.join(out, 'learning-curves.png'))).toBe(true);
    expect(md).toContain('## When to stop');
    expect(md).toContain('![Stop-set κ](stop-kappa.png)');
    expect(existsSync(path.join(out, 'stop-kappa.png'))).toBe(true);
    expect(readFileSync(path.join(out, 'stop-kappa.svg'), 'utf8')).toContain('stop threshold');
    expect(readFileSync(path.join(out, 'learning-curves.svg'), 'utf8')).toContain('entropy');
    expect(JSON.parse(readFileSync(path.join(out, 'simulation.json'), 'utf8')).setup.budget).toBe(120);
    // Progress on stderr with done/total.
    expect(r.stderr).toMatch(/\d+\/\d+ \(\d+\.\d%\)/);
  });

  it('--rules seeds the first round with rule-covered documents spread over labels', async () => {
    const rules = path.join(tmp, 'rules.json');
    writeFileSync(
      rules,
      JSON.stringify([
        { label: 'pos', any: RARE_CUES.pos },
        { label: 'neg', any: RARE_CUES.neg },
      ]),
    );
    const r = await cliOk([
      'simulate',
      '--data',
      dataFile,
      '--rules',
      rules,
      '--strategies',
      'random',
      '--seed-size',
      '10',
      '--batch',
      '10',
      '--budget',
      '20',
      '--runs',
      '1',
      '--json',
    ]);
    const s = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(s.rule_seed).toEqual([{ covered: 10, by_label: { neg: 5, pos: 5 } }]);
    const bad = path.join(tmp, 'bad-rules.json');
    writeFileSync(bad, JSON.stringify([{ label: 'positive', any: ['好'] }]));
    const e = await runCli(['simulate', '--data', dataFile, '--rules', bad, '--strategies', 'random', '--runs', '1']);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain(
      `${bad}: rule 1 (#1 positive): label "positive" is not a label of ${dataFile} (neg, pos)`,
    );
  });

  it('--t2s, --user-dict and --stopwords are taken and recorded in the JSON on stdout and in simulation.json', async () => {
    const stop = path.join(tmp, 'stop.txt');
    writeFileSync(stop, '的\n');
    const dict = path.join(tmp, 'dict.txt');
    writeFileSync(dict, '好吃 10\n');
    const out = path.join(tmp, 'sim-text');
    const args = ['simulate', '--data', dataFile, '--strategies', 'random', '--seed-size', '10', '--batch', '10'];
    const r = await cliOk([
      ...args,
      ...['--budget', '20', '--runs', '1', '--no-charts', '--json', '--out', out],
      ...['--t2s', '--user-dict', dict, '--stopwords', stop],
    ]);
    const s = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(s.text_options).toEqual({ t2s: true, user_dict: dict, stopwords: stop });
    const saved = JSON.parse(readFileSync(path.join(out, 'simulation.json'), 'utf8'));
    expect(saved.setup['text options']).toEqual({ t2s: true, user_dict: dict, stopwords: stop });
    const missing = await runCli([...args, '--runs', '1', '--stopwords', path.join(tmp, 'nope.txt')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('stop-word list');
    expect(missing.stderr).toContain('nope.txt');
  });

  it('refuses an unknown strategy and a budget beyond the pool, saying which option is wrong', async () => {
    const a = await runCli(['simulate', '--data', dataFile, '--strategies', 'random,entropi']);
    expect(a.code).not.toBe(0);
    expect(a.stderr).toMatch(/unknown strategy "entropi"/);
    const b = await runCli([
      'simulate',
      '--data',
      dataFile,
      '--budget',
      '5000',
      '--strategies',
      'random',
      '--runs',
      '1',
    ]);
    expect(b.code).not.toBe(0);
    expect(b.stderr).toMatch(/--budget 5000 exceeds the pool of 960/);
    const c = await runCli(['simulate', '--data', dataFile, '--strategies', 'teacher-kl', '--runs', '1']);
    expect(c.stderr).toMatch(/teacher-kl" needs --teacher-outputs/);
  });

  it('Ctrl+C stops the simulation after the current round with exit code 130', async () => {
    const child = spawn(
      process.execPath,
      [
        'bin/distillery.mjs',
        'simulate',
        '--data',
        dataFile,
        '--strategies',
        'random',
        '--seed-size',
        '10',
        '--batch',
        '1',
        '--budget',
        '900',
        '--runs',
        '1',
      ],
      { cwd: ROOT },
    );
    let stderr = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        // The first progress line: the simulation is under way (890 rounds to go).
        if (/\d+\/\d+ \(/.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.on('close', resolve);
    });
    expect(code).toBe(130);
    expect(stderr).toMatch(/error \[CANCELLED\]: simulation cancelled after \d+ of \d+ steps/);
    expect(stdout).toBe('');
  });
});
