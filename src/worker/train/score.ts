/** Probabilities + targets → metrics, for single-label and multi-label tasks. */
import { argmax, multiLabelMetrics, singleLabelMetrics, thresholdProbs, type Metrics } from '../../shared/metrics';
import type { LabelSchema } from '../../shared/task';
import type { EncodedSet } from './train-inputs';

export function scoreProbs(probs: Float32Array, set: EncodedSet, schema: LabelSchema, threshold = 0.5): Metrics {
  const C = schema.labels.length;
  if (schema.task === 'multilabel') {
    const yTrue: number[][] = [];
    const yPred: Uint8Array[] = [];
    for (let i = 0; i < set.n; i++) {
      const row = (set.hard as Float32Array).subarray(i * C, (i + 1) * C);
      if (Number.isNaN(row[0])) continue;
      yTrue.push(Array.from(row));
      yPred.push(thresholdProbs(probs.subarray(i * C, (i + 1) * C), threshold));
    }
    return multiLabelMetrics(yTrue, yPred, schema.labels);
  }
  const yTrue: number[] = [];
  const yPred: number[] = [];
  for (let i = 0; i < set.n; i++) {
    if (set.hard[i] < 0) continue;
    yTrue.push(set.hard[i]);
    yPred.push(argmax(probs.subarray(i * C, (i + 1) * C)));
  }
  return singleLabelMetrics(yTrue, yPred, schema.labels);
}
