/**
 * A small ONNX graph builder: initializers, nodes, graph inputs/outputs, and serialization.
 * Node and value names are made unique here so the per-architecture code can use readable bases
 * ("lstm0_Y") without tracking collisions.
 */
import {
  DataType,
  encodeModel,
  IR_VERSION,
  onnx,
  OPSET,
  rawBytes,
  type AttributeProtoInit,
  type ModelProtoInit,
  type NodeProtoInit,
  type TensorProtoInit,
  type ValueInfoProtoInit,
} from './proto';

const AttrType = onnx.AttributeProto.AttributeType;
const utf8 = new TextEncoder();

/** Float attributes must be marked, since a JS number cannot say whether 1 means INT or FLOAT. */
export class FloatAttr {
  constructor(readonly value: number) {}
}

/** number → INT, number[] → INTS, string → STRING, FloatAttr → FLOAT. */
export type AttrValue = number | number[] | string | FloatAttr;

/** A dimension: a fixed size, or a symbolic name for a dynamic one ("batch", "T"). */
export type Dim = number | string;

function attribute(name: string, v: AttrValue): AttributeProtoInit {
  if (v instanceof FloatAttr) return { name, type: AttrType.FLOAT, f: v.value };
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: utf8.encode(v) };
  if (Array.isArray(v)) return { name, type: AttrType.INTS, ints: v };
  if (!Number.isInteger(v)) throw new Error(`attribute ${name}: ${v} is not an integer; wrap floats in FloatAttr`);
  return { name, type: AttrType.INT, i: v };
}

function valueInfo(name: string, elemType: number, dims: Dim[]): ValueInfoProtoInit {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class GraphBuilder {
  private readonly used = new Set<string>();
  private readonly nodes: NodeProtoInit[] = [];
  private readonly initializers: TensorProtoInit[] = [];
  private readonly inputs: ValueInfoProtoInit[] = [];
  private readonly outputs: ValueInfoProtoInit[] = [];

  constructor(private readonly graphName: string) {}

  /** `base` if unused, else `base_1`, `base_2`, …; reserves the returned name. */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Float32 initializer; returns its (unique) name. */
  float(base: string, dims: number[], data: Float32Array | number[]): string {
    const arr = data instanceof Float32Array ? data : Float32Array.from(data);
    return this.tensor(base, DataType.FLOAT, dims, rawBytes(arr), arr.length);
  }

  /** Int64 initializer (shapes, axes, indices); `dims` = [] makes a scalar. */
  int64(base: string, dims: number[], data: number[]): string {
    return this.tensor(base, DataType.INT64, dims, rawBytes(BigInt64Array.from(data.map(BigInt))), data.length);
  }

  private tensor(base: string, dataType: number, dims: number[], raw: Uint8Array, count: number): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== count) throw new Error(`initializer ${base}: ${count} values for dims [${dims}]`);
    const name = this.unique(base);
    this.initializers.push({ name, dims, dataType, rawData: raw });
    return name;
  }

  /**
   * Adds a node. `outputs` are bases for fresh unique names, or '' for an omitted optional output.
   * Returns the output names in order.
   */
  node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}): string[] {
    const outNames = outputs.map((o) => (o === '' ? '' : this.unique(o)));
    this.nodes.push({
      opType,
      name: this.unique(`${opType}_node`),
      input: inputs,
      output: outNames,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outNames;
  }

  /** Single-output convenience form of `node`. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outBase = opType.toLowerCase()): string {
    return this.node(opType, inputs, [outBase], attrs)[0];
  }

  /** Graph inputs and outputs keep their exact names (they are the model's public interface). */
  input(name: string, elemType: number, dims: Dim[]): string {
    if (this.used.has(name)) throw new Error(`graph input ${name} already used`);
    this.used.add(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares `value` as graph output `name`, adding an Identity when the names differ. */
  output(value: string, name: string, elemType: number, dims: Dim[]): void {
    if (value !== name) {
      if (this.used.has(name)) throw new Error(`graph output ${name} already used`);
      this.used.add(name);
      this.nodes.push({ opType: 'Identity', name: this.unique('Identity_node'), input: [value], output: [name] });
    }
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** `metadata` becomes the model's metadata_props (key → value strings). */
  toModel(docString = '', metadata: Record<string, string> = {}): ModelProtoInit {
    return {
      irVersion: IR_VERSION,
      producerName: 'distillery',
      producerVersion: '0.1.0',
      docString,
      opsetImport: [{ domain: '', version: OPSET }],
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
  }

  toBytes(docString = '', metadata: Record<string, string> = {}): Uint8Array {
    return encodeModel(this.toModel(docString, metadata));
  }
}
