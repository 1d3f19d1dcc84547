import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BEFORE_CLOSE_HOOK, flushBeforeClose } from './close-flush';

/** A window with what flushBeforeClose uses; `close()` emits 'close' as Electron's does, then closes unless prevented. */
class Win extends EventEmitter {
  hidden = false;
  closed = false;
  calls: string[] = [];
  constructor(private readonly page: (code: string) => Promise<unknown>) {
    super();
  }
  webContents = {
    executeJavaScript: (code: string) => {
      this.calls.push(code);
      return this.page(code);
    },
  };
  hide() {
    this.hidden = true;
  }
  isDestroyed() {
    return this.closed;
  }
  close() {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) this.closed = true;
  }
}

afterEach(() => vi.useRealTimers());

describe('closing the desktop window', () => {
  it('hides the window, waits for the page to finish its backups, then closes', async () => {
    let finish: () => void = () => {};
    const win = new Win(() => new Promise<void>((r) => (finish = r)));
    flushBeforeClose(win);
    win.close();
    expect([win.hidden, win.closed]).toEqual([true, false]);
    expect(win.calls).toEqual([BEFORE_CLOSE_HOOK]);
    win.close(); // a second click while it waits: still one flush
    expect(win.calls).toHaveLength(1);
    finish();
    await vi.waitFor(() => expect(win.closed).toBe(true));
  });

  it('closes anyway after the timeout, or when the page fails', async () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const stuck = new Win(() => new Promise(() => {}));
    flushBeforeClose(stuck, { timeoutMs: 5000, log: (m) => log.push(m) });
    stuck.close();
    await vi.advanceTimersByTimeAsync(4999);
    expect(stuck.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(stuck.closed).toBe(true);
    expect(log.join()).toMatch(/without waiting longer/);

    const failing = new Win(() => Promise.reject(new Error('renderer gone')));
    flushBeforeClose(failing, { log: (m) => log.push(m) });
    failing.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(failing.closed).toBe(true);
    expect(log.join()).toMatch(/renderer gone/);
  });
});
