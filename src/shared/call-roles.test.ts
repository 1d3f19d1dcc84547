import { describe, expect, it } from 'vitest';
import { requiredRole } from './call-roles';

describe('requiredRole', () => {
  it('jobs.start needs the owner, except the live loop (any member) and the audit (a reviewer)', () => {
    expect(requiredRole('jobs.start', [{ kind: 'train-student', projectId: 'p' }])).toBe('owner');
    expect(requiredRole('jobs.start', [{ kind: 'fast-prelabel', projectId: 'p' }])).toBe('annotator');
    expect(requiredRole('jobs.start', [{ kind: 'audit', projectId: 'p' }])).toBe('reviewer');
    expect(requiredRole('jobs.start', 'not a list')).toBe('owner');
  });
  it('other calls take their role fact; no fact = any member', () => {
    expect(requiredRole('projects.create', [])).toBe('owner');
    expect(requiredRole('journal.append', [])).toBe('annotator');
  });
});
