import { describe, expect, it } from 'vitest';
import { parseRunLine } from './predict-scale';

describe('parseRunLine', () => {
  it("reads count, seconds and peak RSS from predict's and teacher predict's summary lines", () => {
    expect(
      parseRunLine(
        'backend: wasm\npredicted 100000 documents in 12.50 s (8000/s) with 1 model(s) via onnxruntime; peak RSS 361 MB\n',
      ),
    ).toEqual({
      docs: 100000,
      seconds: 12.5,
      peakRssMb: 361,
    });
    expect(
      parseRunLine(
        'teacher: x\nscored 10000 rows (2 logits each) in 31.95 s (313/s) via onnxruntime; peak RSS 251 MB; wrote /tmp/t.jsonl\n',
      ),
    ).toEqual({
      docs: 10000,
      seconds: 31.95,
      peakRssMb: 251,
    });
  });

  it("reads predict's CPU time per document where the line has it", () => {
    expect(
      parseRunLine(
        'predicted 100000 documents in 40.10 s (2494/s) with 1 model(s) via onnxruntime; peak RSS 297 MB; CPU 339 µs/doc\n',
      ),
    ).toEqual({ docs: 100000, seconds: 40.1, peakRssMb: 297, cpuUsPerDoc: 339 });
  });

  it('says what it got when the line is missing', () => {
    expect(() => parseRunLine('predicted 5 documents in 1.00 s\n')).toThrow(
      /no "predicted\/scored … peak RSS" line in:\npredicted 5/,
    );
  });
});
