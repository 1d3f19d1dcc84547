import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExportRequest, ProjectMeta } from '../shared/api';
import { nodeFs, type HostFs } from './fs-util';
import { Exports, type ExportRow } from './exports';
import { ProjectStore } from './project-store';
import { zipFolder } from './zip';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-exports-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const rows: ExportRow[] = [
  // A person's label (no model version) on a document a later model scored.
  {
    id: '1',
    text: '菜很好吃，送得也快',
    labels: ['正面'],
    source: 'human',
    who: 'ann',
    at: '2025-01-02T03:04:05Z',
    probs: [0.1, 0.9],
    probsModelVersion: 'teacher-20250103-000000-bilstm',
  },
  {
    id: '2',
    text: 'says "meh", then\nleaves',
    labels: ['负面'],
    source: 'teacher',
    modelVersion: 'teacher-20250101-000000-bilstm',
    probs: [0.8, 0.2],
    probsModelVersion: 'teacher-20250101-000000-bilstm',
  },
  { id: '3', text: ' 没标注 ', labels: [] },
];

async function setup(task: ProjectMeta['task'] = 'binary', fs: HostFs = nodeFs) {
  const store = new ProjectStore(path.join(tmp, Math.random().toString(16).slice(2)), fs);
  const labels = task === 'multilabel' ? ['口味', '配送'] : ['负面', '正面'];
  const p = await store.create({
    name: 'e',
    task,
    labels: labels.map((name, i) => ({ name, color: '#000', hotkey: String(i + 1) })),
  });
  const exp = new Exports({
    project: (id) => store.get(id),
    exportModel: async ({ outDir, baseName }) => {
      mkdirSync(path.join(outDir, 'weights'), { recursive: true });
      writeFileSync(path.join(outDir, `${baseName}.onnx`), Buffer.alloc(5000, 7));
      writeFileSync(path.join(outDir, 'weights', 'w.bin'), 'abc');
      return { file: path.join(outDir, `${baseName}.onnx`), files: [] };
    },
    downloadUrl: (id, name) => `/api/download/${id}/${name}`,
    fs,
  });
  const req = (format: ExportRequest['format'], r = rows): ExportRequest => ({
    projectId: p.id,
    format,
    rows: r,
    labels,
  });
  return { p, exp, req, labels };
}

/** Entries of a ZIP file, checked against their CRC-32. */
function unzip(file: string): Record<string, Buffer> {
  const b = readFileSync(file);
  const end = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const n = b.readUInt16LE(end + 10);
  let cd = b.readUInt32LE(end + 16);
  const out: Record<string, Buffer> = {};
  for (let i = 0; i < n; i++) {
    const method = b.readUInt16LE(cd + 10);
    const crc = b.readUInt32LE(cd + 16);
    const csize = b.readUInt32LE(cd + 20);
    const nameLen = b.readUInt16LE(cd + 28);
    const extra = b.readUInt16LE(cd + 30);
    const comment = b.readUInt16LE(cd + 32);
    const off = b.readUInt32LE(cd + 42);
    const name = b.subarray(cd + 46, cd + 46 + nameLen).toString('utf8');
    const start = off + 30 + b.readUInt16LE(off + 26) + b.readUInt16LE(off + 28);
    const raw = b.subarray(start, start + csize);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    expect(crc32(data) >>> 0).toBe(crc);
    out[name] = data;
    cd += 46 + nameLen + extra + comment;
  }
  return out;
}

describe('Exports: datasets', () => {
  describe('several annotators per document (issue #10)', () => {
    const AT1 = '2025-01-02T03:04:05Z';
    const AT2 = '2025-01-02T04:00:00Z';
    const team: ExportRow[] = [
      {
        id: '1',
        text: '意见不一',
        labels: ['负面'],
        source: 'human',
        who: 'bo',
        at: AT2,
        rule: 'latest',
        byAnnotator: {
          bo: { labels: ['负面'], source: 'human', at: AT2 },
          ann: { labels: ['正面'], source: 'human', at: AT1 },
        },
      },
      {
        id: '2',
        text: '一致',
        labels: ['正面'],
        source: 'human',
        who: 'ann',
        at: AT1,
        rule: 'single',
        byAnnotator: { ann: { labels: ['正面'], source: 'human', at: AT1 } },
      },
      { id: '3', text: '没人标', labels: [] },
    ];

    it('CSV: the final label, its rule and every annotator’s labels (labels_by, JSON), oldest first', async () => {
      const { exp, req } = await setup();
      const parsed = Papa.parse<Record<string, string>>(
        readFileSync((await exp.dataset(req('csv', team))).file, 'utf8'),
        { header: true, skipEmptyLines: true },
      );
      expect(parsed.meta.fields).toEqual([
        'id',
        'text',
        'label',
        'source',
        'who',
        'at',
        'model_version',
        'label_rule',
        'labels_by',
      ]);
      expect(parsed.data.map((d) => [d.label, d.label_rule, d.labels_by])).toEqual([
        ['负面', 'latest', '{"ann":["正面"],"bo":["负面"]}'],
        ['正面', 'single', '{"ann":["正面"]}'],
        ['', '', ''],
      ]);
    });

    it('JSONL: label_rule and labels_by fields', async () => {
      const { exp, req } = await setup();
      const lines = readFileSync((await exp.dataset(req('jsonl', team))).file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines[0]).toMatchObject({
        label: '负面',
        label_rule: 'latest',
        labels_by: { ann: ['正面'], bo: ['负面'] },
      });
      expect(lines[2].labels_by).toBeUndefined();
    });

    it('doccano: a zip with one file per annotator (their labels) and all.jsonl (the final ones)', async () => {
      const { exp, req } = await setup();
      const r = await exp.dataset(req('doccano', team));
      expect(r.file).toMatch(/\.doccano\.zip$/);
      const files = unzip(r.file);
      expect(Object.keys(files).sort()).toEqual(['all.jsonl', 'ann.jsonl', 'bo.jsonl']);
      const read = (name: string) =>
        files[name]
          .toString('utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
      expect(read('ann.jsonl').map((l) => [l.doc_id, l.label])).toEqual([
        ['1', ['正面']],
        ['2', ['正面']],
      ]);
      expect(read('bo.jsonl').map((l) => [l.doc_id, l.label])).toEqual([['1', ['负面']]]);
      expect(read('all.jsonl').map((l) => [l.doc_id, l.label, l.label_rule])).toEqual([
        ['1', ['负面'], 'latest'],
        ['2', ['正面'], 'single'],
        ['3', [], undefined],
      ]);
    });

    it('a bad per-annotator field is refused naming the row and field, and nothing is written', async () => {
      const { exp, req, p } = await setup();
      const bad = [{ ...team[0], byAnnotator: { ann: { labels: '正面' } } }] as unknown as ExportRow[];
      await expect(exp.dataset(req('csv', bad))).rejects.toMatchObject({
        code: 'CONFIG',
        details: { field: 'rows[0].byAnnotator.ann.labels' },
      });
      await expect(
        exp.dataset(req('csv', [{ ...team[0], rule: 'loudest' } as unknown as ExportRow])),
      ).rejects.toMatchObject({ details: { field: 'rows[0].rule' } });
      expect(readdirSync(path.join(p.folder, 'exports'))).toEqual([]);
    });

    it('a project without per-annotator labels exports as before (no new columns, one doccano file)', async () => {
      const { exp, req } = await setup();
      expect(readFileSync((await exp.dataset(req('csv'))).file, 'utf8')).not.toContain('labels_by');
      expect((await exp.dataset(req('doccano'))).file).toMatch(/\.doccano\.jsonl$/);
    });
  });

  it('CSV: one row per document, provenance and probabilities as columns; parses back', async () => {
    const { exp, req, p } = await setup();
    const r = await exp.dataset(req('csv'));
    expect(path.dirname(r.file)).toBe(path.join(p.folder, 'exports'));
    expect(r.downloadUrl).toBe(`/api/download/${p.id}/${path.basename(r.file)}`);
    const parsed = Papa.parse<Record<string, string>>(readFileSync(r.file, 'utf8'), {
      header: true,
      skipEmptyLines: true,
    });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([
      'id',
      'text',
      'label',
      'source',
      'who',
      'at',
      'model_version',
      'probs_model_version',
      'prob_负面',
      'prob_正面',
    ]);
    // The label's model version and the probabilities' apart: a person's label has none.
    expect(parsed.data[0]).toMatchObject({
      source: 'human',
      model_version: '',
      probs_model_version: 'teacher-20250103-000000-bilstm',
    });
    expect(parsed.data.map((d) => [d.id, d.text, d.label])).toEqual(
      rows.map((x) => [x.id, x.text, x.labels.join('|')]),
    );
    expect(parsed.data[1]).toMatchObject({
      source: 'teacher',
      model_version: 'teacher-20250101-000000-bilstm',
      prob_负面: '0.8',
    });
    expect(parsed.data[2].prob_正面).toBe('');
  });

  it('CSV: multi-label cells as a|b', async () => {
    const { exp, req } = await setup('multilabel');
    const r = await exp.dataset(req('csv', [{ id: 'm', text: 't', labels: ['口味', '配送'] }]));
    const parsed = Papa.parse<Record<string, string>>(readFileSync(r.file, 'utf8'), {
      header: true,
      skipEmptyLines: true,
    });
    expect(parsed.data[0].label).toBe('口味|配送');
  });

  it('JSONL: labels, provenance and soft labels per line', async () => {
    const { exp, req } = await setup();
    const r = await exp.dataset(req('jsonl'));
    const lines = readFileSync(r.file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({
      id: '1',
      text: rows[0].text,
      label: '正面',
      labels: ['正面'],
      provenance: { source: 'human', who: 'ann', at: '2025-01-02T03:04:05Z' },
      soft_labels: { 负面: 0.1, 正面: 0.9 },
      soft_labels_model_version: 'teacher-20250103-000000-bilstm',
    });
    expect(lines[1].provenance).toEqual({ source: 'teacher', modelVersion: 'teacher-20250101-000000-bilstm' });
    expect(lines[2]).toEqual({ id: '3', text: ' 没标注 ', label: null, labels: [] });
  });

  it('Label Studio: tasks with annotations (labels, with the source of an accepted pre-label) and predictions (model), plus the labeling config', async () => {
    const { exp, req } = await setup();
    const r = await exp.dataset(req('label-studio'));
    expect(r.file).toMatch(/\.label-studio\.json$/);
    const tasks = JSON.parse(readFileSync(r.file, 'utf8'));
    expect(tasks).toHaveLength(3);
    expect(tasks[0].data).toEqual({ text: rows[0].text, doc_id: '1' });
    expect(tasks[0].annotations[0].result).toEqual([
      { from_name: 'label', to_name: 'text', type: 'choices', value: { choices: ['正面'] } },
    ]);
    // An accepted pre-label: an annotation that names its model, beside the model's prediction.
    expect(tasks[1].annotations).toEqual([
      {
        result: [{ from_name: 'label', to_name: 'text', type: 'choices', value: { choices: ['负面'] } }],
        meta: { source: 'teacher', model_version: 'teacher-20250101-000000-bilstm' },
      },
    ]);
    expect(tasks[0].predictions[0]).toMatchObject({ model_version: 'teacher-20250103-000000-bilstm', score: 0.9 });
    expect(tasks[1].predictions[0]).toMatchObject({
      model_version: 'teacher-20250101-000000-bilstm',
      score: 0.8,
      result: [{ value: { choices: ['负面'] } }],
    });
    expect(tasks[2]).toEqual({ data: { text: ' 没标注 ', doc_id: '3' } });
    const config = readFileSync(`${r.file}.config.xml`, 'utf8');
    expect(config).toContain('<Choices name="label" toName="text" choice="single"');
    expect(config).toContain('<Choice value="负面"/>');
  });

  it('doccano: JSONL with text and a label list', async () => {
    const { exp, req } = await setup();
    const r = await exp.dataset(req('doccano'));
    const lines = readFileSync(r.file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.text, l.label])).toEqual(rows.map((x) => [x.text, x.labels]));
    expect(lines[0]).toMatchObject({ doc_id: '1', source: 'human' });
  });

  it('refuses bad rows and formats; a full disk leaves no file', async () => {
    const { exp, req, p } = await setup();
    await expect(exp.dataset({ ...req('csv'), format: 'xlsx' as 'csv' })).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(exp.dataset(req('csv', [{ id: '1', text: 'x', labels: ['a'], probs: [1] }]))).rejects.toMatchObject({
      code: 'CONFIG',
    });
    const full: HostFs = {
      ...nodeFs,
      open: async (f, fl, m) =>
        f.includes('.tmp-')
          ? Promise.reject(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }))
          : nodeFs.open(f, fl, m),
    };
    const fullExp = new Exports({
      project: async () => p,
      exportModel: async () => ({ file: '', files: [] }),
      fs: full,
    });
    const before = readdirSync(path.join(p.folder, 'exports'));
    await expect(fullExp.dataset(req('jsonl'))).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(readdirSync(path.join(p.folder, 'exports'))).toEqual(before);
  });
});

describe('Exports: models', () => {
  it('has the worker write the export folder and zips it for download', async () => {
    const { exp, p } = await setup();
    const v = 'student-20250101-000000-bilstm';
    mkdirSync(path.join(p.folder, 'models', v), { recursive: true });
    writeFileSync(path.join(p.folder, 'models', v, 'config.json'), '{}');
    const r = await exp.model(p.id, v, 'onnx');
    expect(r.file).toBe(path.join(p.folder, 'exports', `${v}-onnx`, `${v}.onnx`));
    expect(r.downloadUrl).toBe(`/api/download/${p.id}/${v}-onnx.zip`);
    const entries = unzip(path.join(p.folder, 'exports', `${v}-onnx.zip`));
    expect(Object.keys(entries).sort()).toEqual([`${v}-onnx/${v}.onnx`, `${v}-onnx/weights/w.bin`]);
    expect(entries[`${v}-onnx/${v}.onnx`].equals(Buffer.alloc(5000, 7))).toBe(true);
    expect(entries[`${v}-onnx/weights/w.bin`].toString()).toBe('abc');
    await expect(exp.model(p.id, 'student-20250101-000000-gone', 'onnx')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(exp.model(p.id, '../../etc', 'onnx')).rejects.toMatchObject({ code: 'CONFIG' });
  });

  it('exports a binary-relevance teacher, whose folder has teacher.json and label-<i>/ but no config.json', async () => {
    const { exp, p } = await setup();
    const v = 'teacher-20250101-000000-bert-br';
    mkdirSync(path.join(p.folder, 'models', v, 'label-0'), { recursive: true });
    writeFileSync(path.join(p.folder, 'models', v, 'teacher.json'), '{}');
    const r = await exp.model(p.id, v, 'onnx');
    expect(r.file).toBe(path.join(p.folder, 'exports', `${v}-onnx`, `${v}.onnx`));
    expect(existsSync(path.join(p.folder, 'exports', `${v}-onnx.zip`))).toBe(true);
  });

  it('zipFolder stores UTF-8 names', async () => {
    const dir = path.join(tmp, 'z', '模型');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, '说明.md'), '你好');
    await zipFolder(dir, path.join(tmp, 'z', 'm.zip'));
    expect(unzip(path.join(tmp, 'z', 'm.zip'))['模型/说明.md'].toString()).toBe('你好');
  });
});

describe('Exports: list', () => {
  it('lists what earlier exports wrote, newest first, with size, date and download URL (model folders through their zip)', async () => {
    const { exp, req, p } = await setup();
    expect(await exp.list(p.id)).toEqual([]);
    const csv = await exp.dataset(req('csv'));
    const ls = await exp.dataset(req('label-studio'));
    const v = 'student-20250101-000000-bilstm';
    mkdirSync(path.join(p.folder, 'models', v), { recursive: true });
    writeFileSync(path.join(p.folder, 'models', v, 'config.json'), '{}');
    const model = await exp.model(p.id, v, 'onnx');
    // A file being written (hidden) is not an export yet.
    writeFileSync(path.join(p.folder, 'exports', '.partial-1.csv'), 'x');
    const dir = path.join(p.folder, 'exports');
    // Distinct modification times, so that "newest first" is checked.
    const names = [
      path.basename(csv.file),
      path.basename(ls.file),
      `${path.basename(ls.file)}.config.xml`,
      'student-20250101-000000-bilstm-onnx.zip',
    ];
    names.forEach((n, i) => utimesSync(path.join(dir, n), 1_700_000_000 + i, 1_700_000_000 + i));
    const listed = await exp.list(p.id);
    expect(listed.map((f) => f.name)).toEqual([...names].reverse());
    for (const f of listed) {
      expect(f.file).toBe(path.join(dir, f.name));
      expect(f.bytes).toBe(readFileSync(f.file).length);
      expect(f.bytes).toBeGreaterThan(0);
      expect(f.downloadUrl).toBe(`/api/download/${p.id}/${f.name}`);
    }
    expect(listed.at(-1)!.at).toBe(new Date(1_700_000_000_000).toISOString());
    expect(path.dirname(model.file)).toBe(path.join(dir, 'student-20250101-000000-bilstm-onnx'));
    await expect(exp.list('nope-00000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
