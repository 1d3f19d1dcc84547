/**
 * A full disk while labeling, end to end: `distillery serve` keeps its projects folder on a small
 * tmpfs mounted for the test (a real filesystem that really runs out of space: no faked error).
 * The sample project is labeled a little, a filler file then takes every free byte, and the next
 * label's journal append fails with ENOSPC (DISK_FULL, HTTP 507). The UI must say so plainly and
 * stop writing labels (key presses are refused with an error, nothing piles up unjournaled); every
 * label saved before must still be in IndexedDB and in the journal file; once the filler is
 * deleted, the waiting event is journaled and labeling goes on.
 *
 * Mounting needs root (or CAP_SYS_ADMIN) on Linux: where a probe mount fails, the whole file is
 * skipped and its title says why. The tmpfs is unmounted in afterAll, whatever happened.
 * Screenshots: $E2E_SHOTS (default <tmp>/distillery-e2e-shots), disk-full-*.png.
 */
import {
  buildRenderer,
  haveChromium,
  launchChromium,
  shutdown,
  watchPageErrors,
  SHOTS,
  projectDocs,
  liveLoopOff,
  startServe,
  waitFor,
  type Serve,
  type StoredDoc,
  readJournal,
} from './harness';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TMPFS_SIZE = '4m';

/** Why a tmpfs cannot be mounted here ('' when it can): a real mount and unmount, at collection time. */
function mountProblem(): string {
  if (process.platform !== 'linux') return `tmpfs mounts need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return `mounting a tmpfs needs root (uid ${process.getuid?.()})`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'distillery-mount-probe-'));
  try {
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8' });
    if (m.error) return `mount could not run: ${m.error.message}`;
    if (m.status !== 0)
      return `mount -t tmpfs failed (${m.status}): ${(m.stderr || m.stdout).trim().split('\n')[0] || 'no message'}`;
    spawnSync('umount', [dir]);
    return '';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const why = !haveChromium ? 'no Chromium' : mountProblem();
if (why) console.warn(`[e2e disk-full] skipped: ${why}`);

/** The journal folded to each document's last labels (what a rebuild would restore). */
function journalLabels(folder: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const e of readJournal(folder)) if (e.action !== 'skip') m.set(e.docId, e.labels);
  for (const [k, v] of m) if (!v.length) m.delete(k);
  return m;
}

function labeledInDb(docs: StoredDoc[]): Map<string, string[]> {
  return new Map(docs.filter((d) => d.labels.length).map((d) => [d.id, d.labels]));
}

async function until(cond: () => boolean, timeout = 15_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Writes `file` until the filesystem says ENOSPC (big writes, then pages, then bytes); returns the bytes written. */
function fillDisk(file: string): number {
  const fd = openSync(file, 'w');
  let n = 0;
  try {
    for (const size of [256 * 1024, 4096, 1]) {
      const buf = Buffer.alloc(size, 0x78);
      for (;;) {
        try {
          n += writeSync(fd, buf);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw e;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

describe.skipIf(!!why)(
  `a full disk under the projects folder (serve mode, tmpfs)${why ? ` — skipped: ${why}` : ''}`,
  () => {
    let serve: Serve | undefined;
    let browser: Browser | undefined;
    let page: Page;
    let tmp = '';
    let projectsDir = '';
    let mounted = false;
    let pid = '';
    let folder = '';
    const filler = () => path.join(projectsDir, 'filler.bin');
    const pageErrors: string[] = [];
    const t0 = Date.now();

    const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `disk-full-${name}.png`) });
    const docId = () => page.getAttribute('[data-testid="doc-card"]', 'data-doc-id');
    const progress = async () => (await page.locator('[data-testid="progress"]').textContent())?.trim();

    /** Presses a label key and waits until the next document is on screen. */
    async function label(key: string): Promise<void> {
      const id = await docId();
      await page.keyboard.press(key);
      await waitFor(page, '(id) => document.querySelector(\'[data-testid="doc-card"]\')?.dataset.docId !== id', id);
    }

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-disk-full-'));
      projectsDir = path.join(tmp, 'projects');
      mkdirSync(projectsDir);
      const m = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE},mode=0755`, 'tmpfs', projectsDir], {
        encoding: 'utf8',
      });
      if (m.status !== 0) throw new Error(`mount failed after the probe worked: ${m.stderr}`);
      mounted = true;
      const renderer = path.join(tmp, 'renderer');
      await buildRenderer(renderer);
      serve = await startServe(projectsDir, renderer);
      browser = await launchChromium();
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
      page = await context.newPage();
      watchPageErrors(page, pageErrors);
    }, 120_000);

    afterAll(async () => {
      await shutdown(browser, serve, undefined);
      if (mounted) {
        const u = spawnSync('umount', [projectsDir], { encoding: 'utf8' });
        // Busy (a process still in it): detach it now; the kernel frees it when the last user goes.
        if (u.status !== 0) spawnSync('umount', ['-l', projectsDir]);
      }
      if (tmp) rmSync(tmp, { recursive: true, force: true });
      console.log(
        `[e2e disk-full] screenshots: ${SHOTS}/disk-full-*.png; total ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
    });

    it('labels a few documents while there is space: IndexedDB and the journal agree', async () => {
      await page.goto(serve!.url);
      await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
      pid = (await page.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
      folder = path.join(projectsDir, pid);
      await page.click('[data-testid="project-card"][data-sample]');
      await page.waitForSelector('[data-testid="doc-text"]');
      // The journal's own events only: the live loop's gold-set draws would be journaled too.
      await liveLoopOff(page, pid);
      await page.locator('body').focus();
      for (const k of ['1', '2', '2', '1', '2']) await label(k);
      await waitFor(
        page,
        '() => document.querySelector(\'[data-testid="progress"]\')?.textContent?.trim() === "105 / 800 labeled"',
      );
      await until(() => readJournal(folder).length === 105);
      expect(journalLabels(folder)).toEqual(labeledInDb(await projectDocs(page, pid)));
      expect(await page.locator('[data-testid="disk-full"]').count()).toBe(0);
    });

    it('a full disk: the next label shows a clear error, and labeling stops', async () => {
      const before = labeledInDb(await projectDocs(page, pid));
      const wrote = fillDisk(filler());
      const fs = statfsSync(projectsDir);
      expect(fs.bavail).toBe(0);
      expect(wrote).toBeGreaterThan(0);

      // This label reaches IndexedDB; its journal append hits ENOSPC.
      const failedDoc = (await docId())!;
      await label('1');
      await page.waitForSelector('[data-testid="disk-full"]', { timeout: 15_000 });
      const banner = (await page.locator('[data-testid="disk-full"]').textContent()) ?? '';
      expect(banner).toMatch(/The disk is full\./);
      expect(banner).toMatch(/labeling is paused/);
      expect(banner).toMatch(/1 label event\(s\) wait to be written to the journal/);
      expect(await page.getAttribute('[data-testid="disk-full"]', 'role')).toBe('alert');
      // The backend's own words (ENOSPC → DISK_FULL) are on the banner's tooltip. The file named is the journal or its
      // sentinel: a short append may still fit in the journal's last page, and then the sentinel's write fails and the
      // append is rolled back.
      expect(await page.getAttribute('[data-testid="disk-full"]', 'title')).toMatch(
        /the disk is full: 1 label event\(s\) was not saved \(nothing partial was written to (journal\.jsonl|labels\.sentinel\.json)\)/,
      );

      // What was saved stays: the 105 labels in IndexedDB and in the journal (whole lines, no partial append), and the one just made in IndexedDB.
      const docs = await projectDocs(page, pid);
      const db = labeledInDb(docs);
      expect(db.size).toBe(106);
      expect(db.get(failedDoc)).toEqual(['negative']);
      for (const [id, l] of before) expect(db.get(id), id).toEqual(l);
      expect(readJournal(folder)).toHaveLength(105);
      expect(journalLabels(folder)).toEqual(before);
      expect(JSON.parse(readFileSync(path.join(folder, 'labels.sentinel.json'), 'utf8'))).toMatchObject({
        labeledCount: 105,
        events: 105,
      });
      await waitFor(
        page,
        '() => document.querySelector(\'[data-testid="progress"]\')?.textContent?.trim() === "106 / 800 labeled"',
      );

      // Further key presses are refused, with the error in sight: no label, skip or undo is written.
      const shown = await docId();
      for (const k of ['2', '1', 'Space', 'Control+z']) await page.keyboard.press(k);
      await waitFor(
        page,
        '() => [...document.querySelectorAll(\'[data-testid="toast"]\')].some((t) => /Not saved: the disk that holds the project folder is full/.test(t.textContent))',
      );
      await page.waitForTimeout(800);
      // One message on screen, however many keys were refused.
      expect(await page.locator('[data-testid="toast"]', { hasText: 'Not saved: the disk' }).count()).toBe(1);
      expect(await docId()).toBe(shown);
      expect(await progress()).toBe('106 / 800 labeled');
      expect(labeledInDb(await projectDocs(page, pid))).toEqual(db);
      expect(readJournal(folder)).toHaveLength(105);
      // Retry while the disk is still full: the error stays.
      await page.click('[data-testid="disk-full-retry"]');
      await page.waitForTimeout(500);
      expect(await page.locator('[data-testid="disk-full"]').count()).toBe(1);
      expect(readJournal(folder)).toHaveLength(105);
      await page.mouse.move(0, 0);
      await shot('error');
    });

    it('after space is freed, the waiting label is journaled and labeling goes on', async () => {
      rmSync(filler());
      // A label key retries the journal first; it works now, so the label is written too.
      await label('2');
      await waitFor(page, '() => !document.querySelector(\'[data-testid="disk-full"]\')');
      await waitFor(
        page,
        '() => document.querySelector(\'[data-testid="progress"]\')?.textContent?.trim() === "107 / 800 labeled"',
      );
      // The refusals are gone; a note says the waiting event went to the journal.
      expect(await page.locator('[data-testid="toast"]', { hasText: 'Not saved: the disk' }).count()).toBe(0);
      expect(await page.locator('[data-testid="toast"]').allTextContents()).toContain(
        'There is space on the disk again: 1 waiting label event(s) were written to the journal. Labeling goes on.',
      );
      await label('1');
      await waitFor(
        page,
        '() => document.querySelector(\'[data-testid="progress"]\')?.textContent?.trim() === "108 / 800 labeled"',
      );
      await until(() => readJournal(folder).length === 108);
      const db = labeledInDb(await projectDocs(page, pid));
      expect(db.size).toBe(108);
      expect(journalLabels(folder)).toEqual(db);
      expect(JSON.parse(readFileSync(path.join(folder, 'labels.sentinel.json'), 'utf8'))).toMatchObject({
        labeledCount: 108,
        events: 108,
      });
      await waitFor(page, "() => !document.querySelector('.notice.warn')");
      await page.mouse.move(0, 0);
      await shot('recovered');
    });

    it('logged no errors in the page but the expected 507 answers', () => {
      expect(pageErrors.filter((e) => !/status of 507/.test(e))).toEqual([]);
      expect(pageErrors.some((e) => /status of 507/.test(e))).toBe(true);
    });
  },
);
