import { describe, expect, it, vi } from 'vitest';
import type { SessionOptions } from '../backend/onnx-runtime';

// A fake session factory: this test is about the options the predictor asks ORT for.
const asked: SessionOptions[] = [];
vi.mock('../backend/onnx-runtime', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  createOnnxSession: async (_model: unknown, opts: SessionOptions) => {
    asked.push(opts);
    return { inputMetadata: [], release: async () => {} };
  },
}));

describe('OnnxPredictor.open', () => {
  it("asks for a session whose threads sleep between batches (ORT's spinning cost 2x the CPU), without a memory arena", async () => {
    const { OnnxPredictor } = await import('./predictor');
    const p = await OnnxPredictor.open(new Uint8Array(0), 1);
    expect(asked).toEqual([{ threads: 1, spinning: false, arena: false }]);
    await p.dispose();
  });
});
