import { describe, expect, it } from 'vitest';
import {
  changesLabels,
  FLAG_ACTIONS,
  LABEL_ACTIONS,
  LABEL_EVENT_FIELDS,
  toLabelEvent,
  type LabelEvent,
} from './label-event';

describe('label events', () => {
  it('keeps only the event fields of a larger row, docId first (the journal repair looks for {"docId":)', () => {
    const row = {
      seq: 7,
      id: 'e-1',
      projectId: 'p',
      journaled: 0,
      text: '好吃',
      at: 't',
      who: 'w',
      action: 'skip',
      reason: 'r',
      source: 'teacher',
      labels: ['1'],
      docId: 'd',
      modelVersion: 'v2',
    } as LabelEvent & Record<string, unknown>;
    const e = toLabelEvent(row);
    expect(Object.keys(e)).toEqual([
      'docId',
      'id',
      'labels',
      'source',
      'who',
      'at',
      'action',
      'modelVersion',
      'text',
      'reason',
    ]);
    expect(JSON.stringify(e).startsWith('{"docId":')).toBe(true);
    expect(Object.keys(e)).toEqual([...LABEL_EVENT_FIELDS]);
  });

  it('leaves absent optional fields out (an empty modelVersion too) and keeps an empty text', () => {
    const e = toLabelEvent({
      docId: 'd',
      labels: [],
      source: 'human',
      who: '',
      at: 't',
      action: 'skip',
      modelVersion: '',
      text: '',
    });
    expect(e).toStrictEqual({ docId: 'd', labels: [], source: 'human', who: '', at: 't', action: 'skip', text: '' });
  });

  it("keeps a skip's reason, last (an empty one too: it marks a stored skip)", () => {
    const e = toLabelEvent({
      docId: 'd',
      labels: ['a'],
      source: 'human',
      who: 'w',
      at: 't',
      action: 'skip',
      reason: '',
      text: 'x',
    });
    expect(Object.keys(e)).toEqual(['docId', 'labels', 'source', 'who', 'at', 'action', 'text', 'reason']);
  });

  it('flags (gold, set aside, and their reversal) leave labels alone; every other action sets them', () => {
    expect(LABEL_ACTIONS.filter((a) => !changesLabels(a))).toEqual([...FLAG_ACTIONS]);
    expect(LABEL_ACTIONS.filter(changesLabels)).toEqual(['label', 'accept', 'correct', 'undo', 'adjudicate']);
  });
});
