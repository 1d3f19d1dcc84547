/** What the Import view reads and writes: the keys an import is planned against, and the import itself (all or nothing). */
import { existingKeys } from '../db/docs-repo';
import { runImport, type ImportProgress } from '../db/import-repo';
import type { ImportPlan } from '../db/logic';

/** Ids and dedupe keys of the project's documents, to plan an import against. */
export function importedKeys(
  projectId: string,
): Promise<{ ids: Set<string>; texts: Set<string>; missingText: Set<string> }> {
  return existingKeys(projectId);
}

/** Writes the planned rows (db/import-repo.ts runImport: rolled back on any error). */
export function importPlanned(
  projectId: string,
  fileName: string,
  plan: ImportPlan,
  onProgress?: (p: ImportProgress) => void,
): Promise<void> {
  return runImport(projectId, fileName, plan, onProgress);
}
