import { describe, expect, it } from 'vitest';
import { hashOf, parseHash } from './route';

describe('hash routes', () => {
  it('round-trips project views and falls back to the project list', () => {
    expect(parseHash(hashOf('annotate', 'p 1/é'))).toEqual({ view: 'annotate', projectId: 'p 1/é' });
    expect(parseHash('#/')).toEqual({ view: 'projects', projectId: '' });
    expect(parseHash('#/p/x/nonsense')).toEqual({ view: 'projects', projectId: '' });
    expect(parseHash('')).toEqual({ view: 'projects', projectId: '' });
    expect(hashOf('projects', 'x')).toBe('#/');
  });
});
