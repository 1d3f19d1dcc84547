import { describe, expect, it } from 'vitest';
import { argmax } from '../../shared/metrics';
import { predictionLines, type PredictionFormat } from './prediction-lines';

/** The formatting predict-stream.ts did before predictionLines, kept as the reference. */
function reference(f: PredictionFormat, row: ArrayLike<number>, id: string | undefined): string {
  const { labels, multiLabel, threshold } = f;
  const p = Array.from(row, (x) => Number(x.toFixed(6)));
  if (f.teacherFormat) return JSON.stringify({ id, probs: Object.fromEntries(labels.map((l, c) => [l, p[c]])) });
  const label = multiLabel ? labels.filter((_, c) => p[c] >= threshold) : labels[argmax(p)];
  return JSON.stringify({
    ...(id ? { id } : {}),
    label,
    probs: Object.fromEntries(labels.map((l, c) => [l, p[c]])),
  });
}

const LABEL_SETS = [
  ['0', '1'],
  ['1', '0'],
  ['neg', 'pos'],
  ['10', '2', 'b', '01', 'a'],
  ['a"b', 'back\\slash', 'line\u2028sep', '表扬', '😀', '__proto__'],
  ['dup', 'x', 'dup'],
];
const SPECIAL = [0, -0, 1, 0.5, 1e-7, 5e-7, 4.9999e-7, 0.9999995, 0.12345649, 1 / 3, NaN, Infinity, -Infinity];

describe('predictionLines', () => {
  it('writes the bytes JSON.stringify wrote, for every label set, format and id', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) ** 3;
    let checked = 0;
    for (const labels of LABEL_SETS) {
      for (const multiLabel of [false, true]) {
        for (const teacherFormat of [false, true]) {
          const f = { labels, multiLabel, threshold: 0.3, teacherFormat };
          const line = predictionLines(f);
          const C = labels.length;
          const rows = 60;
          const probs = new Float32Array(rows * C);
          for (let i = 0; i < probs.length; i++) probs[i] = i < 3 * C ? SPECIAL[i % SPECIAL.length] : rand();
          const plain = Array.from(probs.subarray(0, C * 3)).concat(SPECIAL.slice(0, C));
          for (let i = 0; i < rows; i++) {
            const id = [undefined, '', String(i + 1), 'id "quoted"\n'][i % 4];
            const row = probs.subarray(i * C, (i + 1) * C);
            expect(line(probs, i, id)).toBe(reference(f, row, id));
            checked++;
          }
          // A plain number array (not float32) too: every special value exactly.
          expect(line(plain, 0, 'k')).toBe(reference(f, plain.slice(0, C), 'k'));
        }
      }
    }
    expect(checked).toBe(LABEL_SETS.length * 4 * 60);
  });

  it('leaves the label out of a row with no number (as JSON.stringify left out an undefined label)', () => {
    const line = predictionLines({ labels: ['a', 'b'], multiLabel: false, threshold: 0.5 });
    expect(line([NaN, NaN], 0, undefined)).toBe('{"probs":{"a":null,"b":null}}');
  });
});
