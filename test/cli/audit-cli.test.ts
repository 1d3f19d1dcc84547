/** `distillery audit` through the real binary: suspects as JSON with the input's ids (or row numbers), the table, progress and errors. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField } from '../fixtures/synthetic-corpus';
import { plantedNoiseCorpus } from '../fixtures/planted-noise';
import { cliOk, runCli } from '../fixtures/run-cli';

let tmp: string;
const { docs, flipped } = plantedNoiseCorpus(400, 11, 0.1);

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-audit-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Suspect = { id: string; label: string; suggested: string; score: number };
const precisionRecall = (suspects: Suspect[], planted: Set<string>) => {
  const hits = suspects.filter((s) => planted.has(s.id)).length;
  return [hits / suspects.length, hits / planted.size];
};

describe('distillery audit', () => {
  it('--json: {"suspects": [{id, label, suggested, score}]} with the id column, planted flips found; progress on stderr', async () => {
    const data = path.join(tmp, 'with-id.csv');
    writeFileSync(
      data,
      'id,text,label\n' + docs.map((d) => `${d.id},${csvField(d.text)},${d.labels[0]}`).join('\n') + '\n',
    );
    const r = await cliOk(['audit', '--data', data, '--folds', '4', '--json']);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out.suspects[0]).sort()).toEqual(['id', 'label', 'score', 'suggested']);
    const [precision, recall] = precisionRecall(out.suspects, flipped);
    // Chance precision is 0.1.
    expect(precision).toBeGreaterThanOrEqual(0.8);
    expect(recall).toBeGreaterThanOrEqual(0.6);
    expect([out.n, out.folds]).toEqual([400, 4]);
    expect(r.stderr).toMatch(/audit: fold 4\/4/);
    expect(r.stderr).toMatch(/audit: \d+ of 400 labeled documents flagged/);
  });

  it('without an id column the id is the 1-based data row; --text-col / --label-col; the table with --top', async () => {
    const data = path.join(tmp, 'no-id.csv');
    writeFileSync(data, 'review,verdict\n' + docs.map((d) => `${csvField(d.text)},${d.labels[0]}`).join('\n') + '\n');
    const rows = new Set(docs.flatMap((d, i) => (flipped.has(d.id) ? [String(i + 1)] : [])));
    const out = JSON.parse(
      (await cliOk(['audit', '--data', data, '--text-col', 'review', '--label-col', 'verdict', '--json'])).stdout,
    );
    expect(precisionRecall(out.suspects, rows)[0]).toBeGreaterThanOrEqual(0.8);
    const table = (
      await cliOk(['audit', '--data', data, '--text-col', 'review', '--label-col', 'verdict', '--top', '3'])
    ).stdout;
    expect(table).toMatch(/^#\s+id\s+label\s+suggested\s+score \(self_confidence\)\n1\s+\d+\s+\S+\s+\S+\s+[\d.e-]+\n/);
    expect(table).toMatch(/\d+ suspect\(s\) \(the first 3 shown\) among 400 labeled of 400 documents/);
  });

  it('a file without labels is an error naming it', async () => {
    const data = path.join(tmp, 'nolabel.csv');
    writeFileSync(data, 'text\n你好\n');
    const r = await runCli(['audit', '--data', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${data}: no label column found`);
  });
});
