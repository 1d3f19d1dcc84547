import { describe, expect, it } from 'vitest';
import { LABEL_EVENT_FIELDS, toLabelEvent, type LabelEvent } from './label-event';

describe('label events', () => {
  it('keeps only the event fields of a larger row, docId first (the journal repair looks for {"docId":)', () => {
    const row = { seq: 7, projectId: 'p', journaled: 0, text: '好吃', at: 't', who: 'w', action: 'correct', source: 'teacher', labels: ['1'], docId: 'd', modelVersion: 'v2' } as LabelEvent & Record<string, unknown>;
    const e = toLabelEvent(row);
    expect(Object.keys(e)).toEqual(['docId', 'labels', 'source', 'who', 'at', 'action', 'modelVersion', 'text']);
    expect(JSON.stringify(e).startsWith('{"docId":')).toBe(true);
    expect(Object.keys(e)).toEqual([...LABEL_EVENT_FIELDS]);
  });

  it('leaves absent optional fields out (an empty modelVersion too) and keeps an empty text', () => {
    const e = toLabelEvent({ docId: 'd', labels: [], source: 'human', who: '', at: 't', action: 'skip', modelVersion: '', text: '' });
    expect(e).toStrictEqual({ docId: 'd', labels: [], source: 'human', who: '', at: 't', action: 'skip', text: '' });
  });
});
