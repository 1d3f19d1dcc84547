/**
 * Reads a PyTorch state dict (pytorch_model.bin) without executing pickle code.
 *
 * Both of torch.save's formats: the zip archive (torch ≥ 1.6: `<name>/data.pkl` plus one raw file per
 * storage under `<name>/data/`) and the legacy stream (magic number, protocol, sys info, the pickle,
 * storage keys, then each storage as an int64 element count and its bytes).
 *
 * The pickle is interpreted by a small stack machine that builds plain data (dicts, lists, tuples,
 * strings, numbers) and knows a short list of globals: collections.OrderedDict, torch's
 * _rebuild_tensor(_v2)/_rebuild_parameter, the storage types and torch.Size. Any other global —
 * which in a real pickle could run arbitrary code — stops the read with an error that says how to
 * convert the file to safetensors. Nothing is ever called but our own functions.
 */
import { inflateRawSync } from 'node:zlib';
import { ModelFolderError } from '../../../shared/errors';
import type { WeightTensor } from '../model/bert-config';
import { bfloat16ToFloat, halfToFloat } from './safetensors';

export const CONVERT_HINT =
  'convert it to model.safetensors with Python, e.g. ' +
  '`python -c "import torch; from safetensors.torch import save_file; ' +
  "sd = torch.load('pytorch_model.bin', map_location='cpu', weights_only=True); " +
  "save_file({k: v.contiguous() for k, v in sd.items()}, 'model.safetensors')\"` " +
  '(or load it with transformers and call save_pretrained(dir, safe_serialization=True))';

type TorchDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const STORAGE_DTYPES: Record<string, TorchDtype> = {
  DoubleStorage: 'F64',
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};
const ELEMENT_BYTES: Record<TorchDtype, number> = {
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

class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

class PyDict {
  readonly map = new Map<unknown, unknown>();
}

class StorageRef {
  constructor(
    readonly dtype: TorchDtype,
    readonly key: string,
    /** Legacy views: element offset into the root storage. */
    readonly elementOffset = 0,
  ) {}
}

class TorchTensor {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly size: number[],
    readonly stride: number[],
  ) {}
}

const MARK = Symbol('mark');

/** What the allowed globals do when a pickle calls them (REDUCE/NEWOBJ). */
const CALLABLE: Record<string, (args: unknown[]) => unknown> = {
  'collections.OrderedDict': (args) => {
    const d = new PyDict();
    const items = args[0];
    if (Array.isArray(items)) for (const kv of items) if (Array.isArray(kv)) d.map.set(kv[0], kv[1]);
    return d;
  },
  'torch._utils._rebuild_tensor': (a) => rebuildTensor(a),
  'torch._utils._rebuild_tensor_v2': (a) => rebuildTensor(a),
  'torch._utils._rebuild_parameter': (a) => a[0],
  'torch._utils._rebuild_parameter_with_state': (a) => a[0],
  'torch.Size': (a) => (Array.isArray(a[0]) ? a[0] : []),
  '_codecs.encode': (a) => latin1Bytes(String(a[0] ?? '')),
  'torch._tensor._rebuild_from_type_v2': (a) => {
    const [fn, , args] = a;
    if (!(fn instanceof PyGlobal) || !CALLABLE[fn.qualified] || !Array.isArray(args))
      throw new Unsafe(fn instanceof PyGlobal ? fn.qualified : 'an unknown rebuild function');
    return CALLABLE[fn.qualified](args);
  },
};
/** Globals that may appear as plain values (never called). */
const VALUE_GLOBALS = new Set([
  ...Object.keys(STORAGE_DTYPES).map((n) => `torch.${n}`),
  'torch.Tensor',
  'torch.nn.parameter.Parameter',
  'torch.UntypedStorage',
]);

class Unsafe extends Error {}

function rebuildTensor(a: unknown[]): TorchTensor {
  const [storage, offset, size, stride] = a;
  if (!(storage instanceof StorageRef) || !Array.isArray(size) || !Array.isArray(stride))
    throw new Error('a tensor without a storage, size or stride');
  return new TorchTensor(storage, Number(offset), size.map(Number), stride.map(Number));
}

function latin1Bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

/**
 * Runs one pickle starting at `pos`; returns the value and where it ended.
 * `persistentLoad` turns a persistent id (a tuple) into a value (torch: a storage reference).
 */
function unpickle(
  buf: Uint8Array,
  pos: number,
  persistentLoad: (pid: unknown) => unknown,
): { value: unknown; end: number } {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const utf8 = new TextDecoder();
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  const need = (n: number) => {
    if (pos + n > buf.byteLength) throw new Error('truncated pickle');
  };
  const u8 = () => (need(1), buf[pos++]);
  const u16 = () => (need(2), (pos += 2), dv.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), dv.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), dv.getInt32(pos - 4, true));
  const bytes = (n: number) => (need(n), (pos += n), buf.subarray(pos - n, pos));
  const line = () => {
    const end = buf.indexOf(0x0a, pos);
    if (end < 0) throw new Error('truncated pickle');
    const s = utf8.decode(buf.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const popMark = (): unknown[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) throw new Error('pickle MARK missing');
    const items = stack.splice(i);
    items.shift();
    return items;
  };
  const top = () => stack[stack.length - 1];
  const longLE = (b: Uint8Array): number => {
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b.length > 0 && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return Number(v);
  };
  const call = (fn: unknown, args: unknown): unknown => {
    if (!(fn instanceof PyGlobal)) throw new Error('pickle calls something that is not a global');
    const f = CALLABLE[fn.qualified];
    if (!f) throw new Unsafe(fn.qualified);
    return f(Array.isArray(args) ? args : []);
  };
  const global = (module: string, name: string): PyGlobal => {
    const g = new PyGlobal(module, name);
    if (!CALLABLE[g.qualified] && !VALUE_GLOBALS.has(g.qualified)) throw new Unsafe(g.qualified);
    return g;
  };
  const setItems = (d: unknown, kv: unknown[]) => {
    if (!(d instanceof PyDict)) throw new Error('pickle SETITEM(S) on a non-dict');
    for (let i = 0; i + 1 < kv.length; i += 2) d.map.set(kv[i], kv[i + 1]);
  };
  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        bytes(8);
        break;
      case 0x2e: // STOP
        return { value: stack.pop(), end: pos };
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const d = new PyDict();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([stack.pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = stack.pop();
        const a = stack.pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = stack.pop();
        const b = stack.pop();
        const a = stack.pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(longLE(bytes(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(longLE(bytes(i32())));
        break;
      case 0x49: {
        // INT (text; "I01"/"I00" are protocol 0's booleans)
        const s = line();
        stack.push(s === '01' ? true : s === '00' ? false : Number(s));
        break;
      }
      case 0x4c: // LONG (text)
        stack.push(Number(line().replace(/L$/, '')));
        break;
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        stack.push(dv.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8.decode(bytes(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8.decode(bytes(u8())));
        break;
      case 0x8d: // BINUNICODE8
        need(8);
        pos += 8;
        stack.push(utf8.decode(bytes(Number(dv.getBigUint64(pos - 8, true)))));
        break;
      case 0x54: // BINSTRING (Python 2 str)
        stack.push(String.fromCharCode(...bytes(i32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(String.fromCharCode(...bytes(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(bytes(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(bytes(u8()).slice());
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x70: // PUT (text)
        memo.set(Number(line()), top());
        break;
      case 0x68: // BINGET
        stack.push(fromMemo(memo, u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(fromMemo(memo, u32()));
        break;
      case 0x67: // GET (text)
        stack.push(fromMemo(memo, Number(line())));
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        const name = line();
        stack.push(global(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = stack.pop();
        const module = stack.pop();
        stack.push(global(String(module), String(name)));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = stack.pop();
        const fn = stack.pop();
        stack.push(call(fn, args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = stack.pop();
        const cls = stack.pop();
        stack.push(call(cls, args));
        break;
      }
      case 0x62: // BUILD: state for our plain values (e.g. a state dict's _metadata) is not needed
        stack.pop();
        break;
      case 0x73: {
        // SETITEM
        const v = stack.pop();
        const k = stack.pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const kv = popMark();
        setItems(top(), kv);
        break;
      }
      case 0x61: {
        // APPEND
        const v = stack.pop();
        (top() as unknown[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const vs = popMark();
        (top() as unknown[]).push(...vs);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(persistentLoad(stack.pop()));
        break;
      case 0x50: // PERSID (text)
        stack.push(persistentLoad(line()));
        break;
      case 0x30: // POP
        stack.pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      default:
        throw new Error(`pickle opcode 0x${op.toString(16)} is not supported`);
    }
  }
}

function fromMemo(memo: Map<number, unknown>, k: number): unknown {
  if (!memo.has(k)) throw new Error(`pickle memo ${k} missing`);
  return memo.get(k);
}

/** True when `buf` starts like a zip archive. */
function isZip(buf: Uint8Array): boolean {
  return buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04;
}

/** name → bytes of each entry (stored or deflated), from the central directory; ZIP64 aware. */
export function readZipEntries(buf: Uint8Array): Map<string, () => Uint8Array> {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (dv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('zip end-of-central-directory record not found');
  let count = dv.getUint16(eocd + 10, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if (cdOffset === 0xffffffff || count === 0xffff) {
    const loc = eocd - 20;
    if (loc < 0 || dv.getUint32(loc, true) !== 0x07064b50) throw new Error('zip64 locator missing');
    const z64 = Number(dv.getBigUint64(loc + 8, true));
    if (dv.getUint32(z64, true) !== 0x06064b50) throw new Error('zip64 end-of-central-directory record missing');
    count = Number(dv.getBigUint64(z64 + 32, true));
    cdOffset = Number(dv.getBigUint64(z64 + 48, true));
  }
  const entries = new Map<string, () => Uint8Array>();
  let p = cdOffset;
  for (let e = 0; e < count; e++) {
    if (dv.getUint32(p, true) !== 0x02014b50) throw new Error('zip central directory is corrupt');
    const method = dv.getUint16(p + 10, true);
    let compSize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let local = dv.getUint32(p + 42, true);
    const name = new TextDecoder().decode(buf.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extended information: the 0xFFFFFFFF fields, in order.
    for (let x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen;) {
      const id = dv.getUint16(x, true);
      const len = dv.getUint16(x + 2, true);
      if (id === 0x0001) {
        let q = x + 4;
        if (size === 0xffffffff) ((size = Number(dv.getBigUint64(q, true))), (q += 8));
        if (compSize === 0xffffffff) ((compSize = Number(dv.getBigUint64(q, true))), (q += 8));
        if (local === 0xffffffff) local = Number(dv.getBigUint64(q, true));
      }
      x += 4 + len;
    }
    p += 46 + nameLen + extraLen + commentLen;
    const at = local;
    const comp = compSize;
    const full = size;
    entries.set(name, () => {
      if (dv.getUint32(at, true) !== 0x04034b50) throw new Error(`zip entry ${name}: local header missing`);
      const start = at + 30 + dv.getUint16(at + 26, true) + dv.getUint16(at + 28, true);
      const raw = buf.subarray(start, start + comp);
      if (method === 0) return raw;
      if (method === 8) {
        const out = inflateRawSync(raw);
        if (out.length !== full)
          throw new Error(`zip entry ${name}: inflated to ${out.length} bytes, expected ${full}`);
        return new Uint8Array(out.buffer, out.byteOffset, out.length);
      }
      throw new Error(`zip entry ${name}: compression method ${method} is not supported`);
    });
  }
  return entries;
}

function storageRefFromPid(pid: unknown, legacy = false): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage') throw new Error(`unexpected persistent id ${JSON.stringify(pid)}`);
  const type = pid[1];
  if (!(type instanceof PyGlobal) || !STORAGE_DTYPES[type.name])
    throw new Error(`unknown storage type ${type instanceof PyGlobal ? type.qualified : String(type)}`);
  const dtype = STORAGE_DTYPES[type.name];
  const key = String(pid[2]);
  // Legacy only: ('storage', type, root_key, location, size, view_metadata=(view_key, offset, size) | None)
  const view = pid[5];
  if (legacy && Array.isArray(view)) return new StorageRef(dtype, key, Number(view[1]));
  return new StorageRef(dtype, key);
}

/** A state dict: the top-level dict, or the dict under "state_dict"/"model" when that is where the tensors are. */
function stateDictOf(value: unknown): PyDict {
  if (!(value instanceof PyDict)) throw new Error('the file does not hold a dict of tensors (a state dict)');
  const hasTensors = [...value.map.values()].some((v) => v instanceof TorchTensor);
  if (hasTensors) return value;
  for (const k of ['state_dict', 'model', 'module']) {
    const inner = value.map.get(k);
    if (inner instanceof PyDict) return stateDictOf(inner);
  }
  return value;
}

function materialize(t: TorchTensor, storageBytes: Uint8Array, name: string): Float32Array {
  const { dtype } = t.storage;
  const elem = ELEMENT_BYTES[dtype];
  const dv = new DataView(storageBytes.buffer, storageBytes.byteOffset, storageBytes.byteLength);
  const read =
    dtype === 'F32'
      ? (i: number) => dv.getFloat32(i * 4, true)
      : dtype === 'F16'
        ? (i: number) => halfToFloat(dv.getUint16(i * 2, true))
        : dtype === 'BF16'
          ? (i: number) => bfloat16ToFloat(dv.getUint16(i * 2, true))
          : dtype === 'F64'
            ? (i: number) => dv.getFloat64(i * 8, true)
            : undefined;
  if (!read) throw new Error(`weight "${name}" is stored as ${dtype}; only floating-point weights can be loaded`);
  const numel = t.size.reduce((a, b) => a * b, 1);
  const base = t.storage.elementOffset + t.offset;
  let maxIndex = base;
  for (let d = 0; d < t.size.length; d++) if (t.size[d] > 0) maxIndex += (t.size[d] - 1) * t.stride[d];
  if (numel > 0 && (maxIndex + 1) * elem > storageBytes.byteLength)
    throw new Error(`weight "${name}" reaches past its storage`);
  const out = new Float32Array(numel);
  const rank = t.size.length;
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < numel; i++) {
    let off = base;
    for (let d = 0; d < rank; d++) off += idx[d] * t.stride[d];
    out[i] = read(off);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < t.size[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * The floating-point tensors of a PyTorch checkpoint, by the names in its state dict.
 * `keep` filters names before any tensor is decoded.
 */
export function readTorchCheckpoint(
  buf: Uint8Array,
  file = 'pytorch_model.bin',
  keep?: (name: string) => boolean,
): Record<string, WeightTensor> {
  try {
    return isZip(buf) ? readZipCheckpoint(buf, keep) : readLegacyCheckpoint(buf, keep);
  } catch (e) {
    if (e instanceof ModelFolderError) throw e;
    if (e instanceof Unsafe) {
      throw new ModelFolderError(
        `${file} refers to the Python global "${e.message}", which Distillery does not load (a pickle can run arbitrary code; only plain tensor state dicts are read); ${CONVERT_HINT}`,
        { file },
      );
    }
    throw new ModelFolderError(
      `${file} could not be read as a PyTorch state dict (${(e as Error).message}); ${CONVERT_HINT}`,
      { file },
    );
  }
}

function collect(
  dict: PyDict,
  keep: ((name: string) => boolean) | undefined,
  bytesOf: (t: TorchTensor) => Uint8Array,
): Record<string, WeightTensor> {
  const out: Record<string, WeightTensor> = {};
  for (const [k, v] of dict.map) {
    if (typeof k !== 'string' || !(v instanceof TorchTensor)) continue;
    if (keep && !keep(k)) continue;
    out[k] = { shape: v.size.slice(), data: materialize(v, bytesOf(v), k) };
  }
  return out;
}

function readZipCheckpoint(buf: Uint8Array, keep?: (name: string) => boolean): Record<string, WeightTensor> {
  const entries = readZipEntries(buf);
  const pklName = [...entries.keys()].find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (!pklName) throw new Error('no <archive>/data.pkl inside the zip (not a torch.save archive)');
  const prefix = pklName.slice(0, -'data.pkl'.length);
  const order = entries.get(prefix + 'byteorder');
  if (order && new TextDecoder().decode(order()).trim() !== 'little')
    throw new Error('the archive was saved big-endian');
  const { value } = unpickle(entries.get(pklName)!(), 0, (pid) => storageRefFromPid(pid));
  const cache = new Map<string, Uint8Array>();
  return collect(stateDictOf(value), keep, (t) => {
    let b = cache.get(t.storage.key);
    if (!b) {
      const get = entries.get(`${prefix}data/${t.storage.key}`);
      if (!get) throw new Error(`storage ${t.storage.key} is missing from the archive`);
      b = get();
      cache.set(t.storage.key, b);
    }
    return b;
  });
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

function readLegacyCheckpoint(buf: Uint8Array, keep?: (name: string) => boolean): Record<string, WeightTensor> {
  if (buf[0] !== 0x80) throw new Error('neither a zip archive nor a pickle stream');
  const noPersistent = () => {
    throw new Error('unexpected persistent id in the header');
  };
  // The magic number does not fit in a double: compare its bytes instead of the parsed value.
  const magic = unpickleLong(buf);
  if (magic !== LEGACY_MAGIC) throw new Error('not a torch.save file (magic number differs)');
  let pos = unpickle(buf, 0, noPersistent).end;
  const protocol = unpickle(buf, pos, noPersistent);
  if (protocol.value !== 1001) throw new Error(`legacy protocol ${String(protocol.value)} is not supported`);
  const sys = unpickle(buf, protocol.end, noPersistent);
  const info = sys.value instanceof PyDict ? sys.value.map : new Map();
  if (info.get('little_endian') === false) throw new Error('the file was saved big-endian');
  const roots = new Map<string, StorageRef>();
  const main = unpickle(buf, sys.end, (pid) => {
    const ref = storageRefFromPid(pid, true);
    if (!roots.has(ref.key)) roots.set(ref.key, new StorageRef(ref.dtype, ref.key));
    return ref;
  });
  const keys = unpickle(buf, main.end, noPersistent);
  if (!Array.isArray(keys.value)) throw new Error('storage key list missing');
  pos = keys.end;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const storages = new Map<string, Uint8Array>();
  for (const k of keys.value.map(String)) {
    const root = roots.get(k);
    if (!root) throw new Error(`storage ${k} is listed but never used`);
    if (pos + 8 > buf.length) throw new Error('truncated storage data');
    const numel = Number(dv.getBigInt64(pos, true));
    const nbytes = numel * ELEMENT_BYTES[root.dtype];
    if (pos + 8 + nbytes > buf.length) throw new Error('truncated storage data');
    storages.set(k, buf.subarray(pos + 8, pos + 8 + nbytes));
    pos += 8 + nbytes;
  }
  return collect(stateDictOf(main.value), keep, (t) => {
    const b = storages.get(t.storage.key);
    if (!b) throw new Error(`storage ${t.storage.key} has no data`);
    return b;
  });
}

/** The first pickle of a legacy file is a LONG1 holding the magic number; read it exactly. */
function unpickleLong(buf: Uint8Array): bigint {
  let p = 0;
  if (buf[p] === 0x80) p += 2;
  if (buf[p] !== 0x8a) return -1n;
  const n = buf[p + 1];
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[p + 2 + i]);
  return v;
}
