/**
 * One project's rows of the database as a dexie-export-import JSON blob: the manual backup's and the
 * automatic backups' format. Used on the page (db/backup-repo.ts) and in the backup worker, which runs the
 * same export off the page's thread for automatic backups.
 */
import type Dexie from 'dexie';
import { exportDB } from 'dexie-export-import';

export function exportProject(db: Dexie, projectId: string): Promise<Blob> {
  return exportDB(db, {
    filter: (table, value: unknown) => {
      const v = value as { id?: string; projectId?: string };
      return table === 'projects' ? v.id === projectId : v.projectId === projectId;
    },
    numRowsPerChunk: 2000,
  });
}
