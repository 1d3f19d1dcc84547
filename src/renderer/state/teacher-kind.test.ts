import { describe, expect, it } from 'vitest';
import { shortPath, teacherKindsFor, teacherOfRun, teacherRecordName, teacherText } from './teacher-kind';

const t = (key: string, params: Record<string, unknown> = {}) => `${key}${JSON.stringify(params)}`;

describe('teacher kind', () => {
  it('describes the teacher a run made, before and after it finished', () => {
    expect(teacherOfRun({ kind: 'train-student', options: { model: 'bilstm' } })).toEqual({
      source: 'student',
      model: 'bilstm',
    });
    expect(teacherOfRun({ kind: 'train-bert-teacher', options: { source: 'model-dir', modelDir: '/m/rbt3' } })).toEqual(
      { source: 'model-dir', base: '/m/rbt3' },
    );
    expect(teacherOfRun({ kind: 'train-bert-teacher', options: { source: 'pretrain', layers: 2 } })).toEqual({
      source: 'pretrain',
    });
    const result = {
      modelVersion: 'teacher-20250101-000000-bert',
      teacher: {
        source: 'model-dir' as const,
        kind: 'fine-tuned BERT',
        base: '/m/rbt3',
        shape: '3 layers, hidden 768, 12 heads',
        tokenizer: 'wordpiece',
        backend: 'wasm',
        evaluatedOn: 'test' as const,
      },
    };
    expect(teacherOfRun({ kind: 'train-bert-teacher', options: {}, result })).toEqual({
      source: 'model-dir',
      base: '/m/rbt3',
      kind: 'fine-tuned BERT',
      shape: '3 layers, hidden 768, 12 heads',
    });
    expect(teacherOfRun({ kind: 'distill', options: {} })).toBeUndefined();
    // A binary-relevance teacher, before it finished and after.
    expect(
      teacherOfRun({
        kind: 'train-bert-teacher',
        options: { source: 'model-dir', modelDir: '/m/rbt3', binaryRelevance: true },
      }),
    ).toEqual({ source: 'model-dir', base: '/m/rbt3', binaryRelevance: true });
    const br = {
      ...result,
      teacher: {
        ...result.teacher,
        kind: 'binary relevance: one fine-tuned BERT per label',
        binaryRelevance: { weights: [1], perLabel: [] },
      },
    };
    expect(teacherOfRun({ kind: 'train-bert-teacher', options: {}, result: br })).toMatchObject({
      binaryRelevance: true,
      base: '/m/rbt3',
    });
  });

  it('names it in the UI language and in the model card', () => {
    expect(teacherText({ source: 'model-dir', base: '/home/me/models/bert-base-chinese/' }, t)).toBe(
      'train.teacherKinds.modelDirRun{"folder":"…/models/bert-base-chinese"}',
    );
    expect(teacherText({ source: 'pretrain' }, t)).toBe('train.teacherKinds.pretrainRun{}');
    expect(teacherText({ source: 'model-dir', base: '/home/me/models/rbt3', binaryRelevance: true }, t)).toBe(
      'train.teacherKinds.brRun{"folder":"…/models/rbt3"}',
    );
    expect(teacherKindsFor('multilabel')).toContain('binary-relevance');
    expect(teacherKindsFor('binary')).not.toContain('binary-relevance');
    expect(teacherText({ source: 'student', model: 'gru' }, t)).toBe('train.teacherKinds.studentRun{"model":"gru"}');
    expect(shortPath('C:\\models\\rbt3')).toBe('C:\\models\\rbt3');
    expect(shortPath('D:\\a\\models\\rbt3')).toBe('…/models/rbt3');
    expect(teacherRecordName({ source: 'model-dir', base: '/m/rbt3', kind: 'fine-tuned BERT' }, 'v1')).toBe(
      'fine-tuned BERT from /m/rbt3 (v1)',
    );
    expect(teacherRecordName({ source: 'student', model: 'bilstm' }, 'teacher-20250101-120000-bilstm')).toBe(
      'teacher (bilstm, teacher-20250101-120000-bilstm)',
    );
    expect(teacherRecordName(undefined, 'v3')).toBe('v3');
  });
});
