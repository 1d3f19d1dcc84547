/**
 * Randomly initialised BERT weights, configs and a small built-in vocabulary. `teacher pretrain` starts
 * its encoder from these, the teacher benchmark times them, and tests build tiny checkpoints from them
 * (test/fixtures/tiny-bert.ts). Deterministic from a seed.
 */
import { bertWeightShapes, type BertConfig, type BertWeights } from './bert-config';
import { createRng, gaussian } from '../../../shared/random';

/** The size of an encoder (and of its classification head, if any). */
export interface BertSize {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  /** Default 64. */
  maxPositions?: number;
  /** Add a classification head with this many outputs (config num_labels and id2label too). */
  numLabels?: number;
}

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

/** Built-in vocabulary: specials, punctuation, digits, common CJK characters and a few English words and pieces. */
export const TINY_VOCAB: readonly string[] = dedupe([
  ...SPECIAL_TOKENS,
  ...'，。！？、；：“”（）,.!?;:\'"()-'.split(''),
  ...'0123456789'.split(''),
  ...'好坏的了是我不很也就都吃菜送餐快慢味道香辣咸甜难太一个这那外卖饭店点份钱贵便宜服务态度热冷凉再次还会满意差评人们们你他她它在有和没说要来去看上下大小多少天时候'.split(
    '',
  ),
  ...[
    'the',
    'food',
    'was',
    'good',
    'bad',
    'very',
    'delivery',
    'slow',
    'fast',
    'un',
    '##aff',
    '##able',
    'play',
    '##ing',
    '##ed',
    '##s',
    'cafe',
    'hello',
    'world',
  ],
  ...'abcdefghijklmnopqrstuvwxyz'.split(''),
  ...'abcdefghijklmnopqrstuvwxyz'.split('').map((c) => `##${c}`),
]);

function dedupe(tokens: string[]): string[] {
  return [...new Set(tokens)];
}

/** Random weights for `config` (canonical names, PyTorch layouts), deterministic from `seed`. */
export function randomBertWeights(
  config: BertConfig,
  seed: number,
  opts: { numLabels?: number; pooler?: boolean; initStd?: number; perturb?: number } = {},
): BertWeights {
  const rng = createRng(seed);
  const normal = () => gaussian(rng);
  const std = opts.initStd ?? 0.02;
  const perturb = opts.perturb ?? 0.1;
  const out: BertWeights = {};
  for (const [name, shape] of Object.entries(bertWeightShapes(config, { numLabels: opts.numLabels }))) {
    if (name.startsWith('pooler.') && opts.pooler === false) continue;
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const isLnWeight = /LayerNorm\.weight$/.test(name);
    const isVector = shape.length === 1;
    for (let i = 0; i < n; i++) {
      if (isLnWeight) data[i] = 1 + perturb * (rng.next() * 2 - 1);
      else if (isVector) data[i] = perturb * (rng.next() * 2 - 1);
      else data[i] = std * normal();
    }
    out[name] = { shape: shape.slice(), data };
  }
  return out;
}

export function tinyBertConfig(o: BertSize, vocabSize: number): BertConfig {
  const config: BertConfig = {
    model_type: 'bert',
    vocab_size: vocabSize,
    hidden_size: o.hidden,
    num_hidden_layers: o.layers,
    num_attention_heads: o.heads,
    intermediate_size: o.intermediate,
    hidden_act: 'gelu',
    max_position_embeddings: o.maxPositions ?? 64,
    type_vocab_size: 2,
    layer_norm_eps: 1e-12,
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
  };
  if (o.numLabels) {
    config.num_labels = o.numLabels;
    config.id2label = Object.fromEntries(Array.from({ length: o.numLabels }, (_, i) => [String(i), `LABEL_${i}`]));
  }
  return config;
}

/** The vocabulary a tiny checkpoint gets: TINY_VOCAB + vocabWords (deduplicated), padded to vocabSize. */
export function tinyVocab(vocabWords: readonly string[] = [], vocabSize = 0): string[] {
  const vocab = [...TINY_VOCAB];
  const seen = new Set(vocab);
  for (const w of vocabWords) if (!seen.has(w)) (seen.add(w), vocab.push(w));
  for (let i = 1; vocab.length < vocabSize; i++) if (!seen.has(`[unused${i}]`)) vocab.push(`[unused${i}]`);
  return vocab;
}
