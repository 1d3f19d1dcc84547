import { describe, expect, it } from 'vitest';
import type { LabelDef } from '../../shared/api';
import { pickLabel, reviewKey } from './review-keys';

const defs = (names: string[], keys: string[]): LabelDef[] =>
  names.map((name, i) => ({ name, hotkey: keys[i]!, color: '#000' }));
const key = (k: string, mods: Partial<KeyboardEvent> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('Adjudicate keys', () => {
  const two = defs(['pos', 'neg'], ['1', '2']);
  it('move, pick, save, undo', () => {
    expect(reviewKey(key('j'), two)).toEqual({ kind: 'next' });
    expect(reviewKey(key('ArrowDown'), two)).toEqual({ kind: 'next' });
    expect(reviewKey(key('k'), two)).toEqual({ kind: 'prev' });
    expect(reviewKey(key('ArrowUp'), two)).toEqual({ kind: 'prev' });
    expect(reviewKey(key('2'), two)).toEqual({ kind: 'pick', label: 'neg' });
    expect(reviewKey(key('Enter'), two)).toEqual({ kind: 'save' });
    expect(reviewKey(key('z', { ctrlKey: true }), two)).toEqual({ kind: 'undo' });
    expect(reviewKey(key('2', { altKey: true }), two)).toBeNull();
    expect(reviewKey(key('x'), two)).toBeNull();
  });
  it('a label whose hotkey is j keeps it; the arrows still move', () => {
    const many = defs(['a', 'b'], ['j', 'k']);
    expect(reviewKey(key('j'), many)).toEqual({ kind: 'pick', label: 'a' });
    expect(reviewKey(key('ArrowDown'), many)).toEqual({ kind: 'next' });
  });
  it('single-label picks replace, multi-label picks toggle', () => {
    expect(pickLabel(['pos'], 'neg', 'binary')).toEqual(['neg']);
    expect(pickLabel(['a'], 'b', 'multilabel')).toEqual(['a', 'b']);
    expect(pickLabel(['a', 'b'], 'a', 'multilabel')).toEqual(['b']);
  });
});
