/** `distillery agreement` through the real binary: the JSON object, the tables, clear errors naming file and line. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOk, runCli } from '../fixtures/run-cli';

let tmp: string;
const file = (name: string, body: string) => {
  const p = path.join(tmp, name);
  writeFileSync(p, body);
  return p;
};

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-agreement-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('distillery agreement', () => {
  it("two annotators (CSV): Cohen's κ 0.40 on the 20/5/10/15 table, α, Fleiss' κ, and the tables", async () => {
    const rows: string[] = [];
    const cells: [string, string, number][] = [
      ['neg', 'neg', 20],
      ['neg', 'pos', 5],
      ['pos', 'neg', 10],
      ['pos', 'pos', 15],
    ];
    let id = 0;
    for (const [a, b, n] of cells) for (let k = 0; k < n; k++) rows.push(`d${++id},ann,${a}`, `d${id},bob,${b}`);
    const data = file('two.csv', 'id,annotator,label\n' + rows.join('\n') + '\nd99,ann,pos\n');
    const r = JSON.parse((await cliOk(['agreement', '--data', data, '--json'])).stdout);
    expect([r.n_items, r.n_items_single, r.n_annotators]).toEqual([50, 1, 2]);
    expect(r.cohen_kappa).toBeCloseTo(0.4, 12);
    expect(r.krippendorff_alpha).toBeCloseTo(0.4, 2);
    expect(r.fleiss_kappa).toBeCloseTo(0.195 / 0.495, 12);
    const human = (await cliOk(['agreement', '--data', data])).stdout;
    expect(human).toMatch(/Cohen's κ: 0\.400/);
    expect(human).toMatch(/^ann\s+bob\s+50\s+70\.0 %\s+0\.400/m);
    expect(human).toMatch(/Per label \(one-vs-rest\)\nLabel\s+Items/);
  });

  it("JSONL with missing ratings (Krippendorff's 4 × 12 example): α 0.743, Fleiss' κ null with the reason, no cohen_kappa", async () => {
    const data = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
      [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
    ].flatMap((row, o) =>
      row.map((v, u) => (v ? JSON.stringify({ item: `u${u + 1}`, coder: 'ABCD'[o], label: v }) : '')).filter(Boolean),
    );
    const r = JSON.parse(
      (await cliOk(['agreement', '--data', file('k.jsonl', data.join('\n') + '\n'), '--json'])).stdout,
    );
    expect([r.n_items, r.n_items_single, r.n_annotators]).toEqual([11, 1, 4]);
    expect(r.krippendorff_alpha).toBeCloseTo(0.743, 3);
    expect(r.fleiss_kappa).toBeNull();
    expect(r.fleiss_kappa_note).toMatch(/same number/);
    expect(r).not.toHaveProperty('cohen_kappa');
  });

  it('a missing column is an error naming the file and line, exit code 1 (the other input errors: read-ratings.test.ts)', async () => {
    const noAnn = file('noann.csv', 'id,label\n1,x\n');
    const r = await runCli(['agreement', '--data', noAnn]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${noAnn}:1: no annotator column found`);
    expect(r.stderr).toMatch(/available columns: "id", "label".*--annotator-col/);
  });
});
