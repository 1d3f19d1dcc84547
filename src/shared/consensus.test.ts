import { describe, expect, it } from 'vitest';
import { finalLabel, finalLabels, perAnnotator } from './consensus';
import type { LabelEvent } from './label-event';

let clock = 0;
function ev(who: string, labels: string[], action: LabelEvent['action'] = 'label', docId = 'd1'): LabelEvent {
  clock += 1;
  return { docId, labels, source: 'human', who, at: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString(), action };
}

describe('consensus', () => {
  it('one annotator: their latest label, corrections and undo included', () => {
    expect(finalLabel([ev('ann', ['pos'])])).toMatchObject({
      labels: ['pos'],
      rule: 'single',
      agree: true,
      annotators: 1,
    });
    expect(finalLabel([ev('ann', ['pos']), ev('ann', ['neg'], 'correct')]).labels).toEqual(['neg']);
    expect(finalLabel([ev('ann', ['pos']), ev('ann', [], 'undo')])).toMatchObject({ labels: [], rule: 'none' });
  });

  it('flags leave labels alone', () => {
    expect(
      finalLabel([ev('ann', ['pos']), ev('gold-set draw', ['pos'], 'gold'), ev('bob', ['pos'], 'skip')]),
    ).toMatchObject({ labels: ['pos'], rule: 'single' });
  });

  it('keeps each annotator’s labels: concurrent labels never overwrite each other', () => {
    const events = [ev('ann', ['pos']), ev('bob', ['neg'])];
    expect([...perAnnotator(events).values()].map((p) => [p.who, p.labels])).toEqual([
      ['ann', ['pos']],
      ['bob', ['neg']],
    ]);
    expect(finalLabel(events)).toMatchObject({ labels: ['neg'], rule: 'latest', agree: false, annotators: 2 });
  });

  it('unanimous, majority (label sets compared as sets), adjudicated', () => {
    expect(finalLabel([ev('ann', ['a', 'b']), ev('bob', ['b', 'a'])]).rule).toBe('unanimous');
    const three = [ev('ann', ['pos']), ev('bob', ['neg']), ev('cy', ['pos'])];
    expect(finalLabel(three)).toMatchObject({ labels: ['pos'], rule: 'majority', agree: true });
    const decided = [...three, ev('rev', ['neg'], 'adjudicate')];
    expect(finalLabel(decided)).toMatchObject({ labels: ['neg'], rule: 'adjudicated', annotators: 3 });
    // A later annotator label does not undo the decision; an empty adjudication withdraws it.
    expect(finalLabel([...decided, ev('dee', ['pos'])]).rule).toBe('adjudicated');
    expect(finalLabel([...decided, ev('rev', [], 'adjudicate')])).toMatchObject({ labels: ['pos'], rule: 'majority' });
  });

  it('a tie between two is not a majority', () => {
    expect(
      finalLabel([
        ev('ann', ['pos']),
        ev('bob', ['neg']),
        ev('cy', ['neg']),
        ev('cy', ['pos'], 'correct'),
        ev('dee', ['neg']),
        ev('ann', ['neg'], 'correct'),
        ev('ann', ['pos'], 'correct'),
      ]),
    ).toMatchObject({ rule: 'latest', agree: false, labels: ['pos'] });
  });

  it('groups a journal by document', () => {
    const all = finalLabels([
      ev('ann', ['pos'], 'label', 'x'),
      ev('ann', ['neg'], 'label', 'y'),
      ev('bob', ['pos'], 'label', 'y'),
    ]);
    expect(all.get('x')?.rule).toBe('single');
    expect(all.get('y')?.agree).toBe(false);
  });
});
