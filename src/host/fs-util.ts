/**
 * File helpers for the host services: atomic writes (temp file, fsync, rename, fsync of the
 * folder) and the mapping of a full disk to a clear DISK_FULL error. Every file operation goes
 * through `HostFs`, so that tests can inject failures (ENOSPC, EIO) without filling a disk.
 */
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { DistilleryError } from '../shared/errors';

/** The subset of node:fs/promises the services use. */
export interface HostFs {
  open(file: string, flags: string, mode?: number): Promise<HostFileHandle>;
  readFile(file: string, encoding: 'utf8'): Promise<string>;
  readFileBytes(file: string): Promise<Buffer>;
  /** Bytes [start, end) of a file (fewer where it ends sooner). */
  readRange(file: string, start: number, end: number): Promise<Buffer>;
  rename(from: string, to: string): Promise<void>;
  rm(file: string, opts?: { recursive?: boolean; force?: boolean }): Promise<void>;
  mkdir(dir: string, opts: { recursive: true }): Promise<unknown>;
  readdir(dir: string): Promise<string[]>;
  stat(file: string): Promise<{ size: number; mtimeMs?: number; isDirectory(): boolean; isFile(): boolean }>;
}

export interface HostFileHandle {
  write(buf: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  truncate(len: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

export const nodeFs: HostFs = {
  open: (f, flags, mode) => fsp.open(f, flags, mode) as Promise<HostFileHandle>,
  readFile: (f, enc) => fsp.readFile(f, enc),
  readFileBytes: (f) => fsp.readFile(f),
  readRange: async (f, start, end) => {
    const h = await fsp.open(f, 'r');
    try {
      const buf = Buffer.alloc(Math.max(0, end - start));
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await h.read(buf, got, buf.length - got, start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return buf.subarray(0, got);
    } finally {
      await h.close();
    }
  },
  rename: (a, b) => fsp.rename(a, b),
  rm: (f, o) => fsp.rm(f, o),
  mkdir: (d, o) => fsp.mkdir(d, o),
  readdir: (d) => fsp.readdir(d),
  stat: (f) => fsp.stat(f),
};

export const isErrno = (e: unknown, code: string): boolean => (e as NodeJS.ErrnoException)?.code === code;

/** ENOSPC / EDQUOT → DISK_FULL with `what` in the message; other errors pass through. */
export function diskError(e: unknown, what: string, file: string): unknown {
  if (isErrno(e, 'ENOSPC') || isErrno(e, 'EDQUOT')) {
    return new DistilleryError(
      'DISK_FULL',
      `the disk is full: ${what} was not saved (nothing partial was written to ${path.basename(file)}); free some space and try again`,
      {
        file,
      },
    );
  }
  return e;
}

/** Writes every byte (write() may write fewer than asked). */
export async function writeAll(h: HostFileHandle, buf: Uint8Array, position: number | null): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await h.write(buf, off, buf.length - off, position === null ? null : position + off);
    if (bytesWritten <= 0) throw Object.assign(new Error('write returned 0 bytes'), { code: 'EIO' });
    off += bytesWritten;
  }
}

let tmpCounter = 0;

/**
 * Replaces `file` with `data` atomically: readers see the old or the new content, never a mix.
 * `data` may be chunks (a stream), written as they come, so that a large file is never in memory.
 */
export async function writeFileAtomic(
  fs: HostFs,
  file: string,
  data: string | Uint8Array | AsyncIterable<Uint8Array>,
  what = path.basename(file),
): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${++tmpCounter}`;
  let h: HostFileHandle | undefined;
  try {
    h = await fs.open(tmp, 'w', 0o644);
    if (typeof data === 'string' || data instanceof Uint8Array)
      await writeAll(h, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, 0);
    else {
      let position = 0;
      for await (const chunk of data) {
        await writeAll(h, chunk, position);
        position += chunk.length;
      }
    }
    await h.sync();
    await h.close();
    h = undefined;
    await fs.rename(tmp, file);
  } catch (e) {
    await h?.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw diskError(e, what, file);
  }
  await syncDir(fs, path.dirname(file));
}

/** fsync of a folder makes a rename durable (where the platform allows opening folders). */
export async function syncDir(fs: HostFs, dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let h: HostFileHandle | undefined;
  try {
    h = await fs.open(dir, 'r');
    await h.sync();
  } catch {
    // Some file systems refuse; the data itself was fsynced.
  } finally {
    await h?.close().catch(() => {});
  }
}

/** A promise queue per key: operations on one key run one after another. */
export class KeyedMutex {
  private tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
