import { describe, expect, it } from 'vitest';
import type { LabelEvent } from '../../shared/label-event';
import { docConsensus, journalOrder, newEventId, replicatedPatch } from './replica';

const schema = ['neg', 'pos'];
const ev = (who: string, labels: string[], at: string, action: LabelEvent['action'] = 'label'): LabelEvent => ({
  docId: 'd',
  id: newEventId(),
  labels,
  source: 'human',
  who,
  at,
  action,
});

describe('replica: a document from all its events', () => {
  it('two annotators who disagree: both labels kept, the latest is final, agree false', () => {
    const events = [ev('alice', ['pos'], 't1'), ev('bob', ['neg'], 't2')];
    const p = replicatedPatch(events, events, schema);
    expect(p.byAnnotator).toEqual({
      alice: { labels: ['pos'], source: 'human', at: 't1' },
      bob: { labels: ['neg'], source: 'human', at: 't2' },
    });
    expect(p).toMatchObject({
      labels: ['neg'],
      isLabeled: 1,
      who: 'bob',
      at: 't2',
      source: 'human',
      finalRule: 'latest',
      agree: false,
    });
    // Applied in the other order (bob's came first in the journal) the final label follows the journal.
    expect(replicatedPatch([events[1], events[0]], events, schema)).toMatchObject({
      labels: ['pos'],
      who: 'alice',
      finalRule: 'latest',
    });
  });

  it('agreement, majority, adjudication and withdrawal follow shared/consensus.ts', () => {
    const a = ev('alice', ['pos'], 't1');
    const b = ev('bob', ['pos'], 't2');
    expect(replicatedPatch([a, b], [b], schema)).toMatchObject({
      labels: ['pos'],
      finalRule: 'unanimous',
      agree: true,
    });
    const c = ev('carol', ['neg'], 't3');
    expect(replicatedPatch([a, b, c], [c], schema)).toMatchObject({
      labels: ['pos'],
      finalRule: 'majority',
      agree: true,
      who: 'bob',
    });
    const r = ev('rita', ['neg'], 't4', 'adjudicate');
    expect(replicatedPatch([a, b, c, r], [r], schema)).toMatchObject({
      labels: ['neg'],
      finalRule: 'adjudicated',
      agree: true,
      who: 'rita',
    });
    // Bob withdraws (an undo to nothing): alice's label stands alone.
    const u = ev('bob', [], 't5', 'undo');
    const p = replicatedPatch([a, b, u], [u], schema);
    expect(p).toMatchObject({ labels: ['pos'], finalRule: 'single', who: 'alice' });
    expect(Object.keys(p.byAnnotator!)).toEqual(['alice']);
  });

  it('one annotator: not shared, final = the latest label (a single-annotator project as before)', () => {
    const events = [ev('ann', ['pos'], 't1'), ev('ann', ['neg'], 't2', 'correct')];
    const c = docConsensus(events, schema);
    expect(c.shared).toBe(false);
    expect(c.final).toMatchObject({ labels: ['neg'], who: 'ann', at: 't2' });
    expect(c.consensus).toMatchObject({ finalRule: 'single', agree: true });
    expect(docConsensus([...events, ev('bob', ['pos'], 't3')], schema).shared).toBe(true);
  });

  it('flags from replicated events: gold, set aside, restored', () => {
    const a = ev('ann', ['pos'], 't1');
    const g = ev('ann', ['pos'], 't2', 'gold');
    const s = { ...ev('bob', ['pos'], 't3', 'skip'), reason: 'dup' };
    expect(replicatedPatch([a, g, s], [g, s], schema)).toMatchObject({
      gold: 1,
      ignored: { reason: 'dup', who: 'bob', at: 't3' },
      labels: ['pos'],
    });
    const un = ev('bob', ['pos'], 't4', 'unskip');
    const p = replicatedPatch([a, g, s, un], [un], schema);
    expect('ignored' in p && p.ignored === undefined).toBe(true);
  });

  it('journal order: journaled events by their journal seq, the ones not yet journaled last, in the order made', () => {
    const rows = [
      { seq: 1, journalSeq: 7, n: 'mine, journaled late' },
      { seq: 2, n: 'mine, pending' },
      { seq: 3, journalSeq: 5, n: 'theirs' },
    ];
    expect(journalOrder(rows).map((r) => r.n)).toEqual(['theirs', 'mine, journaled late', 'mine, pending']);
  });

  it('event ids are v4 UUIDs, also without crypto.randomUUID (a page over plain HTTP)', () => {
    const saved = crypto.randomUUID;
    try {
      Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
      const id = newEventId();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(newEventId()).not.toBe(id);
    } finally {
      Object.defineProperty(crypto, 'randomUUID', { value: saved, configurable: true });
    }
  });
});
