/** What the Train view's advanced settings read and write of the gold set (db/gold-repo.ts). */
import { goldDocs, updateGoldSet } from '../db/gold-repo';
import type { ProjectRow } from '../db/types';

export async function goldSetSize(projectId: string): Promise<number> {
  return (await goldDocs(projectId)).length;
}

/** Grows the gold set to the project's fraction and cap; returns how many documents it drew (journaled). */
export function drawGoldSet(p: Pick<ProjectRow, 'id' | 'goldFraction' | 'goldCap'>): Promise<number> {
  return updateGoldSet(p);
}
