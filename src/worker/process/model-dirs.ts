/**
 * Model version folders of a project: a free version name, the files of a finished folder, and the
 * clean-up of what a killed worker left (`.partial-<pid>-<version>` folders and their data snapshots).
 */
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { modelVersionId } from '../../shared/worker-protocol';

/** Every file under `dir`, sorted. */
export async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

export async function freeVersion(
  modelsDir: string,
  datasetsDir: string,
  prefix: string,
  arch: string,
): Promise<string> {
  const base = modelVersionId(prefix, arch);
  for (let k = 1; ; k++) {
    const v = k === 1 ? base : `${base}-${k}`;
    if (!existsSync(path.join(modelsDir, v)) && !existsSync(path.join(datasetsDir, `${v}.jsonl`))) return v;
  }
}

/**
 * Removes what a killed worker left: `.partial-<pid>-<version>` folders of processes that are gone
 * (or of this one: it runs one job at a time) and the data snapshots of those versions.
 */
export async function sweepStale(modelsDir: string, datasetsDir?: string): Promise<void> {
  for (const name of await readdir(modelsDir).catch(() => [] as string[])) {
    const m = /^\.partial-(\d+)-(.+)$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && alive(pid)) continue;
    await rm(path.join(modelsDir, name), { recursive: true, force: true });
    if (datasetsDir && !existsSync(path.join(modelsDir, m[2])))
      await rm(path.join(datasetsDir, `${m[2]}.jsonl`), { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
