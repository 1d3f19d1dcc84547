import { describe, expect, it } from 'vitest';
import type { DocRow } from '../db/types';
import { decisionLabels, openSuspects, type Suspect } from './suspects';

const doc = (id: string, labels: string[], extra: Partial<DocRow> = {}): DocRow => ({
  projectId: 'p',
  id,
  text: id,
  labels,
  isLabeled: labels.length ? 1 : 0,
  queueScore: 0,
  ...extra,
});
const AUDIT_AT = '2026-01-02T00:00:00.000Z';

describe('the suspects queue', () => {
  const suspects: Suspect[] = [
    { id: 'a', label: 'pos', suggested: 'neg', score: 0.01 },
    { id: 'b', label: 'pos', suggested: 'neg', score: 0.02 },
    { id: 'c', label: 'neg', suggested: 'pos', score: 0.03 },
    { id: 'd', label: 'neg', suggested: 'pos', score: 0.04 },
    { id: 'gone', label: 'neg', suggested: 'pos', score: 0.05 },
  ];
  const docs = new Map(
    [
      doc('a', ['pos']),
      // Relabeled since the audit by someone: its question is answered.
      doc('b', ['neg']),
      // Adjudicated after the audit (kept): done.
      doc('c', ['neg'], { finalRule: 'adjudicated', at: '2026-01-03T00:00:00.000Z' }),
      // Adjudicated before the audit: the audit questions that decision, still open.
      doc('d', ['neg'], { finalRule: 'adjudicated', at: '2026-01-01T00:00:00.000Z' }),
    ].map((d) => [d.id, d]),
  );

  it('lists what is still open, in the audit’s order', () => {
    expect(openSuspects(suspects, docs, AUDIT_AT).map((x) => x.suspect.id)).toEqual(['a', 'd']);
  });

  it('keep makes the current labels final; relabel the suggestion (single- and multi-label)', () => {
    expect(decisionLabels(suspects[0]!, doc('a', ['pos']), 'keep')).toEqual(['pos']);
    expect(decisionLabels(suspects[0]!, doc('a', ['pos']), 'relabel')).toEqual(['neg']);
    const multi: Suspect = { id: 'm', label: ['x', 'y'], suggested: ['x'], score: 0.1 };
    expect(decisionLabels(multi, doc('m', ['x', 'y']), 'keep')).toEqual(['x', 'y']);
    expect(decisionLabels(multi, doc('m', ['x', 'y']), 'relabel')).toEqual(['x']);
  });
});
