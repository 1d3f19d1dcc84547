import sampleCsv from '../../../resources/models/sample-corpus.csv?raw';
import { describe, expect, it } from 'vitest';
import { planImport, validateSchema } from '../db/logic';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import {
  firstRunAction,
  parseSampleFlag,
  SAMPLE_DOCS,
  SAMPLE_LABELED,
  SAMPLE_WHO,
  sampleDocs,
  sampleLabelMap,
  sampleProject,
} from './sample-logic';

/** The bundled CSV, split the simple way (it has no quoted fields): what corpus.parse returns for it. */
function parsedSample(): { id: string; text: string; labels: string[]; line: number }[] {
  const lines = sampleCsv.trimEnd().split('\n');
  expect(lines[0]).toBe('label,review');
  return lines.slice(1).map((l, i) => {
    const comma = l.indexOf(',');
    const label = l.slice(0, comma);
    return { id: String(i + 1), text: l.slice(comma + 1), labels: label ? [label] : [], line: i + 2 };
  });
}

describe('sample project', () => {
  it('has a valid binary schema in both UI languages (negative = key 1, positive = key 2)', () => {
    for (const m of [en, zhCN]) {
      const p = sampleProject(m.sample);
      expect(validateSchema(p.name, p.task, p.labels)).toEqual([]);
      expect(p.task).toBe('binary');
      expect(p.labels.map((l) => [l.name, l.hotkey])).toEqual([
        [m.sample.negative, '1'],
        [m.sample.positive, '2'],
      ]);
      expect(p.labels.every((l) => /^#[0-9a-f]{6}$/.test(l.color) && !!l.description)).toBe(true);
      expect(p.guidelines).toBeTruthy();
    }
    expect(sampleProject(zhCN.sample).labels.map((l) => l.name)).toEqual(['差评', '好评']);
  });

  it('bundles the corpus: 800 documents, 600 labeled 0/1 then 200 unlabeled', () => {
    const docs = parsedSample();
    expect(docs).toHaveLength(SAMPLE_DOCS);
    expect(docs.slice(0, 600).every((d) => d.labels.length === 1 && /^[01]$/.test(d.labels[0]))).toBe(true);
    expect(docs.slice(600).every((d) => d.labels.length === 0)).toBe(true);
    const first = docs.slice(0, SAMPLE_LABELED).map((d) => d.labels[0]);
    // Both classes among the labels that are kept, so a model can be trained at once.
    expect(first.filter((l) => l === '0').length).toBeGreaterThan(20);
    expect(first.filter((l) => l === '1').length).toBeGreaterThan(20);
  });

  it('keeps the labels of the first 100 documents only, renamed, and plans an import without errors', () => {
    const p = sampleProject(en.sample);
    const docs = sampleDocs(parsedSample(), sampleLabelMap(p));
    expect(docs.filter((d) => d.labels.length)).toHaveLength(SAMPLE_LABELED);
    expect(
      docs
        .slice(0, SAMPLE_LABELED)
        .every((d) => d.labels.length === 1 && ['negative', 'positive'].includes(d.labels[0])),
    ).toBe(true);
    const raw = parsedSample();
    expect(docs[0].labels[0]).toBe(raw[0].labels[0] === '0' ? 'negative' : 'positive');
    const plan = planImport(
      { docs },
      {
        projectId: 'p',
        importId: 'imp',
        task: 'binary',
        labels: p.labels.map((l) => l.name),
        existingIds: new Set(),
        existingTexts: new Set(),
        useLabels: true,
        dedupe: true,
        who: SAMPLE_WHO,
        at: '2025-01-01T00:00:00.000Z',
        strategy: 'random',
      },
    );
    expect(plan.errors).toEqual([]);
    expect(plan.rows).toHaveLength(SAMPLE_DOCS);
    expect(plan.labeled).toBe(SAMPLE_LABELED);
    expect(plan.rows.filter((r) => r.isLabeled).every((r) => r.source === 'human' && r.who === 'sample')).toBe(true);
    // A value the map does not know stays, so that the plan reports it instead of dropping it.
    expect(sampleDocs([{ id: '1', text: 'x', labels: ['7'], line: 2 }], sampleLabelMap(p))[0].labels).toEqual(['7']);
  });

  it('happens once: on an empty first start, resumed if cut short, never after a deletion', () => {
    expect(firstRunAction(null, [])).toEqual({ kind: 'create' });
    expect(firstRunAction(null, [{ id: 'a', total: 3 }])).toEqual({ kind: 'skip' });
    expect(firstRunAction({ state: 'skipped' }, [])).toEqual({ kind: 'none' });
    expect(firstRunAction({ state: 'done', projectId: 's' }, [])).toEqual({ kind: 'none' });
    expect(firstRunAction({ state: 'creating' }, [])).toEqual({ kind: 'create' });
    expect(firstRunAction({ state: 'creating' }, [{ id: 'a', total: 1 }])).toEqual({ kind: 'none' });
    expect(firstRunAction({ state: 'creating', projectId: 's' }, [{ id: 's', total: 0 }])).toEqual({
      kind: 'resume',
      projectId: 's',
    });
    expect(firstRunAction({ state: 'creating', projectId: 's' }, [{ id: 's', total: 800 }])).toEqual({
      kind: 'finish',
      projectId: 's',
    });
    expect(firstRunAction({ state: 'creating', projectId: 's' }, [])).toEqual({ kind: 'none' });
  });

  it('reads the flag defensively', () => {
    expect(parseSampleFlag(null)).toBeNull();
    expect(parseSampleFlag('')).toBeNull();
    expect(parseSampleFlag('{"state":"done","projectId":"x"}')).toEqual({ state: 'done', projectId: 'x' });
    expect(parseSampleFlag('{"state":"creating"}')).toEqual({ state: 'creating' });
    expect(parseSampleFlag('garbage')).toEqual({ state: 'skipped' });
    expect(parseSampleFlag('{"state":"weird"}')).toEqual({ state: 'skipped' });
  });
});
