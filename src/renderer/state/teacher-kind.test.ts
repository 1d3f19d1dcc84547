import { describe, expect, it } from 'vitest';
import { shortPath, teacherOfRun, teacherRecordName, teacherText } from './teacher-kind';

const t = (key: string, params: Record<string, unknown> = {}) => `${key}${JSON.stringify(params)}`;

describe('teacher kind', () => {
  it('describes the teacher a run made, before and after it finished', () => {
    expect(teacherOfRun({ kind: 'train-student', options: { model: 'bilstm' } })).toEqual({ source: 'student', model: 'bilstm' });
    expect(teacherOfRun({ kind: 'train-bert-teacher', options: { source: 'model-dir', modelDir: '/m/rbt3' } })).toEqual({ source: 'model-dir', base: '/m/rbt3' });
    expect(teacherOfRun({ kind: 'train-bert-teacher', options: { source: 'pretrain', layers: 2 } })).toEqual({ source: 'pretrain' });
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
    expect(teacherOfRun({ kind: 'train-bert-teacher', options: {}, result })).toEqual({ source: 'model-dir', base: '/m/rbt3', kind: 'fine-tuned BERT', shape: '3 layers, hidden 768, 12 heads' });
    expect(teacherOfRun({ kind: 'distill', options: {} })).toBeUndefined();
  });

  it('names it in the UI language and in the model card', () => {
    expect(teacherText({ source: 'model-dir', base: '/home/me/models/bert-base-chinese/' }, t)).toBe('train.teacherKinds.modelDirRun{"folder":"…/models/bert-base-chinese"}');
    expect(teacherText({ source: 'pretrain' }, t)).toBe('train.teacherKinds.pretrainRun{}');
    expect(teacherText({ source: 'student', model: 'gru' }, t)).toBe('train.teacherKinds.studentRun{"model":"gru"}');
    expect(shortPath('C:\\models\\rbt3')).toBe('C:\\models\\rbt3');
    expect(shortPath('D:\\a\\models\\rbt3')).toBe('…/models/rbt3');
    expect(teacherRecordName({ source: 'model-dir', base: '/m/rbt3', kind: 'fine-tuned BERT' }, 'v1')).toBe('fine-tuned BERT from /m/rbt3 (v1)');
    expect(teacherRecordName({ source: 'student', model: 'bilstm' }, 'teacher-20250101-120000-bilstm')).toBe('teacher (bilstm, teacher-20250101-120000-bilstm)');
    expect(teacherRecordName(undefined, 'v3')).toBe('v3');
  });
});
