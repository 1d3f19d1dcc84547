/**
 * The label journal and automatic backups, end to end (`distillery serve`, Debian's Chromium, the
 * sample project of a fresh database):
 *
 * - a journal append lost on the way (the browser's request fails; the server stays up): the "not
 *   yet journaled" banner shows, then goes by itself once the retry has journaled the event;
 * - the journal's last record torn behind the server's back (`truncate -s -70`, as a crash would):
 *   on the next load the server sets it aside in journal.torn.jsonl, the workbench says so (English
 *   and Chinese), and the next label is journaled on a line of its own and reads back;
 * - an import gets an automatic backup of its own;
 * - leaving the page backs up what changed since the last backup.
 *
 * Screenshots: $E2E_SHOTS (default <tmp>/distillery-e2e-shots), journal-*.png.
 */
import {
  haveChromium,
  projectFolder,
  shutdown,
  SHOTS,
  waitFor,
  type Serve,
  readJournal,
  startWorkbench,
  liveLoopOff,
} from './harness';
import { existsSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelEvent } from '../../src/shared/label-event';

function labeledCount(events: LabelEvent[]): number {
  const m = new Map<string, number>();
  for (const e of events) if (e.action !== 'skip') m.set(e.docId, e.labels.length);
  return [...m.values()].filter((n) => n > 0).length;
}

function backupMetas(folder: string): { reason: string; docs: number; labeled: number; journalEvents: number }[] {
  const dir = path.join(folder, 'backups');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.meta.json'))
    .sort()
    .map((n) => JSON.parse(readFileSync(path.join(dir, n), 'utf8')));
}

async function until(cond: () => boolean, timeout = 15_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!haveChromium)('the label journal and automatic backups in the workbench (serve mode)', () => {
  let serve: Serve | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let tmp = '';
  let projectsDir = '';
  let pid = '';
  let folder = '';
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `journal-${name}.png`) });
  const docId = () => page.getAttribute('[data-testid="doc-card"]', 'data-doc-id');

  /** Presses a label key and waits until the next document is on screen; returns the labeled document's id. */
  async function label(key: string): Promise<string> {
    const id = (await docId())!;
    await page.keyboard.press(key);
    await waitFor(page, '(id) => document.querySelector(\'[data-testid="doc-card"]\')?.dataset.docId !== id', id);
    return id;
  }

  async function openAnnotate(): Promise<void> {
    await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    await page.click('[data-testid="project-card"][data-sample]');
    await page.waitForSelector('[data-testid="doc-text"]');
    // The journal's own events only: the live loop's gold-set draws would be journaled too.
    await liveLoopOff(page, pid);
    await page.locator('body').focus();
  }

  beforeAll(async () => {
    ({ tmp, projectsDir, serve, browser, page } = await startWorkbench('distillery-journal-e2e-', pageErrors, {
      width: 1280,
      height: 800,
    }));
  }, 180_000);

  afterAll(async () => {
    await shutdown(browser, serve, tmp);
    console.log(`[e2e journal] screenshots: ${SHOTS}/journal-*.png`);
  });

  it('a lost journal append: the "not yet journaled" banner shows, and goes by itself once the retry journaled it', async () => {
    await page.goto(serve!.url);
    await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    pid = (await page.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
    folder = projectFolder(projectsDir, pid);
    await openAnnotate();
    await until(() => readJournal(folder).length === 100);

    // The request never reaches the server (a dropped connection); the server itself stays up.
    let refused = 0;
    await page.route('**/api/journal.append', (route) => {
      refused++;
      return route.abort('connectionreset');
    });
    const labeled = await label('2');
    const banner = page.locator('.banner', { hasText: 'not yet journaled on the server' });
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/1 label event\(s\) not yet journaled on the server/);
    const why = await banner.getAttribute('title');
    expect(refused).toBeGreaterThanOrEqual(1);
    await shot('pending');
    await page.unroute('**/api/journal.append');

    // No key pressed, no click: the retry journals the event and the banner goes.
    await banner.waitFor({ state: 'detached', timeout: 20_000 });
    // While it showed, its tooltip said why.
    expect(why).toMatch(/the server did not answer \(journal\.append\)/);
    const events = readJournal(folder);
    expect(events).toHaveLength(101);
    expect(events[100]).toMatchObject({ docId: labeled, labels: ['positive'], action: 'label' });
  });

  it('a torn last record is set aside on the next load, the workbench says so, and the next label reads back', async () => {
    const file = path.join(folder, 'journal.jsonl');
    const before = readFileSync(file);
    const lastStart = before.lastIndexOf(0x0a, before.length - 2) + 1;
    expect(before.length - lastStart).toBeGreaterThan(70);
    truncateSync(file, before.length - 70); // as `truncate -s -70 journal.jsonl` after a crash
    const torn = before.subarray(lastStart, before.length - 70);

    await page.reload();
    await page.waitForSelector('[data-testid="journal-recovered"]', { timeout: 30_000 });
    const notice = (await page.locator('[data-testid="journal-recovered"]').textContent()) ?? '';
    expect(notice).toMatch(/The label journal was repaired\./);
    expect(notice).toMatch(
      /Project “Sample project”: 1 damaged or cut-short record\(s\) of journal\.jsonl \(line\(s\) 101\).*moved to journal\.torn\.jsonl in the project folder; nothing was deleted\. The journal now holds 100 readable label event\(s\)\./,
    );
    // The torn bytes, exactly, beside the journal.
    const tornFile = readFileSync(path.join(folder, 'journal.torn.jsonl'), 'utf8').trim().split('\n');
    expect(tornFile).toHaveLength(1);
    expect(Buffer.from((JSON.parse(tornFile[0]) as { base64: string }).base64, 'base64')).toEqual(torn);
    expect(readJournal(folder)).toHaveLength(100);
    expect(serve!.log.join('')).toMatch(
      /1 damaged or torn record\(s\) \(line\(s\) 101\) set aside in journal\.torn\.jsonl/,
    );
    await page.mouse.move(0, 0);
    await shot('repaired-en');

    // The next label: acknowledged, and read back on a line of its own (the reload stayed on Annotate).
    await page.waitForSelector('[data-testid="doc-text"]');
    await page.locator('body').focus();
    const labeled = await label('1');
    // The host writes the journal line, then the sentinel: wait for both.
    const sentinel = () =>
      JSON.parse(readFileSync(path.join(folder, 'labels.sentinel.json'), 'utf8')) as {
        labeledCount: number;
        events: number;
      };
    await until(() => readJournal(folder).length === 101 && sentinel().events === 101);
    const events = readJournal(folder);
    expect(events[100]).toMatchObject({ docId: labeled, labels: ['negative'], action: 'label' });
    expect(sentinel()).toMatchObject({ labeledCount: labeledCount(events), events: 101 });

    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    const zh = (await page.locator('[data-testid="journal-recovered"]').textContent()) ?? '';
    expect(zh).toMatch(/标注日志已修复。/);
    expect(zh).toMatch(/journal\.jsonl 中有 1 条损坏或被截断的记录（第 101 行/);
    await page.mouse.move(0, 0);
    await shot('repaired-zh');
    await page.selectOption('[data-testid="locale"]', 'en');

    // Read: gone, and not shown again on the next load.
    await page.click('[data-testid="journal-recovered-dismiss"]');
    expect(await page.locator('[data-testid="journal-recovered"]').count()).toBe(0);
    await page.reload();
    await page.waitForSelector('[data-testid="doc-text"]');
    expect(await page.locator('[data-testid="journal-recovered"]').count()).toBe(0);
  });

  it('an import gets an automatic backup of its own', async () => {
    const had = backupMetas(folder).length;
    await page.click('[data-testid="nav-import"]');
    await page.waitForSelector('[data-testid="import-file"]');
    const rows = Array.from(
      { length: 60 },
      (_, i) => `导入的第${i}条评论，味道${i % 2 ? '很好' : '一般'},${i % 2 ? 'positive' : 'negative'}`,
    );
    await page.setInputFiles('[data-testid="import-file"]', {
      name: 'more.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(['review,label', ...rows].join('\n') + '\n'),
    });
    await page.waitForSelector('[data-testid="import-summary"]');
    await page.click('[data-testid="import-run"]');
    await page.waitForSelector('[data-testid="import-done"]', { timeout: 30_000 });
    await until(() => backupMetas(folder).some((m) => m.reason === 'import' && m.docs === 860), 30_000);
    expect(backupMetas(folder).length).toBeGreaterThan(had);
    const m = backupMetas(folder).find((x) => x.reason === 'import' && x.docs === 860)!;
    expect(m.journalEvents).toBe(readJournal(folder).length);
    expect(m.labeled).toBeGreaterThanOrEqual(labeledCount(readJournal(folder)));
  });

  it('leaving the page backs up the labels made since the last backup (what the desktop window waits for before it closes)', async () => {
    await page.click('[data-testid="nav-annotate"]');
    await page.waitForSelector('[data-testid="doc-text"]');
    await page.locator('body').focus();
    const n = readJournal(folder).length;
    await label('2');
    await label('1');
    await until(() => readJournal(folder).length === n + 2);
    expect(backupMetas(folder).some((m) => m.reason === 'close')).toBe(false);
    // Headless Chromium never hides a page, and a closing tab does not wait for the export: call what
    // visibilitychange → hidden and Electron's close (close-flush.ts) call, and wait as Electron does.
    await page.evaluate(() => (globalThis as { distilleryBeforeClose?: () => Promise<void> }).distilleryBeforeClose!());
    const close = backupMetas(folder).filter((m) => m.reason === 'close');
    expect(close).toHaveLength(1);
    expect(close[0]).toMatchObject({ journalEvents: n + 2, docs: 860 });
    // Nothing changed since: leaving again makes no second backup.
    await page.evaluate(() => (globalThis as { distilleryBeforeClose?: () => Promise<void> }).distilleryBeforeClose!());
    expect(backupMetas(folder).filter((m) => m.reason === 'close')).toHaveLength(1);
  });

  it('logged no errors in the page but the refused request', () => {
    expect(pageErrors.filter((e) => !/journal\.append|ERR_CONNECTION_RESET|journal append failed/.test(e))).toEqual([]);
  });
});
