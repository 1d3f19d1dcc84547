/**
 * The audit's review queue (issue #10 item 6), pure: which suspects are still to decide, and the
 * labels a decision sets. Both decisions are recorded as the reviewer's 'adjudicate' event
 * (db/adjudicate.ts): "keep" with the document's current final labels, "relabel" with the
 * suggested ones. An adjudication rather than a 'label' or 'correct' event, because in a shared
 * project a reviewer's own label would count as one more annotator — it would change the agreement
 * figures and, where it differs from the annotator's, open a dispute instead of settling the
 * question. An adjudication is final under shared/consensus.ts, journaled, and withdrawable.
 */
import type { LabelAuditResult } from '../../shared/api';
import { sameLabels } from '../db/logic';
import type { DocRow } from '../db/types';

export type Suspect = LabelAuditResult['suspects'][number];
export type SuspectChoice = 'keep' | 'relabel';

const asList = (x: string | readonly string[]): string[] => (typeof x === 'string' ? [x] : [...x]);

/** The labels a decision makes final: the document's current ones (keep) or the audit's suggestion (relabel). */
export function decisionLabels(s: Suspect, doc: Pick<DocRow, 'labels'>, choice: SuspectChoice): string[] {
  return choice === 'keep' ? [...doc.labels] : asList(s.suggested);
}

/**
 * Suspects still to review, in the audit's order (lowest label quality first): the document still
 * carries the label the audit questioned and no reviewer decided on it since the audit ran.
 */
export function openSuspects(
  suspects: readonly Suspect[],
  docs: ReadonlyMap<string, DocRow>,
  auditAt: string,
): { suspect: Suspect; doc: DocRow }[] {
  const out: { suspect: Suspect; doc: DocRow }[] = [];
  for (const s of suspects) {
    const doc = docs.get(s.id);
    if (!doc || !sameLabels(doc.labels, asList(s.label))) continue;
    if (doc.finalRule === 'adjudicated' && (doc.at ?? '') >= auditAt) continue;
    out.push({ suspect: s, doc });
  }
  return out;
}
