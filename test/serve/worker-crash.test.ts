/**
 * No label is lost when the worker dies: a training job on a few hundred synthetic documents, the
 * worker process SIGKILLed mid-job → the job is reported failed with a reason (over the event
 * socket and jobs.status), the router has started a new worker, the same job run again succeeds,
 * nothing half-written is left in the project, and the label journal and its sentinel are
 * byte-for-byte unchanged.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRequest, JobStatus, LabelEvent, ProjectMeta } from '../../src/shared/api';
import { createBackend, type Backend } from '../../src/host/api-backend';
import { downloadPath, startServer, type RunningServer } from '../../src/host/serve/server';
import { generateCorpus, uniqueDocs } from '../fixtures/synthetic-corpus';
import { events, ok, until } from './helpers';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-crash-'));
let backend: Backend;
let server: RunningServer;
let port: number;
let token: string;

beforeAll(async () => {
  backend = createBackend({ root: path.join(tmp, 'projects'), mode: 'serve', downloadUrl: downloadPath });
  server = await startServer({ backend, rendererDir: path.join(tmp, 'no-ui'), port: 0 });
  port = server.port;
  token = new URL(server.url).searchParams.get('token')!;
});

afterAll(async () => {
  await server?.close();
  await backend?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('worker crash', () => {
  it('fails the running job with a reason, restarts the worker, a retry succeeds, labels untouched', async () => {
    const project = await ok<ProjectMeta>(port, token, 'projects.create', [
      {
        name: 'Crash',
        task: 'binary',
        labels: [
          { name: '0', color: '#c00', hotkey: '1' },
          { name: '1', color: '#0c0', hotkey: '2' },
        ],
      },
    ]);
    const docs = uniqueDocs(generateCorpus(320, 5, 'binary'))
      .slice(0, 300)
      .map((d, i) => ({ id: `d${i}`, text: d.text, labels: d.labels }));
    // The labels, as the UI journals them while annotating.
    const labelEvents: LabelEvent[] = docs.map((d, i) => ({
      docId: d.id,
      labels: d.labels,
      source: 'human',
      who: 'annotator',
      at: new Date(1_700_000_000_000 + i * 1000).toISOString(),
      action: 'label',
    }));
    for (let i = 0; i < labelEvents.length; i += 100)
      await ok(port, token, 'journal.append', [project.id, labelEvents.slice(i, i + 100)]);
    const journalFile = path.join(project.folder, 'journal.jsonl');
    const sentinelFile = path.join(project.folder, 'labels.sentinel.json');
    const before = { journal: sha(journalFile), sentinel: sha(sentinelFile) };
    expect(await ok(port, token, 'journal.sentinel', [project.id])).toMatchObject({ labeledCount: 300 });

    const ev = await events(port, token);
    try {
      const request: JobRequest = {
        kind: 'train-student',
        projectId: project.id,
        task: 'binary',
        labels: ['0', '1'],
        docs: { labeled: docs },
        options: {
          model: 'bilstm',
          hidden: 8,
          layers: 1,
          embedDim: 8,
          epochs: 6,
          patience: 0,
          maxVocab: 300,
          charts: false,
        },
      };
      const first = await ok<{ id: string }>(port, token, 'jobs.start', [request]);
      await ev.waitFor(
        (s) => s.id === first.id && s.state === 'running' && /^epoch 1\//.test(s.progress?.phase ?? ''),
        90_000,
      );
      const pid = backend.router.workerPid!;
      expect(alive(pid)).toBe(true);
      process.kill(pid, 'SIGKILL');

      const failed = await ev.waitFor(
        (s) => s.id === first.id && ['done', 'failed', 'cancelled'].includes(s.state),
        30_000,
      );
      expect(failed.state).toBe('failed');
      expect(failed.error).toMatchObject({ code: 'WORKER_CRASH' });
      expect(failed.error!.message).toMatch(/worker process was killed \(SIGKILL\)/);
      expect(failed.error!.message).toMatch(/no label was lost/);
      expect(await ok<JobStatus>(port, token, 'jobs.status', [first.id])).toMatchObject({
        state: 'failed',
        error: { code: 'WORKER_CRASH' },
      });

      // The router started a new worker.
      const newPid = await Promise.race([
        backend.router.whenReady(),
        new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no new worker within 60 s')), 60_000)),
      ]);
      expect(newPid).not.toBe(pid);
      expect(alive(newPid)).toBe(true);
      expect(backend.router.restartCount).toBe(1);
      await until(() => !alive(pid), 5000, 'the killed worker to be gone');

      // The same job again, on the new worker.
      const retry = await ok<{ id: string }>(port, token, 'jobs.start', [request]);
      const done = await ev.waitFor(
        (s) => s.id === retry.id && ['done', 'failed', 'cancelled'].includes(s.state),
        120_000,
      );
      expect(done.error).toBeUndefined();
      expect(done.state).toBe('done');
      expect(done.result?.metrics).toBeDefined();
      expect(done.result?.history).toHaveLength(6);

      // Only the retry's model version, and no leftovers of the killed run.
      expect(readdirSync(path.join(project.folder, 'models'))).toEqual([done.result!.modelVersion]);
      expect(readdirSync(path.join(project.folder, 'datasets'))).toEqual([`${done.result!.modelVersion}.jsonl`]);
    } finally {
      ev.close();
    }

    // Every label still there, byte for byte.
    expect({ journal: sha(journalFile), sentinel: sha(sentinelFile) }).toEqual(before);
    const back = await ok<LabelEvent[]>(port, token, 'journal.read', [project.id]);
    expect(back).toEqual(labelEvents);
    expect(await ok(port, token, 'journal.sentinel', [project.id])).toMatchObject({ labeledCount: 300 });
    expect(existsSync(journalFile)).toBe(true);
  });
});
