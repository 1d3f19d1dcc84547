/**
 * BERT (the bert-config.ts contract) → ONNX, opset 17, computing referenceBertForward in float32.
 *
 * Interface: inputs `input_ids`, `attention_mask`, `token_type_ids`, int64 [batch, T] (both dims
 * dynamic, T ≤ max_position_embeddings); outputs `logits` and `probs` float32 [batch, numLabels]
 * (probs = Softmax, or Sigmoid for a multi-label head).
 *
 * Layout: hidden states stay 2-D [batch·T, H] so every Linear is one Gemm (transB=1 reads the
 * PyTorch [out, in] weights as they are; onnxruntime pre-packs them). Per layer the query, key and
 * value projections are one Gemm against weights concatenated at export time ([3H, H]), with
 * 1/√d folded into the query rows; the heads are split by Reshape/Transpose into [batch, heads, T, d]
 * for two batched MatMuls around the masked Softmax. LayerNormalization (opset 17) is one node;
 * gelu is the exact Div → Erf → Add → Mul → Mul chain, the form onnxruntime's GeluFusion matches.
 */
import type { BertConfig, BertWeights, WeightTensor } from '../model/bert-config';
import { BERT_MASKED_BIAS } from '../model/bert-reference';
import { FloatAttr, GraphBuilder, type Dim } from '../../export/onnx/graph-builder';
import { DataType } from '../../export/onnx/proto';

export interface BertExportOptions {
  numLabels: number;
  multiLabel: boolean;
}

function need(weights: BertWeights, name: string, shape: number[]): WeightTensor {
  const w = weights[name];
  if (!w) throw new Error(`BERT export: missing weight ${name}`);
  if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`BERT export: ${name} has shape [${w.shape}], expected [${shape}]`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  if (w.data.length !== n) throw new Error(`BERT export: ${name} holds ${w.data.length} values for [${shape}]`);
  return w;
}

export function exportBertToOnnx(config: BertConfig, weights: BertWeights, opts: BertExportOptions): Uint8Array {
  const H = config.hidden_size;
  const I = config.intermediate_size;
  const nh = config.num_attention_heads;
  const C = opts.numLabels;
  if (H % nh !== 0) throw new Error(`BERT export: hidden_size ${H} is not a multiple of num_attention_heads ${nh}`);
  if (config.hidden_act !== 'gelu')
    throw new Error(`BERT export: hidden_act "${config.hidden_act}" is not supported (only exact "gelu")`);
  const d = H / nh;
  const scale = 1 / Math.sqrt(d);
  const eps = new FloatAttr(config.layer_norm_eps);

  const g = new GraphBuilder('distillery_bert');
  const w = (name: string, shape: number[]) => g.float(name, shape, need(weights, name, shape).data);

  const ids = g.input('input_ids', DataType.INT64, ['batch', 'T']);
  const mask = g.input('attention_mask', DataType.INT64, ['batch', 'T']);
  const types = g.input('token_type_ids', DataType.INT64, ['batch', 'T']);

  // Shapes: [B, T] from the ids; T alone (1-D) for the position slice.
  const shapeBT = g.op('Shape', [ids], {}, 'shape_BT');
  const T1 = g.op('Slice', [shapeBT, g.int64('one_1d', [1], [1]), g.int64('two_1d', [1], [2])], {}, 'T_1d');
  const flat = g.int64('shape_rows_H', [2], [-1, H]); // [B·T, H]
  const headsShape = g.op('Concat', [shapeBT, g.int64('qkv_heads_d', [3], [3, nh, d])], { axis: 0 }, 'shape_BT3nd');
  const seqShape = g.op('Concat', [shapeBT, g.int64('H_1d', [1], [H])], { axis: 0 }, 'shape_BTH');

  // Embeddings: word[ids] + pos[0..T) + type[types], then LayerNorm; flattened to [B·T, H].
  const wordE = g.op(
    'Gather',
    [w('embeddings.word_embeddings.weight', [config.vocab_size, H]), ids],
    { axis: 0 },
    'word_emb',
  );
  const posTable = w('embeddings.position_embeddings.weight', [config.max_position_embeddings, H]);
  const posE = g.op(
    'Slice',
    [posTable, g.int64('zero_1d', [1], [0]), T1, g.int64('axis0_1d', [1], [0])],
    {},
    'pos_emb',
  ); // [T, H]
  const typeE = g.op(
    'Gather',
    [w('embeddings.token_type_embeddings.weight', [config.type_vocab_size, H]), types],
    { axis: 0 },
    'type_emb',
  );
  const embSum = g.op('Add', [g.op('Add', [wordE, posE]), typeE], {}, 'emb_sum');
  let x = g.op(
    'LayerNormalization',
    [
      g.op('Reshape', [embSum, flat], {}, 'emb_flat'),
      w('embeddings.LayerNorm.weight', [H]),
      w('embeddings.LayerNorm.bias', [H]),
    ],
    { axis: -1, epsilon: eps },
    'emb_ln',
  );

  // Additive key mask [B, 1, 1, T]: (1 − mask)·−10000.
  const maskF = g.op('Cast', [mask], { to: DataType.FLOAT }, 'mask_f');
  const keyBias = g.op(
    'Mul',
    [g.op('Sub', [g.float('one_f', [], [1]), maskF]), g.float('masked_bias', [], [BERT_MASKED_BIAS])],
    {},
    'key_bias',
  );
  const keyBias4 = g.op('Unsqueeze', [keyBias, g.int64('axes_1_2', [2], [1, 2])], {}, 'key_bias_4d');

  const idx = (i: number) => g.int64(`idx_${i}`, [], [i]);
  const [idx0, idx1, idx2] = [idx(0), idx(1), idx(2)];
  const sqrt2 = g.float('sqrt2', [], [Math.SQRT2]);
  const oneF = g.float('one_gelu', [], [1]);
  const half = g.float('half', [], [0.5]);

  for (let l = 0; l < config.num_hidden_layers; l++) {
    const p = `encoder.layer.${l}.`;
    const t = (n: string, shape: number[]) => need(weights, p + n, shape);

    // Fused QKV: rows [q·scale; k; v] of a [3H, H] weight, bias [3H].
    const qkvW = new Float32Array(3 * H * H);
    const qkvB = new Float32Array(3 * H);
    (['query', 'key', 'value'] as const).forEach((name, i) => {
      const W = t(`attention.self.${name}.weight`, [H, H]).data;
      const b = t(`attention.self.${name}.bias`, [H]).data;
      const s = i === 0 ? scale : 1;
      for (let k = 0; k < H * H; k++) qkvW[i * H * H + k] = W[k] * s;
      for (let k = 0; k < H; k++) qkvB[i * H + k] = b[k] * s;
    });
    const qkv = g.op(
      'Gemm',
      [x, g.float(`l${l}_qkv_W`, [3 * H, H], qkvW), g.float(`l${l}_qkv_b`, [3 * H], qkvB)],
      { transB: 1 },
      `l${l}_qkv`,
    );
    const qkv5 = g.op('Reshape', [qkv, headsShape], {}, `l${l}_qkv_5d`); // [B, T, 3, nh, d]
    const part = (i: string, perm: number[], name: string) =>
      g.op('Transpose', [g.op('Gather', [qkv5, i], { axis: 2 }, `l${l}_${name}_btnd`)], { perm }, `l${l}_${name}`);
    const q = part(idx0, [0, 2, 1, 3], 'q'); // [B, nh, T, d]
    const kT = part(idx1, [0, 2, 3, 1], 'kT'); // [B, nh, d, T]
    const v = part(idx2, [0, 2, 1, 3], 'v'); // [B, nh, T, d]
    const scores = g.op('Add', [g.op('MatMul', [q, kT], {}, `l${l}_qk`), keyBias4], {}, `l${l}_scores`); // [B, nh, T, T]
    const probs = g.op('Softmax', [scores], { axis: -1 }, `l${l}_att_probs`);
    const ctx4 = g.op(
      'Transpose',
      [g.op('MatMul', [probs, v], {}, `l${l}_ctx_bhtd`)],
      { perm: [0, 2, 1, 3] },
      `l${l}_ctx_bthd`,
    );
    const ctx = g.op('Reshape', [ctx4, flat], {}, `l${l}_ctx`); // [B·T, H]

    const attnOut = g.op(
      'Gemm',
      [ctx, w(p + 'attention.output.dense.weight', [H, H]), w(p + 'attention.output.dense.bias', [H])],
      { transB: 1 },
      `l${l}_attn_out`,
    );
    const a = g.op(
      'LayerNormalization',
      [
        g.op('Add', [attnOut, x], {}, `l${l}_attn_res`),
        w(p + 'attention.output.LayerNorm.weight', [H]),
        w(p + 'attention.output.LayerNorm.bias', [H]),
      ],
      { axis: -1, epsilon: eps },
      `l${l}_attn_ln`,
    );

    const inter = g.op(
      'Gemm',
      [a, w(p + 'intermediate.dense.weight', [I, H]), w(p + 'intermediate.dense.bias', [I])],
      { transB: 1 },
      `l${l}_inter`,
    );
    const erf = g.op('Erf', [g.op('Div', [inter, sqrt2], {}, `l${l}_inter_div`)], {}, `l${l}_erf`);
    const gelu = g.op(
      'Mul',
      [g.op('Mul', [inter, g.op('Add', [erf, oneF], {}, `l${l}_erf_1`)], {}, `l${l}_gelu_x`), half],
      {},
      `l${l}_gelu`,
    );
    const ffn = g.op(
      'Gemm',
      [gelu, w(p + 'output.dense.weight', [H, I]), w(p + 'output.dense.bias', [H])],
      { transB: 1 },
      `l${l}_ffn`,
    );
    x = g.op(
      'LayerNormalization',
      [
        g.op('Add', [ffn, a], {}, `l${l}_ffn_res`),
        w(p + 'output.LayerNorm.weight', [H]),
        w(p + 'output.LayerNorm.bias', [H]),
      ],
      { axis: -1, epsilon: eps },
      `l${l}_out`,
    );
  }

  // [CLS] = position 0 of every row: [B·T, H] → [B, T, H] → [B, H].
  const cls = g.op('Gather', [g.op('Reshape', [x, seqShape], {}, 'last_hidden'), idx0], { axis: 1 }, 'cls');
  let pooled = cls;
  if ('pooler.dense.weight' in weights) {
    const pool = g.op(
      'Gemm',
      [cls, w('pooler.dense.weight', [H, H]), w('pooler.dense.bias', [H])],
      { transB: 1 },
      'pooler_dense',
    );
    pooled = g.op('Tanh', [pool], {}, 'pooled');
  }
  const logits = g.op(
    'Gemm',
    [pooled, w('classifier.weight', [C, H]), w('classifier.bias', [C])],
    { transB: 1 },
    'logits',
  );
  const probs = opts.multiLabel
    ? g.op('Sigmoid', [logits], {}, 'probs')
    : g.op('Softmax', [logits], { axis: -1 }, 'probs');

  const outDims: Dim[] = ['batch', C];
  g.output(logits, 'logits', DataType.FLOAT, outDims);
  g.output(probs, 'probs', DataType.FLOAT, outDims);
  const doc = { ...config, num_labels: C, multi_label: opts.multiLabel, pooler: pooled !== cls };
  return g.toBytes(
    `Distillery BERT teacher; contract: src/worker/teacher/model/bert-config.ts; config: ${JSON.stringify(doc)}`,
  );
}
