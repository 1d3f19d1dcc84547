import { describe, expect, it } from 'vitest';
import { importEvents } from './logic';
import type { DocRow } from './types';

const base: DocRow = { projectId: 'p', id: 'd', text: 't', labels: ['neg'], isLabeled: 1, queueScore: 0 };

describe('importEvents', () => {
  it('one annotator: one event with the accepted model version, even when the row keeps byAnnotator', () => {
    const row: DocRow = {
      ...base,
      source: 'teacher',
      who: 'bo',
      at: '2024-05-02T08:00:00Z',
      labelModelVersion: 'teacher-1',
      byAnnotator: { bo: { labels: ['neg'], source: 'teacher', at: '2024-05-02T08:00:00Z' } },
      finalRule: 'single',
      agree: true,
    };
    const [e, ...rest] = importEvents('p', row, 'now');
    expect(rest).toEqual([]);
    expect(e).toMatchObject({
      docId: 'd',
      labels: ['neg'],
      source: 'teacher',
      who: 'bo',
      action: 'accept',
      modelVersion: 'teacher-1',
    });
  });

  it('several annotators: one event each (oldest first), the final annotator’s with the model version, then the decision', () => {
    const row: DocRow = {
      ...base,
      labels: ['pos'],
      source: 'human',
      who: 'rev',
      at: '2024-05-03T00:00:00Z',
      byAnnotator: {
        bo: { labels: ['neg'], source: 'human', at: '2024-05-02T00:00:00Z' },
        ann: { labels: ['pos'], source: 'human', at: '2024-05-01T00:00:00Z' },
      },
      finalRule: 'adjudicated',
      agree: true,
    };
    expect(importEvents('p', row, 'now').map((e) => [e.who, e.action, e.labels])).toEqual([
      ['ann', 'label', ['pos']],
      ['bo', 'label', ['neg']],
      ['rev', 'adjudicate', ['pos']],
    ]);
  });
});
