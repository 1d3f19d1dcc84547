/**
 * Teacher outputs are matched to the data's labels by name (issue #12). The 10-class case: labels
 * '1'…'10', a teacher whose columns run in string order ('1', '10', '2', …). Aligned by position, the
 * student learned shuffled soft labels and scored near 0 % while its teacher scored well.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { topicCorpus, TOPIC_LABELS } from '../../../test/fixtures/topic-corpus';
import type { CorpusDoc } from '../data/read-corpus';
import { readTeacherOutputs, teacherOutputsNameLabels, writeTeacherOutputsMeta } from './teacher-outputs';
import { runTrainJob, TRAIN_DEFAULTS } from './train-job';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-teacher-outputs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The data's label order ('2' before '10') and the order a string sort gives. */
const DATA_LABELS = TOPIC_LABELS;
const STRING_ORDER = [...TOPIC_LABELS].sort();

function file(name: string, lines: unknown[]): string {
  const f = path.join(tmp, name);
  writeFileSync(f, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return f;
}

/** A confident teacher that is right: probability 0.91 on the true label, 0.01 on the others, in `order`. */
function oracle(label: string, order: readonly string[]): number[] {
  return order.map((l) => (l === label ? 0.91 : 0.01));
}

const docs: CorpusDoc[] = ['10', '2', '1'].map((l, i) => ({
  id: String(i + 1),
  text: `t${i}`,
  labels: [l],
  line: i + 2,
}));
const argmaxLabel = (v: Float32Array, i: number) => {
  const row = Array.from(v.subarray(i * 10, (i + 1) * 10));
  return DATA_LABELS[row.indexOf(Math.max(...row))];
};

describe('readTeacherOutputs maps the teacher columns to the data labels by name', () => {
  it('values keyed by label (what predict --teacher-format writes), in another order', async () => {
    const f = file(
      'named.jsonl',
      docs.map((d) => ({
        id: d.id,
        probs: Object.fromEntries(STRING_ORDER.map((l, c) => [l, oracle(d.labels[0], STRING_ORDER)[c]])),
      })),
    );
    const t = await readTeacherOutputs(f, docs, DATA_LABELS, false, docs.length);
    expect(t.labelsFrom).toBe('lines');
    expect(docs.map((_, i) => argmaxLabel(t.values, i))).toEqual(['10', '2', '1']);
    expect(await teacherOutputsNameLabels(f)).toBe(true);
  });

  it('arrays in the order of the .teacher.json sidecar labels (what teacher predict writes)', async () => {
    const f = file(
      'sidecar.jsonl',
      docs.map((d) => ({ id: d.id, probs: oracle(d.labels[0], STRING_ORDER) })),
    );
    await writeTeacherOutputsMeta(f, { kind: 'test teacher', model: '/x', labels: STRING_ORDER });
    const t = await readTeacherOutputs(f, docs, DATA_LABELS, false, docs.length);
    expect(t.labelsFrom).toBe('sidecar');
    expect(docs.map((_, i) => argmaxLabel(t.values, i))).toEqual(['10', '2', '1']);
  });

  it('a teacher with other labels is refused, naming the file, the line and both label lists', async () => {
    const other = [...STRING_ORDER.slice(0, 9), '11'];
    const f = file(
      'other.jsonl',
      docs.map((d) => ({ id: d.id, probs: Object.fromEntries(other.map((l) => [l, 0.1])) })),
    );
    const err = await readTeacherOutputs(f, docs, DATA_LABELS, false, docs.length).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TEACHER_OUTPUTS', details: { file: f, line: 1, field: 'labels' } });
    expect((err as Error).message).toContain(`${f}:1`);
    expect((err as Error).message).toContain('the teacher has no "9"');
    expect((err as Error).message).toContain('the data has no "11"');

    const g = file(
      'other-sidecar.jsonl',
      docs.map((d) => ({ id: d.id, probs: oracle(d.labels[0], other) })),
    );
    await writeTeacherOutputsMeta(g, { kind: 'test teacher', model: '/x', labels: other });
    await expect(readTeacherOutputs(g, docs, DATA_LABELS, false, docs.length)).rejects.toMatchObject({
      code: 'TEACHER_OUTPUTS',
      message: expect.stringContaining('.teacher.json'),
    });
  });

  it('arrays naming no labels are taken in the data order, and say so', async () => {
    const f = file(
      'bare.jsonl',
      docs.map((d) => ({ id: d.id, probs: oracle(d.labels[0], DATA_LABELS) })),
    );
    const t = await readTeacherOutputs(f, docs, DATA_LABELS, false, docs.length);
    expect(t.labelsFrom).toBe('assumed');
    expect(docs.map((_, i) => argmaxLabel(t.values, i))).toEqual(['10', '2', '1']);
    expect(await teacherOutputsNameLabels(f)).toBe(false);
  });
});

describe('the 10-class case end to end (distill on a data file, as the CLI does)', () => {
  it('a student distilled from a right teacher whose columns run in string order learns the right labels', async () => {
    const corpus = topicCorpus(400, 12);
    const data = path.join(tmp, 'ten-class.csv');
    writeFileSync(data, 'text,label\n' + corpus.map((d) => `${d.text},${d.label}`).join('\n') + '\n');
    // Ids are 1-based data rows, as `predict --teacher-format` numbers them.
    const outputs = file(
      'ten-class-teacher.jsonl',
      corpus.map((d, i) => ({ id: String(i + 1), probs: oracle(d.label, STRING_ORDER) })),
    );
    await writeTeacherOutputsMeta(outputs, { kind: 'oracle', model: '/x', labels: STRING_ORDER });
    const r = await runTrainJob({
      ...TRAIN_DEFAULTS,
      data,
      model: 'textcnn',
      architecture: { embedDim: 16, numFilters: 16, filterSizes: [2] },
      epochs: 6,
      batchSize: 16,
      learningRate: 0.01,
      patience: 6,
      minCount: 1,
      teacherOutputs: outputs,
      alpha: 1,
      temperature: 1,
      charts: false,
    });
    expect(r.schema.labels).toEqual(DATA_LABELS);
    // Aligned by position the student learns '2' → '3', '3' → '4', …: about 10 % (only '1' stays put).
    expect(r.metrics.accuracy).toBeGreaterThanOrEqual(0.7);
  });
});
