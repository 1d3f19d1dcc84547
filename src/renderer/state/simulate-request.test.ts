/** The simulator's request carries a person's labels only: accepted pre-labels and rule labels stay out. */
import { describe, expect, it } from 'vitest';
import { simulationDocs } from './simulate-request';

describe('simulationDocs', () => {
  it('keeps human labels (typed, corrected, imported) and leaves out accepted pre-labels, rule labels and unlabeled documents', () => {
    const docs = [
      { id: 'typed', text: 'a', labels: ['pos'], source: 'human' as const },
      { id: 'legacy', text: 'b', labels: ['neg'] },
      { id: 'accepted', text: 'c', labels: ['pos'], source: 'teacher' as const },
      { id: 'rule', text: 'd', labels: ['neg'], source: 'rule' as const },
      { id: 'open', text: 'e', labels: [] },
    ];
    expect(simulationDocs(docs)).toEqual([
      { id: 'typed', text: 'a', labels: ['pos'] },
      { id: 'legacy', text: 'b', labels: ['neg'] },
    ]);
  });
});
