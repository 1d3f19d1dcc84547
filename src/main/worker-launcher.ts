/**
 * The worker as Electron's utilityProcess (the desktop app). Same protocol as the Node child
 * process of serve mode (src/shared/worker-protocol.ts): worker-entry.ts talks to
 * `process.parentPort` there. Pass `utilityWorker(entry)` as `launcher` to createBackend.
 */
import { utilityProcess } from 'electron';
import type { FromWorker } from '../shared/worker-protocol';
import type { WorkerExit, WorkerHandle, WorkerLauncher } from '../host/job-router';

export function utilityWorker(
  entry: string,
  o: { env?: NodeJS.ProcessEnv; output?: NodeJS.WritableStream } = {},
): WorkerLauncher {
  return (): WorkerHandle => {
    const child = utilityProcess.fork(entry, [], {
      serviceName: 'Distillery worker',
      stdio: 'pipe',
      env: o.env ?? process.env,
    });
    const out = o.output ?? process.stderr;
    child.stdout?.on('data', (d: Buffer) => out.write(d));
    child.stderr?.on('data', (d: Buffer) => out.write(d));
    const exitCbs: ((e: WorkerExit) => void)[] = [];
    let exited = false;
    const fire = (e: WorkerExit) => {
      if (exited) return;
      exited = true;
      for (const cb of exitCbs) cb(e);
    };
    child.once('exit', (code: number) => fire({ code, signal: null }));
    return {
      get pid() {
        return child.pid;
      },
      send(m) {
        if (!exited) child.postMessage(m);
      },
      kill(signal) {
        // utilityProcess.kill() sends SIGTERM; a stuck worker gets SIGKILL directly.
        if (signal === 'SIGKILL' && child.pid !== undefined) {
          try {
            process.kill(child.pid, 'SIGKILL');
            return;
          } catch {
            // already gone
          }
        }
        child.kill();
      },
      onMessage(cb: (m: FromWorker) => void) {
        child.on('message', (m: FromWorker) => cb(m));
      },
      onExit(cb) {
        exitCbs.push(cb);
      },
    };
  };
}
