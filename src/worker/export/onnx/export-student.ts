/**
 * Student model → ONNX (opset 17) computing exactly the function in docs/model-spec.md.
 *
 * Interface: input `input_ids` int64 [batch, T], outputs `logits` and `probs` float32 [batch, C]. T
 * is dynamic except for han, whose row is a grid of maxLen / sentenceLen sentence slots. Where rows
 * cut to their longest real length plus a margin give the same output, the margin is in the model's
 * metadata_props (pad-margin.ts).
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
import { exactPadMargin, PAD_MARGIN_KEY } from './pad-margin';
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
    for (let j = 0; j < H; j++)
      for (let k = 0; k < inDim; k++) out[(ob * H + j) * inDim + k] = src[k * G * H + sb * H + j];
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
 * One (bi)directional LSTM/GRU layer over time-major x [T, B, in], with parameters `param(d, part)`
 * (part W, U, b for LSTM; W, U, bW, bU for GRU). Returns the output sequence [T, B, dirs·H]
 * (zeros at padded steps) and ONNX's Y_h [dirs, B, H].
 */
function rnnLayer(
  g: GraphBuilder,
  cell: 'lstm' | 'gru',
  dirs: readonly string[],
  H: number,
  inDim: number,
  param: (d: string, part: string) => Float32Array,
  x: string,
  lens32: string,
  name: string,
): { seq: string; yh: string } {
  const order = cell === 'lstm' ? LSTM_ONNX_TO_SPEC : GRU_ONNX_TO_SPEC;
  const G = order.length;
  const W: Float32Array[] = [];
  const R: Float32Array[] = [];
  const B: Float32Array[] = [];
  for (const d of dirs) {
    W.push(gatesToOnnx(param(d, 'W'), inDim, H, order));
    R.push(gatesToOnnx(param(d, 'U'), H, H, order));
    // ONNX B = [Wb, Rb]. LSTM has one bias (put in Wb); GRU keeps both because with
    // linear_before_reset=1 the recurrent bias of the h gate sits inside r⊙(…).
    if (cell === 'lstm') B.push(biasToOnnx(param(d, 'b'), H, order), biasToOnnx(null, H, order));
    else B.push(biasToOnnx(param(d, 'bW'), H, order), biasToOnnx(param(d, 'bU'), H, order));
  }
  const nd = dirs.length;
  const inputs = [
    x,
    g.float(`${name}_W`, [nd, G * H, inDim], concatF32(W)),
    g.float(`${name}_R`, [nd, G * H, H], concatF32(R)),
    g.float(`${name}_B`, [nd, 2 * G * H], concatF32(B)),
    lens32,
  ];
  const attrs = {
    hidden_size: H,
    direction: nd === 2 ? 'bidirectional' : 'forward',
    ...(cell === 'gru' ? { linear_before_reset: 1 } : {}),
  };
  const outs = cell === 'lstm' ? [`${name}_Y`, `${name}_Yh`, ''] : [`${name}_Y`, `${name}_Yh`];
  const [y, yh] = g.node(cell.toUpperCase(), inputs, outs, attrs);
  // Y [T, dirs, B, H] → [T, B, dirs, H] → [T, B, dirs·H]: fw and bw concatenated per step.
  const shapeTBX = g.int64('shape_T_B_flat', [3], [0, 0, -1]);
  const seq = g.op('Reshape', [g.op('Transpose', [y], { perm: [0, 2, 1, 3] }), shapeTBX], {}, `${name}_seq`);
  return { seq, yh };
}

/**
 * Stacked (bi)directional LSTM/GRU layers over time-major x [T, B, E]. Returns the top layer's
 * output sequence [T, B, dirs·H] (zeros at padded steps) and last states [B, dirs·H] (fw then bw).
 */
function recurrentLayers(g: GraphBuilder, c: StudentConfig, params: StudentParams, xTBE: string, lens32: string) {
  const cell = cellOf(c.arch)!;
  const dirs = directions(c.arch);
  const H = c.hidden;
  let x = xTBE;
  let yh = '';
  for (let l = 0; l < c.layers; l++) {
    const inDim = l === 0 ? c.embedDim : dirs.length * H;
    const layer = rnnLayer(
      g,
      cell,
      dirs,
      H,
      inDim,
      (d, part) => params[`${cell}${l}_${d}_${part}`].data,
      x,
      lens32,
      `${cell}${l}`,
    );
    x = layer.seq;
    yh = layer.yh;
  }
  // Y_h [dirs, B, H] → [B, dirs, H] → [B, dirs·H]. ONNX Y_h honours sequence_lens: the forward
  // state after t = len−1, the backward state after t = 0 (checked against the reference).
  const shapeBX = g.int64('shape_B_flat', [2], [0, -1]);
  const last = g.op('Reshape', [g.op('Transpose', [yh], { perm: [1, 0, 2] }), shapeBX], {}, 'last_states');
  return { seq: x, last };
}

/** mask[b, t, 0] = t < len[b] — the positions sequence_lens treats as real — as bool and float. */
function stepMask(g: GraphBuilder, lens64: string, T: string, name: string): { mask: string; maskF: string } {
  const steps = g.op('Range', [g.int64('zero_scalar', [], [0]), T, g.int64('one_step', [], [1])], {}, `${name}_steps`);
  const lensCol = g.op('Unsqueeze', [lens64, g.int64('axes_1', [1], [1])], {}, `${name}_lens_col`); // [B, 1]
  const mask = g.op('Unsqueeze', [g.op('Less', [steps, lensCol]), g.int64('axes_2', [1], [2])], {}, name); // [B,T,1]
  return { mask, maskF: g.op('Cast', [mask], { to: DataType.FLOAT }, `${name}_f`) };
}

/** Additive attention context Σ α_t O_t over masked steps, parameters `{prefix}_W|b|v`. O: [B, T, D]. */
function attentionContext(
  g: GraphBuilder,
  params: StudentParams,
  prefix: string,
  O: string,
  mask: string,
  maskF: string,
): string {
  const p = (n: string) => g.float(n, params[n].shape, params[n].data);
  const score = g.op(
    'MatMul',
    [g.op('Tanh', [g.op('Add', [g.op('MatMul', [O, p(`${prefix}_W`)]), p(`${prefix}_b`)])]), p(`${prefix}_v`)],
    {},
    `${prefix}_score`,
  ); // [B,T,1]
  // Softmax over real steps only; × mask zeroes the uniform weights a len-0 row would get.
  const masked = g.float('masked_value', [], [MASKED]);
  const alpha = g.op(
    'Mul',
    [g.op('Softmax', [g.op('Where', [mask, score, masked])], { axis: 1 }), maskF],
    {},
    `${prefix}_alpha`,
  );
  return g.op(
    'ReduceSum',
    [g.op('Mul', [alpha, O]), g.int64('axis_T', [1], [1])],
    { keepdims: 0 },
    `${prefix}_context`,
  );
}

/** gru-att: attention context, masked max and masked mean over t < len (D = 6H). */
function attentionPooling(g: GraphBuilder, params: StudentParams, seqTBD: string, ids: string, lens64: string): string {
  const O = g.op('Transpose', [seqTBD], { perm: [1, 0, 2] }, 'att_O'); // [B, T, 2H]
  const T = g.op('Gather', [g.op('Shape', [ids]), g.int64('one_scalar', [], [1])], { axis: 0 }, 'T');
  const { mask, maskF } = stepMask(g, lens64, T, 'mask');
  const masked = g.float('masked_value', [], [MASKED]);
  const axisT = g.int64('axis_T', [1], [1]);
  const context = attentionContext(g, params, 'att', O, mask, maskF);

  const lensCol = g.op('Unsqueeze', [lens64, g.int64('axes_1', [1], [1])], {}, 'lens_col'); // [B, 1]
  const hasSteps = g.op('Greater', [lensCol, g.int64('zero_i64', [], [0])], {}, 'has_steps'); // [B, 1]
  const rawMax = g.op('ReduceMax', [g.op('Where', [mask, O, masked])], { axes: [1], keepdims: 0 }, 'raw_max');
  const max = g.op('Where', [hasSteps, rawMax, g.float('zero_f', [], [0])], {}, 'max_pool');

  const lensF = g.op('Cast', [lensCol], { to: DataType.FLOAT }, 'lens_f');
  const sum = g.op('ReduceSum', [g.op('Mul', [O, maskF]), axisT], { keepdims: 0 }, 'sum_pool');
  const mean = g.op('Div', [sum, g.op('Max', [lensF, g.float('one_f', [], [1])])], {}, 'mean_pool');

  return g.op('Concat', [context, max, mean], { axis: 1 }, 'features');
}

/** len[b] = count(ids[b] != 0) as int64 [rows], for sequence_lens and the attention masks. */
function rowLengths(g: GraphBuilder, ids: string, name: string): string {
  const nonPad = g.op('Not', [g.op('Equal', [ids, g.int64('pad_id', [], [0])])], {}, `${name}_non_pad`);
  return g.op(
    'ReduceSum',
    [g.op('Cast', [nonPad], { to: DataType.INT64 }), g.int64('axis_T', [1], [1])],
    { keepdims: 0 },
    name,
  );
}

/**
 * han: ids [B, S·W] → sentences [B·S, W] → word GRU stack + word attention → sentence vectors
 * [B, S, 2H] → bidirectional sentence GRU over the first `sentences` slots (those holding a real
 * token) → sentence attention → document vector (D = 2H).
 */
function hierarchicalAttention(g: GraphBuilder, c: StudentConfig, params: StudentParams, ids: string): string {
  const W = c.sentenceLen!;
  const S = c.maxLen / W;
  const H = c.hidden;
  const words = g.op('Reshape', [ids, g.int64('shape_sentences', [2], [-1, W])], {}, 'sentence_ids'); // [B·S, W]
  const emb = g.op(
    'Gather',
    [g.float('embedding', [c.vocabSize, c.embedDim], params.embedding.data), words],
    { axis: 0 },
    'emb',
  );
  const wordLens = rowLengths(g, words, 'word_lens');
  const wordLens32 = g.op('Cast', [wordLens], { to: DataType.INT32 }, 'word_lens_i32');
  const { seq } = recurrentLayers(g, c, params, g.op('Transpose', [emb], { perm: [1, 0, 2] }, 'emb_tbe'), wordLens32);
  const O = g.op('Transpose', [seq], { perm: [1, 0, 2] }, 'word_O'); // [B·S, W, 2H]
  const wordMask = stepMask(g, wordLens, g.int64('W', [], [W]), 'word_mask');
  const sentVecs = attentionContext(g, params, 'att', O, wordMask.mask, wordMask.maskF); // [B·S, 2H]

  const perDoc = g.op('Reshape', [wordLens, g.int64('shape_docs', [2], [-1, S])], {}, 'word_lens_doc'); // [B, S]
  const sentLens = g.op(
    'ReduceSum',
    [
      g.op('Cast', [g.op('Greater', [perDoc, g.int64('zero_i64', [], [0])])], { to: DataType.INT64 }),
      g.int64('axis_T', [1], [1]),
    ],
    { keepdims: 0 },
    'sentence_lens',
  );
  const x = g.op(
    'Transpose',
    [g.op('Reshape', [sentVecs, g.int64('shape_doc_sent', [3], [-1, S, 2 * H])])],
    { perm: [1, 0, 2] },
    'sentence_tbd',
  ); // [S, B, 2H]
  const sentLens32 = g.op('Cast', [sentLens], { to: DataType.INT32 }, 'sentence_lens_i32');
  const sent = rnnLayer(
    g,
    'gru',
    ['fw', 'bw'],
    H,
    2 * H,
    (d, part) => params[`sgru_${d}_${part}`].data,
    x,
    sentLens32,
    'sgru',
  );
  const sentO = g.op('Transpose', [sent.seq], { perm: [1, 0, 2] }, 'sentence_O'); // [B, S, 2H]
  const sentMask = stepMask(g, sentLens, g.int64('S', [], [S]), 'sentence_mask');
  return attentionContext(g, params, 'satt', sentO, sentMask.mask, sentMask.maskF);
}

/** textcnn features: per filter size Conv → ReLU → max over time, concatenated (D = F·|sizes|). */
function textCnn(g: GraphBuilder, c: StudentConfig, params: StudentParams, embBTE: string): string {
  const xBET = g.op('Transpose', [embBTE], { perm: [0, 2, 1] }, 'emb_ncw'); // ONNX Conv is NCW
  const pooled = c.filterSizes.map((k) => {
    const src = params[`conv${k}_W`].data; // [k, E, F]
    const E = c.embedDim;
    const F = c.numFilters;
    const w = new Float32Array(F * E * k); // ONNX [F, E, k]
    for (let j = 0; j < k; j++)
      for (let e = 0; e < E; e++) for (let f = 0; f < F; f++) w[(f * E + e) * k + j] = src[(j * E + e) * F + f];
    const conv = g.op(
      'Conv',
      [xBET, g.float(`conv${k}_W`, [F, E, k], w), g.float(`conv${k}_b`, [F], params[`conv${k}_b`].data)],
      {
        kernel_shape: [k],
      },
    );
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
  const q = g.op(
    'ReduceSum',
    [g.op('Div', [g.op('Mul', [d, d]), p('nb_vars')]), g.int64('axis_K', [1], [2])],
    { keepdims: 0 },
    'nb_q',
  );
  if (!c.multiLabel)
    return g.op(
      'Sub',
      [g.float('nb_const', [C], constant), g.op('Mul', [q, g.float('half', [], [0.5])])],
      {},
      'logits',
    );
  const L = c.numClasses;
  const joint = g.op(
    'Sub',
    [g.float('nb_const', [C], constant), g.op('Mul', [q, g.float('half', [], [0.5])])],
    {},
    'nb_joint',
  ); // [B, 2L]
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
  const recurrent = isRecurrent(c.arch) && c.arch !== 'han';
  const margin = exactPadMargin(c);
  const ids = g.input('input_ids', DataType.INT64, ['batch', c.arch === 'han' ? c.maxLen : 'T']);

  let feats: string;
  if (c.arch === 'han') {
    feats = hierarchicalAttention(g, c, params, ids);
  } else if (recurrent) {
    const emb = g.op(
      'Gather',
      [g.float('embedding', [c.vocabSize, c.embedDim], params.embedding.data), ids],
      { axis: 0 },
      'emb',
    ); // [B,T,E]
    // len[b] = count(ids[b] != 0), fed to LSTM/GRU as sequence_lens (which wants int32).
    const lens64 = rowLengths(g, ids, 'lens');
    const lens32 = g.op('Cast', [lens64], { to: DataType.INT32 }, 'lens_i32');
    const xTBE = g.op('Transpose', [emb], { perm: [1, 0, 2] }, 'emb_tbe'); // LSTM/GRU layout=0 is time-major
    const { seq, last } = recurrentLayers(g, c, params, xTBE, lens32);
    feats = c.arch === 'gru-att' ? attentionPooling(g, params, seq, ids, lens64) : last;
  } else {
    const emb = g.op(
      'Gather',
      [g.float('embedding', [c.vocabSize, c.embedDim], params.embedding.data), ids],
      { axis: 0 },
      'emb',
    ); // [B,T,E]
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
  const probs = c.multiLabel
    ? g.op('Sigmoid', [logits], {}, 'probs')
    : g.op('Softmax', [logits], { axis: -1 }, 'probs');

  const outDims: Dim[] = ['batch', c.numClasses];
  g.output(logits, 'logits', DataType.FLOAT, outDims);
  g.output(probs, 'probs', DataType.FLOAT, outDims);
  return g.toBytes(
    `Distillery student ${c.arch}; contract: docs/model-spec.md; config: ${JSON.stringify(c)}`,
    margin === null ? {} : { [PAD_MARGIN_KEY]: String(margin) },
  );
}
