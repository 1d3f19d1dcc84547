/**
 * `teacher predict` streams: rows are scored and progress reported while the input is still being
 * written (a named pipe that stays open), ids and logits equal scoring the whole file at once, and
 * a bad row half-way leaves an earlier output file as it was.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxSession } from '../backend/onnx-runtime';
import { makeTinyBertFolder } from '../../../test/fixtures/tiny-bert';
import { loadHfFolder } from '../teacher/checkpoint/hf-folder';
import { bertFeeds } from '../teacher/onnx/bert-feeds';
import { exportBertToOnnx } from '../teacher/onnx/export-bert';
import { runTeacherPredict } from './teacher-job';

let tmp: string;
let model: string;
const row = (i: number) => `${i},${'好坏天气'[i % 4]}评论文字第${i}条`;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-teacher-stream-'));
  model = path.join(tmp, 'teacher');
  const t = await makeTinyBertFolder(model, {
    layers: 1,
    hidden: 16,
    heads: 2,
    intermediate: 32,
    seed: 4,
    numLabels: 2,
    vocabWords: ['好', '坏', '天', '气', '评', '论', '文', '字', '第', '条'],
  });
  writeFileSync(
    path.join(model, 'model.onnx'),
    exportBertToOnnx(t.config, t.weights, { numLabels: 2, multiLabel: false }),
  );
  writeFileSync(
    path.join(model, 'teacher.json'),
    JSON.stringify({ kind: 'fine-tuned BERT', labels: ['neg', 'pos'], task: 'binary', maxLen: 16 }),
  );
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const readLines = (f: string) =>
  readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; logits: number[] });

describe('runTeacherPredict', () => {
  it(
    'scores rows while the input is still open, and gives the logits of one run over all rows',
    { timeout: 60_000 },
    async () => {
      const fifo = path.join(tmp, 'rows.csv');
      execFileSync('mkfifo', [fifo]);
      const out = path.join(tmp, 'logits.jsonl');
      // More than the 64 KB the decoder reads before choosing the encoding, then the pipe stays open.
      const N1 = 3000;
      const N2 = 500;
      const writer = createWriteStream(fifo);
      writer.write('id,text\n' + Array.from({ length: N1 }, (_, i) => row(i + 1)).join('\n') + '\n');
      const progress: number[] = [];
      let firstProgress!: () => void;
      const scoring = new Promise<void>((r) => (firstProgress = r));
      const job = runTeacherPredict({ model, data: fifo, out, idCol: 'id', batchSize: 64 }, (p) => {
        progress.push(p.done);
        firstProgress();
      });
      // A reader of the whole file would wait for the end of the input here, and the test would time out.
      await scoring;
      expect(progress[0]).toBeGreaterThan(0);
      writer.end(Array.from({ length: N2 }, (_, i) => row(N1 + i + 1)).join('\n') + '\n');
      const r = await job;
      expect(r).toMatchObject({ rows: N1 + N2, numLabels: 2, cancelled: false });
      const lines = readLines(out);
      expect(lines.map((l) => l.id)).toEqual(Array.from({ length: N1 + N2 }, (_, i) => String(i + 1)));

      // The same rows in one batch through the same ONNX file.
      const texts = Array.from({ length: N1 + N2 }, (_, i) => row(i + 1).split(',')[1]);
      const { tokenizer } = await loadHfFolder(model, { configOnly: true });
      const session = await createOnnxSession(path.join(model, 'model.onnx'));
      const sample = [0, 1, 63, 64, 2999, 3000, N1 + N2 - 1];
      const ref = (
        await session.run(
          bertFeeds(
            tokenizer,
            sample.map((k) => texts[k]),
            16,
          ),
        )
      ).logits.data as Float32Array;
      await session.release();
      sample.forEach((k, j) => {
        for (let c = 0; c < 2; c++) expect(lines[k].logits[c]).toBeCloseTo(ref[2 * j + c], 4);
      });
    },
  );

  it('a bad row half-way: a clear error naming the line, and an earlier output file is left as it was', async () => {
    const data = path.join(tmp, 'bad.csv');
    writeFileSync(
      data,
      'text\n' + Array.from({ length: 300 }, (_, i) => `好评${i}`).join('\n') + '\n"never closed\n好\n',
    );
    const out = path.join(tmp, 'kept.jsonl');
    writeFileSync(out, '{"id":"1","logits":[0,1]}\n');
    await expect(runTeacherPredict({ model, data, out, batchSize: 64 })).rejects.toThrow(
      /bad\.csv:302:1: quoted field is never closed/,
    );
    expect(readFileSync(out, 'utf8')).toBe('{"id":"1","logits":[0,1]}\n');
  });
});
