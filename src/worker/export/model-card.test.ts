import { describe, expect, it } from 'vitest';
import { makeStudentConfig } from '../models/registry';
import { renderModelCard, renderUseSection, withUseSection } from './model-card';
import { MODEL_FORMAT, type ModelFolderConfig } from './model-folder';

const config = (
  over: Partial<ModelFolderConfig['training']> = {},
  task: ModelFolderConfig['task'] = 'binary',
): ModelFolderConfig => ({
  format: MODEL_FORMAT,
  version: 1,
  task,
  labels: ['a', 'b', 'c'],
  threshold: 0.5,
  student: makeStudentConfig(
    'textcnn',
    { vocabSize: 50, maxLen: 40, numClasses: 3, multiLabel: task === 'multilabel' },
    {},
  ),
  training: {
    seed: 1,
    backend: 'wasm',
    options: {},
    startedAt: 't',
    seconds: 1,
    dataHash: 'sha256:abc',
    distillery: 'x',
    ...over,
  },
});
const facts = {
  metrics: { accuracy: 0.9 } as never,
  paramCount: 10,
  sizeMB: 0.1,
  sizes: { train: 80, valid: 10, test: 10, unlabeledUsed: 0 },
  bestEpoch: 1,
};

describe('model card', () => {
  it('multi-label distillation: α, no temperature, BCE loss', () => {
    const card = renderModelCard(
      config(
        { teacher: 'T', distillation: { teacher: 'T', alpha: 1, humanLabeledRows: 80, teacherOnlyRows: 5 } },
        'multilabel',
      ),
      facts,
    );
    expect(card).toContain('- Teacher: T');
    expect(card).toContain('α = 1 (weight of the distillation term), no temperature (multi-label');
    expect(card).toContain(
      "- Training rows: 80 with a human label (each also with the teacher's soft label), 5 without one, trained on the teacher's soft label only; data sha256:abc",
    );
  });

  it('a folder written before the distillation record still names its teacher', () => {
    expect(renderModelCard(config({ teacher: 'old teacher' }), facts)).toContain('- Teacher: old teacher');
    expect(renderModelCard(config(), facts)).toContain('- Teacher: none (trained on human labels only)');
  });

  it('rewrites the Use section for an export wherever it is, or adds it', () => {
    const use = renderUseSection(config(), { onnx: 'v1.onnx' }, 'char');
    expect(use.join('\n')).toContain(
      '`v1.onnx` (ONNX): input `input_ids`, int64, shape [batch, 40]: every row is T = 40 ids',
    );
    const middle = withUseSection('# c\n\n## Use\n\n- old\n\n## Limits\n\n- l\n', use);
    expect(middle).toMatch(/^# c\n\n## Use\n\n- `v1.onnx`[\s\S]*\n\n## Limits\n\n- l\n$/);
    expect(middle).not.toContain('- old');
    const last = withUseSection('# c\n\n## Use\n\n- old\n', use);
    expect(last).not.toContain('- old');
    expect(last).toContain('`v1.onnx`');
    expect(withUseSection('# c\n', use)).toMatch(/^# c\n\n## Use\n/);
  });
});
