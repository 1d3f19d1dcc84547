/**
 * The Adjudicate view's lists, pure: documents annotators disagree on, the work of annotators who
 * agree little with the others, and the agreement report over every annotator's labels
 * (shared/agreement-report.ts) — all read from the rows' byAnnotator (shared/consensus.ts contract).
 */
import { agreementReport, type AgreementReport, type Rating } from '../../shared/agreement-report';
import type { TaskType } from '../../shared/task';
import { compareIds } from '../db/logic';
import type { DocRow } from '../db/types';

export type AnnotatorLabels = NonNullable<DocRow['byAnnotator']>;

/**
 * Each annotator's labels on a document. A row written before labels were kept per annotator has
 * only its final labels: they count as the labeler's (`who`) one rating.
 */
export function annotatorsOf(d: Pick<DocRow, 'byAnnotator' | 'labels' | 'source' | 'who' | 'at'>): AnnotatorLabels {
  if (d.byAnnotator) return d.byAnnotator;
  if (!d.labels.length) return {};
  return { [d.who ?? '']: { labels: d.labels, source: d.source ?? 'human', at: d.at ?? '' } };
}

/** One rating per annotator per labeled document: what agreementReport reads. */
export function ratingsOf(docs: readonly DocRow[]): Rating[] {
  const out: Rating[] = [];
  for (const d of docs)
    for (const [annotator, a] of Object.entries(annotatorsOf(d)))
      if (a.labels.length) out.push({ item: d.id, annotator, labels: a.labels });
  return out;
}

/** Agreement over the project's documents (those with two or more annotators carry the numbers). */
export function projectAgreement(docs: readonly DocRow[], task: TaskType, labels: readonly string[]): AgreementReport {
  return agreementReport(ratingsOf(docs), { multiLabel: task === 'multilabel', labels });
}

/**
 * Per-annotator agreement below which an annotator's work is listed for review: Cohen's κ against
 * everyone else below 0.4, under "moderate" on Landis and Koch's scale (0.41–0.60).
 */
export const LOW_AGREEMENT_KAPPA = 0.4;

/** Annotators whose κ against the others is below `threshold` (those with no overlap or an undefined κ are not judged). */
export function lowAgreementAnnotators(report: AgreementReport, threshold = LOW_AGREEMENT_KAPPA): Set<string> {
  return new Set(
    report.annotators
      .filter((a) => a.n_pairs > 0 && a.cohen_kappa !== null && a.cohen_kappa < threshold)
      .map((a) => a.annotator),
  );
}

/** Documents in dispute: annotators disagree and no reviewer decided (consensus rule 'latest'). */
export function inDispute(d: Pick<DocRow, 'agree'>): boolean {
  return d.agree === false;
}

export type ReviewFilter = { kind: 'disputes' } | { kind: 'annotators'; who: ReadonlySet<string> };

/**
 * The documents the reviewer goes through, in id order: those in dispute, or those a listed
 * annotator labeled that no reviewer has decided yet (adjudicated ones are done).
 */
export function reviewList(docs: readonly DocRow[], f: ReviewFilter): DocRow[] {
  const pick =
    f.kind === 'disputes'
      ? inDispute
      : (d: DocRow) =>
          d.finalRule !== 'adjudicated' &&
          Object.entries(annotatorsOf(d)).some(([who, a]) => a.labels.length > 0 && f.who.has(who));
  return docs.filter(pick).sort((a, b) => compareIds(a.id, b.id));
}

export function countInDispute(docs: readonly Pick<DocRow, 'agree'>[]): number {
  return docs.filter(inDispute).length;
}
