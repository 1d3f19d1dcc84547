/** Evaluate a model folder on a labeled file: labels are checked against the model's schema. */
import type { Metrics } from '../../shared/metrics';
import type { LabelSchema } from '../../shared/task';
import { readCorpus } from '../data/read-corpus';
import { loadModelFolder } from '../export/model-folder';
import { openPredictor, predictAll } from '../predict/predictor';
import { encodeDocs } from './encode-docs';
import { scoreProbs } from './score';

export interface EvalOptions {
  model: string;
  data: string;
  textCol?: string;
  labelCol?: string;
  encoding?: string;
  engine?: 'onnx' | 'tfjs' | 'auto';
}

export async function runEvalJob(o: EvalOptions): Promise<{ metrics: Metrics; n: number; engine: string; schema: LabelSchema }> {
  const model = await loadModelFolder(o.model);
  const corpus = await readCorpus(o.data, { textCol: o.textCol, labelCol: o.labelCol, encoding: o.encoding, requireLabels: true, dedupe: false });
  const docs = corpus.docs.filter((d) => d.labels.length > 0);
  const schema: LabelSchema = { task: model.config.task, labels: model.config.labels };
  const set = encodeDocs(docs, model.pipeline, schema, o.data);
  const predictor = await openPredictor(model, o.engine);
  try {
    const probs = await predictAll(predictor, set.ids, set.n, set.T, schema.labels.length);
    return { metrics: scoreProbs(probs, set, schema, model.config.threshold), n: set.n, engine: predictor.engine, schema };
  } finally {
    await predictor.dispose();
  }
}
