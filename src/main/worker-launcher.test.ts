import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

const forks: {
  entry: string;
  child: EventEmitter & {
    pid: number;
    posted: unknown[];
    killed: number;
    postMessage(m: unknown): void;
    kill(): boolean;
    stdout: null;
    stderr: null;
  };
}[] = [];
vi.mock('electron', () => ({
  utilityProcess: {
    fork(entry: string) {
      const child = Object.assign(new EventEmitter(), {
        pid: 4242,
        posted: [] as unknown[],
        killed: 0,
        stdout: null,
        stderr: null,
        postMessage(m: unknown) {
          child.posted.push(m);
        },
        kill() {
          child.killed++;
          return true;
        },
      });
      forks.push({ entry, child });
      return child;
    },
  },
}));

describe('utilityWorker (Electron launcher, without the Electron binary)', () => {
  it("adapts utilityProcess to the router's WorkerHandle", async () => {
    const { utilityWorker } = await import('./worker-launcher');
    const h = utilityWorker('/app/worker-entry.mjs')();
    expect(forks[0].entry).toBe('/app/worker-entry.mjs');
    expect(h.pid).toBe(4242);
    const got: unknown[] = [];
    const exits: unknown[] = [];
    h.onMessage((m) => got.push(m));
    h.onExit((e) => exits.push(e));
    forks[0].child.emit('message', { type: 'ready', pid: 4242 });
    h.send({ type: 'cancel', id: 'j' });
    h.kill();
    forks[0].child.emit('exit', 3);
    forks[0].child.emit('exit', 3);
    h.send({ type: 'cancel', id: 'late' });
    expect(got).toEqual([{ type: 'ready', pid: 4242 }]);
    expect(forks[0].child.posted).toEqual([{ type: 'cancel', id: 'j' }]);
    expect(forks[0].child.killed).toBe(1);
    expect(exits).toEqual([{ code: 3, signal: null }]);
  });
});
