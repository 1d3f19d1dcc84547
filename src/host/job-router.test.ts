import { describe, expect, it } from 'vitest';
import type { JobKind, JobStatus, UncheckedJobRequest } from '../shared/api';
import { DistilleryError } from '../shared/errors';
import type { FromWorker, ToWorker } from '../shared/worker-protocol';
import { JobRouter, type WorkerExit, type WorkerHandle } from './job-router';

/** An in-process stand-in for the worker process, driven by the test. */
class FakeWorker implements WorkerHandle {
  static count = 0;
  readonly pid = 1000 + FakeWorker.count++;
  received: ToWorker[] = [];
  private msg?: (m: FromWorker) => void;
  private exit?: (e: WorkerExit) => void;
  killedWith?: string;
  constructor(private readonly auto: 'ready' | 'silent' | 'die' = 'ready') {
    if (auto === 'ready') queueMicrotask(() => this.emit({ type: 'ready', pid: this.pid }));
    if (auto === 'die') setTimeout(() => this.die({ code: 1, signal: null }), 1);
  }
  send(m: ToWorker) {
    this.received.push(m);
  }
  kill(signal = 'SIGTERM') {
    this.killedWith = signal;
    setTimeout(() => this.die({ code: null, signal }), 1);
  }
  onMessage(cb: (m: FromWorker) => void) {
    this.msg = cb;
  }
  onExit(cb: (e: WorkerExit) => void) {
    this.exit = cb;
  }
  emit(m: FromWorker) {
    this.msg?.(m);
  }
  die(e: WorkerExit) {
    const cb = this.exit;
    this.exit = undefined;
    cb?.(e);
  }
  starts() {
    return this.received.filter((m): m is Extract<ToWorker, { type: 'start' }> => m.type === 'start');
  }
}

const docs = Array.from({ length: 12 }, (_, i) => ({ id: String(i), text: `t${i}`, labels: [i % 2 ? 'a' : 'b'] }));
/** A request as a transport hands it to the router: the options unchecked (some tests send bad ones). */
const req = (over: Partial<UncheckedJobRequest> = {}): UncheckedJobRequest => ({
  kind: 'train-student',
  projectId: 'p',
  task: 'binary',
  labels: ['a', 'b'],
  docs: { labeled: docs },
  options: {},
  ...over,
});

function setup(modes: ('ready' | 'silent' | 'die')[] = []) {
  const workers: FakeWorker[] = [];
  const router = new JobRouter({
    launcher: () => {
      const w = new FakeWorker(modes[workers.length] ?? 'ready');
      workers.push(w);
      return w;
    },
    folderOf: async (id) => {
      if (id !== 'p') throw new DistilleryError('NOT_FOUND', `no project "${id}"`);
      return '/projects/p';
    },
    restartDelayMs: 5,
    cancelGraceMs: 50,
  });
  const events: JobStatus[] = [];
  router.subscribe((s) => events.push(s));
  return { router, workers, events };
}

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick(2);
  }
}

describe('JobRouter', () => {
  it('runs jobs one at a time, relays progress and results', async () => {
    const { router, workers, events } = setup();
    const a = await router.start(req());
    const b = await router.start(req());
    expect(router.status(b.id).state).toBe('queued');
    await until(() => workers[0]?.starts().length === 1);
    const w = workers[0];
    expect(w.starts()[0]).toMatchObject({ id: a.id, projectFolder: '/projects/p' });
    w.emit({
      type: 'progress',
      id: a.id,
      kind: 'train-student',
      state: 'running',
      progress: { phase: 'epoch 1/2', done: 1, total: 4 },
    });
    expect(router.status(a.id)).toMatchObject({ state: 'running', progress: { done: 1 } });
    expect(w.starts()).toHaveLength(1); // b waits
    w.emit({
      type: 'done',
      id: a.id,
      kind: 'train-student',
      state: 'done',
      result: { modelVersion: 'student-20250101-000000-bilstm' },
    });
    expect(router.status(a.id)).toMatchObject({
      state: 'done',
      result: { modelVersion: 'student-20250101-000000-bilstm' },
    });
    expect(w.starts().map((m) => m.id)).toEqual([a.id, b.id]);
    expect(events.filter((e) => e.id === a.id).map((e) => e.state)).toEqual(['queued', 'running', 'done']);
    await router.dispose();
  });

  it('cancels a queued job at once and a running one through the worker', async () => {
    const { router, workers } = setup();
    const a = await router.start(req());
    const b = await router.start(req());
    await router.cancel(b.id);
    expect(router.status(b.id).state).toBe('cancelled');
    await until(() => workers[0]?.starts().length === 1);
    await router.cancel(a.id);
    expect(workers[0].received.at(-1)).toEqual({ type: 'cancel', id: a.id });
    workers[0].emit({ type: 'cancelled', id: a.id, kind: 'train-student', state: 'cancelled' });
    expect(router.status(a.id).state).toBe('cancelled');
    expect(workers[0].starts()).toHaveLength(1);
    await router.dispose();
  });

  it('a job that ignores cancel has its worker killed and is reported cancelled', async () => {
    const { router, workers } = setup();
    const a = await router.start(req());
    await until(() => workers[0]?.starts().length === 1);
    await router.cancel(a.id);
    await until(() => router.status(a.id).state === 'cancelled');
    expect(workers[0].killedWith).toBe('SIGKILL');
    await until(() => workers.length === 2);
    await router.dispose();
  });

  it('a dead worker: the running job fails with the reason, calls are rejected, a new worker runs the rest', async () => {
    const { router, workers } = setup();
    const a = await router.start(req());
    const b = await router.start(req());
    await until(() => workers[0]?.starts().length === 1);
    const pending = router.call('info', {});
    workers[0].die({ code: null, signal: 'SIGKILL' });
    const s = router.status(a.id);
    expect(s.state).toBe('failed');
    expect(s.error).toMatchObject({ code: 'WORKER_CRASH' });
    expect(s.error!.message).toMatch(/killed \(SIGKILL\).*no label was lost/);
    await expect(pending).rejects.toMatchObject({ code: 'WORKER_CRASH' });
    await until(() => workers[1]?.starts().length === 1);
    expect(workers[1].starts()[0].id).toBe(b.id);
    expect(router.restartCount).toBe(1);
    expect(router.workerPid).toBe(workers[1].pid);
    await router.dispose();
  });

  it('a worker that cannot start fails the waiting jobs instead of hanging', async () => {
    const { router, workers } = setup(['die', 'die', 'die', 'ready']);
    const a = await router.start(req());
    await until(() => router.status(a.id).state === 'failed', 5000);
    expect(router.status(a.id).error?.message).toMatch(/cannot start/);
    expect(workers.length).toBeGreaterThanOrEqual(3);
    await router.dispose();
  });

  it('answers calls through the worker', async () => {
    const { router, workers } = setup();
    const p = router.call('info', {});
    await until(() => workers[0]?.received.length === 1);
    const m = workers[0].received[0] as Extract<ToWorker, { type: 'call' }>;
    workers[0].emit({ type: 'reply', callId: m.callId, ok: true, result: { backend: 'wasm', skipped: [], pid: 1 } });
    expect(await p).toMatchObject({ backend: 'wasm' });
    const q = router.call('parse-corpus', { fileName: 'a.csv', base64: '' });
    await until(() => workers[0].received.length === 2);
    const m2 = workers[0].received[1] as Extract<ToWorker, { type: 'call' }>;
    workers[0].emit({
      type: 'reply',
      callId: m2.callId,
      ok: false,
      error: {
        name: 'InputError',
        code: 'INPUT_EMPTY',
        message: 'a.csv: the file is empty',
        details: { file: 'a.csv' },
      },
    });
    await expect(q).rejects.toMatchObject({ code: 'INPUT_EMPTY', details: { file: 'a.csv' } });
    await router.dispose();
  });

  it('routes an α sweep like any job', async () => {
    const { router, workers } = setup();
    const { id } = await router.start(
      req({
        kind: 'alpha-sweep',
        teacher: { kind: 'probs', byId: {}, name: 't' },
        options: { alphas: [0, 0.5, 1], seeds: 2 },
      }),
    );
    await until(() => workers[0]?.received.length === 1);
    expect(workers[0].received[0]).toMatchObject({
      type: 'start',
      id,
      request: { kind: 'alpha-sweep', options: { alphas: [0, 0.5, 1], seeds: 2 } },
    });
    await router.cancel(id);
    expect(workers[0].received[1]).toEqual({ type: 'cancel', id });
    await router.dispose();
  });

  it('routes a BERT teacher job and refuses bad BERT options before the worker sees them', async () => {
    const { router, workers } = setup();
    const options = {
      source: 'model-dir',
      modelDir: '/models/bert-base-chinese',
      epochs: 1,
      learningRate: 3e-5,
      maxLen: 64,
      batchSize: 8,
    };
    const { id } = await router.start(
      req({ kind: 'train-bert-teacher', options, docs: { labeled: docs, toScore: docs } }),
    );
    await until(() => workers[0]?.received.length === 1);
    expect(workers[0].received[0]).toMatchObject({
      type: 'start',
      id,
      request: { kind: 'train-bert-teacher', options },
    });
    await router.cancel(id);
    expect(workers[0].received[1]).toEqual({ type: 'cancel', id });
    for (const [opts, field, why] of [
      [{}, 'options.source', /"model-dir" .* or "pretrain"/],
      [{ source: 'model-dir' }, 'options.modelDir', /Hugging Face BERT model/],
      [
        { source: 'model-dir', modelDir: 'bert-folder' },
        'options.modelDir',
        /full path on the machine the worker runs on/,
      ],
      [{ source: 'model-dir', modelDir: '/m', hidden: 64 }, 'options.hidden', /for source "pretrain"/],
      [{ source: 'pretrain', hidden: 100, heads: 3 }, 'options.heads', /not a multiple/],
      [{ source: 'pretrain', epochs: 0 }, 'options.epochs', /\[1, 1000\]/],
      [{ source: 'pretrain', foo: 1 }, 'options.foo', /unknown option/],
    ] as const) {
      await expect(router.start(req({ kind: 'train-bert-teacher', options: opts }))).rejects.toMatchObject({
        code: 'CONFIG',
        message: expect.stringMatching(why),
        details: { field },
      });
    }
    // Labels are checked as for every training job.
    await expect(
      router.start(req({ kind: 'train-bert-teacher', options, docs: { labeled: docs.slice(0, 3) } })),
    ).rejects.toMatchObject({ code: 'INPUT_EMPTY' });
    expect(workers[0].received).toHaveLength(2);
    await router.dispose();
  });

  it('refuses a bad option of every job kind as a CONFIG error naming it, before a worker starts', async () => {
    const { router, workers } = setup();
    const teacher = { kind: 'probs' as const, byId: {}, name: 't' };
    // A Record over JobKind: a new kind of job does not compile until it has a case here.
    const cases: Record<JobKind, { over: Partial<UncheckedJobRequest>; field: string; why: RegExp }> = {
      'train-student': {
        over: { options: { epochs: 0 } },
        field: 'options.epochs',
        why: /"epochs" must be in \[1, 10000\], got 0/,
      },
      distill: {
        over: { teacher, options: { temperature: 0.1 } },
        field: 'options.temperature',
        why: /"temperature" must be in \[0.5, 100\]/,
      },
      'alpha-sweep': {
        over: { teacher, options: { alphas: [0, 1], tokens: 'bytes' } },
        field: 'options.tokens',
        why: /unknown tokens "bytes"; valid: char, word, both/,
      },
      'train-bert-teacher': {
        over: { options: { source: 'pretrain', batchSize: 1.5 } },
        field: 'options.batchSize',
        why: /"batchSize": expected an integer/,
      },
      'fast-prelabel': {
        over: { options: { candidates: [{ kind: 'oracle', version: 'v1' }] } },
        field: 'options.candidates',
        why: /"candidates" must be a list of \{kind/,
      },
      score: {
        over: { modelVersion: 'v1', docs: { labeled: docs, toScore: docs }, options: { epochs: 3 } },
        field: 'options.epochs',
        why: /"epochs": unknown option/,
      },
      simulate: {
        over: { options: { model: 'transformer' } },
        field: 'options.model',
        why: /unknown model "transformer"; valid: nb, bilstm/,
      },
      audit: { over: { options: { folds: 1 } }, field: 'options.folds', why: /"folds" must be in \[2, 50\], got 1/ },
    };
    for (const [kind, c] of Object.entries(cases)) {
      await expect(router.start(req({ kind: kind as JobKind, ...c.over })), kind).rejects.toMatchObject({
        code: 'CONFIG',
        message: expect.stringMatching(c.why),
        details: { field: c.field },
      });
    }
    expect(workers).toHaveLength(0);
    await router.dispose();
  });

  it('refuses requests that cannot run, saying why', async () => {
    const { router, workers } = setup();
    await expect(router.start(req({ docs: { labeled: [] } }))).rejects.toMatchObject({
      code: 'INPUT_EMPTY',
      message: expect.stringMatching(/no labeled documents yet/),
    });
    await expect(router.start(req({ docs: { labeled: docs.slice(0, 3) } }))).rejects.toThrow(/only 3 labeled/);
    await expect(router.start(req({ docs: { labeled: docs.map((d) => ({ ...d, labels: ['a'] })) } }))).rejects.toThrow(
      /at least two labels/,
    );
    await expect(router.start(req({ projectId: 'q' }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(router.start(req({ kind: 'score' }))).rejects.toMatchObject({
      code: 'CONFIG',
      details: { field: 'modelVersion' },
    });
    await expect(router.start(req({ kind: 'distill' }))).rejects.toMatchObject({ code: 'TEACHER_OUTPUTS' });
    await expect(router.start(req({ kind: 'nope' as 'score' }))).rejects.toMatchObject({ code: 'CONFIG' });
    // An α sweep: the teacher's soft labels and a valid list of α values.
    const teacher = { kind: 'probs' as const, byId: {}, name: 't' };
    await expect(router.start(req({ kind: 'alpha-sweep', options: { alphas: [0, 0.5] } }))).rejects.toMatchObject({
      code: 'TEACHER_OUTPUTS',
      message: expect.stringMatching(/α sweep/),
    });
    for (const [alphas, seeds, why] of [
      [undefined, undefined, /non-empty list/],
      [[], undefined, /non-empty list/],
      [[0, 1.5], undefined, /in \[0, 1\]/],
      [[0.5, 0.5], undefined, /twice/],
      [Array.from({ length: 22 }, (_, i) => i / 21), undefined, /at most 21/],
      [[0, 1], 0, /seeds/],
    ] as const) {
      await expect(
        router.start(req({ kind: 'alpha-sweep', teacher, options: { alphas, seeds } })),
      ).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringMatching(why) });
    }
    expect(() => router.status('nope')).toThrow(/no job/);
    expect(workers).toHaveLength(0);
    await router.dispose();
  });
});
