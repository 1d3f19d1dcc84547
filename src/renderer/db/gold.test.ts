import { describe, expect, it } from 'vitest';
import { goldAdditions, inGold, labelOrigin, testSetSummary, type GoldDoc } from './gold';

/** n human-labeled documents per label, ids `<label>-<i>`. */
function corpus(perLabel: Record<string, number>, over: (d: GoldDoc) => GoldDoc = (d) => d): GoldDoc[] {
  return Object.entries(perLabel).flatMap(([l, n]) =>
    Array.from({ length: n }, (_, i) => over({ id: `${l}-${i}`, labels: [l], source: 'human' as const })),
  );
}

function apply(docs: GoldDoc[], ids: string[]): GoldDoc[] {
  const set = new Set(ids);
  return docs.map((d) => (set.has(d.id) ? { ...d, gold: 1 as const } : d));
}

describe('gold set draw', () => {
  it('is stratified: each label gets its share of its own human labels', () => {
    const add = goldAdditions(corpus({ a: 300, b: 60, c: 40 }), { fraction: 0.1, cap: 500 }, 'p');
    const by = (l: string) => add.filter((id) => id.startsWith(`${l}-`)).length;
    expect([by('a'), by('b'), by('c')]).toEqual([30, 6, 4]);
  });

  it('draws from human labels only: accepted pre-labels, student and rule labels never enter', () => {
    const docs = [
      ...corpus({ a: 50, b: 50 }),
      ...corpus({ x: 0 }),
      ...Array.from({ length: 200 }, (_, i): GoldDoc => ({
        id: `t-${i}`,
        labels: [i % 2 ? 'a' : 'b'],
        source: 'teacher',
      })),
      ...Array.from({ length: 50 }, (_, i): GoldDoc => ({ id: `r-${i}`, labels: ['a'], source: 'rule' })),
      ...Array.from({ length: 50 }, (_, i): GoldDoc => ({ id: `s-${i}`, labels: ['b'], source: 'student' })),
    ];
    const add = goldAdditions(docs, { fraction: 0.5, cap: 1000 }, 'p');
    expect(add).toHaveLength(50);
    expect(add.every((id) => /^[ab]-/.test(id))).toBe(true);
    // A flag on a model's label does not make it gold.
    expect(inGold({ labels: ['a'], source: 'teacher', gold: 1 })).toBe(false);
    expect(inGold({ labels: ['a'], source: 'human', gold: 1 })).toBe(true);
  });

  it('is stable as labels arrive: the set only grows, at the same rate, and nothing drawn is re-drawn', () => {
    let docs = corpus({ a: 40, b: 40 });
    const first = goldAdditions(docs, { fraction: 0.1, cap: 500 }, 'p');
    expect(first).toHaveLength(8);
    docs = apply(docs, first);
    // Running the draw again with nothing new adds nothing.
    expect(goldAdditions(docs, { fraction: 0.1, cap: 500 }, 'p')).toEqual([]);
    // 40 more labels of a: 4 more gold documents of a, none of b; the first 8 stay.
    docs = [
      ...docs,
      ...Array.from({ length: 40 }, (_, i): GoldDoc => ({ id: `a-new-${i}`, labels: ['a'], source: 'human' })),
    ];
    const second = goldAdditions(docs, { fraction: 0.1, cap: 500 }, 'p');
    expect(second).toHaveLength(4);
    expect(second.every((id) => id.startsWith('a-'))).toBe(true);
    expect(second.some((id) => first.includes(id))).toBe(false);
    // The same documents whatever order the database returns them in.
    expect(goldAdditions([...docs].reverse(), { fraction: 0.1, cap: 500 }, 'p').sort()).toEqual([...second].sort());
  });

  it('respects the cap (classes take turns) and a person\'s "not gold" (gold = 0)', () => {
    const add = goldAdditions(corpus({ a: 1000, b: 1000 }), { fraction: 0.1, cap: 50 }, 'p');
    expect(add).toHaveLength(50);
    expect(add.filter((id) => id.startsWith('b-'))).toHaveLength(25);
    const docs = corpus({ a: 10 }, (d) => ({ ...d, gold: 0 as const }));
    expect(goldAdditions(docs, { fraction: 0.5, cap: 50 }, 'p')).toEqual([]);
  });

  it('names label origins as the training weights do and summarises a test set', () => {
    expect(labelOrigin({ source: 'human', labelVia: 'import' })).toBe('imported');
    expect(labelOrigin({ source: 'human', labelVia: 'correct' })).toBe('corrected');
    expect(labelOrigin({ source: 'teacher' })).toBe('teacher');
    expect(labelOrigin({})).toBe('human');
    expect(testSetSummary([{ source: 'human' }, { source: 'human', labelVia: 'import' }, { source: 'human' }])).toEqual(
      { n: 3, origins: ['human', 'imported'] },
    );
  });
});
