/** Documents → the trainer's encoded sets (ids + class targets), checking labels against the schema. */
import { InputError } from '../../shared/errors';
import type { LabelSchema } from '../../shared/task';
import type { CorpusDoc } from '../data/read-corpus';
import type { TextPipeline } from '../text/pipeline';
import type { EncodedSet } from '../train/trainer';

/** Class index per label name; a name outside the schema is an error naming file and line. */
export function labelIndexer(schema: LabelSchema, file: string) {
  const index = new Map(schema.labels.map((l, i) => [l, i]));
  return (label: string, doc: CorpusDoc): number => {
    const i = index.get(label);
    if (i === undefined) {
      throw new InputError(
        'LABEL_UNKNOWN',
        `${file}:${doc.line}: label "${label}" is not in the model's labels (${schema.labels.join(', ')})`,
        {
          file,
          line: doc.line,
          field: 'label',
        },
      );
    }
    return i;
  };
}

export function encodeDocs(
  docs: CorpusDoc[],
  pipeline: TextPipeline,
  schema: LabelSchema,
  file: string,
  teacher?: Float32Array,
): EncodedSet {
  const C = schema.labels.length;
  const idx = labelIndexer(schema, file);
  const multi = schema.task === 'multilabel';
  const hard = multi ? new Float32Array(docs.length * C) : new Int32Array(docs.length);
  docs.forEach((d, i) => {
    if (multi) {
      if (d.labels.length === 0) hard.fill(NaN, i * C, (i + 1) * C);
      for (const l of d.labels) hard[i * C + idx(l, d)] = 1;
    } else {
      if (d.labels.length > 1) {
        throw new InputError('LABEL_UNKNOWN', `${file}:${d.line}: ${d.labels.length} labels on a single-label task`, {
          file,
          line: d.line,
        });
      }
      hard[i] = d.labels.length ? idx(d.labels[0], d) : -1;
    }
  });
  return { ids: pipeline.encodeBatch(docs.map((d) => d.text)), n: docs.length, T: pipeline.maxLen, hard, teacher };
}
