/** What the Export view does with backups: one project's rows to a file, and a file restored over them. */
import { backupProject, checkBackup, clearProjectRows, restoreBackup } from '../db/backup-repo';

/** One project's rows as a dexie-export-import JSON blob. */
export function projectBackup(projectId: string): Promise<Blob> {
  return backupProject(projectId);
}

/** Checks the file is a backup of this database, then replaces the project's rows with its rows. */
export async function restoreProjectBackup(projectId: string, file: Blob): Promise<void> {
  await checkBackup(file);
  await clearProjectRows(projectId);
  await restoreBackup(file);
}
