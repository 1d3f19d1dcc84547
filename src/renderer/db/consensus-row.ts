/**
 * A document row's labels from its events when several people label it: each annotator's labels,
 * the final labels and the rule that made them, all from shared/consensus.ts (one function decides
 * what is final, here and in the journal's consumers). Pure: repo writes apply the patch.
 */
import { finalLabel, perAnnotator } from '../../shared/consensus';
import type { LabelEvent } from '../../shared/label-event';
import { labelPatch } from './logic';
import type { DocRow } from './types';

/** The fields of a document row that its events (journal order) decide: final labels with provenance, byAnnotator, finalRule, agree. */
export function consensusPatch(events: readonly LabelEvent[], schema: readonly string[]): Partial<DocRow> {
  const f = finalLabel(events);
  const byAnnotator: NonNullable<DocRow['byAnnotator']> = {};
  for (const [who, a] of perAnnotator(events)) byAnnotator[who] = { labels: a.labels, source: a.source, at: a.at };
  const from = f.from;
  const patch = labelPatch(f.labels, { source: from?.source ?? 'human', who: from?.who ?? '', at: from?.at ?? '', modelVersion: from?.modelVersion }, schema);
  return { ...patch, byAnnotator, finalRule: f.rule, agree: f.agree };
}
