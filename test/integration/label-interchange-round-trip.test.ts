/**
 * Our own Label Studio and doccano exports, imported back the way the workbench imports a file (the
 * worker's parse-corpus on the file's bytes, then the Import view's plan): the same labels, the same
 * sources (an accepted pre-label comes back as the model's, with its model version), the same
 * annotators; Label Studio predictions come back as pre-labels. With several annotators on a document,
 * each one's label comes back (byAnnotator), with the final label and its rule.
 */
import { describe, expect, it } from 'vitest';
import type { ParsedCorpus } from '../../src/shared/api';
import type { TaskType } from '../../src/shared/task';
import { datasetDoccano, datasetLabelStudio, type ExportRow } from '../../src/host/exports';
import { methods } from '../../src/worker/process/worker-methods';
import { exportRows, importEvents, planImport } from '../../src/renderer/db/logic';
import { labelOrigin } from '../../src/renderer/db/gold';

const AT = '2025-03-04T05:06:07Z';
const SINGLE = ['负面', '正面'];
const MULTI = ['口味', '配送', '价格'];

const singleRows: ExportRow[] = [
  {
    id: 'd1',
    text: '菜很好吃，送得也快',
    labels: ['正面'],
    source: 'human',
    who: 'ann',
    at: AT,
    probs: [0.1, 0.9],
    probsModelVersion: 'teacher-20250103-000000-bilstm',
  },
  {
    id: 'd2',
    text: '送得太慢了',
    labels: ['负面'],
    source: 'teacher',
    who: 'bo',
    at: AT,
    modelVersion: 'teacher-20250101-000000-bilstm',
    probs: [0.8, 0.2],
    probsModelVersion: 'teacher-20250101-000000-bilstm',
  },
  {
    id: 'd3',
    text: '还行吧',
    labels: ['正面'],
    source: 'student',
    who: 'cy',
    at: AT,
    modelVersion: 'student-20250102-000000-textcnn',
  },
  { id: 'd4', text: '退款了', labels: ['负面'], source: 'rule', who: 'rules', at: AT },
  {
    id: 'd5',
    text: '没标注，只有分数',
    labels: [],
    probs: [0.3, 0.7],
    probsModelVersion: 'teacher-20250103-000000-bilstm',
  },
  { id: 'd6', text: '什么都没有', labels: [] },
];

const multiRows: ExportRow[] = [
  { id: 'm1', text: '好吃但是贵', labels: ['口味', '价格'], source: 'human', who: 'ann', at: AT },
  {
    id: 'm2',
    text: '送得快',
    labels: ['配送'],
    source: 'teacher',
    who: 'bo',
    at: AT,
    modelVersion: 'teacher-20250101-000000-bilstm',
    probs: [0.1, 0.9, 0.2],
    probsModelVersion: 'teacher-20250101-000000-bilstm',
  },
  { id: 'm3', text: '一般', labels: [] },
];

async function importBack(fileName: string, text: string, task: TaskType, labels: string[]) {
  const parsed: ParsedCorpus = await methods['parse-corpus']({
    fileName,
    base64: Buffer.from(text, 'utf8').toString('base64'),
    dedupe: true,
  });
  const plan = planImport(parsed, {
    projectId: 'p',
    importId: 'imp-1',
    task,
    labels,
    existingIds: new Set(),
    existingTexts: new Set(),
    useLabels: true,
    dedupe: true,
    who: 'importer',
    at: '2030-01-01T00:00:00Z',
    strategy: 'random',
  });
  expect(plan.errors).toEqual([]);
  return { parsed, byText: new Map(plan.rows.map((r) => [r.text, r])) };
}

/** What an export row says about its label, as a document row must say it after the import. */
function expectSameLabel(rows: ExportRow[], byText: Map<string, ReturnType<typeof planImport>['rows'][number]>) {
  expect(byText.size).toBe(rows.length);
  for (const r of rows) {
    const d = byText.get(r.text)!;
    expect(d.labels, r.id).toEqual(r.labels);
    if (!r.labels.length) {
      expect(d.source, r.id).toBeUndefined();
      continue;
    }
    expect(d.source, r.id).toBe(r.source);
    expect(d.who, r.id).toBe(r.who);
    expect(d.at, r.id).toBe(r.at);
    expect(d.labelModelVersion, r.id).toBe(r.modelVersion);
    // A person's label from a file counts as imported; an accepted pre-label as its model's.
    expect(labelOrigin(d), r.id).toBe(r.source === 'human' ? 'imported' : r.source);
  }
}

describe('Label Studio export → import', () => {
  it('single-label: the same labels, sources and annotators; predictions come back as pre-labels with their score', async () => {
    const { parsed, byText } = await importBack(
      'dataset.label-studio.json',
      datasetLabelStudio(singleRows, SINGLE, false),
      'binary',
      SINGLE,
    );
    expect(parsed.format).toBe('label-studio');
    expect(parsed.multiLabel).toBe(false);
    expectSameLabel(singleRows, byText);
    expect(parsed.docs.map((d) => d.id)).toEqual(singleRows.map((r) => r.id));
    expect(byText.get(singleRows[0].text)).toMatchObject({
      suggestion: ['正面'],
      confidence: 0.9,
      modelVersion: 'teacher-20250103-000000-bilstm',
    });
    expect(byText.get(singleRows[4].text)).toMatchObject({ labels: [], suggestion: ['正面'], confidence: 0.7 });
    expect(byText.get(singleRows[5].text)!.suggestion).toBeUndefined();
  });

  it('multi-label: the same label sets and sources', async () => {
    const { parsed, byText } = await importBack(
      'dataset.label-studio.json',
      datasetLabelStudio(multiRows, MULTI, true),
      'multilabel',
      MULTI,
    );
    expect(parsed.multiLabel).toBe(true);
    expectSameLabel(multiRows, byText);
  });
});

describe('doccano export → import', () => {
  it('single-label: one-label lists stay single-label, with the same labels and sources', async () => {
    const { parsed, byText } = await importBack('dataset.doccano.jsonl', datasetDoccano(singleRows), 'binary', SINGLE);
    expect(parsed).toMatchObject({ format: 'jsonl', labelColumn: 'label', multiLabel: false });
    expectSameLabel(singleRows, byText);
  });

  it('multi-label: the same label sets and sources', async () => {
    const { parsed, byText } = await importBack(
      'dataset.doccano.jsonl',
      datasetDoccano(multiRows),
      'multilabel',
      MULTI,
    );
    expect(parsed.multiLabel).toBe(true);
    expectSameLabel(multiRows, byText);
  });

  it('a row with several labels in a single-label project is an error naming its line', async () => {
    const text = '{"text":"好吃","label":["正面"]}\n{"text":"又好又差","label":["正面","负面"]}\n';
    const parsed = await methods['parse-corpus']({ fileName: 'd.jsonl', base64: Buffer.from(text).toString('base64') });
    const plan = planImport(parsed, {
      projectId: 'p',
      importId: 'i',
      task: 'binary',
      labels: SINGLE,
      existingIds: new Set(),
      existingTexts: new Set(),
      useLabels: true,
      dedupe: true,
      who: 'me',
      at: AT,
      strategy: 'random',
    });
    expect(plan.errors).toEqual([{ line: 2, kind: 'tooManyLabels', count: 2 }]);
  });
});

describe('Label Studio export → import with several annotators (issue #10)', () => {
  const T1 = '2025-03-04T05:06:07Z';
  const T2 = '2025-03-04T06:00:00Z';
  const T3 = '2025-03-04T07:00:00Z';
  const by = (entries: [string, string[], string][]) =>
    Object.fromEntries(entries.map(([who, labels, at]) => [who, { labels, source: 'human' as const, at }]));
  const teamRows: ExportRow[] = [
    // Three annotators, two agree: the majority is final although the latest disagrees (its latest holder gives who/at).
    {
      id: 't1',
      text: '两个人说好，一个说差',
      labels: ['正面'],
      source: 'human',
      who: 'bo',
      at: T2,
      rule: 'majority',
      byAnnotator: by([
        ['ann', ['正面'], T1],
        ['bo', ['正面'], T2],
        ['cy', ['负面'], T3],
      ]),
    },
    // Two disagree, nobody decided: the latest stands (agree false).
    {
      id: 't2',
      text: '意见不一',
      labels: ['负面'],
      source: 'human',
      who: 'bo',
      at: T2,
      rule: 'latest',
      byAnnotator: by([
        ['ann', ['正面'], T1],
        ['bo', ['负面'], T2],
      ]),
    },
    // A reviewer decided against the latest.
    {
      id: 't3',
      text: '审核决定',
      labels: ['正面'],
      source: 'human',
      who: 'rev',
      at: T3,
      rule: 'adjudicated',
      byAnnotator: by([
        ['ann', ['正面'], T1],
        ['bo', ['负面'], T2],
      ]),
    },
    // One annotator: as before teams.
    { id: 't4', text: '只有一个人', labels: ['负面'], source: 'human', who: 'cy', at: T1 },
  ];

  it('keeps one annotation per annotator, and the final label with its rule', async () => {
    const file = datasetLabelStudio(teamRows, SINGLE, false);
    const tasks = JSON.parse(file) as {
      annotations: { completed_by: string; ground_truth?: boolean; meta?: { rule?: string } }[];
    }[];
    expect(tasks[0].annotations.map((a) => a.completed_by)).toEqual(['ann', 'bo', 'cy']);
    expect(tasks[2].annotations.map((a) => [a.completed_by, a.ground_truth, a.meta?.rule])).toEqual([
      ['ann', false, undefined],
      ['bo', false, undefined],
      ['rev', true, 'adjudicated'],
    ]);
    const { byText } = await importBack('dataset.label-studio.json', file, 'binary', SINGLE);
    for (const r of teamRows) {
      const d = byText.get(r.text)!;
      expect(d.labels, r.id).toEqual(r.labels);
      expect(d.who, r.id).toBe(r.who);
      expect(d.byAnnotator, r.id).toEqual(r.byAnnotator);
      expect(d.finalRule, r.id).toBe(r.rule);
    }
    expect(byText.get('意见不一')!.agree).toBe(false);
    expect(byText.get('两个人说好，一个说差')!.agree).toBe(true);
    // Each annotator's label is a journal event of its own; a reviewer's decision an 'adjudicate' one.
    const events = importEvents('p', byText.get('审核决定')!, '2030-01-01T00:00:00Z');
    expect(events.map((e) => [e.who, e.action, e.labels])).toEqual([
      ['ann', 'label', ['正面']],
      ['bo', 'label', ['负面']],
      ['rev', 'adjudicate', ['正面']],
    ]);
    expect(importEvents('p', byText.get('只有一个人')!, 'now').map((e) => [e.who, e.action])).toEqual([
      ['cy', 'label'],
    ]);
    // And the export of what was imported is the same file again.
    const again = datasetLabelStudio(
      teamRows.map((r) => exportRows([{ ...byText.get(r.text)!, id: r.id }], false)[0]),
      SINGLE,
      false,
    );
    expect(JSON.parse(again)).toEqual(JSON.parse(file));
  });

  it('an annotator’s label no final label uses is still one of the file’s labels', async () => {
    const rows: ExportRow[] = [
      {
        id: 'x',
        text: '三种意见',
        labels: ['负面'],
        source: 'human',
        who: 'bo',
        at: T2,
        rule: 'latest',
        byAnnotator: by([
          ['ann', ['中性'], T1],
          ['bo', ['负面'], T2],
        ]),
      },
    ];
    const parsed: ParsedCorpus = await methods['parse-corpus']({
      fileName: 'x.label-studio.json',
      base64: Buffer.from(datasetLabelStudio(rows, [...SINGLE, '中性'], false)).toString('base64'),
    });
    expect(parsed.labels).toContain('中性');
  });
});
