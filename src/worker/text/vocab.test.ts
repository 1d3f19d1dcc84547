import { describe, expect, it } from 'vitest';
import { Vocabulary } from './vocab';

const docs = [
  ['b', 'a', 'c', 'a'],
  ['c', 'd', 'a'],
  ['e', 'c', 'b'],
];
// counts: a 3, c 3, b 2, d 1, e 1; first occurrence: b, a, c, d, e

describe('Vocabulary.build', () => {
  it('reserves PAD = 0 and UNK = 1', () => {
    const v = Vocabulary.build(docs);
    expect(v.token(Vocabulary.PAD)).toBe('<pad>');
    expect(v.token(Vocabulary.UNK)).toBe('<unk>');
    expect(v.id('never-seen')).toBe(Vocabulary.UNK);
  });
  it('orders by frequency, ties by first occurrence', () => {
    const v = Vocabulary.build(docs);
    expect(v.toJSON().tokens).toEqual(['<pad>', '<unk>', 'a', 'c', 'b', 'd', 'e']);
    expect(v.toJSON().counts).toEqual([0, 0, 3, 3, 2, 1, 1]);
    expect(v.id('a')).toBe(2);
    expect(v.size).toBe(7);
  });
  it('is deterministic', () => {
    expect(Vocabulary.build(docs).toJSON()).toEqual(Vocabulary.build(docs.map((d) => [...d])).toJSON());
  });
  it('applies minCount', () => {
    expect(Vocabulary.build(docs, { minCount: 2 }).toJSON().tokens).toEqual(['<pad>', '<unk>', 'a', 'c', 'b']);
  });
  it('applies maxSize including the two specials', () => {
    const v = Vocabulary.build(docs, { maxSize: 4 });
    expect(v.toJSON().tokens).toEqual(['<pad>', '<unk>', 'a', 'c']);
    expect(v.id('b')).toBe(Vocabulary.UNK);
  });
  it('never adds the special tokens or empty strings again', () => {
    expect(Vocabulary.build([['<pad>', '<unk>', '', 'x']]).toJSON().tokens).toEqual(['<pad>', '<unk>', 'x']);
  });
  it('rejects bad options', () => {
    expect(() => Vocabulary.build(docs, { minCount: 0 })).toThrow(/minCount/);
    expect(() => Vocabulary.build(docs, { maxSize: 1 })).toThrow(/maxSize/);
  });
  it('accepts a lazy iterable', () => {
    function* gen() {
      yield ['x', 'y'];
      yield ['y'];
    }
    expect(Vocabulary.build(gen()).toJSON().tokens).toEqual(['<pad>', '<unk>', 'y', 'x']);
  });
});

describe('Vocabulary JSON', () => {
  it('round-trips', () => {
    const v = Vocabulary.build(docs);
    const w = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(w.toJSON()).toEqual(v.toJSON());
    for (const t of ['a', 'b', 'c', 'd', 'e', 'zzz']) expect(w.id(t)).toBe(v.id(t));
  });
  it('rejects broken vocabularies', () => {
    expect(() => Vocabulary.fromJSON({ tokens: ['a', 'b'] })).toThrow(/ids 0 and 1/);
    expect(() => Vocabulary.fromJSON({ tokens: ['<pad>', '<unk>', 'x', 'x'] })).toThrow(/duplicate/);
    expect(() => Vocabulary.fromJSON(null)).toThrow(expect.objectContaining({ code: 'MODEL_FOLDER' }));
  });
  it('throws on ids outside the vocabulary', () => {
    expect(() => Vocabulary.build(docs).token(99)).toThrow(RangeError);
  });
});
