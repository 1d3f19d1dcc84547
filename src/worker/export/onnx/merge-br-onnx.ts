/**
 * A binary-relevance teacher (one 2-class BERT per label, label-<i>/model.onnx) as ONE ONNX graph, so
 * a consumer runs one model and reads one output: the three int64 inputs of every BERT export
 * (input_ids, attention_mask, token_type_ids [batch, T]) and
 *   probs  float32 [batch, labels]: P(label) = softmax(z)₁ of that label's model — the very value the
 *          app's scorer reads from label-<i>/model.onnx, computed by the same nodes;
 *   logits float32 [batch, labels]: z₁ − z₀ (σ(logit) = prob), the per-label logits `teacher predict`
 *          writes for `distill --teacher-outputs`.
 * Each label's graph is copied whole under the prefix `label<i>/` (nodes, initializers, intermediate
 * values); only the shared graph inputs keep their names. The file is the sum of the label models.
 */
import { ModelFolderError } from '../../../shared/errors';
import {
  DataType,
  decodeModel,
  encodeModel,
  onnx,
  rawBytes,
  IR_VERSION,
  type AttributeProtoInit,
  type GraphProto,
  type ModelProtoInit,
  type ModelProto,
  type NodeProtoInit,
  type TensorProtoInit,
  type ValueInfoProtoInit,
} from './proto';

const BERT_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'] as const;

/** Protobuf (and so ONNX without external data) cannot hold a message of 2 GiB or more. */
export const ONNX_PROTO_LIMIT = 2 ** 31 - 1;

export interface BrLabelModel {
  label: string;
  /** Where the bytes came from, for error messages. */
  file: string;
  bytes: Uint8Array;
}

function dimsOf(v: ValueInfoProtoInit | undefined): (number | string)[] {
  return (v?.type?.tensorType?.shape?.dim ?? []).map((d: { dimParam?: string | null; dimValue?: unknown }) =>
    d.dimParam ? d.dimParam : Number(d.dimValue ?? 0),
  );
}

/** Checks one label model has the BERT inputs and a 2-class `logits` and `probs`. */
function labelModel(m: BrLabelModel): ModelProto {
  let model: ModelProto;
  try {
    model = decodeModel(m.bytes);
  } catch (e) {
    throw new ModelFolderError(`${m.file}: not a readable ONNX model (${(e as Error).message})`, { file: m.file });
  }
  const graph = model.graph as GraphProto;
  const inputs = (graph?.input ?? []).map((i) => i.name);
  const missing = BERT_INPUTS.filter((n) => !inputs.includes(n));
  if (missing.length)
    throw new ModelFolderError(`${m.file}: not a Distillery BERT model (no input ${missing.join(', ')})`, {
      file: m.file,
    });
  for (const name of ['logits', 'probs']) {
    const out = graph.output.find((o) => o.name === name);
    if (!out || dimsOf(out)[1] !== 2)
      throw new ModelFolderError(
        `${m.file}: a binary-relevance label model has a 2-class output "${name}" [batch, 2]; this one has ${out ? `[${dimsOf(out).join(', ')}]` : 'none'}`,
        { file: m.file },
      );
  }
  return model;
}

/** One ONNX model scoring every label (see the file comment). `models` in label order. */
export function mergeBrOnnx(models: readonly BrLabelModel[], docString = ''): Uint8Array {
  if (!models.length) throw new ModelFolderError('a binary-relevance teacher has at least one label model', {});
  const total = models.reduce((s, m) => s + m.bytes.length, 0);
  if (total >= ONNX_PROTO_LIMIT)
    throw new ModelFolderError(
      `the ${models.length} label models hold ${(total / 2 ** 30).toFixed(2)} GiB together, beyond ONNX's 2 GiB for one file: export the teacher as its folder (one model.onnx per label) instead`,
      { file: models[0].file },
    );
  const keep = new Set<string>(BERT_INPUTS);
  const nodes: NodeProtoInit[] = [];
  const initializers: TensorProtoInit[] = [];
  const valueInfo: ValueInfoProtoInit[] = [];
  let inputs: ValueInfoProtoInit[] = [];
  let opset: ModelProtoInit['opsetImport'] = [];
  models.forEach((m, l) => {
    const model = labelModel(m);
    const g = model.graph as GraphProto;
    if (l === 0) {
      inputs = g.input.filter((i) => keep.has(i.name ?? ''));
      opset = model.opsetImport;
    }
    const p = `label${l}/`;
    const rename = (n: string | null | undefined) => (!n || keep.has(n) ? (n ?? '') : p + n);
    for (const t of g.initializer) initializers.push({ ...t, name: rename(t.name) });
    for (const n of g.node)
      nodes.push({ ...n, name: p + n.name, input: (n.input ?? []).map(rename), output: (n.output ?? []).map(rename) });
    for (const v of g.valueInfo) valueInfo.push({ ...v, name: rename(v.name) });
  });

  // Column 1 of each label's probs, and z₁ − z₀ of its logits, side by side: [batch, labels].
  const int64 = (name: string, v: number) => ({
    name,
    dims: [1],
    dataType: DataType.INT64,
    rawData: rawBytes(BigInt64Array.of(BigInt(v))),
  });
  initializers.push(int64('br/zero', 0), int64('br/one', 1), int64('br/two', 2), int64('br/axis1', 1));
  const column = (value: string, from: string, to: string, out: string): string => {
    nodes.push({ opType: 'Slice', name: `${out}_node`, input: [value, from, to, 'br/axis1'], output: [out] });
    return out;
  };
  const probCols: string[] = [];
  const logitCols: string[] = [];
  models.forEach((_, l) => {
    const p = `label${l}/`;
    probCols.push(column(`${p}probs`, 'br/one', 'br/two', `br/p${l}`));
    const z1 = column(`${p}logits`, 'br/one', 'br/two', `br/z1_${l}`);
    const z0 = column(`${p}logits`, 'br/zero', 'br/one', `br/z0_${l}`);
    nodes.push({ opType: 'Sub', name: `br/logit${l}_node`, input: [z1, z0], output: [`br/logit${l}`] });
    logitCols.push(`br/logit${l}`);
  });
  nodes.push({ opType: 'Concat', name: 'probs_node', input: probCols, output: ['probs'], attribute: [axis1()] });
  nodes.push({ opType: 'Concat', name: 'logits_node', input: logitCols, output: ['logits'], attribute: [axis1()] });
  const out = (name: string): ValueInfoProtoInit => ({
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: [{ dimParam: 'batch' }, { dimValue: models.length }] },
      },
    },
  });
  return encodeModel({
    irVersion: IR_VERSION,
    producerName: 'distillery',
    producerVersion: '0.1.0',
    docString,
    opsetImport: opset,
    graph: {
      name: 'distillery_bert_binary_relevance',
      node: nodes,
      initializer: initializers,
      input: inputs,
      output: [out('logits'), out('probs')],
      valueInfo,
    },
  });
}

function axis1(): AttributeProtoInit {
  return { name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 };
}
