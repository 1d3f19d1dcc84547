/**
 * The contract shared by the teacher's loader, its tfjs encoder, its ONNX exporter and the float64
 * reference: a BERT config (Hugging Face config.json fields) and weights keyed by canonical
 * Hugging Face names, PyTorch layouts (Linear weights are [out, in]).
 *
 * Canonical names (prefix "bert." stripped; old "gamma"/"beta" renamed to "weight"/"bias"):
 *   embeddings.word_embeddings.weight [V, H]      embeddings.position_embeddings.weight [P, H]
 *   embeddings.token_type_embeddings.weight [2, H] embeddings.LayerNorm.{weight,bias} [H]
 *   encoder.layer.{i}.attention.self.{query,key,value}.{weight [H, H], bias [H]}
 *   encoder.layer.{i}.attention.output.dense.{weight [H, H], bias}
 *   encoder.layer.{i}.attention.output.LayerNorm.{weight,bias}
 *   encoder.layer.{i}.intermediate.dense.{weight [I, H], bias [I]}
 *   encoder.layer.{i}.output.dense.{weight [H, I], bias [H]}
 *   encoder.layer.{i}.output.LayerNorm.{weight,bias}
 *   pooler.dense.{weight [H, H], bias}              (optional: without it, [CLS] goes straight to the classifier)
 *   classifier.{weight [C, H], bias [C]}            (sequence classification head)
 * Forward (BertForSequenceClassification): x = LN(word[ids] + pos[0..T) + type[types]);
 * per layer: a = LN(x + Attn(x)), x = LN(a + W2·gelu(W1·a)), attention masked by attention_mask
 * (masked keys get −10000 added before softmax, as Hugging Face does);
 * pooled = tanh(pooler(x[:, 0])) (or x[:, 0]); logits = classifier(pooled). gelu = exact (erf) gelu.
 */
export interface BertConfig {
  model_type?: string;
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  hidden_act: string;
  max_position_embeddings: number;
  type_vocab_size: number;
  layer_norm_eps: number;
  hidden_dropout_prob?: number;
  attention_probs_dropout_prob?: number;
  /** Classification head size, when the folder holds a fine-tuned classifier. */
  num_labels?: number;
  id2label?: Record<string, string>;
}

export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

export type BertWeights = Record<string, WeightTensor>;

/** Hugging Face checkpoint name → canonical name (see above); null for weights the teacher ignores. */
export function canonicalBertName(name: string): string | null {
  let n = name.replace(/^bert\./, '');
  if (/^(cls\.|lm_head\.)/.test(n)) return null; // pre-training heads (MLM/NSP) are not the classifier
  n = n.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias');
  if (n.endsWith('position_ids')) return null;
  return n;
}

/**
 * Every weight the contract names, with its shape. The classifier is included when `numLabels`
 * (default: config.num_labels) is known; the pooler unless `pooler` is false.
 */
export function bertWeightShapes(
  config: BertConfig,
  opts: { numLabels?: number; pooler?: boolean } = {},
): Record<string, number[]> {
  const H = config.hidden_size;
  const I = config.intermediate_size;
  const s: Record<string, number[]> = {
    'embeddings.word_embeddings.weight': [config.vocab_size, H],
    'embeddings.position_embeddings.weight': [config.max_position_embeddings, H],
    'embeddings.token_type_embeddings.weight': [config.type_vocab_size, H],
    'embeddings.LayerNorm.weight': [H],
    'embeddings.LayerNorm.bias': [H],
  };
  for (let l = 0; l < config.num_hidden_layers; l++) {
    const p = `encoder.layer.${l}.`;
    for (const n of ['query', 'key', 'value']) {
      s[`${p}attention.self.${n}.weight`] = [H, H];
      s[`${p}attention.self.${n}.bias`] = [H];
    }
    s[`${p}attention.output.dense.weight`] = [H, H];
    s[`${p}attention.output.dense.bias`] = [H];
    s[`${p}attention.output.LayerNorm.weight`] = [H];
    s[`${p}attention.output.LayerNorm.bias`] = [H];
    s[`${p}intermediate.dense.weight`] = [I, H];
    s[`${p}intermediate.dense.bias`] = [I];
    s[`${p}output.dense.weight`] = [H, I];
    s[`${p}output.dense.bias`] = [H];
    s[`${p}output.LayerNorm.weight`] = [H];
    s[`${p}output.LayerNorm.bias`] = [H];
  }
  if (opts.pooler !== false) {
    s['pooler.dense.weight'] = [H, H];
    s['pooler.dense.bias'] = [H];
  }
  const C = opts.numLabels ?? config.num_labels;
  if (C) {
    s['classifier.weight'] = [C, H];
    s['classifier.bias'] = [C];
  }
  return s;
}
