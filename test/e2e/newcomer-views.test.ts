/**
 * What a newcomer met in the workbench (issue #8, items 3, 12, 13, 17), end to end in serve mode with
 * Debian's Chromium and the real Dexie:
 *
 *   a first start in Chinese makes the sample project in Chinese (name, descriptions, guidelines) →
 *   new projects default to negative = key 1, positive = key 2, as the sample → a 0-byte, a blank
 *   and a header-only file on Import each say why nothing can be imported → the exports of earlier
 *   sessions are listed (date, size, download) after a reload → training progress says what it
 *   counts (batches, documents), P/R/F1 say which class or average, the runs table fits or scrolls
 *   at 1280 px and narrower → a second, fresh browser gets one "database looks empty" dialog for all
 *   four projects and no offer of a second sample → no English left on these views in zh-CN.
 *
 * Screenshots of each view in both languages go to $E2E_SHOTS (default: <tmp>/distillery-e2e-shots),
 * newcomer-*.png. The renderer is built into a folder of its own (runs beside the other e2e files).
 */
import {
  buildRenderer,
  haveChromium,
  launchChromium,
  shutdown,
  watchPageErrors,
  SHOTS,
  startServe,
  waitFor,
  type Serve,
} from './harness';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Words that may stay Latin in the Chinese UI: product and format names, units, metric letters,
 * the model architectures' names, data (the sample's annotator "sample", model versions
 * "student-…"), and what the test itself typed.
 */
const LATIN_OK = new Set(
  [
    'Distillery',
    'CSV',
    'TSV',
    'JSONL',
    'JSON',
    'ONNX',
    'BERT',
    'TensorFlow',
    'js',
    'Label',
    'Studio',
    'doccano',
    'MB',
    'KB',
    'GB',
    'Hugging',
    'Face',
    'Runtime',
    'wasm',
    'cpu',
    'tensorflow',
    'gpu',
    'bilstm',
    'lstm',
    'gru',
    'att',
    'textcnn',
    'cnn',
    'nb',
    'utf',
    'utf-',
    'gb18030',
    'big5',
    'shift_jis',
    'utf-8',
    'utf-16le',
    'utf-16be',
    'Backup',
    'exports',
    'distillery',
    'serve',
    'config',
    'vocab',
    'txt',
    'tokenizer',
    'model',
    'safetensors',
    'base',
    'chinese',
    'roberta',
    'wwm',
    'ext',
    'rbt3',
    'TinyBERT',
    'AdamW',
    'home',
    'models',
    'annotator',
    'sample',
    'student-',
    'teacher-',
    'Export',
    'Reviews',
    'Aspects',
    'Labeled',
    'Empty',
    'files',
    'wilson',
  ].map((w) => w.toLowerCase()),
);

/** Latin words on the page outside the places that show data or paths (file names, versions, user text). */
async function englishLeftovers(page: Page): Promise<string[]> {
  const words = await page.evaluate(() => {
    const skip = (el: Element | null): boolean =>
      !!el?.closest(
        '.mono, .kbd, .path, .folder, .c-text, .text, [data-testid="import-error-line"], [data-testid="project-card"] strong, [data-testid="project-name"], .chip, select, option, input, textarea, canvas, .toast',
      );
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || skip(el) || el.closest('[hidden]') || getComputedStyle(el).display === 'none') continue;
      for (const m of (n.textContent ?? '').matchAll(/[A-Za-z][A-Za-z_-]{2,}/g)) out.push(m[0]);
    }
    // Tooltips are read too.
    for (const el of Array.from(document.querySelectorAll('[title]')))
      if (!skip(el))
        for (const m of (el.getAttribute('title') ?? '').matchAll(/[A-Za-z][A-Za-z_-]{2,}/g)) out.push(m[0]);
    return out;
  });
  return [...new Set(words.filter((w) => !LATIN_OK.has(w.toLowerCase())))];
}

function projectFolder(root: string, id: string): string {
  return path.join(root, id);
}

async function text(page: Page, testid: string): Promise<string> {
  return (await page.locator(`[data-testid="${testid}"]`).first().textContent())?.trim() ?? '';
}

describe.skipIf(!haveChromium)("the newcomer's views (serve mode, both languages)", () => {
  let serve: Serve;
  let browser: Browser;
  let ctxA: BrowserContext;
  let page: Page;
  let tmp: string;
  let projectsDir: string;
  let sampleId = '';
  const created: string[] = [];
  const consoleErrors: string[] = [];

  async function shot(p: Page, name: string): Promise<void> {
    await p.screenshot({ path: path.join(SHOTS, `newcomer-${name}.png`), fullPage: false });
  }

  async function setLocale(p: Page, l: 'en' | 'zh-CN'): Promise<void> {
    await p.selectOption('[data-testid="locale"]', l);
    await waitFor(p, '(l) => document.documentElement.lang === l', l);
  }

  /** Creates a binary project from the form (default labels) and imports `rows` (text, label name). */
  async function projectWithLabels(name: string, rows: [string, string][]): Promise<string> {
    await setLocale(page, 'zh-CN');
    await page.click('[data-testid="home"]');
    await page.fill('[data-testid="project-name-input"]', name);
    await page.click('[data-testid="create-project"]');
    await page.waitForSelector('[data-testid="import-file"]');
    const id = decodeURIComponent(/#\/p\/([^/]+)\//.exec(page.url())![1]);
    const csv = ['review,label', ...rows.map(([t, l]) => `${t},${l}`)].join('\n') + '\n';
    await page.setInputFiles('[data-testid="import-file"]', {
      name: `${name}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.waitForSelector('[data-testid="import-run"]:not([disabled])');
    await page.click('[data-testid="import-run"]');
    await page.waitForSelector('[data-testid="import-done"]', { timeout: 30_000 });
    // The labels reach the journal (what a fresh browser's check compares with).
    await expect
      .poll(
        () =>
          existsSync(path.join(projectsDir, id, 'journal.jsonl'))
            ? readFileSync(path.join(projectsDir, id, 'journal.jsonl'), 'utf8')
                .trim()
                .split('\n').length
            : 0,
        { timeout: 15_000 },
      )
      .toBe(rows.length);
    created.push(id);
    return id;
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-newcomer-'));
    projectsDir = path.join(tmp, 'projects');
    const renderer = path.join(tmp, 'renderer');
    await buildRenderer(renderer);
    serve = await startServe(projectsDir, renderer);
    browser = await launchChromium();
    ctxA = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN', acceptDownloads: true });
    page = await ctxA.newPage();
    watchPageErrors(page, consoleErrors);
  }, 240_000);

  afterAll(async () => {
    await shutdown(browser, serve, tmp);
    console.log(`[e2e newcomer] screenshots: ${SHOTS}/newcomer-*.png`);
  });

  it('a first start in Chinese makes the sample project in Chinese', async () => {
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 90_000 });
    sampleId = (await page.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
    const meta = JSON.parse(readFileSync(path.join(projectFolder(projectsDir, sampleId), 'project.json'), 'utf8')) as {
      name: string;
      sample?: boolean;
      guidelines: string;
      labels: { name: string; hotkey: string; description: string }[];
    };
    expect(meta.name).toBe('示例项目');
    expect(meta.sample).toBe(true);
    expect(meta.labels.map((l) => [l.name, l.hotkey])).toEqual([
      ['差评', '1'],
      ['好评', '2'],
    ]);
    for (const s of [meta.guidelines, ...meta.labels.map((l) => l.description)])
      expect(s).toMatch(/[\u4e00-\u9fff]{4}/);
    expect(meta.guidelines).toMatch(/^按整条评论判断/);
  });

  it('new projects default to negative = key 1 and positive = key 2, as the sample', async () => {
    expect(await page.inputValue('[data-testid="label-name-0"]')).toBe('负面');
    expect(await page.inputValue('[data-testid="label-key-0"]')).toBe('1');
    expect(await page.inputValue('[data-testid="label-name-1"]')).toBe('正面');
    expect(await page.inputValue('[data-testid="label-key-1"]')).toBe('2');
    await shot(page, 'projects-zh');
    expect(await englishLeftovers(page)).toEqual([]);
  });

  it('Import: a 0-byte, a blank and a header-only file each say why nothing is imported', async () => {
    await page.fill('[data-testid="project-name-input"]', 'Empty files');
    await page.click('[data-testid="create-project"]');
    await page.waitForSelector('[data-testid="import-file"]');
    const cases: [string, string, RegExp][] = [
      ['empty.csv', '', /empty\.csv: the file is empty/],
      ['blank.txt', '  \n\t\n \r\n', /blank\.txt: the file is empty/],
      ['header-only.csv', 'review,label\n', /header-only\.csv: the file has no data rows/],
    ];
    for (const [name, body, why] of cases) {
      await page.setInputFiles('[data-testid="import-file"]', {
        name,
        mimeType: 'text/plain',
        buffer: Buffer.from(body),
      });
      await waitFor(
        page,
        '(n) => document.querySelector(\'[data-testid="import-error-line"]\')?.textContent?.includes(n)',
        name,
      );
      const line = await text(page, 'import-error-line');
      expect(line).toMatch(why);
      // zh-CN: the translated summary first, then the backend's precise message (the CLI's).
      expect(line).toMatch(/^文件中没有可用的行。/);
      expect(await page.locator('[data-testid="import-run"]').count()).toBe(0);
    }
    await shot(page, 'import-header-only-zh');
    expect(await englishLeftovers(page)).toEqual([]);
    await setLocale(page, 'en');
    await page.setInputFiles('[data-testid="import-file"]', {
      name: 'empty.csv',
      mimeType: 'text/csv',
      buffer: Buffer.alloc(0),
    });
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="import-error-line"]\')?.textContent?.trim() === "empty.csv: the file is empty"',
    );
    await shot(page, 'import-empty-en');
    await setLocale(page, 'zh-CN');
  });

  it('lists earlier exports (date, size, download) after a reload', async () => {
    const id = await projectWithLabels('Export', [
      ['好吃', '正面'],
      ['难吃', '负面'],
      ['送得快', '正面'],
    ]);
    await page.click('[data-testid="nav-export"]');
    await page.waitForSelector('[data-testid="export-earlier-none"]');
    await page.click('[data-testid="export-csv"]');
    await waitFor(page, '() => document.querySelectorAll(\'[data-testid="export-file"]\').length === 1');
    const file = (await text(page, 'export-path')).trim();
    await page.reload();
    await page.click('[data-testid="nav-export"]');
    await page.waitForSelector('[data-testid="export-earlier-file"]');
    // Nothing of this session is left on the page but what the server lists.
    expect(await page.locator('[data-testid="export-file"]').count()).toBe(0);
    const rows = page.locator('[data-testid="export-earlier-file"]');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-name')).toBe(path.basename(file));
    const bytes = readFileSync(file).length;
    expect(await text(page, 'export-earlier-size')).toBe(`${bytes} B`);
    expect(await text(page, 'export-earlier-at')).toMatch(/\d{4}/);
    const href = (await rows.first().locator('a').getAttribute('href'))!;
    const got = await page.evaluate(async (u) => {
      const r = await fetch(u, { credentials: 'same-origin' });
      return { status: r.status, text: await r.text() };
    }, href);
    expect(got.status).toBe(200);
    expect(got.text).toBe(readFileSync(file, 'utf8'));
    expect(readdirSync(path.join(projectsDir, id, 'exports'))).toContain(path.basename(file));
    await shot(page, 'export-earlier-zh');
    expect(await englishLeftovers(page)).toEqual([]);
    await setLocale(page, 'en');
    await shot(page, 'export-earlier-en');
    await setLocale(page, 'zh-CN');
  });

  it('training says what its progress counts, and P/R/F1 say which class; the runs table fits or scrolls', async () => {
    await page.click('[data-testid="home"]');
    await page.click('[data-testid="project-card"][data-sample]');
    await page.waitForSelector('[data-testid="doc-text"]');
    await page.click('[data-testid="nav-train"]');
    await page.selectOption('[data-testid="teacher-model"]', 'textcnn');
    await page.fill('[data-testid="teacher-epochs"]', '300');
    await page.fill('[data-testid="teacher-patience"]', '0');
    await page.click('[data-testid="train-start"]');
    await page.waitForSelector('[data-testid="job-live"]', { timeout: 20_000 });
    // "33 / 70" had no unit: training counts batches, over every epoch.
    await waitFor(
      page,
      '() => /^· [\\d,]+ \\/ [\\d,]+ 批$/.test(document.querySelector(\'[data-testid="job-count"]\')?.textContent?.trim() ?? "")',
      undefined,
      60_000,
    );
    expect(await text(page, 'job-phase')).toMatch(/^阶段：第 \d+\/300 轮/);
    // The ETA's units too ("1h 03m" was Latin in the Chinese UI).
    expect(await text(page, 'job-eta')).toMatch(/^· 预计剩余 (–|\d+ 秒|\d+ 分 \d+ 秒|\d+ 小时 \d+ 分)$/);
    await page.waitForSelector('[data-testid="job-live"] canvas');
    await shot(page, 'train-live-zh');
    expect(await englishLeftovers(page)).toEqual([]);
    await setLocale(page, 'en');
    await waitFor(
      page,
      '() => /^· [\\d,]+ \\/ [\\d,]+ batches$/.test(document.querySelector(\'[data-testid="job-count"]\')?.textContent?.trim() ?? "")',
    );
    expect(await text(page, 'job-phase')).toMatch(/^Phase: epoch \d+\/300/);
    await shot(page, 'train-live-en');
    await page.click('[data-testid="job-cancel"]');
    await page.waitForSelector('[data-testid="job-live"]', { state: 'detached', timeout: 60_000 });
    // A short run that finishes: its metrics fill the table.
    await page.fill('[data-testid="teacher-epochs"]', '2');
    await waitFor(page, '() => !document.querySelector(\'[data-testid="train-start"]\').disabled', undefined, 30_000);
    await page.click('[data-testid="train-start"]');
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="run-state"]\')?.textContent?.trim() === "done"',
      undefined,
      180_000,
    );
    // Binary: P/R/F1 are the positive class's, the second label, and say so.
    const th = page.locator('[data-testid="runs-precision"]');
    expect(await th.innerText()).toBe('P\n好评');
    expect(await th.getAttribute('title')).toMatch(/“好评” \(the second label, counted as the positive class\)/);
    for (const width of [1280, 1024, 800]) {
      await page.setViewportSize({ width, height: 860 });
      await page.waitForTimeout(150);
      const fit = await page.evaluate(() => {
        const box = document.querySelector('[data-testid="runs-scroll"]') as HTMLElement;
        const main = document.querySelector('main') as HTMLElement;
        const version = document.querySelector('[data-testid="run-version"]') as HTMLElement;
        return {
          fits: box.scrollWidth <= box.clientWidth,
          scrolls: getComputedStyle(box).overflowX === 'auto',
          versionClipped: version.scrollWidth > version.clientWidth + 1,
          pageOverflow: main.scrollWidth - main.clientWidth,
        };
      });
      // 1280 px: every column shows whole (the last one was cut off); narrower, the table scrolls in its box.
      if (width === 1280) expect(fit, `${width}px`).toMatchObject({ fits: true, versionClipped: false });
      else expect(fit.fits || fit.scrolls, `${width}px: ${JSON.stringify(fit)}`).toBe(true);
      // The page itself never gets wider than the window (the forms above stack instead).
      expect(fit.pageOverflow, `${width}px`).toBeLessThanOrEqual(0);
      await page.evaluate(() =>
        document.querySelectorAll('[data-testid="toast"]').forEach((t) => (t as HTMLElement).click()),
      );
      await page.locator('[data-testid="runs"]').evaluate((t) => t.parentElement!.scrollIntoView({ block: 'center' }));
      await shot(page, `train-runs-${width}-en`);
    }
    await page.setViewportSize({ width: 1280, height: 860 });
    await setLocale(page, 'zh-CN');
    await page.locator('[data-testid="runs"]').evaluate((t) => t.parentElement!.scrollIntoView({ block: 'center' }));
    expect(await th.innerText()).toBe('P\n好评');
    await shot(page, 'train-runs-1280-zh');
    expect(await englishLeftovers(page)).toEqual([]);
    // The other views of a project with a trained model, in Chinese.
    for (const [view, ready] of [
      ['annotate', '[data-testid="suggestion"]'],
      ['review', '[data-testid="doc-card"]'],
      ['corpus', '[data-testid="corpus-row"]'],
    ]) {
      await page.click(`[data-testid="nav-${view}"]`);
      await page.waitForSelector(ready);
      await page.evaluate(() =>
        document.querySelectorAll('[data-testid="toast"]').forEach((t) => (t as HTMLElement).click()),
      );
      if (view === 'corpus') {
        await page.locator('[data-testid="corpus-row"]').first().click();
        await page.waitForSelector('[data-testid="corpus-detail"]');
      }
      await shot(page, `${view}-zh`);
      expect(await englishLeftovers(page), view).toEqual([]);
    }
  });

  it('a browser that lost its database: one dialog for every emptied project, and no second sample offered', async () => {
    await projectWithLabels('Labeled 2', [['还行', '正面']]);
    await projectWithLabels('Labeled 3', [['太咸', '负面']]);
    const ctxB = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
    // This browser held every project before (state/sync.ts remembers that outside IndexedDB): an empty
    // database is a loss the dialog asks about. A browser new to a project takes it from the server
    // instead, without a dialog (test/e2e/shared-project.test.ts).
    const ids = readdirSync(projectsDir).flatMap((f) =>
      existsSync(path.join(projectsDir, f, 'project.json'))
        ? [(JSON.parse(readFileSync(path.join(projectsDir, f, 'project.json'), 'utf8')) as { id: string }).id]
        : [],
    );
    await ctxB.addInitScript((list: string[]) => {
      for (const id of list) localStorage.setItem(`distillery.replica.${id}`, '1');
    }, ids);
    const b = await ctxB.newPage();
    watchPageErrors(b, consoleErrors);
    try {
      await b.goto(serve.url);
      await b.waitForSelector('[data-testid="rebuild-dialog"]', { timeout: 30_000 });
      await waitFor(b, '() => document.querySelectorAll(\'[data-testid="rebuild-item"]\').length === 4');
      await b.waitForSelector('[data-testid="rebuild-backup-info"], [data-testid="rebuild-no-backup"]');
      expect(await b.locator('[data-testid="rebuild-dialog"] h2').count()).toBe(1);
      expect(await b.locator('[data-testid="rebuild-dialog"] h2').textContent()).toBe('The database looks empty');
      expect(await b.locator('[data-testid="rebuild-dialog"] h3').allTextContents()).toEqual(
        expect.arrayContaining(['示例项目', 'Export', 'Labeled 2', 'Labeled 3']),
      );
      await shot(b, 'rebuild-one-dialog-en');
      await setLocale(b, 'zh-CN');
      expect(await b.locator('[data-testid="rebuild-dialog"] h2').textContent()).toBe('数据库似乎是空的');
      await shot(b, 'rebuild-one-dialog-zh');
      expect(await englishLeftovers(b)).toEqual([]);
      await setLocale(b, 'en');
      await b.click('[data-testid="rebuild-later"]');
      await b.waitForSelector('[data-testid="rebuild-dialog"]', { state: 'detached' });
      // The server's list has the sample (made from the other browser): it is shown as the sample, not offered again.
      await b.waitForSelector(`[data-testid="project-card"][data-project-id="${sampleId}"][data-sample]`);
      await b.waitForTimeout(300);
      expect(await b.locator('[data-testid="sample-offer"]').count()).toBe(0);
      expect(await b.locator('[data-testid="create-sample"]').count()).toBe(0);
      // English defaults of a new project agree with the sample too.
      expect([
        await b.inputValue('[data-testid="label-name-0"]'),
        await b.inputValue('[data-testid="label-key-0"]'),
      ]).toEqual(['negative', '1']);
      expect([
        await b.inputValue('[data-testid="label-name-1"]'),
        await b.inputValue('[data-testid="label-key-1"]'),
      ]).toEqual(['positive', '2']);
      await shot(b, 'projects-fresh-browser-en');
    } finally {
      await ctxB.close();
    }
  });

  it('logged no errors in the page', () => {
    expect(consoleErrors.filter((e) => !/Failed to load resource/i.test(e))).toEqual([]);
    expect(created).toHaveLength(3);
  });
});
