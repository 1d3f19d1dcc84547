/**
 * A document row's labels from its events when several people label it: each annotator's labels,
 * the final labels and the rule that made them, all from shared/consensus.ts (one function decides
 * what is final, here and in the journal's consumers). Pure: repo writes apply the patch.
 */
import type { LabelEvent } from '../../shared/label-event';
import { docConsensus } from './replica';
import type { DocRow } from './types';

/** The fields of a document row that its events (journal order) decide: final labels with provenance, byAnnotator, finalRule, agree (replica.ts docConsensus). */
export function consensusPatch(events: readonly LabelEvent[], schema: readonly string[]): Partial<DocRow> {
  const { final, consensus } = docConsensus(events, schema);
  return { ...final, ...consensus };
}
