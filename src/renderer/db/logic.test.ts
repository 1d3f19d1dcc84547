import { describe, expect, it } from 'vitest';
import type { LabelDef, LabelEvent } from '../../shared/api';
import { GOLD_DRAW_WHO } from '../../shared/label-event';
import {
  bytesToBase64,
  checkDatabase,
  chunks,
  writeInChunks,
  yieldToPage,
  compareIds,
  countProgress,
  dedupeKey,
  defaultHotkey,
  disagrees,
  emptyFilter,
  exportRows,
  foldJournal,
  durationParts,
  journalEvent,
  labeledInJournal,
  labelForKey,
  labelPatch,
  makeEvent,
  matchesFilter,
  planImport,
  scorePatch,
  suggestionFromProbs,
  toggleLabel,
  trainBlocker,
  UNLABELED,
  validateSchema,
  type ImportContext,
} from './logic';
import type { DocRow } from './types';
import { SAMPLE_WHO, sampleDocs, sampleLabelMap, sampleProject } from '../state/sample-logic';

const defs = (names: string[]): LabelDef[] =>
  names.map((name, i) => ({ name, color: '#000', hotkey: defaultHotkey(i) }));

function ctx(o: Partial<ImportContext> = {}): ImportContext {
  return {
    projectId: 'p',
    importId: 'imp1',
    task: 'binary',
    labels: ['pos', 'neg'],
    existingIds: new Set(),
    existingTexts: new Set(),
    useLabels: true,
    dedupe: true,
    who: 'ann',
    at: '2025-01-01T00:00:00.000Z',
    strategy: 'random',
    ...o,
  };
}

function doc(o: Partial<DocRow> & { id: string }): DocRow {
  return { projectId: 'p', text: `text ${o.id}`, labels: [], isLabeled: 0, queueScore: 0, ...o };
}

describe('chunks', () => {
  it('splits into pieces of at most n, in order', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
    expect(
      chunks(
        Array.from({ length: 2500 }, (_, i) => i),
        1000,
      ).map((c) => c.length),
    ).toEqual([1000, 1000, 500]);
    expect(() => chunks([1], 0)).toThrow();
  });
});

describe('writeInChunks', () => {
  it('writes chunks one after the other, with a turn for the page between them (none before the first or after the last)', async () => {
    const log: string[] = [];
    const written: number[][] = [];
    const progress: number[] = [];
    const items = Array.from({ length: 2500 }, (_, i) => i);
    const n = await writeInChunks(
      items,
      1000,
      async (part) => {
        log.push(`write ${part.length}`);
        written.push(part);
      },
      { yieldBetween: async () => void log.push('yield'), onProgress: (done, total) => progress.push(done / total) },
    );
    expect(n).toBe(2500);
    expect(log).toEqual(['write 1000', 'yield', 'write 1000', 'yield', 'write 500']);
    expect(written.flat()).toEqual(items);
    expect(progress).toEqual([0.4, 0.8, 1]);
    expect(await writeInChunks([], 10, async () => log.push('never'))).toBe(0);
    expect(log).not.toContain('never');
    await expect(writeInChunks([1], 0, async () => undefined)).rejects.toThrow(RangeError);
  });

  it('a failed write stops the rest', async () => {
    const seen: number[] = [];
    const write = async (part: number[]) => {
      if (part[0] === 2) throw new Error('disk full');
      seen.push(...part);
    };
    await expect(writeInChunks([0, 1, 2, 3, 4, 5], 2, write, { yieldBetween: async () => undefined })).rejects.toThrow(
      'disk full',
    );
    expect(seen).toEqual([0, 1]);
  });

  it('the default turn is a new task, not a microtask: promise callbacks queued before it run first', async () => {
    let turned = false;
    const p = yieldToPage().then(() => (turned = true));
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(turned).toBe(false);
    await p;
    expect(turned).toBe(true);
  });
});

describe('label schema', () => {
  it('accepts a good schema and names every problem of a bad one', () => {
    expect(validateSchema('x', 'binary', defs(['a', 'b']))).toEqual([]);
    const bad = validateSchema(' ', 'binary', [
      { name: 'a', color: '', hotkey: '1' },
      { name: 'a', color: '', hotkey: '1' },
      { name: '', color: '', hotkey: ' ' },
    ]);
    const kinds = bad.map((p) => p.kind);
    expect(kinds).toContain('noName');
    expect(kinds).toContain('tooFew'); // binary with 3 labels
    expect(kinds).toContain('duplicateLabel');
    expect(kinds).toContain('duplicateHotkey');
    expect(kinds).toContain('emptyLabel');
    expect(kinds).toContain('badHotkey');
    expect(validateSchema('x', 'multilabel', defs(['only']))).toEqual([]);
    expect(validateSchema('x', 'multiclass', defs(['only'])).map((p) => p.kind)).toEqual(['tooFew']);
    // Z (undo), Enter and Space are the screen's own keys.
    expect(
      validateSchema('x', 'binary', [
        { name: 'a', color: '', hotkey: 'z' },
        { name: 'b', color: '', hotkey: '2' },
      ]).map((p) => p.kind),
    ).toEqual(['badHotkey']);
  });

  it('maps keys to labels case-insensitively and gives digits then letters by default', () => {
    const d = [...defs(['a', 'b']), { name: 'c', color: '', hotkey: 'Q' }];
    expect(labelForKey('1', d)?.name).toBe('a');
    expect(labelForKey('q', d)?.name).toBe('c');
    expect(labelForKey('Q', d)?.name).toBe('c');
    expect(labelForKey('Enter', d)).toBeUndefined();
    expect(labelForKey('9', d)).toBeUndefined();
    expect(Array.from({ length: 12 }, (_, i) => defaultHotkey(i)).join('')).toBe('123456789qwe');
  });
});

describe('planImport', () => {
  const parsed = {
    docs: [
      { id: '1', text: 'good food', labels: ['pos'], line: 2 },
      { id: '2', text: 'slow', labels: [], line: 3 },
      { id: '3', text: 'meh', labels: ['maybe'], line: 4 },
      { id: '4', text: 'two', labels: ['pos', 'neg'], line: 5 },
    ],
  };

  it('lists every line-level problem and still plans the rows (the caller refuses to write them)', () => {
    const plan = planImport(parsed, ctx());
    expect(plan.errors).toEqual([
      { line: 4, kind: 'unknownLabel', label: 'maybe' },
      { line: 5, kind: 'tooManyLabels', count: 2 },
    ]);
    expect(plan.rows).toHaveLength(4);
  });

  it('marks labeled rows with provenance and tags every row with the import id', () => {
    const plan = planImport({ docs: parsed.docs.slice(0, 2) }, ctx());
    expect(plan.errors).toEqual([]);
    expect(plan.labeled).toBe(1);
    expect(plan.rows[0]).toMatchObject({
      projectId: 'p',
      id: '1',
      labels: ['pos'],
      isLabeled: 1,
      source: 'human',
      who: 'ann',
      importId: 'imp1',
      line: 2,
    });
    expect(plan.rows[1]).toMatchObject({ labels: [], isLabeled: 0, importId: 'imp1' });
    expect(plan.rows[1].source).toBeUndefined();
    for (const r of plan.rows) expect(r.queueScore).toBeGreaterThanOrEqual(0);
  });

  it('can ignore the label column', () => {
    const plan = planImport(parsed, ctx({ useLabels: false }));
    expect(plan.errors).toEqual([]);
    expect(plan.labeled).toBe(0);
    expect(plan.rows.every((r) => r.isLabeled === 0)).toBe(true);
  });

  it('skips texts the project has and renames taken ids', () => {
    const plan = planImport(
      { docs: parsed.docs.slice(0, 2) },
      ctx({ existingTexts: new Set(['good food']), existingIds: new Set(['2', '2~2']) }),
    );
    expect(plan.skippedExisting).toBe(1);
    expect(plan.renamed).toBe(1);
    expect(plan.rows.map((r) => r.id)).toEqual(['2~3']);
    const noDedupe = planImport(
      { docs: parsed.docs.slice(0, 1) },
      ctx({ existingTexts: new Set(['good food']), dedupe: false }),
    );
    expect(noDedupe.rows).toHaveLength(1);
  });

  it('fills the text of documents rebuilt from the journal instead of adding them again', () => {
    const plan = planImport(
      { docs: parsed.docs.slice(0, 2) },
      ctx({ existingIds: new Set(['1']), missingText: new Set(['1']) }),
    );
    expect(plan.fills).toEqual([{ id: '1', text: 'good food', line: 2 }]);
    expect(plan.rows.map((r) => r.id)).toEqual(['2']);
    expect(plan.renamed).toBe(0);
  });

  it('multi-label rows may carry several labels', () => {
    const plan = planImport({ docs: [parsed.docs[3]] }, ctx({ task: 'multilabel' }));
    expect(plan.errors).toEqual([]);
  });

  it('dedupeKey collapses whitespace', () => {
    expect(dedupeKey('  a \t b\n')).toBe('a b');
  });
});

describe('labels and events', () => {
  const meta = { source: 'human' as const, who: 'ann', at: 't1' };
  it('labelPatch orders labels by the schema, drops duplicates and sets isLabeled', () => {
    expect(labelPatch(['c', 'a', 'a'], meta, ['a', 'b', 'c'])).toEqual({
      labels: ['a', 'c'],
      isLabeled: 1,
      source: 'human',
      who: 'ann',
      at: 't1',
    });
    expect(labelPatch([], meta, ['a'])).toMatchObject({ labels: [], isLabeled: 0, source: undefined });
  });

  it('toggleLabel toggles for multi-label and replaces otherwise', () => {
    expect(toggleLabel(['a'], 'b', 'multilabel')).toEqual(['a', 'b']);
    expect(toggleLabel(['a', 'b'], 'a', 'multilabel')).toEqual(['b']);
    expect(toggleLabel(['a'], 'b', 'binary')).toEqual(['b']);
  });

  it('journal events carry the text; folding keeps the latest labels and ignores skips', () => {
    const d = { id: 'd1', text: '很好吃' };
    const e1 = makeEvent('p', d, ['pos'], meta, 'label');
    expect(e1).toMatchObject({ projectId: 'p', docId: 'd1', labels: ['pos'], journaled: 0, text: '很好吃' });
    const j1 = journalEvent(e1);
    expect(j1).toEqual({
      docId: 'd1',
      id: e1.id,
      labels: ['pos'],
      source: 'human',
      who: 'ann',
      at: 't1',
      action: 'label',
      text: '很好吃',
    });
    expect(e1.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(makeEvent('p', d, ['pos'], meta, 'label').id).not.toBe(e1.id);
    const events: LabelEvent[] = [
      j1,
      { docId: 'd1', labels: ['neg'], source: 'human', who: 'b', at: 't2', action: 'correct' },
      { docId: 'd1', labels: ['neg'], source: 'human', who: 'b', at: 't3', action: 'skip' },
      {
        docId: 'd2',
        labels: ['pos'],
        source: 'teacher',
        who: 'b',
        at: 't4',
        action: 'accept',
        modelVersion: 'm1',
        text: 'x',
      },
      { docId: 'd2', labels: [], source: 'human', who: 'b', at: 't5', action: 'undo' },
      { docId: 'd3', labels: [], source: 'human', who: 'b', at: 't6', action: 'skip', text: 'y' },
      { docId: 'd4', labels: ['pos'], source: 'teacher', who: 'c', at: 't7', action: 'accept', modelVersion: 'm2' },
    ];
    const f = foldJournal(events);
    expect(f.get('d1')).toMatchObject({ labels: ['neg'], who: 'b', at: 't2', text: '很好吃', source: 'human' });
    expect(f.get('d2')).toMatchObject({ labels: [], text: 'x' });
    expect(f.get('d3')).toMatchObject({ labels: [], text: 'y' });
    expect(f.get('d4')).toMatchObject({ labels: ['pos'], source: 'teacher', modelVersion: 'm2' });
    expect(labeledInJournal(f)).toBe(2);
  });
});

describe('journal flags (gold, set aside)', () => {
  const at = (n: number) => `2025-01-01T00:00:0${n}.000Z`;
  const e = (docId: string, action: LabelEvent['action'], n: number, extra: Partial<LabelEvent> = {}): LabelEvent => ({
    docId,
    labels: ['pos'],
    source: 'human',
    who: 'ann',
    at: at(n),
    action,
    ...extra,
  });

  it('applies gold and skip with its reason, and their reversal, leaving the labels alone', () => {
    const f = foldJournal([
      e('a', 'label', 1),
      e('b', 'label', 1),
      e('c', 'label', 1),
      e('a', 'gold', 2, { who: GOLD_DRAW_WHO }),
      e('b', 'skip', 3, { reason: 'duplicate' }),
      e('c', 'gold', 4),
      e('c', 'ungold', 5),
      e('d', 'skip', 6, { labels: [], reason: '' }),
      e('d', 'unskip', 7, { labels: [] }),
    ]);
    expect(f.get('a')).toMatchObject({ labels: ['pos'], source: 'human', gold: 1, at: at(1) });
    expect(f.get('a')?.ignored).toBeUndefined();
    expect(f.get('b')).toMatchObject({ labels: ['pos'], ignored: { reason: 'duplicate', who: 'ann', at: at(3) } });
    expect(f.get('b')?.gold).toBeUndefined();
    // Taken out by a person: 0, never drawn again (db/gold.ts).
    expect(f.get('c')).toMatchObject({ labels: ['pos'], gold: 0 });
    expect(f.get('d')).toMatchObject({ labels: [], ignored: null });
    expect(labeledInJournal(f)).toBe(3);
  });

  it('a later label keeps the flags; a model label takes a document out of the gold set', () => {
    const f = foldJournal([
      e('a', 'label', 1),
      e('a', 'gold', 2),
      e('a', 'skip', 3, { reason: 'r' }),
      e('a', 'correct', 4, { labels: ['neg'] }),
      e('b', 'label', 1),
      e('b', 'gold', 2),
      e('b', 'accept', 3, { source: 'teacher', modelVersion: 'm1' }),
    ]);
    expect(f.get('a')).toMatchObject({ labels: ['neg'], gold: 1, ignored: { reason: 'r' } });
    expect(f.get('b')).toMatchObject({ labels: ['pos'], source: 'teacher', gold: null });
  });

  it('an old journal (skips without a reason, no flags) sets nothing aside and no gold', () => {
    const f = foldJournal([e('a', 'label', 1), e('a', 'skip', 2), e('b', 'skip', 3, { labels: [] })]);
    expect(f.get('a')?.ignored).toBeUndefined();
    expect(f.get('b')?.ignored).toBeUndefined();
    expect(f.get('a')?.gold).toBeUndefined();
  });
});

describe('model scores', () => {
  it('suggests the argmax with its probability for single-label tasks', () => {
    expect(suggestionFromProbs([0.2, 0.8], ['a', 'b'], 'binary')).toEqual({ suggestion: ['b'], confidence: 0.8 });
    expect(suggestionFromProbs([], ['a'], 'binary')).toEqual({ suggestion: [], confidence: 0 });
  });
  it('suggests every label over the threshold for multi-label, confidence = the least sure decision', () => {
    const s = suggestionFromProbs([0.9, 0.4, 0.7], ['a', 'b', 'c'], 'multilabel');
    expect(s.suggestion).toEqual(['a', 'c']);
    expect(s.confidence).toBeCloseTo(0.6);
  });
  it('scorePatch sets probs, suggestion, confidence, version and queue priority', () => {
    const sure = scorePatch('x', [0.99, 0.01], ['a', 'b'], 'binary', 'm1', 'least-confidence');
    const unsure = scorePatch('y', [0.55, 0.45], ['a', 'b'], 'binary', 'm1', 'least-confidence');
    expect(sure).toMatchObject({ suggestion: ['a'], confidence: 0.99, modelVersion: 'm1' });
    expect(unsure.queueScore!).toBeGreaterThan(sure.queueScore!);
  });
});

describe('progress, filters, export', () => {
  const docs: DocRow[] = [
    doc({ id: '1', labels: ['a'], isLabeled: 1, source: 'human', suggestion: ['a'], confidence: 0.9 }),
    doc({
      id: '2',
      labels: ['b'],
      isLabeled: 1,
      source: 'teacher',
      suggestion: ['a'],
      confidence: 0.6,
      text: '配送太慢',
    }),
    doc({ id: '3', suggestion: ['b'], confidence: 0.51, probs: [0.49, 0.51], modelVersion: 'm' }),
    doc({ id: '4' }),
  ];

  it('counts labeled documents per label and per source', () => {
    expect(countProgress(docs, ['a', 'b', 'c'])).toEqual({
      total: 4,
      labeled: 2,
      perLabel: { a: 1, b: 1, c: 0 },
      bySource: { human: 1, teacher: 1 },
    });
  });

  it('finds human–model disagreement', () => {
    expect(docs.map(disagrees)).toEqual([false, true, false, false]);
  });

  it('filters by label, source, confidence, disagreement and text', () => {
    const ids = (f: Partial<ReturnType<typeof emptyFilter>>) =>
      docs.filter(matchesFilter({ ...emptyFilter(), ...f })).map((d) => d.id);
    expect(ids({})).toEqual(['1', '2', '3', '4']);
    expect(ids({ label: 'a' })).toEqual(['1']);
    expect(ids({ label: UNLABELED })).toEqual(['3', '4']);
    expect(ids({ source: 'teacher' })).toEqual(['2']);
    expect(ids({ source: 'none' })).toEqual(['3', '4']);
    expect(ids({ minConfidence: 0.55 })).toEqual(['1', '2']);
    expect(ids({ maxConfidence: 0.55 })).toEqual(['3']);
    expect(ids({ disagreement: true })).toEqual(['2']);
    expect(ids({ search: '配送' })).toEqual(['2']);
    expect(ids({ search: 'TEXT 4' })).toEqual(['4']);
  });

  it('orders ids naturally', () => {
    expect(['10', 'b', '2', 'a', '1~2', '1'].sort(compareIds)).toEqual(['1', '2', '10', '1~2', 'a', 'b']);
  });

  it('exports rows with provenance and soft labels', () => {
    const rows = exportRows(docs, false);
    expect(rows).toHaveLength(4);
    expect(rows[1]).toMatchObject({ id: '2', labels: ['b'], source: 'teacher' });
    expect(rows[2]).toEqual({ id: '3', text: 'text 3', labels: [], probsModelVersion: 'm', probs: [0.49, 0.51] });
    expect(exportRows(docs, true).map((r) => r.id)).toEqual(['1', '2']);
  });

  it('explains why a model cannot be trained yet', () => {
    const p = (perLabel: Record<string, number>) => ({
      total: 100,
      labeled: Object.values(perLabel).reduce((a, b) => a + b, 0),
      perLabel,
      bySource: {},
    });
    expect(trainBlocker(p({ a: 0, b: 0 }), 'binary')).toEqual({ kind: 'noLabels' });
    expect(trainBlocker(p({ a: 3, b: 2 }), 'binary')).toEqual({ kind: 'tooFewLabels', have: 5, need: 10 });
    expect(trainBlocker(p({ a: 12, b: 0 }), 'binary')).toEqual({ kind: 'oneClass', label: 'a' });
    expect(trainBlocker(p({ a: 12, b: 0 }), 'multilabel')).toBeNull();
    expect(trainBlocker(p({ a: 6, b: 6 }), 'binary')).toBeNull();
  });
});

describe('start-up check', () => {
  it('flags an empty or damaged database against the sentinel', () => {
    expect(checkDatabase(10, { labeledCount: 10 })).toEqual({ kind: 'ok' });
    expect(checkDatabase(12, { labeledCount: 10 })).toEqual({ kind: 'ok' });
    expect(checkDatabase(0, null)).toEqual({ kind: 'ok' });
    expect(checkDatabase(0, { labeledCount: 0 })).toEqual({ kind: 'ok' });
    expect(checkDatabase(0, { labeledCount: 30 })).toEqual({ kind: 'empty', expected: 30 });
    expect(checkDatabase(7, { labeledCount: 30 })).toEqual({ kind: 'damaged', have: 7, expected: 30 });
    expect(checkDatabase(null, { labeledCount: 3 }, 'VersionError')).toEqual({
      kind: 'damaged',
      have: 0,
      expected: 3,
      reason: 'VersionError',
    });
  });
});

describe('formatting', () => {
  it('formats ETAs', () => {
    expect(durationParts(undefined)).toBeUndefined();
    expect(durationParts(Infinity)).toBeUndefined();
    expect(durationParts(5.4)).toEqual({ key: 's', s: 5 });
    expect(durationParts(125)).toEqual({ key: 'ms', m: 2, s: '05' });
    expect(durationParts(3 * 3600 + 120)).toEqual({ key: 'hm', h: 3, m: '02' });
  });
  it('base64-encodes large byte arrays in slices', () => {
    const bytes = new Uint8Array(200_000).map((_, i) => i % 256);
    const b64 = bytesToBase64(bytes, (s) => Buffer.from(s, 'latin1').toString('base64'));
    expect(Buffer.from(b64, 'base64').equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('model versions of labels (issue 8: sample labels carried a model trained after them)', () => {
  // The sample project's path: its corpus through the import plan, the first rows labeled by 'sample'.
  const parsedSample = {
    docs: ['好吃', '难吃', '一般', '很快'].map((text, i) => ({
      id: String(i + 1),
      text,
      labels: [i % 2 ? '0' : '1'],
      line: i + 2,
    })),
  };
  const map = sampleLabelMap(
    sampleProject({ name: 's', negative: 'neg', positive: 'pos', negativeDesc: '', positiveDesc: '', guidelines: '' }),
  );
  const imported = () =>
    planImport(
      { docs: sampleDocs(parsedSample.docs, map, 2) },
      ctx({ labels: ['neg', 'pos'], who: SAMPLE_WHO, useLabels: true }),
    ).rows.map((r) => ({ ...r }));

  it('a label made before any model has none, even after a model scored its document', () => {
    const docs = imported();
    expect(docs.filter((d) => d.labels.length)).toHaveLength(2);
    // A teacher trained later scores every document (labeled ones too).
    for (const d of docs)
      Object.assign(
        d,
        scorePatch(d.id, [0.3, 0.7], ['neg', 'pos'], 'binary', 'teacher-20260101-120000-textcnn', 'least-confidence'),
      );
    const rows = exportRows(docs, false);
    for (const r of rows.filter((x) => x.labels.length)) {
      expect(r).toMatchObject({ who: SAMPLE_WHO, probsModelVersion: 'teacher-20260101-120000-textcnn' });
      expect(r.modelVersion).toBeUndefined();
    }
    expect(
      rows
        .filter((x) => !x.labels.length)
        .every((r) => r.modelVersion === undefined && r.probsModelVersion === 'teacher-20260101-120000-textcnn'),
    ).toBe(true);
  });

  it("an accepted pre-label keeps the version it came from after a newer model rescored it; a person's relabel has none", () => {
    const [d] = imported().filter((x) => !x.labels.length);
    Object.assign(d, scorePatch(d.id, [0.2, 0.8], ['neg', 'pos'], 'binary', 'teacher-a', 'least-confidence'));
    Object.assign(
      d,
      labelPatch(d.suggestion!, { source: 'teacher', who: 'ann', at: 't1', modelVersion: 'teacher-a' }, ['neg', 'pos']),
    );
    Object.assign(d, scorePatch(d.id, [0.6, 0.4], ['neg', 'pos'], 'binary', 'teacher-b', 'least-confidence'));
    expect(exportRows([d], true)[0]).toMatchObject({
      labels: ['pos'],
      source: 'teacher',
      modelVersion: 'teacher-a',
      probsModelVersion: 'teacher-b',
    });
    Object.assign(d, labelPatch(['neg'], { source: 'human', who: 'ann', at: 't2' }, ['neg', 'pos']));
    const r = exportRows([d], true)[0];
    expect(r).toMatchObject({ labels: ['neg'], source: 'human', probsModelVersion: 'teacher-b' });
    expect(r.modelVersion).toBeUndefined();
  });
});

describe('a rebuild from the journal with adjudications (issue #10)', () => {
  const ev = (docId: string, who: string, labels: string[], action: LabelEvent['action'], n: number): LabelEvent => ({
    docId,
    labels,
    source: 'human',
    who,
    at: `2026-01-01T00:00:0${n}.000Z`,
    action,
  });

  it('a decision is final; a withdrawn decision ([]) gives the annotators’ labels back, not none', () => {
    const f = foldJournal([
      ev('a', 'ann', ['pos'], 'label', 1),
      ev('a', 'bob', ['neg'], 'label', 2),
      ev('a', 'rev', ['pos'], 'adjudicate', 3),
      ev('b', 'ann', ['pos'], 'label', 1),
      ev('b', 'rev', ['neg'], 'adjudicate', 2),
      ev('b', 'rev', [], 'adjudicate', 3),
    ]);
    expect(f.get('a')).toMatchObject({ labels: ['pos'], who: 'rev', source: 'human' });
    expect(f.get('b')).toMatchObject({ labels: ['pos'], who: 'ann', source: 'human' });
    expect(labeledInJournal(f)).toBe(2);
  });
});
