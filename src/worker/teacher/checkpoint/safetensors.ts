/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {…}}), then the raw
 * little-endian tensor bytes, offsets relative to the end of the header. Floating-point tensors
 * (F32, F16, BF16, F64) decode to Float32Array; integer tensors are listed but not decoded.
 */
import { ModelFolderError } from '../../../shared/errors';
import type { WeightTensor } from '../model/bert-config';

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL' | string;

export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Raw bytes of the tensor (a view into the file buffer). */
  bytes: Uint8Array;
}

const ELEMENT_BYTES: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};
const MAX_HEADER = 100 * 1024 * 1024;

/** Parses the header and slices every tensor's bytes; nothing is decoded yet. */
export function parseSafetensors(
  buf: Uint8Array,
  file = 'model.safetensors',
): { tensors: Map<string, SafetensorsEntry>; metadata: Record<string, string> } {
  const bad = (why: string) => new ModelFolderError(`${file} is not a valid safetensors file: ${why}`, { file });
  if (buf.byteLength < 8) throw bad(`only ${buf.byteLength} bytes`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (n > MAX_HEADER || 8 + n > buf.byteLength) throw bad(`header length ${n} does not fit in ${buf.byteLength} bytes`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + n)));
  } catch (e) {
    throw bad(`header is not JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + n;
  const dataLen = buf.byteLength - dataStart;
  const tensors = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (v ?? {}) as Record<string, string>;
      continue;
    }
    const info = v as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    if (!info || typeof info.dtype !== 'string' || !Array.isArray(info.shape) || !Array.isArray(info.data_offsets))
      throw bad(`entry "${name}" lacks dtype, shape or data_offsets`);
    const [begin, end] = info.data_offsets;
    if (!(begin >= 0 && end >= begin && end <= dataLen))
      throw bad(`entry "${name}" has data_offsets [${begin}, ${end}] outside the ${dataLen} data bytes`);
    const count = info.shape.reduce((a, b) => a * b, 1);
    const size = ELEMENT_BYTES[info.dtype];
    if (size !== undefined && count * size !== end - begin)
      throw bad(
        `entry "${name}" (${info.dtype} [${info.shape.join(', ')}]) needs ${count * size} bytes, has ${end - begin}`,
      );
    tensors.set(name, {
      dtype: info.dtype,
      shape: info.shape.slice(),
      bytes: buf.subarray(dataStart + begin, dataStart + end),
    });
  }
  return { tensors, metadata };
}

/** Decodes a floating-point entry to float32; throws for other dtypes. */
export function decodeFloat(entry: SafetensorsEntry, name: string, file = 'model.safetensors'): Float32Array {
  const { bytes } = entry;
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  switch (entry.dtype) {
    case 'F32':
      // A copy in both cases, so the file buffer can be released after loading (hosts are little-endian).
      if (bytes.byteOffset % 4 === 0) out.set(new Float32Array(bytes.buffer, bytes.byteOffset, count));
      else for (let i = 0; i < count; i++) out[i] = dv.getFloat32(i * 4, true);
      return out;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = dv.getFloat64(i * 8, true);
      return out;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(dv.getUint16(i * 2, true));
      return out;
    case 'BF16':
      for (let i = 0; i < count; i++) out[i] = bfloat16ToFloat(dv.getUint16(i * 2, true));
      return out;
    default:
      throw new ModelFolderError(
        `${file}: weight "${name}" has dtype ${entry.dtype}; only F32, F16, BF16 and F64 weights can be loaded`,
        { file },
      );
  }
}

export function decodeSafetensors(
  buf: Uint8Array,
  file?: string,
  keep?: (name: string) => boolean,
): Record<string, WeightTensor> {
  const out: Record<string, WeightTensor> = {};
  for (const [name, e] of parseSafetensors(buf, file).tensors) {
    if (keep && !keep(name)) continue;
    out[name] = { shape: e.shape, data: decodeFloat(e, name, file) };
  }
  return out;
}

/** Writes float tensors as F32, F16 or BF16 (names sorted, header padded to 8 bytes as the reference writer does). */
export function encodeSafetensors(
  tensors: Record<string, WeightTensor>,
  dtype: 'F32' | 'F16' | 'BF16' = 'F32',
  metadata?: Record<string, string>,
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const size = dtype === 'F32' ? 4 : 2;
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length)
      throw new Error(`tensor "${name}": shape [${t.shape.join(', ')}] does not match ${t.data.length} values`);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + count * size] };
    offset += count * size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const name of names) {
    const d = tensors[name].data;
    for (let i = 0; i < d.length; i++, pos += size) {
      if (dtype === 'F32') dv.setFloat32(pos, d[i], true);
      else dv.setUint16(pos, dtype === 'F16' ? floatToHalf(d[i]) : floatToBfloat16(d[i]), true);
    }
  }
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero / subnormal
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export function bfloat16ToFloat(b: number): number {
  u32[0] = b << 16;
  return f32[0];
}

/** Round-to-nearest-even float32 → float16 bits. */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** Round-to-nearest-even float32 → bfloat16 bits. */
export function floatToBfloat16(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  if ((bits & 0x7f800000) === 0x7f800000 && bits & 0x7fffff) return (bits >>> 16) | 0x40; // NaN stays NaN
  const rounded = bits + 0x7fff + ((bits >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}
