/**
 * Automatic backups of a project's rows of the UI's database, in `<project>/backups/`:
 *
 *   auto-<yyyyMMdd-HHmmss-SSS>.json        what the UI's manual backup writes (dexie-export-import
 *                                           JSON: documents, labels, history, runs of the project)
 *   auto-<yyyyMMdd-HHmmss-SSS>.meta.json   {format, at, bytes, reason, docs, labeled, journalEvents}
 *
 * The UI makes them (every N label events, on a timer while labels change, after a pause in
 * labeling, when its page is hidden or closed, after every import) and
 * sends the JSON here; the newest `keep` are kept. Both files are written atomically, the data
 * first: a backup is complete when its meta file exists, and a data file without one (a crash in
 * between) is removed by the next save. `journalEvents` is the number of journal events at the time
 * of the save: a restore loads the backup, then replays the journal from that event on, so that
 * labels made after the backup come back too.
 *
 * Node only, never electron.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { BackupInfo, BackupReason } from '../shared/api';
import { DistilleryError } from '../shared/errors';
import { AUTO_BACKUP_KEEP, PROJECT_LAYOUT } from '../shared/worker-protocol';
import { isErrno, KeyedMutex, nodeFs, writeFileAtomic, type HostFs } from './fs-util';

export const DEFAULT_KEEP = AUTO_BACKUP_KEEP;

const NAME_RE = /^auto-\d{8}-\d{6}-\d{3}(?:-\d+)?\.json$/;
const META_SUFFIX = '.meta.json';
const REASONS = new Set<BackupReason>(['labels', 'timer', 'import', 'close']);
const META_FORMAT = 'distillery-backup-meta';
/** How much of a backup's start is checked for the dexie-export-import header. */
const HEAD_CHARS = 200;

export interface BackupsOptions {
  folderOf(projectId: string): Promise<string>;
  /** Events in the project's journal now (Journal.eventCount). */
  journalEvents(projectId: string): Promise<number>;
  fs?: HostFs;
  /** Backups kept per project (default 5). */
  keep?: number;
  now?: () => Date;
}

export class Backups {
  private readonly fs: HostFs;
  private readonly lock = new KeyedMutex();

  constructor(private readonly o: BackupsOptions) {
    this.fs = o.fs ?? nodeFs;
  }

  get keep(): number {
    return Math.max(1, this.o.keep ?? DEFAULT_KEEP);
  }

  async save(
    projectId: string,
    data: string,
    meta: { reason: BackupReason; docs: number; labeled: number },
  ): Promise<BackupInfo> {
    if (typeof data !== 'string') throw notDexie();
    return this.store(projectId, data.slice(0, HEAD_CHARS), Buffer.byteLength(data, 'utf8'), () => data, meta);
  }

  /**
   * save() for a backup the host received as a file (serve mode's uploads): streamed into place,
   * never read whole into memory. The file itself is left where it is.
   */
  async saveFile(
    projectId: string,
    file: string,
    meta: { reason: BackupReason; docs: number; labeled: number },
  ): Promise<BackupInfo> {
    const h = await open(file, 'r');
    let head: string;
    let bytes: number;
    try {
      const buf = Buffer.alloc(HEAD_CHARS);
      const { bytesRead } = await h.read(buf, 0, HEAD_CHARS, 0);
      head = buf.subarray(0, bytesRead).toString('utf8');
      bytes = (await h.stat()).size;
    } finally {
      await h.close();
    }
    return this.store(projectId, head, bytes, () => createReadStream(file), meta);
  }

  private async store(
    projectId: string,
    head: string,
    bytes: number,
    content: () => string | AsyncIterable<Uint8Array>,
    meta: { reason: BackupReason; docs: number; labeled: number },
  ): Promise<BackupInfo> {
    if (!/^\s*\{\s*"formatName"\s*:\s*"dexie"/.test(head)) throw notDexie();
    const bad = (field: string, why: string) =>
      new DistilleryError('CONFIG', `backups.save: ${field} ${why}`, { field });
    if (!meta || typeof meta !== 'object') throw bad('meta', 'must be {reason, docs, labeled}');
    if (!REASONS.has(meta.reason)) throw bad('reason', `must be one of ${[...REASONS].join(', ')}`);
    for (const k of ['docs', 'labeled'] as const)
      if (!Number.isInteger(meta[k]) || meta[k] < 0) throw bad(k, 'must be a count');
    const folder = await this.o.folderOf(projectId);
    const dir = path.join(folder, PROJECT_LAYOUT.backups);
    return this.lock.run(dir, async () => {
      await this.fs.mkdir(dir, { recursive: true });
      const at = (this.o.now ?? (() => new Date()))();
      const existing = new Set(await this.fs.readdir(dir));
      const stem = `auto-${stamp(at)}`;
      let name = `${stem}.json`;
      for (let k = 2; existing.has(name) || existing.has(metaName(name)); k++) name = `${stem}-${k}.json`;
      const journalEvents = await this.o.journalEvents(projectId);
      const info: BackupInfo = {
        name,
        at: at.toISOString(),
        bytes,
        reason: meta.reason,
        docs: meta.docs,
        labeled: meta.labeled,
        journalEvents,
      };
      await writeFileAtomic(this.fs, path.join(dir, name), content(), 'the automatic backup');
      try {
        await writeFileAtomic(
          this.fs,
          path.join(dir, metaName(name)),
          JSON.stringify({ format: META_FORMAT, ...info }, null, 2) + '\n',
          'the automatic backup',
        );
      } catch (e) {
        await this.fs.rm(path.join(dir, name), { force: true }).catch(() => {});
        throw e;
      }
      await this.prune(dir);
      return info;
    });
  }

  async list(projectId: string): Promise<BackupInfo[]> {
    const dir = path.join(await this.o.folderOf(projectId), PROJECT_LAYOUT.backups);
    return this.lock.run(dir, () => this.complete(dir));
  }

  async read(projectId: string, name: string): Promise<string> {
    if (typeof name !== 'string' || !NAME_RE.test(name))
      throw new DistilleryError(
        'CONFIG',
        `backups.read: ${JSON.stringify(String(name).slice(0, 100))} is not a backup name`,
        { field: 'name' },
      );
    const dir = path.join(await this.o.folderOf(projectId), PROJECT_LAYOUT.backups);
    return this.lock.run(dir, async () => {
      const names = new Set(await this.fs.readdir(dir).catch(() => [] as string[]));
      if (!names.has(name) || !names.has(metaName(name)))
        throw new DistilleryError('NOT_FOUND', `no automatic backup "${name}" in this project`, { field: 'name' });
      return this.fs.readFile(path.join(dir, name), 'utf8');
    });
  }

  /** Complete backups, newest first. */
  private async complete(dir: string): Promise<BackupInfo[]> {
    let names: string[];
    try {
      names = await this.fs.readdir(dir);
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return [];
      throw e;
    }
    const present = new Set(names);
    const out: BackupInfo[] = [];
    for (const name of names.filter((n) => NAME_RE.test(n) && present.has(metaName(n)))) {
      try {
        const m = JSON.parse(await this.fs.readFile(path.join(dir, metaName(name)), 'utf8')) as BackupInfo & {
          format?: string;
        };
        if (m.format !== META_FORMAT || typeof m.journalEvents !== 'number') continue;
        out.push({
          name,
          at: m.at,
          bytes: m.bytes,
          reason: m.reason,
          docs: m.docs,
          labeled: m.labeled,
          journalEvents: m.journalEvents,
        });
      } catch {
        // An unreadable meta file: not offered.
      }
    }
    return out.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  }

  /** Keeps the newest `keep` complete backups; removes older ones, data without meta, and temp files. */
  private async prune(dir: string): Promise<void> {
    const keepNames = new Set((await this.complete(dir)).slice(0, this.keep).map((b) => b.name));
    for (const n of await this.fs.readdir(dir)) {
      const data = n.endsWith(META_SUFFIX) ? n.slice(0, -META_SUFFIX.length) + '.json' : n;
      const ours = NAME_RE.test(data) || /^auto-.*\.tmp-\d+-\d+$/.test(n);
      if (ours && !keepNames.has(data)) await this.fs.rm(path.join(dir, n), { force: true });
    }
  }
}

function notDexie(): DistilleryError {
  return new DistilleryError('CONFIG', 'backups.save: the data is not a dexie-export-import backup', { field: 'data' });
}

function metaName(name: string): string {
  return name.replace(/\.json$/, META_SUFFIX);
}

function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}-${p(d.getUTCMilliseconds(), 3)}`;
}
