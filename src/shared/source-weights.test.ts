import { describe, expect, it } from 'vitest';
import { parseSourceWeights, weightOf, whyBadSourceWeights } from './source-weights';

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
});
