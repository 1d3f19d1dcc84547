/** What the Review view reads and writes: pre-labels to review, least confident first, and accepting them in bulk. */
import { countReviewable, reviewHead } from '../db/docs-repo';
import { bulkAccept } from '../db/labels-repo';
import type { DocRow, ProjectRow } from '../db/types';

/** Pre-labels waiting for review: all of them, and those with confidence ≥ minConfidence. */
export function countPreLabels(projectId: string, minConfidence: number): Promise<{ all: number; above: number }> {
  return countReviewable(projectId, minConfidence);
}

export function nextToReview(projectId: string, n: number, exclude: ReadonlySet<string>): Promise<DocRow[]> {
  return reviewHead(projectId, n, exclude);
}

/** Accepts every pending pre-label with confidence ≥ threshold; returns how many. */
export function acceptPreLabelsAbove(proj: ProjectRow, threshold: number, who: string): Promise<number> {
  return bulkAccept(
    proj.id,
    threshold,
    who,
    proj.labels.map((l) => l.name),
  );
}
