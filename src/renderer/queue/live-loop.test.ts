import { describe, expect, it } from 'vitest';
import { clockTime, liveLoopOf, LIVE_LOOP_DEFAULT, retrainDue } from './live-loop';

describe('live loop', () => {
  it('fills in the default setting and keeps N in range', () => {
    expect(liveLoopOf({})).toEqual(LIVE_LOOP_DEFAULT);
    expect(liveLoopOf({ liveLoop: { enabled: false } })).toEqual({ enabled: false, every: 20 });
    expect(liveLoopOf({ liveLoop: { enabled: true, every: 0 } }).every).toBe(1);
    expect(liveLoopOf({ liveLoop: { enabled: true, every: 2.5 } }).every).toBe(20);
  });

  it('retrains after every N new human labels, never below the minimum, never twice at once', () => {
    const on = { enabled: true, every: 20 };
    expect(retrainDue(on, 19, 0, false)).toBe(false);
    expect(retrainDue(on, 20, 0, false)).toBe(true);
    expect(retrainDue(on, 20, 0, true)).toBe(false);
    expect(retrainDue(on, 39, 20, false)).toBe(false);
    expect(retrainDue(on, 40, 20, false)).toBe(true);
    expect(retrainDue({ enabled: true, every: 5 }, 9, 0, false)).toBe(false);
    expect(retrainDue({ enabled: false, every: 20 }, 100, 0, false)).toBe(false);
  });

  it('shows the time as hours and minutes', () => {
    const at = new Date(2026, 11, 5, 14, 3, 59).toISOString();
    expect(clockTime(at, 'en-US')).toBe('14:03');
    expect(clockTime(at, 'zh-CN')).toBe('14:03');
    expect(clockTime('nonsense', 'en-US')).toBe('');
  });
});
