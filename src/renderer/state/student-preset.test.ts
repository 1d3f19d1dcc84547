import { describe, expect, it } from 'vitest';
import { backendPreset, otherPreset, presetFormValues, presetLine } from './student-preset';

const t = (key: string, params: Record<string, unknown> = {}) => `${key}${JSON.stringify(params)}`;

describe('student preset in the Train view', () => {
  it("gives a CPU backend the quick TextCNN and a GPU digest A's BiLSTM, as the CLI does", () => {
    for (const b of ['wasm', 'cpu', 'tensorflow', undefined, 'unknown']) expect(backendPreset(b)).toBe('cpu');
    expect(backendPreset('tensorflow-gpu')).toBe('digest-a');
    expect(otherPreset('cpu')).toBe('digest-a');
    expect(otherPreset('digest-a')).toBe('cpu');
    expect(presetFormValues('cpu')).toEqual({ model: 'textcnn', epochs: 3 });
    expect(presetFormValues('digest-a')).toEqual({ model: 'bilstm', epochs: 8, hidden: 256 });
  });

  it('says what the preset is and why', () => {
    expect(presetLine('cpu', 'wasm', 64, t)).toBe(
      'train.preset.why.cpuAuto{"backend":"wasm","shape":"train.preset.shapeTextcnn{\\"filters\\":64,\\"widths\\":\\"2–5\\",\\"epochs\\":3,\\"maxLen\\":64}"}',
    );
    expect(presetLine('digest-a', 'wasm', 64, t)).toMatch(
      /^train\.preset\.why\.digest-aChosen.*shapeBilstm.*\\"layers\\":2,\\"hidden\\":256,\\"epochs\\":8/,
    );
    expect(presetLine('digest-a', 'tensorflow-gpu', 64, t)).toMatch(/^train\.preset\.why\.digest-aAuto/);
    expect(presetLine('cpu', 'tensorflow-gpu', 64, t)).toMatch(/^train\.preset\.why\.cpuChosen/);
  });
});
