import { describe, expect, it } from 'vitest';
import { idsTensor, sessionOptions, toInt64 } from './onnx-runtime';

describe('toInt64', () => {
  it('gives the values BigInt conversion gives, negative and extreme ones included', () => {
    const ids = Int32Array.from([0, 1, 2, 21127, -1, -2, 2147483647, -2147483648, 65536, 1 << 30]);
    expect(Array.from(toInt64(ids))).toEqual(Array.from(ids, (v) => BigInt(v)));
    expect(toInt64(new Int32Array(0))).toHaveLength(0);
  });

  it('idsTensor is an int64 [n, T] tensor of the ids', () => {
    const t = idsTensor(Int32Array.from([5, 6, 7, 8, 9, 10]), 2, 3);
    expect(t.type).toBe('int64');
    expect(t.dims).toEqual([2, 3]);
    expect(Array.from(t.data as BigInt64Array)).toEqual([5n, 6n, 7n, 8n, 9n, 10n]);
  });
});

describe('sessionOptions', () => {
  it("turns ORT's busy-waiting threads off when spinning is false (what batch prediction asks for)", () => {
    const o = sessionOptions({ threads: 2, spinning: false });
    expect(o.intraOpNumThreads).toBe(2);
    expect(o.extra).toEqual({ session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } });
    expect(sessionOptions({ threads: 2 }).extra).toBeUndefined();
  });

  it("turns ORT's memory arena off when asked (what length-bucketed prediction asks for), else leaves ORT's default", () => {
    expect(sessionOptions({ arena: false }).enableCpuMemArena).toBe(false);
    expect(sessionOptions({}).enableCpuMemArena).toBeUndefined();
  });
});
