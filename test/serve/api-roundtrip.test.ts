/**
 * The workbench API end to end through HTTP and the event WebSocket, as the browser UI uses it:
 * create a project → corpus.parse a CSV (base64) → train a student (progress, metrics, scores of
 * the unlabeled documents) → score every document with that model version → distill from those
 * scores → export the model (ONNX zip) and the dataset, download both, re-import the exported CSV.
 * Plus the errors the UI must show: a malformed CSV (line-level), training without labels, cancel.
 * The worker is a real child process; the server listens on 127.0.0.1 with a random port.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRequest, JobStatus, ParsedCorpus, ProjectMeta } from '../../src/shared/api';
import type { JobOptionsOf } from '../../src/shared/job-options';
import { createBackend, type Backend } from '../../src/host/api-backend';
import { downloadPath, startServer, type RunningServer } from '../../src/host/serve/server';
import { corpusCsv, generateCorpus } from '../fixtures/synthetic-corpus';
import { api, events, ok, request } from './helpers';

const TINY: JobOptionsOf<'train-student'> = {
  model: 'bilstm',
  hidden: 8,
  layers: 1,
  embedDim: 8,
  epochs: 2,
  maxVocab: 300,
  charts: false,
};

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-roundtrip-'));
let backend: Backend;
let server: RunningServer;
let port: number;
let token: string;
let ev: Awaited<ReturnType<typeof events>>;

beforeAll(async () => {
  backend = createBackend({ root: path.join(tmp, 'projects'), mode: 'serve', downloadUrl: downloadPath });
  server = await startServer({ backend, rendererDir: path.join(tmp, 'no-ui'), port: 0 });
  port = server.port;
  token = new URL(server.url).searchParams.get('token')!;
  ev = await events(port, token);
});

afterAll(async () => {
  ev?.close();
  await server?.close();
  await backend?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const final = (id: string) => (s: JobStatus) => s.id === id && ['done', 'failed', 'cancelled'].includes(s.state);

describe('serve API round trip', () => {
  let project: ProjectMeta;
  let parsed: ParsedCorpus;
  let version: string;
  let allScores: Record<string, number[]>;

  it('creates a project and parses a CSV sent as base64', async () => {
    project = await ok<ProjectMeta>(port, token, 'projects.create', [
      {
        name: 'Round trip',
        task: 'binary',
        labels: [
          { name: '0', color: '#c00', hotkey: '1' },
          { name: '1', color: '#0c0', hotkey: '2' },
        ],
      },
    ]);
    const csv = corpusCsv(generateCorpus(300, 11, 'binary'));
    parsed = await ok<ParsedCorpus>(port, token, 'corpus.parse', [
      { fileName: 'reviews.csv', base64: Buffer.from(csv).toString('base64') },
    ]);
    expect(parsed.columns).toEqual(['label', 'review']);
    expect(parsed).toMatchObject({
      textColumn: 'review',
      labelColumn: 'label',
      encoding: 'utf-8',
      format: 'csv',
      labels: ['0', '1'],
      multiLabel: false,
    });
    expect(parsed.docs.length + parsed.duplicatesRemoved).toBe(300);
    expect(parsed.docs[0]).toMatchObject({ id: '1', line: 2 });
  });

  it('reports a malformed CSV with its line, and training without labels with the reason', async () => {
    const bad = 'label,review\n1,好吃\n0,"没关上的引号\n1,还行\n';
    const r = await api(port, token, 'corpus.parse', [
      { fileName: 'bad.csv', base64: Buffer.from(bad).toString('base64') },
    ]);
    expect(r.status).toBe(400);
    expect(r.error).toMatchObject({ code: 'INPUT_PARSE', details: { file: 'bad.csv', line: 3 } });
    const none = await api(port, token, 'jobs.start', [
      {
        kind: 'train-student',
        projectId: project.id,
        task: 'binary',
        labels: ['0', '1'],
        docs: { labeled: [] },
        options: TINY,
      },
    ]);
    expect(none.status).toBe(400);
    expect(none.error).toMatchObject({ code: 'INPUT_EMPTY' });
    expect(none.error!.message).toMatch(/no labeled documents yet/);
  });

  it('trains a student with live progress, metrics and scores for the unlabeled documents', async () => {
    const labeled = parsed.docs.slice(0, 240).map((d) => ({ id: d.id, text: d.text, labels: d.labels }));
    const toScore = parsed.docs.slice(240).map((d) => ({ id: d.id, text: d.text }));
    const req: JobRequest = {
      kind: 'train-student',
      projectId: project.id,
      task: 'binary',
      labels: ['0', '1'],
      docs: { labeled, toScore },
      options: TINY,
    };
    const { id } = await ok<{ id: string }>(port, token, 'jobs.start', [req]);
    const done = await ev.waitFor(final(id), 120_000);
    expect(done.error).toBeUndefined();
    expect(done.state).toBe('done');
    const mine = ev.statuses.filter((s) => s.id === id);
    expect(mine[0].state).toBe('queued');
    expect(
      mine.some(
        (s) =>
          s.state === 'running' &&
          /^epoch/.test(s.progress?.phase ?? '') &&
          typeof s.progress?.metrics?.loss === 'number',
      ),
    ).toBe(true);
    const r = done.result!;
    version = r.modelVersion;
    expect(version).toMatch(/^teacher-\d{8}-\d{6}-bilstm$/);
    expect(r.metrics).toMatchObject({ accuracy: expect.any(Number), macro_f1: expect.any(Number) });
    expect(r.history).toHaveLength(2);
    expect(r.paramCount).toBeGreaterThan(0);
    expect(r.files!.some((f) => f.endsWith('model.onnx'))).toBe(true);
    // Inference latency on the run's test texts, through onnxruntime-node on the new model.onnx.
    expect(r.latency).toMatchObject({ engine: 'onnxruntime', msPerDoc: expect.any(Number), docs: 24 });
    expect(r.latency!.msPerDoc).toBeGreaterThan(0);
    expect(mine.some((s) => s.progress?.phase === 'latency')).toBe(true);
    expect(Object.keys(r.scores!).sort()).toEqual(toScore.map((d) => d.id).sort());
    expect(await ok<JobStatus>(port, token, 'jobs.status', [id])).toMatchObject({
      state: 'done',
      result: { modelVersion: version },
    });
    expect(existsSync(path.join(project.folder, 'models', version, 'model.onnx'))).toBe(true);
    expect(existsSync(path.join(project.folder, 'datasets', `${version}.jsonl`))).toBe(true);
  });

  it('scores every document with that model version', async () => {
    const toScore = parsed.docs.map((d) => ({ id: d.id, text: d.text }));
    const { id } = await ok<{ id: string }>(port, token, 'jobs.start', [
      {
        kind: 'score',
        projectId: project.id,
        task: 'binary',
        labels: ['0', '1'],
        docs: { labeled: [], toScore },
        options: {},
        modelVersion: version,
      },
    ]);
    const done = await ev.waitFor(final(id), 60_000);
    expect(done).toMatchObject({ state: 'done', result: { modelVersion: version } });
    allScores = done.result!.scores!;
    expect(Object.keys(allScores)).toHaveLength(parsed.docs.length);
    for (const d of parsed.docs) {
      const p = allScores[d.id];
      expect(p).toHaveLength(2);
      expect(p[0] + p[1]).toBeCloseTo(1, 4);
    }
    const missing = await api(port, token, 'jobs.start', [
      {
        kind: 'score',
        projectId: project.id,
        task: 'binary',
        labels: ['0', '1'],
        docs: { labeled: [], toScore },
        options: {},
        modelVersion: 'student-20000101-000000-bilstm',
      },
    ]);
    const gone = await ev.waitFor(final((missing.result as { id: string }).id), 30_000);
    expect(gone).toMatchObject({ state: 'failed', error: { code: 'MODEL_FOLDER' } });
  });

  it('distills a student from those scores (soft labels) plus the human labels', async () => {
    const labeled = parsed.docs.slice(0, 240).map((d) => ({ id: d.id, text: d.text, labels: d.labels }));
    const { id } = await ok<{ id: string }>(port, token, 'jobs.start', [
      {
        kind: 'distill',
        projectId: project.id,
        task: 'binary',
        labels: ['0', '1'],
        docs: { labeled, toScore: parsed.docs.slice(240).map((d) => ({ id: d.id, text: d.text })) },
        options: { ...TINY, alpha: 0.5, temperature: 2, useUnlabeled: true },
        teacher: { kind: 'probs', byId: allScores, name: version },
      } satisfies JobRequest,
    ]);
    const done = await ev.waitFor(final(id), 120_000);
    expect(done.error).toBeUndefined();
    expect(done.result!.modelVersion).toMatch(/^distilled-\d{8}-\d{6}-bilstm$/);
    expect(done.result!.latency?.msPerDoc).toBeGreaterThan(0);
  });

  it('runs an α sweep (progress over the whole sweep) and cancels one', async () => {
    const labeled = parsed.docs.slice(0, 240).map((d) => ({ id: d.id, text: d.text, labels: d.labels }));
    const sweep = (alphas: number[], options: JobOptionsOf<'alpha-sweep'> = {}): JobRequest => ({
      kind: 'alpha-sweep',
      projectId: project.id,
      task: 'binary',
      labels: ['0', '1'],
      docs: { labeled },
      options: { ...TINY, epochs: 1, temperature: 2, alphas, ...options },
      teacher: { kind: 'probs', byId: allScores, name: version },
    });
    const bad = await api(port, token, 'jobs.start', [sweep([0, 3])]);
    expect(bad).toMatchObject({ status: 400, error: { code: 'CONFIG', details: { field: 'options.alphas' } } });

    const { id } = await ok<{ id: string }>(port, token, 'jobs.start', [sweep([0, 1])]);
    const done = await ev.waitFor(final(id), 120_000);
    expect(done.error).toBeUndefined();
    const s = done.result!.sweep!;
    expect(s.points.map((p) => p.alpha)).toEqual([0, 1]);
    expect(s).toMatchObject({ temperature: 2, metric: 'accuracy', seeds: 1 });
    expect(existsSync(path.join(s.folder, 'alpha-sweep.png'))).toBe(true);
    const phases = ev.statuses.filter((x) => x.id === id && x.state === 'running').map((x) => x.progress?.phase ?? '');
    expect(phases.some((ph) => ph.startsWith('α = 0 (1/2)'))).toBe(true);
    expect(phases.some((ph) => ph.startsWith('α = 1 (2/2)'))).toBe(true);

    const long = await ok<{ id: string }>(port, token, 'jobs.start', [
      sweep([0, 0.5, 1], { epochs: 200, patience: 0 }),
    ]);
    await ev.waitFor((x) => x.id === long.id && /^α = 0 \(1\/3\) · epoch/.test(x.progress?.phase ?? ''), 60_000);
    await ok(port, token, 'jobs.cancel', [long.id]);
    expect(await ev.waitFor(final(long.id), 60_000)).toMatchObject({ state: 'cancelled' });
    // The cancelled sweep left nothing; the finished one is still there.
    expect(readdirSync(path.join(project.folder, 'sweeps'))).toEqual([path.basename(s.folder)]);
  });

  it('keeps automatic backups of the UI’s database in the project folder', async () => {
    const data = JSON.stringify({
      formatName: 'dexie',
      formatVersion: 1,
      data: { databaseName: 'distillery', tables: [] },
    });
    const saved = await ok<{ name: string; journalEvents: number }>(port, token, 'backups.save', [
      project.id,
      data,
      { reason: 'import', docs: 300, labeled: 240 },
    ]);
    expect(saved.name).toMatch(/^auto-\d{8}-\d{6}-\d{3}\.json$/);
    expect(await ok(port, token, 'backups.list', [project.id])).toMatchObject([
      { name: saved.name, reason: 'import', docs: 300, labeled: 240, journalEvents: 0 },
    ]);
    expect(await ok(port, token, 'backups.read', [project.id, saved.name])).toBe(data);
    expect(await api(port, token, 'backups.read', [project.id, '../project.json'])).toMatchObject({
      status: 400,
      error: { code: 'CONFIG' },
    });
    expect(
      await api(port, token, 'backups.save', [
        project.id,
        '{"not":"dexie"}',
        { reason: 'import', docs: 0, labeled: 0 },
      ]),
    ).toMatchObject({ status: 400 });
  });

  it('cancels a running job', async () => {
    const labeled = parsed.docs.slice(0, 240).map((d) => ({ id: d.id, text: d.text, labels: d.labels }));
    const { id } = await ok<{ id: string }>(port, token, 'jobs.start', [
      {
        kind: 'train-student',
        projectId: project.id,
        task: 'binary',
        labels: ['0', '1'],
        docs: { labeled },
        options: { ...TINY, epochs: 200, patience: 0 },
      },
    ]);
    await ev.waitFor((s) => s.id === id && /^epoch/.test(s.progress?.phase ?? ''), 60_000);
    expect(await ok(port, token, 'jobs.cancel', [id])).toBeNull();
    const end = await ev.waitFor(final(id), 60_000);
    expect(end.state).toBe('cancelled');
    // A cancelled run leaves no model version behind.
    const models = readdirSync(path.join(project.folder, 'models'));
    expect(models.filter((m) => m.startsWith('.partial'))).toEqual([]);
    expect(models).toHaveLength(2);
  });

  it('exports the ONNX student and the dataset; both download; the CSV imports again', async () => {
    const cookie = { Cookie: `distillery-token-${port}=${token}` };
    const m = await ok<{ file: string; downloadUrl: string }>(port, token, 'exports.model', [
      project.id,
      version,
      'onnx',
    ]);
    expect(m.file).toBe(path.join(project.folder, 'exports', `${version}-onnx`, `${version}.onnx`));
    expect(readdirSync(path.dirname(m.file)).sort()).toEqual(
      [
        `${version}.onnx`,
        'labels.json',
        'metrics.json',
        'model-card.md',
        'tokenizer.json',
        'tokenizer-spec.md',
        'reference-tokenizer.mjs',
        'reference_tokenizer.py',
      ].sort(),
    );
    // The card names the file as exported, not the model folder's model.onnx.
    expect(readFileSync(path.join(path.dirname(m.file), 'model-card.md'), 'utf8')).toContain(
      `\`${version}.onnx\` (ONNX)`,
    );
    const zip = await request(port, { path: m.downloadUrl, headers: cookie });
    expect(zip.status).toBe(200);
    expect(zip.headers['content-disposition']).toContain(`${version}-onnx.zip`);
    expect(zip.body.slice(0, 2)).toBe('PK');
    expect((await request(port, { path: m.downloadUrl })).status).toBe(401);
    const tfjs = await ok<{ file: string }>(port, token, 'exports.model', [project.id, version, 'tfjs']);
    expect(readdirSync(tfjs.file)).toEqual(expect.arrayContaining(['model.json', 'tokenizer.json', 'labels.json']));
    const folder = await ok<{ file: string }>(port, token, 'exports.model', [project.id, version, 'folder']);
    expect(readdirSync(folder.file)).toEqual(
      expect.arrayContaining(['config.json', 'model.onnx', 'weights', 'model-card.md']),
    );

    const rows = parsed.docs.map((d) => ({
      id: d.id,
      text: d.text,
      labels: d.labels,
      source: 'human',
      who: 'tester',
      at: '2025-01-01T00:00:00Z',
      probs: allScores[d.id],
    }));
    const x = await ok<{ file: string; downloadUrl: string }>(port, token, 'exports.dataset', [
      { projectId: project.id, format: 'csv', rows, labels: ['0', '1'] },
    ]);
    const csv = await request(port, { path: x.downloadUrl, headers: cookie });
    expect(csv.status).toBe(200);
    const again = await ok<ParsedCorpus>(port, token, 'corpus.parse', [
      { fileName: 'export.csv', base64: Buffer.from(csv.body).toString('base64') },
    ]);
    expect(again.textColumn).toBe('text');
    expect(again.docs.map((d) => [d.text, d.labels])).toEqual(parsed.docs.map((d) => [d.text, d.labels]));
  });
});
