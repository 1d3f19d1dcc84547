/** Project rows: the backend's project list merged into local settings, patches, the queue strategy. */
import type { ProjectMeta } from '../../shared/api';
import { queueScore, type Strategy } from '../queue/strategies';
import { bulkDb, strictDb } from './schema';
import type { ProjectRow } from './types';

/** Merges the backend's project list into the local rows (local settings kept). */
export async function syncProjects(metas: ProjectMeta[]): Promise<ProjectRow[]> {
  return strictDb.transaction('rw', strictDb.projects, async () => {
    const out: ProjectRow[] = [];
    for (const m of metas) {
      const prev = await strictDb.projects.get(m.id);
      // overlap from the server even when absent: routing turned off in another browser is off here too.
      const row: ProjectRow = { strategy: 'random', ...prev, ...m, overlap: m.overlap };
      await strictDb.projects.put(row);
      out.push(row);
    }
    return out;
  });
}

/**
 * Changes some fields of a project row and returns the row as stored. A patch, never a whole row:
 * two settings saved close together (the strategy while the live loop's N is saved, a finished job's
 * teacher while the gold share is saved) must not overwrite each other from stale copies.
 */
export async function patchProject(id: string, changes: Partial<ProjectRow>): Promise<ProjectRow | undefined> {
  return strictDb.transaction('rw', strictDb.projects, async () => {
    await strictDb.projects.update(id, changes);
    return strictDb.projects.get(id);
  });
}

export async function getProject(id: string): Promise<ProjectRow | undefined> {
  return strictDb.projects.get(id);
}

/** Re-orders the whole queue under a new strategy. */
export async function setStrategy(p: ProjectRow, strategy: Strategy): Promise<void> {
  await strictDb.projects.update(p.id, { strategy });
  await bulkDb.docs
    .where('projectId')
    .equals(p.id)
    .modify((d) => {
      d.queueScore = queueScore(strategy, d.id, d.probs, p.task);
    });
}
