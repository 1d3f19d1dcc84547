/**
 * What a training job receives from the documents: each labeled document's FINAL labels (DocRow.labels,
 * kept by shared/consensus.ts: a reviewer's adjudication, else the annotators' unanimous or majority
 * labels), with its origin and gold flag.
 *
 * A document still in dispute (annotators disagree, nobody adjudicated: rule 'latest', agree false)
 * is trained on with the most recent annotator's labels, as a single-annotator project always was:
 * leaving it out would silently shrink the training set while a review is pending, and the Adjudicate
 * view shows how many documents this concerns. The gold set (db/gold.ts) reads the same labels.
 */
import type { JobRequest } from '../../shared/api';
import { inGold, labelOrigin } from './gold';
import type { DocRow } from './types';

export function trainingRows(docs: readonly DocRow[]): JobRequest['docs']['labeled'] {
  return docs
    .filter((d) => d.labels.length)
    .map((d) => ({
      id: d.id,
      text: d.text,
      labels: d.labels,
      source: labelOrigin(d),
      ...(inGold(d) ? { gold: true } : {}),
    }));
}
