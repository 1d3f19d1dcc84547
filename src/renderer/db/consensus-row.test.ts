import { describe, expect, it } from 'vitest';
import type { LabelEvent } from '../../shared/label-event';
import { consensusPatch } from './consensus-row';
import { goldAdditions, inGold } from './gold';
import { trainingRows } from './training-rows';
import type { DocRow } from './types';

const SCHEMA = ['pos', 'neg'];
let clock = 0;
function ev(who: string, labels: string[], action: LabelEvent['action'] = 'label', docId = 'd1'): LabelEvent {
  clock += 1;
  return { docId, labels, source: 'human', who, at: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString(), action };
}
function row(id: string, events: LabelEvent[], extra: Partial<DocRow> = {}): DocRow {
  return {
    projectId: 'p',
    id,
    text: `text ${id}`,
    labels: [],
    isLabeled: 0,
    queueScore: 0,
    ...consensusPatch(events, SCHEMA),
    ...extra,
  };
}

describe('a document row from its events (consensus)', () => {
  it('one annotator: as before — the latest label, rule single, no dispute', () => {
    const d = row('d1', [ev('ann', ['pos']), ev('ann', ['neg'], 'correct')]);
    expect(d).toMatchObject({
      labels: ['neg'],
      isLabeled: 1,
      source: 'human',
      who: 'ann',
      finalRule: 'single',
      agree: true,
    });
    expect(d.byAnnotator).toEqual({ ann: { labels: ['neg'], source: 'human', at: expect.any(String) } });
  });

  it('two annotators disagree: in dispute, latest label final, both kept per annotator', () => {
    const d = row('d1', [ev('ann', ['pos']), ev('bob', ['neg'])]);
    expect(d).toMatchObject({ labels: ['neg'], who: 'bob', finalRule: 'latest', agree: false });
    expect(Object.keys(d.byAnnotator!)).toEqual(['ann', 'bob']);
  });

  it('an adjudication is final (reviewer as who); withdrawing it ([]) brings the dispute back', () => {
    const events = [ev('ann', ['pos']), ev('bob', ['neg']), ev('rev', ['pos'], 'adjudicate')];
    expect(row('d1', events)).toMatchObject({
      labels: ['pos'],
      who: 'rev',
      source: 'human',
      finalRule: 'adjudicated',
      agree: true,
    });
    // The annotators' own labels are untouched by the decision.
    expect(row('d1', events).byAnnotator!.bob.labels).toEqual(['neg']);
    expect(row('d1', [...events, ev('rev', [], 'adjudicate')])).toMatchObject({
      labels: ['neg'],
      finalRule: 'latest',
      agree: false,
    });
  });

  it('labels follow the schema order', () => {
    expect(row('d1', [ev('ann', ['neg', 'pos'])]).labels).toEqual(['pos', 'neg']);
  });
});

describe('what training and the gold set receive', () => {
  it('the adjudicated label; a disputed document the latest annotator’s label (not left out)', () => {
    const adjudicated = row(
      'a',
      [ev('ann', ['pos'], 'label', 'a'), ev('bob', ['neg'], 'label', 'a'), ev('rev', ['neg'], 'adjudicate', 'a')],
      { gold: 1 },
    );
    const disputed = row('b', [ev('ann', ['neg'], 'label', 'b'), ev('bob', ['pos'], 'label', 'b')]);
    const majority = row('c', [
      ev('ann', ['pos'], 'label', 'c'),
      ev('bob', ['neg'], 'label', 'c'),
      ev('cat', ['pos'], 'label', 'c'),
    ]);
    const rows = trainingRows([adjudicated, disputed, majority]);
    expect(rows).toEqual([
      { id: 'a', text: 'text a', labels: ['neg'], source: 'human', gold: true },
      { id: 'b', text: 'text b', labels: ['pos'], source: 'human' },
      { id: 'c', text: 'text c', labels: ['pos'], source: 'human' },
    ]);
    // The gold set holds the adjudicated document with its final label; a draw stratifies by final labels.
    expect(inGold(adjudicated)).toBe(true);
    expect(goldAdditions([adjudicated, disputed, majority], { fraction: 1, cap: 10 }, 'p').sort()).toEqual(['b', 'c']);
  });
});
