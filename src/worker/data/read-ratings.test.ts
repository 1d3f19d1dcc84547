import { describe, expect, it } from 'vitest';
import { parseRatingsText } from './read-ratings';

describe('parseRatingsText', () => {
  it('reads id / annotator / label rows (columns found by name), multi-label cells as elsewhere, empty labels skipped', () => {
    const r = parseRatingsText('ID,Rater,labels\n1,a,x\n1,b,x|y\n2,a,"[""y""]"\n2,b,\n', 'r.csv');
    expect(r.ratings.map((x) => [x.item, x.annotator, x.labels, x.line])).toEqual([
      ['1', 'a', ['x'], 2],
      ['1', 'b', ['x', 'y'], 3],
      ['2', 'a', ['y'], 4],
    ]);
    expect([r.multiLabel, r.labels, r.skippedEmpty]).toEqual([true, ['x', 'y'], 1]);
    expect(r.warnings[0]).toMatch(/r\.csv: 1 row\(s\) with an empty label in column "labels" were skipped/);
    const j = parseRatingsText('{"doc_id": 7, "user": "ann", "category": 1}\n', 'r.jsonl', {});
    expect(j.ratings).toEqual([{ item: '7', annotator: 'ann', labels: ['1'], line: 1 }]);
    expect(j.multiLabel).toBe(false);
    const named = parseRatingsText('u,who,what\n1,a,x\n', 'n.csv', {
      idCol: 'u',
      annotatorCol: 'who',
      labelCol: 'what',
    });
    expect(named.ratings).toHaveLength(1);
  });

  it('errors name the file and line: empty file, missing or named-but-absent columns, a second rating, empty keys, no labels', () => {
    expect(() => parseRatingsText('', 'e.csv')).toThrow(/^e\.csv: the file is empty$/);
    expect(() => parseRatingsText('id,label\n1,x\n', 'c.csv')).toThrow(
      /c\.csv:1: no annotator column found .*available columns: "id", "label"\. Name it with --annotator-col/,
    );
    expect(() => parseRatingsText('id,annotator,label\n1,a,x\n', 'c.csv', { labelCol: 'tag' })).toThrow(
      /c\.csv:1: no label column named "tag".*Check --label-col/,
    );
    expect(() => parseRatingsText('id,annotator,label\n1,a,x\n1,b,x\n1,a,y\n', 't.csv')).toThrow(
      /t\.csv:4: annotator "a" labels item "1" a second time \(first on line 2\)/,
    );
    expect(() => parseRatingsText('{"id":1,"annotator":"a","label":"x"}\n{"id":1,"label":"y"}\n', 'k.jsonl')).toThrow(
      /k\.jsonl:2: empty annotator in column "annotator"/,
    );
    expect(() => parseRatingsText('id,annotator,label\n,a,x\n', 'k.csv')).toThrow(/k\.csv:2: empty id in column "id"/);
    expect(() => parseRatingsText('id,annotator,label\n1,a,\n', 'n.csv')).toThrow(
      /n\.csv: no row has a label in column "label"/,
    );
    expect(() => parseRatingsText('just text\n', 'p.txt')).toThrow(/p\.txt:1: expected CSV, TSV or JSONL/);
  });
});
