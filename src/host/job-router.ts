/**
 * Owns the worker process: starts it, routes JobRequests to it one at a time (later ones wait as
 * 'queued'), relays their progress to subscribers, cancels, and answers short calls through it.
 *
 * If the worker dies (crash, out of memory, killed), the job it was running is reported 'failed'
 * with a WORKER_CRASH reason that says what happened, pending calls are rejected the same way, and
 * a fresh worker is started (after a back-off when it keeps dying); queued jobs then run on it and
 * a retried job works. Labels are never in the worker: they live in the UI's database and the
 * journal, which this process writes.
 *
 * The worker is started through a WorkerLauncher: `forkWorker()` (a Node child process: serve mode,
 * tests) here; Electron's main process passes one built on utilityProcess.fork.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { JobKind, JobRequest, JobStatus, UncheckedJobRequest } from '../shared/api';
import { DistilleryError, fromWire, toWire, type WireError } from '../shared/errors';
import { JOB_KINDS, validateJobOptions } from '../shared/job-options';
import { TASK_TYPES } from '../shared/task';
import {
  MIN_LABELED,
  whyBadBertTeacher,
  whyBadSweep,
  whyNotTrainable,
  type FromWorker,
  type ToWorker,
  type WorkerMethod,
  type WorkerMethods,
} from '../shared/worker-protocol';

export interface WorkerExit {
  code: number | null;
  signal: string | null;
}

export interface WorkerHandle {
  readonly pid: number | undefined;
  send(m: ToWorker): void;
  kill(signal?: NodeJS.Signals): void;
  onMessage(cb: (m: FromWorker) => void): void;
  /** Called once, when the process is gone (or could not start). */
  onExit(cb: (e: WorkerExit) => void): void;
}

export type WorkerLauncher = () => WorkerHandle;

/** The worker's bootstrap (registers tsx, then loads worker-entry.ts). */
export const WORKER_ENTRY = fileURLToPath(new URL('../worker/process/worker-entry.mjs', import.meta.url));

export interface ForkOptions {
  entry?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the worker's stdout and stderr go (default: this process's stderr, keeping stdout clean). */
  output?: NodeJS.WritableStream;
}

/** Launches the worker as a plain Node child process. */
export function forkWorker(o: ForkOptions = {}): WorkerLauncher {
  return () => {
    const child = fork(o.entry ?? WORKER_ENTRY, [], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: o.env ?? process.env,
    });
    const out = o.output ?? process.stderr;
    child.stdout?.on('data', (d: Buffer) => out.write(d));
    child.stderr?.on('data', (d: Buffer) => out.write(d));
    let exited = false;
    const exitCbs: ((e: WorkerExit) => void)[] = [];
    const fire = (e: WorkerExit) => {
      if (exited) return;
      exited = true;
      for (const cb of exitCbs) cb(e);
    };
    child.once('exit', (code, signal) => fire({ code, signal }));
    child.once('error', () => {
      // A spawn failure emits 'error' without 'exit'; a failed kill or send also lands here.
      if (child.exitCode === null && child.signalCode === null && child.pid === undefined)
        fire({ code: null, signal: null });
    });
    return {
      get pid() {
        return child.pid;
      },
      send(m) {
        if (!child.connected) return;
        try {
          child.send(m, (err) => void err);
        } catch {
          // The channel closed under us: 'exit' follows and reports it.
        }
      },
      kill(signal = 'SIGTERM') {
        child.kill(signal);
      },
      onMessage(cb) {
        child.on('message', (m) => cb(m as FromWorker));
      },
      onExit(cb) {
        exitCbs.push(cb);
      },
    };
  };
}

export interface RouterOptions {
  launcher: WorkerLauncher;
  /** Resolves a project id to its folder (throws NOT_FOUND / CONFIG). */
  folderOf(projectId: string): Promise<string>;
  /** First restart delay after a crash; doubles while crashes come quickly, up to 10 s. */
  restartDelayMs?: number;
  /** A cancelled job that has not stopped after this long gets its worker killed. */
  cancelGraceMs?: number;
  /** Finished jobs kept for `status` (oldest dropped first). */
  keepFinished?: number;
  log?(message: string): void;
}

interface JobEntry {
  status: JobStatus;
  request?: JobRequest;
  folder: string;
  cancelRequested?: boolean;
  cancelTimer?: NodeJS.Timeout;
}

interface Worker {
  handle: WorkerHandle;
  ready: boolean;
  startedAt: number;
  outbox: ToWorker[];
}

interface PendingCall {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  timer?: NodeJS.Timeout;
}

const KINDS = JOB_KINDS;
const TASKS: readonly string[] = TASK_TYPES;
const FINAL = new Set(['done', 'failed', 'cancelled']);

export class JobRouter {
  private worker?: Worker;
  private readonly jobs = new Map<string, JobEntry>();
  private readonly queue: string[] = [];
  private current?: string;
  private readonly listeners = new Set<(s: JobStatus) => void>();
  private readonly calls = new Map<number, PendingCall>();
  private nextCallId = 1;
  private recentCrashes: number[] = [];
  private deathsBeforeReady = 0;
  private restartTimer?: NodeJS.Timeout;
  private disposed = false;
  private readyWaiters: ((pid: number) => void)[] = [];
  private restarts = 0;

  constructor(private readonly o: RouterOptions) {}

  /** Pid of the live worker (undefined while none runs). */
  get workerPid(): number | undefined {
    return this.worker?.handle.pid;
  }

  /** How many times a worker was started again after dying. */
  get restartCount(): number {
    return this.restarts;
  }

  /** Starts the worker if none runs and resolves with its pid once it listens. */
  whenReady(): Promise<number> {
    if (this.worker?.ready && this.worker.handle.pid !== undefined) return Promise.resolve(this.worker.handle.pid);
    if (!this.restartTimer) this.ensureWorker();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Queues a job; `req` is as it came off a transport, checked here (options included) before it is queued. */
  async start(req: UncheckedJobRequest): Promise<{ id: string }> {
    if (this.disposed) throw new DistilleryError('INTERNAL', 'the job service is shutting down');
    const { folder, request } = await this.validate(req);
    const id = randomUUID();
    const entry: JobEntry = { status: { id, kind: request.kind, state: 'queued' }, request, folder };
    this.jobs.set(id, entry);
    this.queue.push(id);
    this.emit(entry.status);
    this.pump();
    return { id };
  }

  async cancel(id: string): Promise<void> {
    const e = this.entry(id);
    if (FINAL.has(e.status.state)) return;
    const qi = this.queue.indexOf(id);
    if (qi >= 0) {
      this.queue.splice(qi, 1);
      this.finish(e, {
        state: 'cancelled',
        error: toWire(new DistilleryError('CANCELLED', 'cancelled before it started')),
      });
      return;
    }
    if (this.current === id && !e.cancelRequested) {
      e.cancelRequested = true;
      this.sendToWorker({ type: 'cancel', id });
      e.cancelTimer = setTimeout(() => {
        // The job did not stop: stop its worker (reported as cancelled, see onExit).
        if (this.current === id) this.worker?.handle.kill('SIGKILL');
      }, this.o.cancelGraceMs ?? 30_000);
      e.cancelTimer.unref?.();
    }
  }

  status(id: string): JobStatus {
    return this.entry(id).status;
  }

  /** Jobs that are queued or running (for a client that connects mid-job). */
  active(): JobStatus[] {
    return [...this.jobs.values()].filter((e) => !FINAL.has(e.status.state)).map((e) => e.status);
  }

  subscribe(listener: (s: JobStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A short request answered by the worker (parse a corpus, export a model, backend info). */
  call<M extends WorkerMethod>(
    method: M,
    params: WorkerMethods[M]['params'],
    timeoutMs = 0,
  ): Promise<WorkerMethods[M]['result']> {
    if (this.disposed) return Promise.reject(new DistilleryError('INTERNAL', 'the job service is shutting down'));
    const callId = this.nextCallId++;
    return new Promise((resolve, reject) => {
      const pending: PendingCall = { resolve: resolve as (v: unknown) => void, reject };
      if (timeoutMs > 0) {
        pending.timer = setTimeout(() => {
          this.calls.delete(callId);
          reject(
            new DistilleryError(
              'INTERNAL',
              `the worker did not answer "${method}" within ${Math.round(timeoutMs / 1000)} s`,
            ),
          );
        }, timeoutMs);
        pending.timer.unref?.();
      }
      this.calls.set(callId, pending);
      this.sendToWorker({ type: 'call', callId, method, params } as ToWorker);
    });
  }

  /** Stops the worker; jobs still queued or running are reported failed. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.restartTimer);
    const reason = toWire(new DistilleryError('INTERNAL', 'the application is shutting down'));
    for (const id of [...this.queue, ...(this.current ? [this.current] : [])]) {
      const e = this.jobs.get(id);
      if (e && !FINAL.has(e.status.state)) this.finish(e, { state: 'failed', error: reason });
    }
    this.queue.length = 0;
    this.current = undefined;
    this.rejectCalls(reason);
    const w = this.worker;
    this.worker = undefined;
    if (w) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          w.handle.kill('SIGKILL');
          resolve();
        }, 3000);
        w.handle.onExit(() => {
          clearTimeout(t);
          resolve();
        });
        w.handle.kill('SIGTERM');
      });
    }
  }

  // ---------------------------------------------------------------------------------------------

  private entry(id: string): JobEntry {
    const e = typeof id === 'string' ? this.jobs.get(id) : undefined;
    if (!e) throw new DistilleryError('NOT_FOUND', `no job "${String(id)}"`, { field: 'id' });
    return e;
  }

  private emit(s: JobStatus): void {
    for (const l of this.listeners) {
      try {
        l(s);
      } catch (err) {
        this.o.log?.(`job listener failed: ${(err as Error).message}`);
      }
    }
  }

  private finish(e: JobEntry, patch: Partial<JobStatus>): void {
    clearTimeout(e.cancelTimer);
    e.status = { ...e.status, ...patch, id: e.status.id, kind: e.status.kind };
    e.request = undefined; // documents can be large: keep only the status
    this.emit(e.status);
    this.prune();
  }

  private prune(): void {
    const keep = this.o.keepFinished ?? 200;
    const finished = [...this.jobs.entries()].filter(([, e]) => FINAL.has(e.status.state));
    for (const [id] of finished.slice(0, Math.max(0, finished.length - keep))) this.jobs.delete(id);
  }

  private pump(): void {
    if (this.current || this.disposed || this.restartTimer) return;
    const id = this.queue.shift();
    if (!id) return;
    const e = this.jobs.get(id)!;
    this.current = id;
    this.sendToWorker({ type: 'start', id, request: e.request!, projectFolder: e.folder });
  }

  private sendToWorker(m: ToWorker): void {
    const w = this.ensureWorker();
    if (!w) return;
    if (w.ready) w.handle.send(m);
    else w.outbox.push(m);
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || this.disposed) return this.worker;
    let handle: WorkerHandle;
    try {
      handle = this.o.launcher();
    } catch (err) {
      this.o.log?.(`cannot start the worker: ${(err as Error).message}`);
      this.onExit(undefined, { code: null, signal: null }, (err as Error).message);
      return undefined;
    }
    const w: Worker = { handle, ready: false, startedAt: Date.now(), outbox: [] };
    this.worker = w;
    handle.onMessage((m) => this.onMessage(w, m));
    handle.onExit((e) => this.onExit(w, e));
    return w;
  }

  private onMessage(w: Worker, m: FromWorker): void {
    if (w !== this.worker || !m || typeof m !== 'object') return;
    if (m.type === 'ready') {
      w.ready = true;
      this.deathsBeforeReady = 0;
      for (const x of w.outbox.splice(0)) w.handle.send(x);
      const pid = w.handle.pid ?? m.pid;
      for (const r of this.readyWaiters.splice(0)) r(pid);
      return;
    }
    if (m.type === 'reply') {
      const p = this.calls.get(m.callId);
      if (!p) return;
      this.calls.delete(m.callId);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(fromWire(m.error));
      return;
    }
    const e = this.jobs.get(m.id);
    if (!e || FINAL.has(e.status.state)) return;
    const { type, ...status } = m;
    if (type === 'progress') {
      e.status = { ...e.status, state: 'running', progress: status.progress ?? e.status.progress };
      this.emit(e.status);
      return;
    }
    this.finish(e, {
      state: type,
      ...(status.progress ? { progress: status.progress } : {}),
      ...(status.result ? { result: status.result } : {}),
      ...(status.error ? { error: status.error } : {}),
    });
    if (this.current === m.id) {
      this.current = undefined;
      this.pump();
    }
  }

  private onExit(w: Worker | undefined, e: WorkerExit, startError?: string): void {
    if (w && w !== this.worker) return;
    this.worker = undefined;
    if (this.disposed) return;
    const how = startError
      ? `could not start (${startError})`
      : e.signal
        ? `was killed (${e.signal})`
        : `exited with code ${e.code}`;
    const wasReady = w?.ready ?? false;
    const crash = toWire(
      new DistilleryError(
        'WORKER_CRASH',
        `the worker process ${how} while running this job; no label was lost. A new worker has been started: run the job again.`,
        {
          signal: e.signal ?? undefined,
          exitCode: e.code ?? undefined,
        },
      ),
    );
    crash.stack = undefined;
    this.o.log?.(`worker ${w?.handle.pid ?? ''} ${how}`);
    if (this.current && !wasReady && !this.jobs.get(this.current)?.cancelRequested) {
      // Never delivered (the worker died before it listened): the job waits for the next worker.
      this.queue.unshift(this.current);
      this.current = undefined;
    }
    if (this.current) {
      const job = this.jobs.get(this.current);
      this.current = undefined;
      if (job && !FINAL.has(job.status.state)) {
        if (job.cancelRequested)
          this.finish(job, {
            state: 'cancelled',
            error: toWire(new DistilleryError('CANCELLED', 'cancelled (the worker was stopped)')),
          });
        else this.finish(job, { state: 'failed', error: crash });
      }
    }
    this.rejectCalls({ ...crash, message: `the worker process ${how}; try again` });

    // Restart, backing off while it keeps dying.
    const now = Date.now();
    this.recentCrashes = [...this.recentCrashes.filter((t) => now - t < 30_000), now];
    if (!wasReady) this.deathsBeforeReady++;
    if (this.deathsBeforeReady >= 3) {
      // It cannot even start: waiting jobs would wait forever.
      for (const id of this.queue.splice(0)) {
        const j = this.jobs.get(id);
        if (j)
          this.finish(j, {
            state: 'failed',
            error: { ...crash, message: `the worker process cannot start (${how}); check the installation` },
          });
      }
    }
    const base = this.o.restartDelayMs ?? 200;
    const delay = Math.min(10_000, base * 2 ** (this.recentCrashes.length - 1));
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.disposed) return;
      this.restarts++;
      this.ensureWorker();
      this.pump();
    }, delay);
    this.restartTimer.unref?.();
  }

  private rejectCalls(w: WireError): void {
    for (const [id, p] of this.calls) {
      this.calls.delete(id);
      clearTimeout(p.timer);
      p.reject(fromWire(w));
    }
  }

  private async validate(req: UncheckedJobRequest): Promise<{ folder: string; request: JobRequest }> {
    const bad = (field: string, why: string) =>
      new DistilleryError('CONFIG', `job request: ${field} ${why}`, { field });
    if (!req || typeof req !== 'object') throw bad('request', 'is not an object');
    if (!KINDS.includes(req.kind)) throw bad('kind', `must be one of ${KINDS.join(', ')}`);
    const folder = await this.o.folderOf(req.projectId);
    if (!TASKS.includes(req.task)) throw bad('task', `must be one of ${TASKS.join(', ')}`);
    if (
      !Array.isArray(req.labels) ||
      req.labels.some((l) => typeof l !== 'string' || l === '') ||
      new Set(req.labels).size !== req.labels.length
    ) {
      throw bad('labels', 'must be a list of distinct label names');
    }
    if (!req.docs || typeof req.docs !== 'object' || !Array.isArray(req.docs.labeled))
      throw bad('docs.labeled', 'must be a list');
    for (const [i, d] of req.docs.labeled.entries()) {
      if (!d || typeof d.id !== 'string' || typeof d.text !== 'string' || !Array.isArray(d.labels))
        throw bad(`docs.labeled[${i}]`, 'must be {id: string, text: string, labels: string[]}');
    }
    if (req.docs.toScore !== undefined) {
      if (!Array.isArray(req.docs.toScore)) throw bad('docs.toScore', 'must be a list');
      for (const [i, d] of req.docs.toScore.entries())
        if (!d || typeof d.id !== 'string' || typeof d.text !== 'string')
          throw bad(`docs.toScore[${i}]`, 'must be {id: string, text: string}');
    }
    if (
      req.options !== undefined &&
      (req.options === null || typeof req.options !== 'object' || Array.isArray(req.options))
    )
      throw bad('options', 'must be an object');
    const options = checkOptions(req.kind, req.options);
    if (req.kind !== 'score') {
      if (req.labels.length < 2 && req.task !== 'multilabel') throw bad('labels', 'need at least two labels');
      const why = whyNotTrainable(req.docs.labeled, req.task);
      if (why) throw new DistilleryError('INPUT_EMPTY', why, { needed: MIN_LABELED });
    }
    if (
      (req.kind === 'distill' || req.kind === 'alpha-sweep') &&
      (!req.teacher || typeof req.teacher.byId !== 'object' || req.teacher.byId === null)
    ) {
      const what = req.kind === 'distill' ? 'a distill job' : 'an α sweep';
      throw new DistilleryError(
        'TEACHER_OUTPUTS',
        `${what} needs the teacher's soft labels: score the corpus with the teacher model first`,
        { field: 'teacher' },
      );
    }
    if (req.kind === 'alpha-sweep') {
      const why = whyBadSweep(options.alphas, options.seeds);
      if (why) throw new DistilleryError('CONFIG', `job request: ${why}`, { field: 'options.alphas' });
    }
    if (req.kind === 'train-bert-teacher') {
      const why = whyBadBertTeacher(req.options);
      if (why) throw new DistilleryError('CONFIG', `job request: ${why.message}`, { field: `options.${why.field}` });
    }
    if (req.kind === 'score') {
      if (typeof req.modelVersion !== 'string' || req.modelVersion === '')
        throw bad('modelVersion', 'is required for a score job');
      if (!req.docs.toScore?.length)
        throw new DistilleryError('INPUT_EMPTY', 'nothing to score: docs.toScore is empty', { field: 'docs.toScore' });
    }
    // validateJobOptions checked these options against req.kind's table: the pair is a JobRequest.
    return { folder, request: { ...req, options } as JobRequest };
  }
}

/**
 * Every job's options against its table, here at the API boundary, so a bad one is refused before a
 * worker starts (the worker checks them again: it also runs jobs that came another way).
 */
function checkOptions(kind: JobKind, options: unknown): Record<string, unknown> {
  try {
    return validateJobOptions(kind, options) as Record<string, unknown>;
  } catch (e) {
    if (!(e instanceof DistilleryError)) throw e;
    const field = e.details?.field;
    throw new DistilleryError('CONFIG', `job request: ${e.message}`, {
      field: field === undefined ? 'options' : `options.${String(field)}`,
    });
  }
}
