import { describe, it, expect } from 'vitest';
import { chooseColumns, compareLabels, parseLabelCell } from './columns';
import { InputError } from '../../shared/errors';

function columnError(columns: string[], opts = {}): InputError {
  try {
    chooseColumns(columns, opts, 'data.csv');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('chooseColumns', () => {
  it('finds text and label columns by common names, case-insensitively', () => {
    expect(chooseColumns(['label', 'review'], {}, 'f')).toEqual({ text: 'review', label: 'label', id: undefined });
    expect(chooseColumns(['ID', 'Sentence', 'Sentiment'], {}, 'f')).toMatchObject({
      text: 'Sentence',
      label: 'Sentiment',
    });
    expect(chooseColumns(['评论', '标签'], {}, 'f')).toMatchObject({ text: '评论', label: '标签' });
    expect(chooseColumns(['内容'], {}, 'f')).toEqual({ text: '内容', label: undefined, id: undefined });
  });

  it('prefers earlier names and uses a lone column as the text', () => {
    expect(chooseColumns(['comment', 'text', 'labels', 'category'], {}, 'f')).toMatchObject({
      text: 'text',
      label: 'labels',
    });
    expect(chooseColumns(['whatever'], {}, 'f').text).toBe('whatever');
  });

  it('uses explicit names, matching case-insensitively', () => {
    expect(chooseColumns(['a', 'b', 'key'], { textCol: 'B', labelCol: 'a', idCol: 'key' }, 'f')).toEqual({
      text: 'b',
      label: 'a',
      id: 'key',
    });
  });

  it('lists the available columns when the text column is missing', () => {
    const e = columnError(['foo', 'bar']);
    expect(e.code).toBe('INPUT_COLUMN');
    expect(e.message).toMatch(/data\.csv: no text column found; available columns: "foo", "bar"/);
    expect(e.details).toMatchObject({ file: 'data.csv', available: ['foo', 'bar'] });
    expect(columnError(['text', 'label'], { textCol: 'body' }).message).toMatch(
      /no text column named "body".*"text", "label"/,
    );
    expect(columnError(['text', 'label'], { labelCol: 'cls' }).code).toBe('INPUT_COLUMN');
    expect(columnError(['text', 'other'], { requireLabels: true }).message).toMatch(/no label column/);
    expect(columnError(['text'], { labelCol: 'text' }).code).toBe('INPUT_COLUMN');
  });
});

describe('parseLabelCell', () => {
  const p = (v: unknown) => parseLabelCell(v, 'f', 1);
  it('reads single, pipe-separated and JSON-array labels', () => {
    expect(p(' pos ')).toEqual({ labels: ['pos'], multi: false });
    expect(p(1)).toEqual({ labels: ['1'], multi: false });
    expect(p('a| b |a||')).toEqual({ labels: ['a', 'b'], multi: true });
    expect(p('["a","b"]')).toEqual({ labels: ['a', 'b'], multi: true });
    expect(p(['x', 2])).toEqual({ labels: ['x', '2'], multi: true });
    expect(p('["only"]')).toEqual({ labels: ['only'], multi: true });
  });

  it('treats empty cells as unlabeled', () => {
    for (const v of ['', '  ', null, undefined, '[]']) expect(p(v).labels).toEqual([]);
  });

  it('reports malformed JSON arrays with the line', () => {
    expect(() => parseLabelCell('["a",]', 'f', 7)).toThrow(/f:7:/);
    expect(() => parseLabelCell('[x]', 'f', 7)).toThrow(InputError);
  });
});

describe('compareLabels', () => {
  it('orders numeric labels by value before other labels', () => {
    expect(['b', '10', '2', 'a', '-1', '1'].sort(compareLabels)).toEqual(['-1', '1', '2', '10', 'a', 'b']);
  });
});
