/**
 * ONNX protobuf encoding. onnx-proto ships protobufjs static code generated from onnx.proto
 * (CommonJS); a default import works under Node ESM, tsx and vitest, so no schema is embedded here.
 */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.ModelProto;
export type GraphProto = onnxProto.onnx.GraphProto;
export type ModelProtoInit = onnxProto.onnx.IModelProto;
export type NodeProtoInit = onnxProto.onnx.INodeProto;
export type TensorProtoInit = onnxProto.onnx.ITensorProto;
export type ValueInfoProtoInit = onnxProto.onnx.IValueInfoProto;
export type AttributeProtoInit = onnxProto.onnx.IAttributeProto;

/** onnxruntime-node 1.2x runs opset 17 with every op used here (LSTM/GRU, Conv, Reduce*). */
export const OPSET = 17;
/** IR version 8 is the one that pairs with opset 17 (ONNX 1.12). */
export const IR_VERSION = 8;

export const DataType = {
  FLOAT: onnx.TensorProto.DataType.FLOAT,
  INT32: onnx.TensorProto.DataType.INT32,
  INT64: onnx.TensorProto.DataType.INT64,
  BOOL: onnx.TensorProto.DataType.BOOL,
} as const;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** ONNX raw_data is little-endian; copy typed-array bytes as they are on LE hosts. */
export function rawBytes(a: Float32Array | Int32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (littleEndian) return bytes.slice();
  const out = new Uint8Array(a.byteLength);
  const w = a.BYTES_PER_ELEMENT;
  for (let i = 0; i < a.byteLength; i += w) for (let j = 0; j < w; j++) out[i + j] = bytes[i + w - 1 - j];
  return out;
}

export function encodeModel(model: ModelProtoInit): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** For tests and inspection. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}
