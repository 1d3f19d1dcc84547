/** Labeled counts per label for the Train view and its simulation panel (db/docs-repo.ts progress). */
import { progress } from '../db/docs-repo';
import type { LabelProgress } from '../db/logic';
import type { ProjectRow } from '../db/types';

export function labelProgress(p: Pick<ProjectRow, 'id' | 'labels'>): Promise<LabelProgress> {
  return progress(
    p.id,
    p.labels.map((l) => l.name),
  );
}
