/** `distillery rules` through the real binary: coverage / precision table, JSON, pre-labels, clear errors. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOk, runCli } from '../fixtures/run-cli';

let tmp: string;
let data: string;
let rules: string;

const ROWS: [string, string][] = [
  ['1', '很好吃，送得很快'],
  ['1', '非常满意，会再来'],
  ['0', '太难吃了'],
  ['0', '送得太慢了，饭都凉了'],
  ['0', '不好吃，失望'], // pos (好吃) against neg (regex 不好) and neg tokens (失望): 2–1, settled as negative
  ['1', '味道不错'],
  ['', '难吃而且太慢'], // unlabeled: covered, no precision
  ['0', '好吃是好吃，就是太慢'], // positive 1 vs negative 1: a tie, no pre-label
];

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-rules-'));
  data = path.join(tmp, 'reviews.csv');
  writeFileSync(data, 'label,review\n' + ROWS.map(([l, t]) => `${l},${t}`).join('\n') + '\n');
  rules = path.join(tmp, 'rules.json');
  writeFileSync(
    rules,
    JSON.stringify([
      { label: '0', any: ['难吃', '太慢'], regex: '不.{0,2}好', name: 'neg' },
      { label: '0', tokens: ['失望'], name: 'neg tokens' },
      { label: '1', any: ['好吃', '满意'], name: 'pos' },
    ]),
  );
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('distillery rules', () => {
  it('reports coverage and precision per rule and writes rule pre-labels with conflicts settled', async () => {
    const out = path.join(tmp, 'pre.jsonl');
    const r = await cliOk(['rules', '--data', data, '--rules', rules, '--out', out, '--json']);
    const rep = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect([rep.documents, rep.labeled, rep.covered, rep.prelabeled]).toEqual([8, 7, 7, 6]);
    // neg fires on rows 3, 4, 5, 7, 8 (labeled: 3, 4, 5 right, 8 right) → 4/4; pos on 1, 2, 5, 8 → right on 1, 2.
    expect(
      rep.rules.map((s: { name: string; coverage: number; n: number; correct: number }) => [
        s.name,
        s.coverage,
        s.n,
        s.correct,
      ]),
    ).toEqual([
      ['neg', 5, 4, 4],
      ['neg tokens', 1, 1, 1],
      ['pos', 4, 4, 2],
    ]);
    expect(rep.rules[2].precision).toBe(0.5);
    expect([rep.conflicts_resolved, rep.conflicts_unresolved]).toEqual([1, 1]);
    const pre = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(pre.map((p) => [p.id, p.label, p.source])).toEqual([
      ['1', '1', 'rule'],
      ['2', '1', 'rule'],
      ['3', '0', 'rule'],
      ['4', '0', 'rule'],
      ['5', '0', 'rule'],
      ['7', '0', 'rule'],
    ]);
    expect(pre[4]).toMatchObject({ text: '不好吃，失望', rules: ['neg', 'neg tokens', 'pos'], conflict: true });
    expect(rep.written).toBe(6);
  });

  it('prints a readable table without --json', async () => {
    const r = await cliOk(['rules', '--data', data, '--rules', rules]);
    expect(r.stdout).toMatch(/^Rule\s+Label\s+Coverage\s+Conflicts\s+Precision/);
    expect(r.stdout).toContain('50.0 % [');
    expect(r.stdout).toContain('(2/4)');
    expect(r.stdout).toMatch(/8 documents \(7 labeled\): rules fire on 7; 6 pre-labeled/);
  });

  it('a bad rule names the file, the rule and the field; --out never overwrites the data', async () => {
    const bad = path.join(tmp, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify([
        { label: '0', any: ['x'] },
        { label: '1', regex: '好(' },
      ]),
    );
    const a = await runCli(['rules', '--data', data, '--rules', bad]);
    expect(a.code).toBe(1);
    expect(a.stderr).toContain(`${bad}: rule 2: invalid regular expression /好(/`);
    const b = await runCli(['rules', '--data', data, '--rules', rules, '--out', data]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/--out .* is the --data file/);
    expect(readFileSync(data, 'utf8')).toContain('好吃是好吃');
  });
});
