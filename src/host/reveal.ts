/**
 * Which files "Show in folder" (the desktop app's shell.showItemInFolder, src/main/ipc.ts) may
 * reveal: only files the app wrote — inside one of the project folders (exports, models, backups,
 * the journal), or a file an export call returned this session. The path is resolved through
 * symlinks first, so a link inside a project folder that points elsewhere is refused, as are
 * relative paths, `..` tricks and files that do not exist.
 *
 * Node only, never electron (eslint.config.js): the check is tested without the binary.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { DistilleryError } from '../shared/errors';
import { isInside } from './real-path';

export interface RevealScope {
  /** The project folders (ProjectMeta.folder). */
  folders: readonly string[];
  /** Files the app's exports returned this session (absolute paths). */
  written?: ReadonlySet<string>;
}

const MAX_PATH = 4096;

function refused(why: string): DistilleryError {
  return new DistilleryError('CONFIG', `Show in folder refused: ${why}`, { field: 'file', status: 403 });
}

/** The real path of `file` when the scope allows revealing it; a DistilleryError otherwise. */
export async function revealablePath(file: unknown, scope: RevealScope): Promise<string> {
  if (typeof file !== 'string' || file === '' || file.length > MAX_PATH || file.includes('\0'))
    throw refused('it needs the path of a file');
  if (!path.isAbsolute(file)) throw refused(`not an absolute path: ${JSON.stringify(file.slice(0, 200))}`);
  let real: string;
  try {
    real = await realpath(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new DistilleryError('NOT_FOUND', `no such file: ${file}`, { field: 'file' });
    throw e;
  }
  if (scope.written?.has(real) || scope.written?.has(path.resolve(file))) {
    // A file an export wrote, still a file of its own (not swapped for a link to elsewhere).
    if (real === path.resolve(file)) return real;
  }
  for (const folder of scope.folders) {
    if (typeof folder !== 'string' || !path.isAbsolute(folder)) continue;
    const root = await realpath(folder).catch(() => undefined);
    if (root && isInside(root, real)) return real;
  }
  throw refused(`${file} is not a file the app wrote in a project folder`);
}
