import { describe, expect, it } from 'vitest';
import { alphaOf, parseSourceWeights, SOURCE_ALPHA_MAX, weightOf, whyBadSourceWeights } from './source-weights';

describe('source weights', () => {
  it('parses the CLI form and rejects a bad pair by name', () => {
    expect(parseSourceWeights('human=1, teacher=0.5,rule=0.3')).toEqual({ human: 1, teacher: 0.5, rule: 0.3 });
    expect(() => parseSourceWeights('human=1,teacher')).toThrow(/"teacher"/);
    expect(() => parseSourceWeights('rule=-1')).toThrow(/"rule=-1"/);
  });
  it('falls back to the defaults, then to 1', () => {
    expect(weightOf('teacher', {})).toBe(0.5);
    expect(weightOf('rule', undefined)).toBe(0.3);
    expect(weightOf('teacher', { teacher: 0.2 })).toBe(0.2);
    expect(weightOf('somebody', {})).toBe(1);
    expect(weightOf(undefined, { human: 0.7 })).toBe(0.7);
  });
  it('names the bad weight', () => {
    expect(whyBadSourceWeights({ human: 1, teacher: 'x' })).toMatch(/"teacher"/);
    expect(whyBadSourceWeights({ human: 1 })).toBeNull();
  });

  it('per-source α: accepted pre-labels default to 1, other sources the global α; [0, 1] checked by name', () => {
    expect(alphaOf('teacher', undefined, 0.5)).toBe(1);
    expect(alphaOf('student', {}, 0.3)).toBe(1);
    expect(alphaOf('human', {}, 0.3)).toBe(0.3);
    expect(alphaOf('rule', { rule: 0.9 }, 0.3)).toBe(0.9);
    expect(alphaOf('teacher', { teacher: 0.2 }, 0.5)).toBe(0.2);
    expect(alphaOf(undefined, { human: 0.7 }, 0.5)).toBe(0.7);
    expect(parseSourceWeights('teacher=1,rule=0.9', SOURCE_ALPHA_MAX)).toEqual({ teacher: 1, rule: 0.9 });
    expect(() => parseSourceWeights('teacher=2', SOURCE_ALPHA_MAX)).toThrow(/source α "teacher=2".*\[0, 1\]/);
    expect(whyBadSourceWeights({ rule: 1.5 }, SOURCE_ALPHA_MAX)).toBe(
      'α of "rule" must be a number in [0, 1], got 1.5',
    );
  });
});
