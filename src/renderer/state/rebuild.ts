/** What the rebuild dialog does: start from an empty database, rebuild a project from its journal or an automatic backup. */
import type { BackupInfo, DistilleryApi, LabelEvent, ProjectMeta } from '../../shared/api';
import { restoreAutoBackup } from '../db/backup-repo';
import { resetDatabase } from '../db/open-databases';
import { syncProjects } from '../db/projects-repo';
import { rebuildFromJournal } from '../db/rebuild-repo';
import type { ProjectRow } from '../db/types';

type Rebuilt = Pick<ProjectRow, 'id' | 'task' | 'labels' | 'strategy'>;

/** Deletes the database that cannot be opened and opens an empty one. */
export function startDatabaseAfresh(): Promise<void> {
  return resetDatabase();
}

/** The projects' rows back in the fresh database (local settings from `projects`). */
export function putProjectsBack(projects: ProjectMeta[]): Promise<ProjectRow[]> {
  return syncProjects(projects);
}

/** The project's labels (and the texts the journal carries) back from the journal's events. */
export function rebuildProjectFromJournal(
  p: Rebuilt,
  events: LabelEvent[],
): Promise<{ restored: number; created: number }> {
  return rebuildFromJournal(p, events);
}

/** The project back from an automatic backup plus the journal events written since. */
export function rebuildProjectFromBackup(
  api: DistilleryApi,
  p: Rebuilt,
  b: Pick<BackupInfo, 'name' | 'journalEvents'>,
): Promise<{ restored: number; created: number; replayed: number }> {
  return restoreAutoBackup(api, p, b);
}
