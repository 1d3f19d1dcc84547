import { describe, expect, it } from 'vitest';
import type { DocRow } from '../db/types';
import {
  annotatorsOf,
  countInDispute,
  lowAgreementAnnotators,
  projectAgreement,
  ratingsOf,
  reviewList,
} from './disputes';

const AT = '2026-01-01T00:00:00.000Z';
/** A row with each annotator's label (one letter each: p / n), final labels and rule as given. */
function doc(id: string, by: Record<string, string>, extra: Partial<DocRow> = {}): DocRow {
  const byAnnotator = Object.fromEntries(
    Object.entries(by).map(([who, l]) => [who, { labels: [l], source: 'human' as const, at: AT }]),
  );
  const labels = Object.values(by).slice(-1);
  return {
    projectId: 'p',
    id,
    text: id,
    labels,
    isLabeled: labels.length ? 1 : 0,
    queueScore: 0,
    byAnnotator,
    ...extra,
  };
}

describe('the review lists', () => {
  const docs = [
    doc('10', { ann: 'p', bob: 'n' }, { agree: false, finalRule: 'latest' }),
    doc('2', { ann: 'n', bob: 'p' }, { agree: false, finalRule: 'latest' }),
    doc('3', { ann: 'p', bob: 'n' }, { agree: true, finalRule: 'adjudicated', labels: ['p'] }),
    doc('4', { ann: 'p', bob: 'p' }, { agree: true, finalRule: 'unanimous' }),
    doc('5', { cat: 'n' }, { agree: true, finalRule: 'single' }),
  ];

  it('disagreements: agree false only (adjudicated and agreeing documents are not), in id order', () => {
    expect(reviewList(docs, { kind: 'disputes' }).map((d) => d.id)).toEqual(['2', '10']);
    expect(countInDispute(docs)).toBe(2);
  });

  it('a low-agreement annotator’s work: every document they labeled that no reviewer decided', () => {
    expect(reviewList(docs, { kind: 'annotators', who: new Set(['bob']) }).map((d) => d.id)).toEqual(['2', '4', '10']);
    expect(reviewList(docs, { kind: 'annotators', who: new Set(['cat']) }).map((d) => d.id)).toEqual(['5']);
    expect(reviewList(docs, { kind: 'annotators', who: new Set() })).toEqual([]);
  });

  it('rows without byAnnotator (written before) count as their labeler’s one rating', () => {
    const old: DocRow = {
      projectId: 'p',
      id: 'x',
      text: '',
      labels: ['p'],
      isLabeled: 1,
      queueScore: 0,
      who: 'ann',
      source: 'human',
      at: AT,
    };
    expect(annotatorsOf(old)).toEqual({ ann: { labels: ['p'], source: 'human', at: AT } });
    expect(annotatorsOf({ ...old, labels: [] })).toEqual({});
    expect(ratingsOf([old])).toEqual([{ item: 'x', annotator: 'ann', labels: ['p'] }]);
  });
});

describe('agreement from the rows and the low-agreement filter', () => {
  it('Cohen’s κ of two annotators on five shared documents (hand-computed: 0.32 / 0.52 = 0.615)', () => {
    // ann p p n p n, bob p p n n n: observed 0.8; ann says p 3/5, bob 2/5: expected 0.48.
    const docs = [
      doc('1', { ann: 'p', bob: 'p' }),
      doc('2', { ann: 'p', bob: 'p' }),
      doc('3', { ann: 'n', bob: 'n' }),
      doc('4', { ann: 'p', bob: 'n' }),
      doc('5', { ann: 'n', bob: 'n' }),
      doc('6', { cat: 'p' }),
    ];
    const r = projectAgreement(docs, 'binary', ['p', 'n']);
    expect(r.n_items).toBe(5);
    expect(r.n_items_single).toBe(1);
    // A third annotator with no overlap: no overall Cohen's κ (that needs exactly two), the pair's is there.
    expect(r.pairs[0]).toMatchObject({ a: 'ann', b: 'bob', n_items: 5, agreement: 0.8 });
    expect(r.pairs[0]!.cohen_kappa).toBeCloseTo(0.32 / 0.52, 10);
    expect(lowAgreementAnnotators(r)).toEqual(new Set());
    expect(lowAgreementAnnotators(r, 0.7)).toEqual(new Set(['ann', 'bob']));
  });

  it('flags the annotator who disagrees with two who agree (below the threshold the reviewer sets)', () => {
    const docs = [
      doc('1', { ann: 'p', bob: 'p', eve: 'n' }),
      doc('2', { ann: 'n', bob: 'n', eve: 'p' }),
      doc('3', { ann: 'p', bob: 'p', eve: 'p' }),
      doc('4', { ann: 'n', bob: 'n', eve: 'p' }),
    ];
    const r = projectAgreement(docs, 'binary', ['p', 'n']);
    // Pooled against the others: ann and bob κ 0.25 (eve drags them down), eve −0.5.
    expect(r.annotators.map((a) => a.cohen_kappa)).toEqual([0.25, 0.25, -0.5]);
    expect(lowAgreementAnnotators(r, 0)).toEqual(new Set(['eve']));
    expect(lowAgreementAnnotators(r)).toEqual(new Set(['ann', 'bob', 'eve']));
  });
});
