import { describe, expect, it } from 'vitest';
import { assignees, isOverlapDoc, type OverlapSetting } from '../../shared/routing';
import type { DocRow } from '../db/types';
import { blindHistory, blindView, offerFor, routeContextOf, type RouteContext } from './routed-queue';

const O: OverlapSetting = { fraction: 0.2, k: 2, blind: true };
const TEAM = ['ann', 'bo', 'cy'];
const ctx = (me: string): RouteContext => ({ me, team: TEAM, overlap: O });
const ids = Array.from({ length: 300 }, (_, i) => `d${i}`);
const overlapIds = ids.filter((id) => isOverlapDoc(id, O.fraction));
const plainIds = ids.filter((id) => !isOverlapDoc(id, O.fraction));

function doc(id: string, by: Record<string, string[]> = {}): DocRow {
  const names = Object.keys(by);
  const last = names[names.length - 1];
  return {
    projectId: 'p',
    id,
    text: id,
    labels: last ? by[last] : [],
    isLabeled: last ? 1 : 0,
    queueScore: 0,
    ...(last ? { who: last, source: 'human' as const, at: '2030-01-01T00:00:00Z' } : {}),
    ...(names.length
      ? {
          byAnnotator: Object.fromEntries(
            names.map((w) => [w, { labels: by[w], source: 'human' as const, at: '2030-01-01T00:00:00Z' }]),
          ),
        }
      : {}),
  };
}

describe('the routed queue filter', () => {
  it('offers each annotator exactly the unlabeled documents routed to them', () => {
    for (const me of TEAM) {
      const mine = ids.filter((id) => offerFor(doc(id), ctx(me)) === 'mine');
      expect(mine).toEqual(ids.filter((id) => assignees(id, TEAM, O).includes(me)));
      // The rest are others' and still open.
      for (const id of ids) if (!mine.includes(id)) expect(offerFor(doc(id), ctx(me))).toBe('others');
    }
  });

  it('an overlap document stays in the queue of each assignee until each labeled it', () => {
    const id = overlapIds[0];
    const [first, second] = assignees(id, TEAM, O);
    const third = TEAM.find((w) => w !== first && w !== second)!;
    const afterFirst = doc(id, { [first]: ['pos'] });
    expect(afterFirst.isLabeled).toBe(1);
    expect(offerFor(afterFirst, ctx(first))).toBe('no');
    expect(offerFor(afterFirst, ctx(second))).toBe('mine');
    // Short of its second annotator: open to the third once theirs ran out.
    expect(offerFor(afterFirst, ctx(third))).toBe('others');
    const both = doc(id, { [first]: ['pos'], [second]: ['neg'] });
    for (const me of TEAM) expect(offerFor(both, ctx(me)), me).toBe('no');
    // The third stepped in for the second: the second still has it (routed to them), nobody else does.
    const stepIn = doc(id, { [first]: ['pos'], [third]: ['neg'] });
    expect(offerFor(stepIn, ctx(second))).toBe('mine');
    expect(offerFor(stepIn, ctx(first))).toBe('no');
  });

  it('an ordinary document is done once anybody labeled it', () => {
    const id = plainIds[0];
    const [owner] = assignees(id, TEAM, O);
    const other = TEAM.find((w) => w !== owner)!;
    for (const me of TEAM) expect(offerFor(doc(id, { [other]: ['pos'] }), ctx(me))).toBe('no');
  });

  it('without byAnnotator (labels from before teams) the label’s who counts as the one annotator', () => {
    const id = overlapIds[1];
    const [first, second] = assignees(id, TEAM, O);
    const old: DocRow = { ...doc(id), labels: ['pos'], isLabeled: 1, who: first, source: 'human' };
    expect(offerFor(old, ctx(first))).toBe('no');
    expect(offerFor(old, ctx(second))).toBe('mine');
  });

  it('someone not on the team gets nothing routed, only the others’ open documents', () => {
    for (const id of ids.slice(0, 50)) expect(offerFor(doc(id), ctx('rev'))).toBe('others');
  });

  it('set-aside documents are never offered; without routing, every unlabeled document is', () => {
    expect(offerFor({ ...doc('d1'), ignored: { reason: '', who: 'ann', at: '' } }, ctx('ann'))).toBe('no');
    expect(offerFor(doc('d1'), undefined)).toBe('mine');
    expect(offerFor(doc('d1', { bo: ['x'] }), undefined)).toBe('no');
  });

  it('blind: an overlap document hides the others’ labels, their history and the suggestion until labeled', () => {
    const id = overlapIds[2];
    const [first, second] = assignees(id, TEAM, O);
    const d = { ...doc(id, { [first]: ['pos'] }), suggestion: ['pos'], confidence: 0.9 };
    const seen = blindView(d, ctx(second));
    expect(seen).toMatchObject({ labels: [], isLabeled: 0 });
    for (const f of ['byAnnotator', 'who', 'source', 'suggestion', 'confidence', 'finalRule'] as const)
      expect(seen[f], f).toBeUndefined();
    const events = [
      { who: first, labels: ['pos'] },
      { who: second, labels: [] },
    ];
    expect(blindHistory(events, seen, ctx(second))).toEqual([{ who: second, labels: [] }]);
    // Not blind: the project says so, the document is no overlap one, or the annotator labeled it.
    expect(blindView(d, { ...ctx(second), overlap: { ...O, blind: false } })).toBe(d);
    expect(blindView(d, ctx(first))).toBe(d);
    const plain = doc(plainIds[0], { ann: ['pos'] });
    expect(blindView(plain, ctx('bo'))).toBe(plain);
    // An unlabeled overlap document keeps its model suggestion.
    expect(blindView({ ...doc(id), suggestion: ['neg'] }, ctx(second)).suggestion).toEqual(['neg']);
  });
});

describe('the team a browser routes with', () => {
  const members = [
    { name: 'olga', role: 'owner' as const },
    { name: 'bo', role: 'annotator' as const },
    { name: 'ann', role: 'annotator' as const },
  ];

  it('from the server’s member list: two annotators’ browsers route alike before anyone labeled', () => {
    const a = routeContextOf(O, 'ann', members, []);
    const b = routeContextOf(O, 'bo', members, []);
    expect(a.team).toEqual(['ann', 'bo']);
    expect(b.team).toEqual(a.team);
    const mineA = ids.filter((id) => offerFor(doc(id), a) === 'mine');
    const mineB = ids.filter((id) => offerFor(doc(id), b) === 'mine');
    // Between them every document, overlap documents to both, the rest to exactly one.
    for (const id of ids)
      expect(Number(mineA.includes(id)) + Number(mineB.includes(id)), id).toBe(overlapIds.includes(id) ? 2 : 1);
    // The owner is no annotator: nothing is routed to them, the annotators' open documents are 'others'.
    const owner = routeContextOf(O, 'olga', members, []);
    expect(owner.team).toEqual(['ann', 'bo']);
    expect(ids.every((id) => offerFor(doc(id), owner) === 'others')).toBe(true);
  });

  it('the owner’s list wins over the member list; without either (desktop): whoever labeled, plus me', () => {
    expect(routeContextOf({ ...O, team: ['cy', 'ann'] }, 'bo', members, ['zed']).team).toEqual(['ann', 'cy']);
    expect(routeContextOf(O, 'bo', undefined, ['zed', 'ann']).team).toEqual(['ann', 'bo', 'zed']);
  });
});
