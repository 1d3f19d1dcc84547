/**
 * A minimal ZIP writer (deflate, UTF-8 names, no ZIP64): exported model folders become one file a
 * browser can download. Files are read one at a time; sizes are those of model folders (MBs).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { nodeFs, writeFileAtomic, type HostFs } from './fs-util';

interface Entry {
  name: string;
  crc: number;
  method: number;
  size: number;
  compressedSize: number;
  offset: number;
  time: number;
  date: number;
}

function dosTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((Math.max(1980, d.getFullYear()) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const p = path.join(dir, name);
    if ((await stat(p)).isDirectory()) out.push(...(await listFiles(p, prefix + name + '/')));
    else out.push(prefix + name);
  }
  return out;
}

/** Zips the folder `dir` as `<root>/…` into `outFile` (written atomically). */
export async function zipFolder(
  dir: string,
  outFile: string,
  root = path.basename(dir),
  fs: HostFs = nodeFs,
): Promise<void> {
  const files: ZipFile[] = [];
  for (const rel of await listFiles(dir)) {
    const file = path.join(dir, rel);
    files.push({ name: `${root}/${rel}`, data: await readFile(file), mtime: (await stat(file)).mtime });
  }
  await writeFileAtomic(fs, outFile, zipBytes(files), `the archive ${path.basename(outFile)}`);
}

export interface ZipFile {
  /** Path inside the archive ('/' separated). */
  name: string;
  data: Buffer;
  mtime: Date;
}

/** The bytes of a ZIP archive of these files. */
export function zipBytes(files: readonly ZipFile[]): Buffer {
  const parts: Buffer[] = [];
  const entries: Entry[] = [];
  let offset = 0;
  for (const f of files) {
    const data = f.data;
    const { time, date } = dosTime(f.mtime);
    const deflated = deflateRawSync(data);
    const stored = deflated.length >= data.length;
    const body = stored ? data : deflated;
    const name = Buffer.from(f.name, 'utf8');
    const e: Entry = {
      name: name.toString('utf8'),
      crc: crc32(data) >>> 0,
      method: stored ? 0 : 8,
      size: data.length,
      compressedSize: body.length,
      offset,
      time,
      date,
    };
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(0x0800, 6); // UTF-8 names
    h.writeUInt16LE(e.method, 8);
    h.writeUInt16LE(time, 10);
    h.writeUInt16LE(date, 12);
    h.writeUInt32LE(e.crc, 14);
    h.writeUInt32LE(e.compressedSize, 18);
    h.writeUInt32LE(e.size, 22);
    h.writeUInt16LE(name.length, 26);
    h.writeUInt16LE(0, 28);
    parts.push(h, name, body);
    offset += h.length + name.length + body.length;
    entries.push(e);
  }
  const cdStart = offset;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(e.method, 10);
    c.writeUInt16LE(e.time, 12);
    c.writeUInt16LE(e.date, 14);
    c.writeUInt32LE(e.crc, 16);
    c.writeUInt32LE(e.compressedSize, 20);
    c.writeUInt32LE(e.size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    c.writeUInt32LE(e.offset, 42);
    parts.push(c, name);
    offset += c.length + name.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(offset - cdStart, 12);
  end.writeUInt32LE(cdStart, 16);
  parts.push(end);
  return Buffer.concat(parts);
}
