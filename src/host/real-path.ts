/**
 * Containment checks on real paths (every symlink resolved), shared by the desktop app's "Show in
 * folder" (reveal.ts) and serve mode's static files and export downloads: a link inside an allowed
 * folder that points elsewhere must not make that elsewhere reachable.
 *
 * Node only, never electron.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';

/** True when `child` lies strictly inside `parent` (both absolute, already resolved). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * The real path of `file` when it exists and, with every link resolved, lies strictly inside the
 * real path of `root`; undefined otherwise (missing, or a link out of `root`).
 */
export async function realPathInside(root: string, file: string): Promise<string | undefined> {
  const [realRoot, real] = await Promise.all([
    realpath(root).catch(() => undefined),
    realpath(file).catch(() => undefined),
  ]);
  return realRoot && real && isInside(realRoot, real) ? real : undefined;
}
