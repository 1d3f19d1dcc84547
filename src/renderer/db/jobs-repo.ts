/** Job rows: what was sent to the worker, its state, and whether its result was applied. */
import { strictDb } from './schema';
import type { JobRow } from './types';

export async function saveJob(j: JobRow): Promise<void> {
  await strictDb.jobs.put(j);
}

export async function updateJob(id: string, changes: Partial<JobRow>): Promise<void> {
  await strictDb.jobs.update(id, changes);
}

export async function getJob(id: string): Promise<JobRow | undefined> {
  return strictDb.jobs.get(id);
}

export async function jobsOf(projectId: string): Promise<JobRow[]> {
  const rows = await strictDb.jobs.where('projectId').equals(projectId).toArray();
  return rows.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
}

export async function activeJobs(): Promise<JobRow[]> {
  return strictDb.jobs
    .filter((j) => j.state === 'queued' || j.state === 'running' || (j.state === 'done' && !j.applied))
    .toArray();
}
