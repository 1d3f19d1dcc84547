import { describe, expect, it } from 'vitest';
import { API_TABLE } from '../../shared/api';
import { ROLES } from '../../shared/roles';
import { GATES, mayOpen, mayUse, roleNeeded, VIEW_GATES } from './role-gates';
import { PROJECT_VIEWS } from './route';

const usable = (role: (typeof ROLES)[number]) =>
  Object.entries(GATES)
    .filter(([, g]) => mayUse(g, role))
    .map(([k]) => k)
    .sort();

describe('what each role may do in the UI', () => {
  it('an annotator: none of the owner’s controls, and only Annotate, Review and Corpus in the nav', () => {
    expect(usable('annotator')).toEqual([]);
    expect(PROJECT_VIEWS.filter((v) => mayOpen(v, 'annotator'))).toEqual(['annotate', 'review', 'corpus']);
  });

  it('a reviewer: the audit and the final label too, and the Adjudicate view; still not a job cancel', () => {
    expect(usable('reviewer')).toEqual(['adjudicate', 'audit']);
    expect(mayUse(GATES.cancelJob, 'reviewer')).toBe(false);
    expect(PROJECT_VIEWS.filter((v) => mayOpen(v, 'reviewer'))).toEqual(['annotate', 'review', 'adjudicate', 'corpus']);
  });

  it('an owner (and the desktop app’s user): everything', () => {
    expect(usable('owner')).toEqual(Object.keys(GATES).sort());
    expect(PROJECT_VIEWS.filter((v) => mayOpen(v, 'owner'))).toEqual(PROJECT_VIEWS);
  });

  it('comes from the call table’s role facts: a gate on a call needs exactly the role API_TABLE gives it (jobs lowered by call-roles)', () => {
    for (const [name, g] of Object.entries(GATES)) {
      if (!('call' in g)) continue;
      const fact = (API_TABLE[g.call] as { role?: string }).role ?? 'annotator';
      if (g.call === 'jobs.start' && 'job' in g && g.job !== 'train-student') continue;
      expect(roleNeeded(g), name).toBe(fact);
    }
    // The live loop's quick retrain is any member's (MEMBER_JOBS); the audit a reviewer's (REVIEWER_JOBS).
    expect(roleNeeded({ call: 'jobs.start', job: 'fast-prelabel' })).toBe('annotator');
    expect(roleNeeded(GATES.audit)).toBe('reviewer');
    // A view's gate is one of the controls' gates.
    for (const g of Object.values(VIEW_GATES)) expect(Object.values(GATES)).toContain(g);
  });
});
