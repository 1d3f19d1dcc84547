/**
 * A dedicated worker that exports one project (exportProject) from its own connection to the
 * database, so that an automatic backup of a large project does not hold up the page: serialising
 * 100,000 documents takes seconds. Message in: {projectId}; out: {ok: true, blob} | {ok: false, error}.
 * The page starts one per backup and ends it afterwards (see exportInWorker in db/backup-repo.ts).
 */
import { exportProject } from './project-export';
import { DistilleryDB } from './schema';

interface Scope {
  onmessage: ((e: MessageEvent<{ projectId: string }>) => void) | null;
  postMessage(m: unknown): void;
}
const scope = self as unknown as Scope;

scope.onmessage = async (e) => {
  const db = new DistilleryDB('relaxed');
  try {
    const blob = await exportProject(db, e.data.projectId);
    scope.postMessage({ ok: true, blob });
  } catch (err) {
    scope.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  } finally {
    db.close();
  }
};
