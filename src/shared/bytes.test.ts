import { describe, expect, it } from 'vitest';
import { formatBytes } from './bytes';

describe('formatBytes', () => {
  it('formats file sizes in powers of 1024', () => {
    expect(
      [0, 1023, 1024, 1536, 10 * 1024, 64 * 1024, 5.25 * 2 ** 20, 8 * 2 ** 20, 3 * 2 ** 30].map(formatBytes),
    ).toEqual(['0 B', '1023 B', '1 KB', '1.5 KB', '10 KB', '64 KB', '5.3 MB', '8 MB', '3 GB']);
    expect(formatBytes(NaN)).toBe('–');
    expect(formatBytes(-1)).toBe('–');
  });
});
