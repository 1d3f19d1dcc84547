import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishFolder } from './publish-folder';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'distillery-publish-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes config.json, then fails as a chart renderer running out of memory would. */
const failingFill = async (partial: string) => {
  await writeFile(join(partial, 'config.json'), '{}');
  throw new Error('chart failed');
};

describe('publishFolder', () => {
  it('a failure leaves neither the folder nor a partial one', async () => {
    const out = join(dir, 'new-model');
    await expect(publishFolder(out, failingFill, 'merge')).rejects.toThrow('chart failed');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('new-model'))).toEqual([]);
  });

  it('a failure leaves an existing folder as it was', async () => {
    const out = join(dir, 'old-model');
    mkdirSync(out);
    writeFileSync(join(out, 'config.json'), 'old');
    for (const mode of ['merge', 'replace'] as const) {
      await expect(publishFolder(out, failingFill, mode)).rejects.toThrow('chart failed');
      expect(readdirSync(out)).toEqual(['config.json']);
      expect(readFileSync(join(out, 'config.json'), 'utf8')).toBe('old');
    }
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it("merge replaces the entries it wrote and keeps the user's other files; replace swaps the whole folder", async () => {
    const out = join(dir, 'user-folder');
    mkdirSync(join(out, 'weights'), { recursive: true });
    writeFileSync(join(out, 'notes.txt'), 'mine');
    writeFileSync(join(out, 'weights', 'stale.bin'), 'x');
    const r = await publishFolder(
      out,
      async (p) => {
        mkdirSync(join(p, 'weights'));
        writeFileSync(join(p, 'weights', 'weights.bin'), 'new');
        writeFileSync(join(p, 'config.json'), 'new');
        return 7;
      },
      'merge',
    );
    expect(r).toBe(7);
    expect(readdirSync(out).sort()).toEqual(['config.json', 'notes.txt', 'weights']);
    expect(readdirSync(join(out, 'weights'))).toEqual(['weights.bin']);
    await publishFolder(out, async (p) => writeFileSync(join(p, 'model.onnx'), 'm'), 'replace');
    expect(readdirSync(out)).toEqual(['model.onnx']);
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });
});
