import { describe, expect, it } from 'vitest';
import { InputError } from '../../shared/errors';
import { parseCorpusText } from './read-corpus';
import { detectFormat } from './parse';

const choice = (choices: string[], from_name = 'sentiment') => ({
  from_name,
  to_name: 'text',
  type: 'choices',
  value: { choices },
});

/** A Label Studio export as Label Studio writes it (fields as in its docs' task format). */
const EXPORT = [
  {
    id: 11,
    data: { text: '菜很好吃' },
    annotations: [
      {
        id: 1,
        result: [choice(['pos'])],
        was_cancelled: false,
        ground_truth: false,
        created_at: '2024-01-02T00:00:00Z',
        completed_by: 7,
      },
    ],
    predictions: [{ model_version: 'm1', score: 0.91, result: [choice(['pos'])] }],
  },
  {
    id: 12,
    data: { text: '送得太慢' },
    annotations: [
      {
        id: 2,
        result: [choice(['pos'])],
        was_cancelled: false,
        created_at: '2024-01-01T00:00:00Z',
        completed_by: { id: 3, email: 'a@x.org' },
      },
      {
        id: 3,
        result: [choice(['neg'])],
        was_cancelled: false,
        created_at: '2024-01-05T00:00:00Z',
        completed_by: { id: 4, email: 'b@x.org' },
      },
      // Cancelled (skipped) annotations never count, however late.
      { id: 4, result: [choice(['pos'])], was_cancelled: true, created_at: '2024-02-01T00:00:00Z', completed_by: 9 },
    ],
  },
  {
    id: 13,
    data: { text: '只有预测' },
    annotations: [{ id: 5, result: [], was_cancelled: true, completed_by: 7 }],
    predictions: [
      { model_version: 'm1', score: 0.4, result: [choice(['pos'])] },
      { model_version: 'm2', score: 0.7, result: [choice(['neg'])] },
    ],
  },
  { id: 14, data: { text: '没标注' } },
];

function parseError(text: string, file = 'ls.json'): InputError {
  try {
    parseCorpusText(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('Label Studio JSON import', () => {
  it('is told from JSONL by content, whatever the JSON extension', () => {
    const text = JSON.stringify(EXPORT, null, 2);
    expect(detectFormat('export.json', text)).toBe('label-studio');
    expect(detectFormat('export.jsonl', text)).toBe('label-studio');
    expect(detectFormat('export', text)).toBe('label-studio');
    expect(detectFormat('project-1-at-2024.json', JSON.stringify(EXPORT[0], null, 2))).toBe('label-studio');
    expect(detectFormat('a.json', '{"text":"a","label":"x"}\n{"text":"b","label":"y"}\n')).toBe('jsonl');
    expect(detectFormat('a.csv', text)).toBe('csv');
  });

  it('reads annotations as labels with their annotator, and the best prediction as a pre-label with its score', () => {
    const c = parseCorpusText(JSON.stringify(EXPORT, null, 2), 'export.json');
    expect(c.format).toBe('label-studio');
    expect(c.textColumn).toBe('text');
    expect(c.labels).toEqual(['neg', 'pos']);
    expect(c.multiLabel).toBe(false);
    expect(c.docs.map((d) => [d.id, d.text, d.labels])).toEqual([
      ['11', '菜很好吃', ['pos']],
      ['12', '送得太慢', ['neg']],
      ['13', '只有预测', []],
      ['14', '没标注', []],
    ]);
    expect(c.docs[0]).toMatchObject({
      who: '7',
      at: '2024-01-02T00:00:00Z',
      prediction: { labels: ['pos'], score: 0.91, modelVersion: 'm1' },
    });
    expect(c.docs[0].source).toBeUndefined(); // a person's label
    // The latest annotation that was not cancelled, by its annotator's email.
    expect(c.docs[1]).toMatchObject({ who: 'b@x.org', at: '2024-01-05T00:00:00Z' });
    expect(c.docs[1].prediction).toBeUndefined();
    expect(c.docs[2]).toMatchObject({ labels: [], prediction: { labels: ['neg'], score: 0.7, modelVersion: 'm2' } });
    expect(c.docs[2].who).toBeUndefined();
    // Lines are where each task starts in the file.
    const lines = JSON.stringify(EXPORT, null, 2).split('\n');
    for (const d of c.docs) expect(lines[d.line - 1]).toBe('  {');
    expect(lines[c.docs[1].line]).toContain('"id": 12');
  });

  it('reads several choices as multi-label, any data key as the text, and an accepted pre-label’s source from our meta', () => {
    const tasks = [
      {
        id: 1,
        data: { review: 'a', shop: 'x' },
        annotations: [{ result: [choice(['taste', 'speed'])], completed_by: 1 }],
      },
      {
        id: 2,
        data: { review: 'b', shop: 'y' },
        annotations: [{ result: [choice(['taste'])], meta: { source: 'teacher', model_version: 'v1', who: 'ann' } }],
      },
    ];
    const c = parseCorpusText(JSON.stringify(tasks), 'ml.json');
    expect(c.textColumn).toBe('review');
    expect(c.multiLabel).toBe(true);
    expect(c.docs[0].labels).toEqual(['taste', 'speed']);
    expect(c.docs[1]).toMatchObject({ labels: ['taste'], source: 'teacher', modelVersion: 'v1', who: 'ann' });
    // A data key of any name is the text when no usual name is there.
    const odd = parseCorpusText(
      JSON.stringify([{ data: { 内容X: '一', n: 3 } }, { data: { 内容X: '二', n: 4 } }]),
      'x.json',
    );
    expect(odd.docs.map((d) => d.text)).toEqual(['一', '二']);
  });

  it('reads the older `completions` and Label Studio’s JSON-MIN export', () => {
    const old = parseCorpusText(
      JSON.stringify([
        { id: 1, data: { text: 'a' }, completions: [{ result: [choice(['x'])], skipped: false }] },
        { id: 2, data: { text: 'b' }, completions: [{ result: [choice(['y'])], skipped: true }] },
      ]),
      'old.json',
    );
    expect(old.docs.map((d) => d.labels)).toEqual([['x'], []]);
    const min = parseCorpusText(
      JSON.stringify([
        { id: 1, text: 'a', sentiment: 'pos', annotator: 3 },
        { id: 2, text: 'b', sentiment: { choices: ['pos', 'neg'] } },
      ]),
      'min.json',
    );
    expect(min.labelColumn).toBe('sentiment');
    expect(min.docs.map((d) => d.labels)).toEqual([['pos'], ['pos', 'neg']]);
  });

  it('names the file, line and task of what it cannot read', () => {
    const bad = JSON.stringify(
      [
        { id: 1, data: { text: 'a' } },
        {
          id: 2,
          data: { text: 'b' },
          annotations: [{ result: [{ from_name: 's', type: 'choices', value: { choices: 'pos' } }] }],
        },
      ],
      null,
      1,
    );
    const e = parseError(bad);
    expect(e.message).toMatch(
      /^ls\.json:\d+: task 2: annotations\[0\]\.result\[0\]\.value\.choices must be a list of label names/,
    );
    expect(e.details.line).toBe(bad.split('\n').findIndex((l) => l.includes('"id": 2')));
    expect(parseError('[{"id":1,"data":{"text":"a"}},\n {"id":2,"text":"b","annotations":[]}]').message).toMatch(
      /^ls\.json:2: task 2: has no "data" object/,
    );
    expect(parseError('[{"id":1,"data":{"text":"a"}},\n {"id":1,"data":{"text":"b"}}]').message).toMatch(
      /^ls\.json:2: task 2: the id "1" repeats task 1/,
    );
    expect(parseError('[{"data":{"text":"a"}},\n {"data":{"text":"b"},}]').message).toMatch(
      /^ls\.json(:2)?: invalid JSON/,
    );
    expect(parseError('[{"data":{"text":"a"}}, 3]').message).toMatch(/^ls\.json:1: task 2: expected an object/);
  });

  it('reads only the first Choices control, with a warning naming the others', () => {
    const c = parseCorpusText(
      JSON.stringify([
        { data: { text: 'a' }, annotations: [{ result: [choice(['pos']), choice(['food'], 'topic')] }] },
        { data: { text: 'b' }, annotations: [{ result: [choice(['neg'])] }] },
      ]),
      'two.json',
    );
    expect(c.docs.map((d) => d.labels)).toEqual([['pos'], ['neg']]);
    expect(c.warnings?.join('\n')).toMatch(
      /only the choices of "sentiment" were read; results of "topic" were left out/,
    );
  });
});

describe('doccano JSONL import', () => {
  it('a one-label list is a single label: the corpus is multi-label only where a row has several', () => {
    const single = parseCorpusText(
      '{"id":1,"text":"好吃","label":["pos"]}\n{"id":2,"text":"太慢","label":["neg"]}\n',
      'd.jsonl',
    );
    expect(single.multiLabel).toBe(false);
    expect(single.docs.map((d) => d.labels)).toEqual([['pos'], ['neg']]);
    const older = parseCorpusText('{"text":"好吃","labels":["pos"]}\n{"text":"太慢","labels":[]}\n', 'd.jsonl');
    expect(older).toMatchObject({ labelColumn: 'labels', multiLabel: false });
    const multi = parseCorpusText(
      '{"text":"好吃","label":["taste"]}\n{"text":"又快又好","label":["taste","speed"]}\n',
      'd.jsonl',
    );
    expect(multi.multiLabel).toBe(true);
  });

  it('keeps the provenance our doccano and JSONL exports write; another `source` field is not provenance', () => {
    const c = parseCorpusText(
      [
        '{"text":"a","label":["x"],"doc_id":"7","source":"student","who":"ann","at":"2024-01-01T00:00:00Z","modelVersion":"s-1"}',
        '{"text":"b","label":["y"],"source":"weibo"}',
        '{"id":"3","text":"c","label":["x"],"provenance":{"source":"human","who":"bo"}}',
      ].join('\n'),
      'd.jsonl',
    );
    expect(c.docs[0]).toMatchObject({ source: 'student', who: 'ann', at: '2024-01-01T00:00:00Z', modelVersion: 's-1' });
    expect(c.docs[1].source).toBeUndefined();
    expect(c.docs[2]).toMatchObject({ source: 'human', who: 'bo' });
  });
});
