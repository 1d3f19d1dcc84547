/**
 * A distilled student's model card and config say what it was distilled from: the teacher, α, ρ and
 * the rows (human-labeled, teacher-only) with the data hash, on the app's distill job (soft labels
 * sent with the job, no teacher-outputs file) and on the CLI's `distill` (a teacher-outputs file).
 * A plain student's card still says it had no teacher.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jobContext } from '../../../test/fixtures/job-context';
import { corpusCsv, generateCorpus, generateTexts, uniqueDocs } from '../../../test/fixtures/synthetic-corpus';
import type { JobRequest } from '../../shared/api';
import type { JobOptionsOf } from '../../shared/job-options';
import type { ModelFolderConfig } from '../export/model-folder';
import { runJob } from '../process/run-job';
import { runTrainJob, TRAIN_DEFAULTS } from './train-job';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-distill-card-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TINY: JobOptionsOf<'train-student'> = {
  model: 'textcnn',
  embedDim: 8,
  numFilters: 4,
  filterSizes: [2, 3],
  epochs: 1,
  batchSize: 16,
  maxVocab: 300,
  charts: false,
};
const docs = uniqueDocs(generateCorpus(100, 31, 'binary')).map((d, i) => ({
  id: `d${i}`,
  text: d.text,
  labels: [d.label],
}));
const extra = generateTexts(30, 77)
  .filter((t) => !docs.some((d) => d.text === t))
  .map((text, i) => ({ id: `u${i}`, text }));
const soft = (i: number) => (i % 2 ? [0.2, 0.8] : [0.9, 0.1]);
const byId = Object.fromEntries([...docs, ...extra].map((d, i) => [d.id, soft(i)]));

const readModel = (dir: string) => ({
  card: readFileSync(path.join(dir, 'model-card.md'), 'utf8'),
  config: JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as ModelFolderConfig,
});

describe("the distilled student's model card", () => {
  it("the app's distill job: names the teacher, α, ρ, human and teacher-only rows and the data hash", async () => {
    const folder = path.join(tmp, 'app');
    const { ctx } = jobContext(folder);
    const r: JobRequest = {
      kind: 'distill',
      projectId: 'p',
      task: 'binary',
      labels: ['0', '1'],
      docs: { labeled: docs, toScore: extra },
      teacher: { kind: 'probs', name: 'teacher (textcnn, teacher-20260101-120000-textcnn)', byId },
      options: { ...TINY, alpha: 0.7, temperature: 4, useUnlabeled: true },
    };
    const res = await runJob(r, ctx);
    const { card, config } = readModel(path.join(folder, 'models', res.modelVersion));
    const d = config.training.distillation!;
    expect(d).toMatchObject({
      teacher: 'teacher (textcnn, teacher-20260101-120000-textcnn)',
      alpha: 0.7,
      temperature: 4,
      teacherOnlyRows: extra.length,
    });
    expect(d.humanLabeledRows).toBeGreaterThan(0);
    expect(card).not.toContain('Teacher: none');
    expect(card).toContain('- Teacher: teacher (textcnn, teacher-20260101-120000-textcnn)');
    expect(card).toContain('α = 0.7 (weight of the distillation term), ρ = 4 (temperature)');
    expect(card).toContain(
      `- Training rows: ${d.humanLabeledRows} with a human label (each also with the teacher's soft label), ${extra.length} without one, trained on the teacher's soft label only; data ${config.training.dataHash}`,
    );
    expect(config.training.dataHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("the CLI's distill: the same, plus the teacher-outputs file and its hash; a plain student has no teacher", async () => {
    const data = path.join(tmp, 'data.csv');
    writeFileSync(data, corpusCsv(generateCorpus(100, 32, 'binary')));
    const outputs = path.join(tmp, 'teacher.jsonl');
    const rows = readFileSync(data, 'utf8').trim().split('\n').slice(1);
    writeFileSync(outputs, rows.map((_, i) => JSON.stringify({ probs: soft(i) })).join('\n') + '\n');
    const base = {
      ...TRAIN_DEFAULTS,
      data,
      model: 'textcnn',
      epochs: 1,
      batchSize: 16,
      maxVocab: 300,
      charts: false,
      architecture: { embedDim: 8, numFilters: 4, filterSizes: [2, 3] },
    };
    const out = path.join(tmp, 'cli');
    await runTrainJob({
      ...base,
      out,
      teacherOutputs: outputs,
      teacherName: 'ensemble teacher',
      alpha: 0.5,
      temperature: 3,
    });
    const { card, config } = readModel(out);
    expect(config.training.distillation).toMatchObject({
      teacher: 'ensemble teacher',
      alpha: 0.5,
      temperature: 3,
      teacherOnlyRows: 0,
      teacherOutputs: outputs,
      teacherOutputsHash: expect.stringMatching(/^sha256:/),
    });
    expect(card).toContain('- Teacher: ensemble teacher');
    expect(card).toContain('α = 0.5 (weight of the distillation term), ρ = 3 (temperature)');
    expect(card).toContain(`; teacher outputs teacher.jsonl (${config.training.distillation!.teacherOutputsHash})`);

    const plain = path.join(tmp, 'plain');
    await runTrainJob({ ...base, out: plain });
    const p = readModel(plain);
    expect(p.config.training.distillation).toBeUndefined();
    expect(p.card).toContain('- Teacher: none (trained on human labels only)');
    expect(readdirSync(plain)).toEqual(
      expect.arrayContaining(['tokenizer-spec.md', 'reference-tokenizer.mjs', 'reference_tokenizer.py']),
    );
  });
});
