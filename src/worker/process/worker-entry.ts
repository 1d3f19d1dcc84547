/**
 * The worker process: runs jobs for the host (Electron main or `distillery serve`) and answers
 * short calls, speaking src/shared/worker-protocol.ts over the parent channel — Electron's
 * `process.parentPort` in a utilityProcess, `process.send` in a Node child process (fork).
 *
 * Jobs run one at a time, in arrival order (the trainer is one-run-per-process). Progress is sent
 * at most every PROGRESS_MS (and on every phase change). An uncaught error fails the running job
 * and exits, so that the host restarts a clean worker.
 */
import type { JobRequest, JobStatus } from '../../shared/api';
import { DistilleryError, toWire } from '../../shared/errors';
import type { Progress } from '../../shared/progress';
import type { FromWorker, ToWorker } from '../../shared/worker-protocol';

/**
 * The engine (tfjs, onnxruntime, the importer) loads after 'ready' is sent, so that the host can
 * talk to a fresh worker at once; jobs and calls wait for it.
 */
let engine: Promise<[typeof import('./run-job'), typeof import('./worker-methods')]> | undefined;
const loadEngine = () => (engine ??= Promise.all([import('./run-job'), import('./worker-methods')]));

const PROGRESS_MS = 150;

interface ParentPortLike {
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
  postMessage(m: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;

function send(m: FromWorker): void {
  if (parentPort) parentPort.postMessage(m);
  else if (process.send) process.send(m);
}

function onMessage(handler: (m: ToWorker) => void): void {
  if (parentPort) parentPort.on('message', (e) => handler(e.data as ToWorker));
  else process.on('message', (m) => handler(m as ToWorker));
}

interface Running {
  id: string;
  kind: JobRequest['kind'];
  cancel: { cancelled: boolean };
}

let current: Running | undefined;
const cancelledBeforeStart = new Set<string>();
let chain: Promise<void> = Promise.resolve();

function status(r: Running, type: FromWorker['type'], extra: Partial<JobStatus>): void {
  const state = type === 'progress' ? 'running' : (type as JobStatus['state']);
  send({ type: type as 'progress', id: r.id, kind: r.kind, state, ...extra });
}

async function execute(m: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const r: Running = { id: m.id, kind: m.request?.kind, cancel: { cancelled: cancelledBeforeStart.delete(m.id) } };
  current = r;
  let last = 0;
  let lastPhase = '';
  const onProgress = (p: Progress) => {
    const now = Date.now();
    if (now - last < PROGRESS_MS && p.phase === lastPhase && p.done < p.total) return;
    last = now;
    lastPhase = p.phase;
    status(r, 'progress', { progress: p });
  };
  try {
    status(r, 'progress', { progress: { phase: 'starting', done: 0, total: 1 } });
    if (r.cancel.cancelled) throw new DistilleryError('CANCELLED', 'cancelled before it started');
    const [{ runJob }] = await loadEngine();
    const result = await runJob(m.request, { projectFolder: m.projectFolder, onProgress, cancel: r.cancel });
    status(r, 'done', { result, progress: { phase: 'done', done: 1, total: 1 } });
  } catch (e) {
    const w = toWire(e);
    if (w.code === 'CANCELLED') status(r, 'cancelled', { error: w });
    else status(r, 'failed', { error: w });
  } finally {
    current = undefined;
  }
}

async function call(m: Extract<ToWorker, { type: 'call' }>): Promise<void> {
  try {
    const [, { methods }] = await loadEngine();
    const fn = Object.hasOwn(methods, m.method) ? (methods[m.method] as (p: unknown) => Promise<unknown>) : undefined;
    if (!fn) throw new DistilleryError('CONFIG', `unknown worker method ${JSON.stringify(m.method)}`);
    const result = await fn(m.params);
    send({ type: 'reply', callId: m.callId, ok: true, result });
  } catch (e) {
    send({ type: 'reply', callId: m.callId, ok: false, error: toWire(e) });
  }
}

onMessage((m) => {
  if (!m || typeof m !== 'object') return;
  if (m.type === 'start') {
    chain = chain.then(() => execute(m));
  } else if (m.type === 'cancel') {
    if (current?.id === m.id) current.cancel.cancelled = true;
    else cancelledBeforeStart.add(m.id);
  } else if (m.type === 'call') {
    void call(m);
  }
});

function die(e: unknown): void {
  const w = toWire(e);
  process.stderr.write(`distillery worker: ${w.stack ?? w.message}\n`);
  if (current)
    status(current, 'failed', { error: { ...w, message: `the worker stopped on an unexpected error: ${w.message}` } });
  // Let the message go out, then exit: the host restarts a fresh worker.
  setTimeout(() => process.exit(1), 50);
}
process.on('uncaughtException', die);
process.on('unhandledRejection', die);
// A Node child process whose parent went away has nothing left to do.
process.on('disconnect', () => process.exit(0));
// Ctrl+C in a terminal reaches the whole process group: the host decides when the worker stops.
process.on('SIGINT', () => {});

send({ type: 'ready', pid: process.pid });
// Warm up: load the engine while the host has nothing for us yet.
void loadEngine().catch(die);
