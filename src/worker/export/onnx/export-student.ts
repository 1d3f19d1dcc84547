/**
 * Student model → ONNX (opset 17) computing exactly the function in docs/model-spec.md.
 *
 * Interface: input `input_ids` int64 [batch, T] (T dynamic for recurrent archs; fixed to maxLen for
 * textcnn/cnn-nb, whose output depends on how much PAD the row carries), outputs `logits` and
 * `probs` float32 [batch, C].
 */
import {
  cellOf,
  directions,
  isRecurrent,
  validateStudent,
  type StudentConfig,
  type StudentParams,
} from '../../models/student-config';
import { GraphBuilder, type Dim } from './graph-builder';
import { DataType } from './proto';

export type { StudentConfig, StudentParams } from '../../models/student-config';

/** Large enough that exp() underflows to exactly 0 after max-subtraction, small enough for float32. */
const MASKED = -1e9;

/**
 * Reorders gate blocks and transposes: spec [in, G·H] (blocks in spec order) → ONNX [G·H, in]
 * (blocks in ONNX order). `onnxToSpec[k]` is the spec block that lands in ONNX block k.
 */
function gatesToOnnx(src: Float32Array, inDim: number, H: number, onnxToSpec: number[]): Float32Array {
  const G = onnxToSpec.length;
  const out = new Float32Array(G * H * inDim);
  for (let ob = 0; ob < G; ob++) {
    const sb = onnxToSpec[ob];
    for (let j = 0; j < H; j++) for (let k = 0; k < inDim; k++) out[(ob * H + j) * inDim + k] = src[k * G * H + sb * H + j];
  }
  return out;
}

function biasToOnnx(src: Float32Array | null, H: number, onnxToSpec: number[]): Float32Array {
  const out = new Float32Array(onnxToSpec.length * H);
  if (src) onnxToSpec.forEach((sb, ob) => out.set(src.subarray(sb * H, (sb + 1) * H), ob * H));
  return out;
}

function concatF32(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ONNX LSTM gate order is i, o, f, c; spec (Keras) order is i, f, g(=c), o.
const LSTM_ONNX_TO_SPEC = [0, 3, 1, 2];
// ONNX GRU and the spec both use z, r, h.
const GRU_ONNX_TO_SPEC = [0, 1, 2];

/**
 * Stacked (bi)directional LSTM/GRU layers over time-major x [T, B, E]. Returns the top layer's
 * output sequence [T, B, dirs·H] (zeros at padded steps) and last states [B, dirs·H] (fw then bw).
 */
function recurrentLayers(g: GraphBuilder, c: StudentConfig, params: StudentParams, xTBE: string, lens32: string) {
  const cell = cellOf(c.arch)!;
  const dirs = directions(c.arch);
  const H = c.hidden;
  const order = cell === 'lstm' ? LSTM_ONNX_TO_SPEC : GRU_ONNX_TO_SPEC;
  const G = order.length;
  const shapeTBX = g.int64('shape_T_B_flat', [3], [0, 0, -1]);
  const shapeBX = g.int64('shape_B_flat', [2], [0, -1]);
  let x = xTBE;
  let yh = '';
  for (let l = 0; l < c.layers; l++) {
    const inDim = l === 0 ? c.embedDim : dirs.length * H;
    const W: Float32Array[] = [];
    const R: Float32Array[] = [];
    const B: Float32Array[] = [];
    for (const d of dirs) {
      const p = (s: string) => params[`${cell}${l}_${d}_${s}`].data;
      W.push(gatesToOnnx(p('W'), inDim, H, order));
      R.push(gatesToOnnx(p('U'), H, H, order));
      // ONNX B = [Wb, Rb]. LSTM has one bias (put in Wb); GRU keeps both because with
      // linear_before_reset=1 the recurrent bias of the h gate sits inside r⊙(…).
      if (cell === 'lstm') B.push(biasToOnnx(p('b'), H, order), biasToOnnx(null, H, order));
      else B.push(biasToOnnx(p('bW'), H, order), biasToOnnx(p('bU'), H, order));
    }
    const nd = dirs.length;
    const inputs = [
      x,
      g.float(`${cell}${l}_W`, [nd, G * H, inDim], concatF32(W)),
      g.float(`${cell}${l}_R`, [nd, G * H, H], concatF32(R)),
      g.float(`${cell}${l}_B`, [nd, 2 * G * H], concatF32(B)),
      lens32,
    ];
    const attrs = {
      hidden_size: H,
      direction: nd === 2 ? 'bidirectional' : 'forward',
      ...(cell === 'gru' ? { linear_before_reset: 1 } : {}),
    };
    const outs = cell === 'lstm' ? [`${cell}${l}_Y`, `${cell}${l}_Yh`, ''] : [`${cell}${l}_Y`, `${cell}${l}_Yh`];
    const [y, h] = g.node(cell.toUpperCase(), inputs, outs, attrs);
    // Y [T, dirs, B, H] → [T, B, dirs, H] → [T, B, dirs·H]: fw and bw concatenated per step.
    x = g.op('Reshape', [g.op('Transpose', [y], { perm: [0, 2, 1, 3] }), shapeTBX], {}, `${cell}${l}_seq`);
    yh = h;
  }
  // Y_h [dirs, B, H] → [B, dirs, H] → [B, dirs·H]. ONNX Y_h honours sequence_lens: the forward
  // state after t = len−1, the backward state after t = 0 (checked against the reference).
  const last = g.op('Reshape', [g.op('Transpose', [yh], { perm: [1, 0, 2] }), shapeBX], {}, 'last_states');
  return { seq: x, last };
}

/** gru-att: attention context, masked max and masked mean over t < len (D = 6H). */
function attentionPooling(g: GraphBuilder, params: StudentParams, seqTBD: string, ids: string, lens64: string): string {
  const p = (n: string) => g.float(n, params[n].shape, params[n].data);
  const O = g.op('Transpose', [seqTBD], { perm: [1, 0, 2] }, 'att_O'); // [B, T, 2H]
  // mask[b, t] = t < len[b] — the same positions sequence_lens treats as real.
  const T = g.op('Gather', [g.op('Shape', [ids]), g.int64('one_scalar', [], [1])], { axis: 0 }, 'T');
  const steps = g.op('Range', [g.int64('zero_scalar', [], [0]), T, g.int64('one_step', [], [1])], {}, 'steps');
  const lensCol = g.op('Unsqueeze', [lens64, g.int64('axes_1', [1], [1])], {}, 'lens_col'); // [B, 1]
  const mask = g.op('Unsqueeze', [g.op('Less', [steps, lensCol]), g.int64('axes_2', [1], [2])], {}, 'mask'); // [B,T,1]
  const maskF = g.op('Cast', [mask], { to: DataType.FLOAT }, 'mask_f');
  const masked = g.float('masked_value', [], [MASKED]);
  const axisT = g.int64('axis_T', [1], [1]);

  const score = g.op('MatMul', [g.op('Tanh', [g.op('Add', [g.op('MatMul', [O, p('att_W')]), p('att_b')])]), p('att_v')], {}, 'score'); // [B,T,1]
  // Softmax over real steps only; × mask zeroes the uniform weights a len-0 row would get.
  const alpha = g.op('Mul', [g.op('Softmax', [g.op('Where', [mask, score, masked])], { axis: 1 }), maskF], {}, 'alpha');
  const context = g.op('ReduceSum', [g.op('Mul', [alpha, O]), axisT], { keepdims: 0 }, 'context');

  const hasSteps = g.op('Greater', [lensCol, g.int64('zero_i64', [], [0])], {}, 'has_steps'); // [B, 1]
  const rawMax = g.op('ReduceMax', [g.op('Where', [mask, O, masked])], { axes: [1], keepdims: 0 }, 'raw_max');
  const max = g.op('Where', [hasSteps, rawMax, g.float('zero_f', [], [0])], {}, 'max_pool');

  const lensF = g.op('Cast', [lensCol], { to: DataType.FLOAT }, 'lens_f');
  const sum = g.op('ReduceSum', [g.op('Mul', [O, maskF]), axisT], { keepdims: 0 }, 'sum_pool');
  const mean = g.op('Div', [sum, g.op('Max', [lensF, g.float('one_f', [], [1])])], {}, 'mean_pool');

  return g.op('Concat', [context, max, mean], { axis: 1 }, 'features');
}

/** textcnn features: per filter size Conv → ReLU → max over time, concatenated (D = F·|sizes|). */
function textCnn(g: GraphBuilder, c: StudentConfig, params: StudentParams, embBTE: string): string {
  const xBET = g.op('Transpose', [embBTE], { perm: [0, 2, 1] }, 'emb_ncw'); // ONNX Conv is NCW
  const pooled = c.filterSizes.map((k) => {
    const src = params[`conv${k}_W`].data; // [k, E, F]
    const E = c.embedDim;
    const F = c.numFilters;
    const w = new Float32Array(F * E * k); // ONNX [F, E, k]
    for (let j = 0; j < k; j++) for (let e = 0; e < E; e++) for (let f = 0; f < F; f++) w[(f * E + e) * k + j] = src[(j * E + e) * F + f];
    const conv = g.op('Conv', [xBET, g.float(`conv${k}_W`, [F, E, k], w), g.float(`conv${k}_b`, [F], params[`conv${k}_b`].data)], {
      kernel_shape: [k],
    });
    return g.op('ReduceMax', [g.op('Relu', [conv])], { axes: [2], keepdims: 0 }, `pool${k}`);
  });
  return pooled.length === 1 ? pooled[0] : g.op('Concat', pooled, { axis: 1 }, 'features');
}

/**
 * cnn-nb: PCA projection, then the Gaussian naive-Bayes log-joint per class; multi-label: per label,
 * the log-joint of "present" minus that of "absent" (a ±1 matrix over the 2C classes).
 */
function naiveBayes(g: GraphBuilder, c: StudentConfig, params: StudentParams, feats: string): string {
  const C = params.nb_log_priors.shape[0];
  const [, K] = params.pca_components.shape;
  const vars = params.nb_vars.data;
  // The per-class constant log_prior − ½ Σ_k log(2π·var) is folded in float64 at export time.
  const constant = new Float32Array(C);
  for (let cl = 0; cl < C; cl++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.log(2 * Math.PI * vars[cl * K + k]);
    constant[cl] = params.nb_log_priors.data[cl] - 0.5 * s;
  }
  const p = (n: string) => g.float(n, params[n].shape, params[n].data);
  const z = g.op('MatMul', [g.op('Sub', [feats, p('pca_mean')]), p('pca_components')], {}, 'pca'); // [B, K]
  const d = g.op('Sub', [g.op('Unsqueeze', [z, g.int64('axes_1', [1], [1])]), p('nb_means')], {}, 'nb_diff'); // [B, C, K]
  const q = g.op('ReduceSum', [g.op('Div', [g.op('Mul', [d, d]), p('nb_vars')]), g.int64('axis_K', [1], [2])], { keepdims: 0 }, 'nb_q');
  if (!c.multiLabel) return g.op('Sub', [g.float('nb_const', [C], constant), g.op('Mul', [q, g.float('half', [], [0.5])])], {}, 'logits');
  const L = c.numClasses;
  const joint = g.op('Sub', [g.float('nb_const', [C], constant), g.op('Mul', [q, g.float('half', [], [0.5])])], {}, 'nb_joint'); // [B, 2L]
  const odds = new Float32Array(C * L);
  for (let j = 0; j < L; j++) {
    odds[j * L + j] = 1;
    odds[(L + j) * L + j] = -1;
  }
  return g.op('MatMul', [joint, g.float('nb_odds', [C, L], odds)], {}, 'logits');
}

export function exportStudentToOnnx(config: StudentConfig, params: StudentParams): Uint8Array {
  validateStudent(config, params);
  const c = config;
  const g = new GraphBuilder(`distillery_${c.arch}`);
  const recurrent = isRecurrent(c.arch);
  const ids = g.input('input_ids', DataType.INT64, ['batch', recurrent ? 'T' : c.maxLen]);
  const emb = g.op('Gather', [g.float('embedding', [c.vocabSize, c.embedDim], params.embedding.data), ids], { axis: 0 }, 'emb'); // [B,T,E]

  let feats: string;
  if (recurrent) {
    // len[b] = count(ids[b] != 0), fed to LSTM/GRU as sequence_lens (which wants int32).
    const nonPad = g.op('Not', [g.op('Equal', [ids, g.int64('pad_id', [], [0])])], {}, 'non_pad');
    const lens64 = g.op('ReduceSum', [g.op('Cast', [nonPad], { to: DataType.INT64 }), g.int64('axis_T', [1], [1])], { keepdims: 0 }, 'lens');
    const lens32 = g.op('Cast', [lens64], { to: DataType.INT32 }, 'lens_i32');
    const xTBE = g.op('Transpose', [emb], { perm: [1, 0, 2] }, 'emb_tbe'); // LSTM/GRU layout=0 is time-major
    const { seq, last } = recurrentLayers(g, c, params, xTBE, lens32);
    feats = c.arch === 'gru-att' ? attentionPooling(g, params, seq, ids, lens64) : last;
  } else {
    feats = textCnn(g, c, params, emb);
  }

  let logits: string;
  if (c.arch === 'cnn-nb') {
    logits = naiveBayes(g, c, params, feats);
  } else {
    // Dropout is the identity at inference: features feed the head directly.
    const outW = g.float('out_W', params.out_W.shape, params.out_W.data);
    const outB = g.float('out_b', params.out_b.shape, params.out_b.data);
    logits = g.op('Add', [g.op('MatMul', [feats, outW]), outB], {}, 'logits');
  }
  const probs = c.multiLabel ? g.op('Sigmoid', [logits], {}, 'probs') : g.op('Softmax', [logits], { axis: -1 }, 'probs');

  const outDims: Dim[] = ['batch', c.numClasses];
  g.output(logits, 'logits', DataType.FLOAT, outDims);
  g.output(probs, 'probs', DataType.FLOAT, outDims);
  return g.toBytes(`Distillery student ${c.arch}; contract: docs/model-spec.md; config: ${JSON.stringify(c)}`);
}
