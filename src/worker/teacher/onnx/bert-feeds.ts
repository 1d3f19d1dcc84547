/**
 * onnxruntime inputs for a BERT model.onnx (exportBertToOnnx's input_ids, attention_mask,
 * token_type_ids) from texts, padded only to the longest row of the batch.
 */
import { idsTensor, type ort } from '../../backend/onnx-runtime';
import type { WordPieceTokenizer } from '../tokenize/wordpiece';

/** A batch of texts as word-piece ids and attention mask, n rows of T. */
export interface BertBatch {
  ids: Int32Array;
  mask: Int32Array;
  n: number;
  T: number;
}

export function bertEncode(tokenizer: WordPieceTokenizer, texts: readonly string[], maxLen: number): BertBatch {
  const encs = texts.map((t) => tokenizer.encode(t, maxLen));
  const n = texts.length;
  const T = Math.max(1, ...encs.map((e) => e.length));
  const ids = new Int32Array(n * T);
  const mask = new Int32Array(n * T);
  encs.forEach((e, i) => {
    ids.set(e.inputIds.subarray(0, T), i * T);
    mask.set(e.attentionMask.subarray(0, T), i * T);
  });
  return { ids, mask, n, T };
}

/** Fresh tensors on every call (a session may hold on to the ones it ran). */
export function bertFeedsOf(b: BertBatch): Record<string, ort.Tensor> {
  return {
    input_ids: idsTensor(b.ids, b.n, b.T),
    attention_mask: idsTensor(b.mask, b.n, b.T),
    token_type_ids: idsTensor(new Int32Array(b.n * b.T), b.n, b.T),
  };
}

export function bertFeeds(
  tokenizer: WordPieceTokenizer,
  texts: readonly string[],
  maxLen: number,
): Record<string, ort.Tensor> {
  return bertFeedsOf(bertEncode(tokenizer, texts, maxLen));
}
