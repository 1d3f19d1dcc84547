/**
 * Writes an output folder all at once: `fill` writes into a fresh `<outDir>.partial-<pid>` beside
 * it, and only when it succeeds does the result take outDir's place. On failure the partial folder
 * is removed, so a crash or error never leaves a half-written model or export under outDir's name.
 */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * 'replace': outDir is removed and the new folder renamed into place (folders the app owns, such as
 * exports). 'merge': outDir may hold other files (a user's --out folder): a missing outDir is
 * renamed into place in one step, an existing one only has the entries `fill` wrote replaced.
 */
export type PublishMode = 'replace' | 'merge';

export async function publishFolder<T>(
  outDir: string,
  fill: (partial: string) => Promise<T>,
  mode: PublishMode,
): Promise<T> {
  const partial = `${outDir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    const result = await fill(partial);
    if (mode === 'replace' || !(await isDirectory(outDir))) {
      await rm(outDir, { recursive: true, force: true });
      await rename(partial, outDir);
    } else {
      for (const name of await readdir(partial)) {
        await rm(path.join(outDir, name), { recursive: true, force: true });
        await rename(path.join(partial, name), path.join(outDir, name));
      }
      await rm(partial, { recursive: true, force: true });
    }
    return result;
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}
