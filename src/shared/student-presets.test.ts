/** Student defaults by backend (issue #11): a quick TextCNN on a CPU, digest A's BiLSTM on a GPU or by --preset. */
import { describe, expect, it } from 'vitest';
import { chooseStudentDefaults, PRESET_BY_BACKEND, STUDENT_OPTIONS } from './job-options';

describe('chooseStudentDefaults', () => {
  it('on a CPU backend picks a small TextCNN for 3 epochs and says why', () => {
    for (const backend of ['wasm', 'cpu', 'tensorflow']) {
      const d = chooseStudentDefaults(backend)!;
      expect(d.preset).toBe('cpu');
      expect(d.filled).toEqual({ model: 'textcnn', numFilters: 64, filterSizes: [2, 3, 4, 5], epochs: 3 });
      expect(d.line).toBe(
        `defaults: textcnn, 64 filters × widths 2–5, 3 epochs — chosen for a CPU backend (${backend}); --preset digest-a for the paper's BiLSTM`,
      );
    }
  });

  it("on a GPU backend picks digest A's configuration", () => {
    const d = chooseStudentDefaults('tensorflow-gpu')!;
    expect(d.preset).toBe('digest-a');
    expect(d.filled).toEqual({ model: 'bilstm', layers: 2, hidden: 256, epochs: 8 });
    expect(d.line).toMatch(
      /^defaults: bilstm, 2 layers, hidden 256, 8 epochs — chosen for a GPU backend \(tensorflow-gpu\)/,
    );
  });

  it("--preset digest-a restores digest A's BiLSTM on a CPU (2 layers, hidden 256, 8 epochs: the table's defaults)", () => {
    const d = chooseStudentDefaults('wasm', 'digest-a')!;
    expect(d.filled).toEqual({ model: 'bilstm', layers: 2, hidden: 256, epochs: 8 });
    expect(d.filled.model).toBe(STUDENT_OPTIONS.model.default);
    expect(d.filled.epochs).toBe(STUDENT_OPTIONS.epochs.default);
    expect(d.line).toBe(
      "defaults: bilstm, 2 layers, hidden 256, 8 epochs — --preset digest-a (digest A's configuration)",
    );
  });

  it('fills only what the user left unset; an explicit model or size under auto keeps the table defaults', () => {
    const d = chooseStudentDefaults('wasm', 'auto', { epochs: 1 })!;
    expect(d.filled).toEqual({ model: 'textcnn', numFilters: 64, filterSizes: [2, 3, 4, 5] });
    expect(d.line).toContain('textcnn, 64 filters × widths 2–5, 1 epoch —');
    expect(chooseStudentDefaults('wasm', 'auto', { model: 'gru' })).toBeUndefined();
    expect(chooseStudentDefaults('wasm', 'auto', { hidden: 8 })).toBeUndefined();
    expect(chooseStudentDefaults('wasm', 'digest-a', { epochs: 2 })!.filled).toEqual({
      model: 'bilstm',
      layers: 2,
      hidden: 256,
    });
  });

  it('every rung of the backend ladder has a preset; an unknown preset is a CONFIG error naming the field', () => {
    expect(Object.keys(PRESET_BY_BACKEND).sort()).toEqual(['cpu', 'tensorflow', 'tensorflow-gpu', 'wasm']);
    expect(() => chooseStudentDefaults('wasm', 'paper')).toThrow(
      /option "preset": unknown preset "paper"; valid: auto, cpu, digest-a/,
    );
  });
});
