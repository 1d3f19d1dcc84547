/**
 * Serve mode's uploads: a large file (a corpus to import, a backup of the browser's database) is
 * streamed to a private temporary folder as it arrives, instead of travelling inside a JSON body
 * that the server would hold in memory several times over. The call that uses it (corpus.parse,
 * backups.save) names it by its id. Each upload is used once; it is deleted after use, after
 * `ttlMs` unused, or when the server stops.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { formatBytes } from '../../shared/bytes';
import { DistilleryError } from '../../shared/errors';

export interface UploadsOptions {
  /** Largest upload. */
  maxBytes: number;
  /** Uploads received but not yet used; more are refused until one is used or expires. */
  maxPending: number;
  /** An unused upload is deleted after this long. */
  ttlMs: number;
  /** Where the uploads folder is made (default: the system's temporary folder). */
  parent?: string;
}

/** Why an upload was refused, with the HTTP status to answer. */
export class UploadRefused extends Error {
  constructor(
    readonly status: 400 | 413 | 429,
    message: string,
  ) {
    super(message);
  }
}

export class Uploads {
  private dir?: Promise<string>;
  private readonly pending = new Map<string, { file: string; timer: NodeJS.Timeout }>();
  private receiving = 0;

  constructor(private readonly o: UploadsOptions) {}

  /** Streams the request body to a new upload file; its id and size. */
  async receive(req: http.IncomingMessage): Promise<{ upload: string; bytes: number }> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.o.maxBytes) throw this.tooLarge();
    if (this.pending.size + this.receiving >= this.o.maxPending)
      throw new UploadRefused(429, `${this.o.maxPending} uploads are waiting to be used; use or wait for them first`);
    this.receiving++;
    const id = randomUUID();
    let file: string | undefined;
    let bytes = 0;
    try {
      file = path.join(
        await (this.dir ??= mkdtemp(path.join(this.o.parent ?? os.tmpdir(), 'distillery-uploads-'))),
        id,
      );
      bytes = await this.save(req, file);
    } catch (e) {
      if (file) await rm(file, { force: true });
      throw e instanceof UploadRefused
        ? e
        : new UploadRefused(400, `the upload was not received: ${(e as Error).message}`);
    } finally {
      this.receiving--;
    }
    const timer = setTimeout(() => void this.release(this.take(id)).catch(() => {}), this.o.ttlMs);
    timer.unref();
    this.pending.set(id, { file, timer });
    return { upload: id, bytes };
  }

  /**
   * Writes the request body to `file`; its size. Over the cap it stops writing but leaves the
   * request readable (not destroyed), so that the server can still answer 413 on it.
   */
  private save(req: http.IncomingMessage, file: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
      let bytes = 0;
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        req.unpipe(out);
        out.destroy();
        reject(e);
      };
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > this.o.maxBytes) fail(this.tooLarge());
      });
      req.on('error', fail);
      req.on('close', () => {
        if (!req.complete) fail(new Error('the client stopped sending'));
      });
      out.on('error', fail);
      out.on('finish', () => {
        if (!failed) resolve(bytes);
      });
      req.pipe(out);
    });
  }

  /** The file of upload `id`, which stops being pending: the caller releases it when done. */
  take(id: unknown): string {
    const p = typeof id === 'string' ? this.pending.get(id) : undefined;
    if (!p)
      throw new DistilleryError(
        'NOT_FOUND',
        `no upload ${JSON.stringify(String(id).slice(0, 100))}: an upload is used once, within ${Math.round(this.o.ttlMs / 60_000)} minutes`,
        { field: 'upload' },
      );
    clearTimeout(p.timer);
    this.pending.delete(id as string);
    return p.file;
  }

  async release(file: string): Promise<void> {
    await rm(file, { force: true });
  }

  /** Deletes every upload and the folder. */
  async close(): Promise<void> {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    const dir = await this.dir?.catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  private tooLarge(): UploadRefused {
    return new UploadRefused(
      413,
      `the upload is larger than ${formatBytes(this.o.maxBytes)}, the most the server takes`,
    );
  }
}
