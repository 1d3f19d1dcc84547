/** Evaluate a model folder on a labeled file: labels are checked against the model's schema. */
import { ModelFolderError } from '../../shared/errors';
import type { Metrics } from '../../shared/metrics';
import type { LabelSchema } from '../../shared/task';
import { readCorpus } from '../data/read-corpus';
import { loadModelFolder } from '../export/model-folder';
import { openPredictor, predictAll } from '../predict/predictor';
import { encodeDocs } from './encode-docs';
import { scoreProbs } from '../train/score';

export interface EvalOptions {
  /** One model folder, or several: their probabilities are averaged (an ensemble). */
  model: string | string[];
  data: string;
  textCol?: string;
  labelCol?: string;
  encoding?: string;
  engine?: 'onnx' | 'tfjs' | 'auto';
}

export async function runEvalJob(
  o: EvalOptions,
): Promise<{ metrics: Metrics; n: number; engine: string; schema: LabelSchema }> {
  const dirs = Array.isArray(o.model) ? o.model : [o.model];
  const models = [];
  for (const dir of dirs) models.push(await loadModelFolder(dir));
  const first = models[0];
  const schema: LabelSchema = { task: first.config.task, labels: first.config.labels };
  if (models.some((m) => m.config.labels.join('\u0000') !== schema.labels.join('\u0000'))) {
    throw new ModelFolderError(`ensemble members have different labels: ${dirs.join(', ')}`, {});
  }
  const corpus = await readCorpus(o.data, {
    textCol: o.textCol,
    labelCol: o.labelCol,
    encoding: o.encoding,
    requireLabels: true,
    dedupe: false,
  });
  const docs = corpus.docs.filter((d) => d.labels.length > 0);
  const C = schema.labels.length;
  let avg: Float32Array | undefined;
  let set;
  let engine = '';
  for (const m of models) {
    // Each member has its own tokenizer, so each encodes the documents itself.
    set = encodeDocs(docs, m.pipeline, schema, o.data);
    const predictor = await openPredictor(m, o.engine);
    engine = predictor.engine;
    try {
      const probs = await predictAll(predictor, set.ids, set.n, set.T, C);
      avg ??= new Float32Array(probs.length);
      for (let i = 0; i < probs.length; i++) avg[i] += probs[i] / models.length;
    } finally {
      await predictor.dispose();
    }
  }
  return { metrics: scoreProbs(avg!, set!, schema, first.config.threshold), n: set!.n, engine, schema };
}
