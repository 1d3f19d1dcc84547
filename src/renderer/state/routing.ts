/** Saving a project's team routing (shared/routing.ts): in project.json, so every browser of the team routes alike. */
import type { OverlapSetting } from '../../shared/routing';
import type { ProjectRow } from '../db/types';
import { patchLocalProject, updateProject } from './app';

/** Saves the overlap setting (undefined turns routing off) and shows the stored project. */
export async function saveOverlap(p: ProjectRow, overlap: OverlapSetting | undefined): Promise<void> {
  await updateProject({ ...p, overlap });
  // updateProject's answer has no `overlap` when it was turned off: the local row must lose it too.
  await patchLocalProject(p.id, { overlap });
}
