/**
 * onnxruntime inputs for a BERT model.onnx (exportBertToOnnx's input_ids, attention_mask,
 * token_type_ids) from texts, padded only to the longest row of the batch.
 */
import { idsTensor, type ort } from '../../backend/onnx-runtime';
import type { WordPieceTokenizer } from '../wordpiece';

export function bertFeeds(tokenizer: WordPieceTokenizer, texts: readonly string[], maxLen: number): Record<string, ort.Tensor> {
  const encs = texts.map((t) => tokenizer.encode(t, maxLen));
  const n = texts.length;
  const T = Math.max(1, ...encs.map((e) => e.length));
  const ids = new Int32Array(n * T);
  const mask = new Int32Array(n * T);
  encs.forEach((e, i) => {
    ids.set(e.inputIds.subarray(0, T), i * T);
    mask.set(e.attentionMask.subarray(0, T), i * T);
  });
  return { input_ids: idsTensor(ids, n, T), attention_mask: idsTensor(mask, n, T), token_type_ids: idsTensor(new Int32Array(n * T), n, T) };
}
