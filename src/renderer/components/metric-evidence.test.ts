import { describe, expect, it } from 'vitest';
import { singleLabelMetrics } from '../../shared/metrics';
import { en } from '../i18n/en';
import { accuracyEvidence } from './metric-evidence';

/** The English messages with {placeholders} filled, as vue-i18n does. */
const t = (key: string, values: Record<string, unknown>) => {
  const msg = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], en) as string;
  return msg.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k]));
};

describe('accuracyEvidence (runs table)', () => {
  it('shows n and the Wilson interval, and flags a test set below the minimum', () => {
    // 4 of 10 right: Wilson 95 % [0.168, 0.687].
    const m = singleLabelMetrics(
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [0, 1, 2, 3, 0, 0, 0, 0, 0, 0],
      Array.from({ length: 10 }, (_, i) => String(i + 1)),
    );
    const e = accuracyEvidence(m, 10, t)!;
    expect(e.short).toBe('n = 10 · 16.8%–68.7%');
    expect(e.small).toBe(true);
    expect(e.title).toContain('Accuracy on 10 test documents; 95 % interval 16.8%–68.7% (Wilson).');
    expect(e.title).toContain('over the 10 of 10 labels present');
    expect(e.title).toContain('Only 10 test documents (fewer than 30)');
  });

  it('says nothing for runs recorded before metrics carried n and intervals', () => {
    const { n: _n, accuracy_ci: _ci, ...old } = singleLabelMetrics([0, 1], [0, 1], ['a', 'b']);
    expect(accuracyEvidence(old as never, 2, t)).toBeUndefined();
    expect(accuracyEvidence(undefined, 2, t)).toBeUndefined();
  });
});
