/** What the browser end-to-end tests share: Chromium's path and launch, a `distillery serve` process, waiting, shutdown. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { LabelEvent } from '../../src/shared/label-event';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = process.env.E2E_SHOTS ?? path.join(os.tmpdir(), 'distillery-e2e-shots');
export const haveChromium = existsSync(CHROMIUM);

export interface Serve {
  proc: ChildProcess;
  /** The URL serve printed, token included. */
  url: string;
  origin: string;
  log: string[];
}

/**
 * `distillery serve` on a free port (or the `--port` among `args`, to restart a killed server where
 * its pages reconnect); resolves with the URL (token included) it prints.
 */
export async function startServe(
  projects: string,
  renderer = path.join(ROOT, 'out/renderer'),
  args: string[] = [],
): Promise<Serve> {
  const port = args.includes('--port') ? [] : ['--port', '0'];
  const proc = spawn(
    process.execPath,
    ['bin/distillery.mjs', 'serve', ...port, '--projects', projects, '--renderer', renderer, ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log: string[] = [];
  proc.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 60 s:\n${log.join('')}`)), 60_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(http:\/\/\S+\?token=\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${log.join('')}`)));
  });
  return { proc, url, origin: new URL(url).origin, log };
}

const rendererBuildArgs = (outDir?: string) => [
  path.join(ROOT, 'node_modules/vite/bin/vite.js'),
  'build',
  '-c',
  'vite.renderer.config.ts',
  ...(outDir ? ['--outDir', outDir, '--emptyOutDir'] : []),
];

/** What the renderer bundle is made from: its sources, the shared layer, the build config and the locked dependencies. */
function rendererSourceHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const f = path.join(dir, e.name);
      if (e.isDirectory()) walk(f);
      else if (!/\.test\.ts$/.test(e.name)) h.update(path.relative(ROOT, f)).update(readFileSync(f));
    }
  };
  walk(path.join(ROOT, 'src/renderer'));
  walk(path.join(ROOT, 'src/shared'));
  for (const f of ['vite.renderer.config.ts', 'package-lock.json'])
    h.update(f).update(readFileSync(path.join(ROOT, f)));
  return h.digest('hex').slice(0, 16);
}

/** Runs the Vite build without blocking this process (a blocked event loop misses vitest's worker RPC, 60 s). */
async function viteBuild(outDir: string): Promise<void> {
  const b = spawn(process.execPath, rendererBuildArgs(outDir), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  b.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  b.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => b.once('exit', resolve));
  if (code !== 0) throw new Error(`renderer build failed:\n${out}`);
}

/**
 * Puts the UI built from the sources under test into `outDir` (default: out/renderer, what serve hosts
 * by default). One build per source state is kept in the temp folder and copied, so the e2e files of
 * one run do not each spend a minute building the same bundle; a changed source is a new build.
 */
export async function buildRenderer(outDir = path.join(ROOT, 'out/renderer')): Promise<void> {
  const cache = path.join(os.tmpdir(), `distillery-renderer-${rendererSourceHash()}`);
  if (!existsSync(path.join(cache, 'index.html'))) {
    const fresh = `${cache}.${process.pid}.${Date.now()}`;
    await viteBuild(fresh);
    try {
      renameSync(fresh, cache);
    } catch {
      // Another test file finished the same build first: keep theirs.
      rmSync(fresh, { recursive: true, force: true });
    }
  }
  rmSync(outDir, { recursive: true, force: true });
  cpSync(cache, outDir, { recursive: true });
}

/** Debian's Chromium, headless, without the background traffic a test has no use for. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Collects the page's uncaught errors and console errors (favicon and expected 403/404s aside) into `errors`. */
export function watchPageErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon|status of 40[34]/.test(m.text())) errors.push(m.text());
  });
}

export interface Workbench {
  tmp: string;
  projectsDir: string;
  serve: Serve;
  browser: Browser;
  page: Page;
}

/**
 * The usual set-up of a browser test: a temporary folder, the UI built into it, `distillery serve`
 * over an empty projects folder (with `serveArgs`, e.g. `--owner NAME`), and one Chromium page
 * (English) whose errors go to `pageErrors`.
 */
export async function startWorkbench(
  prefix: string,
  pageErrors: string[],
  viewport = { width: 1280, height: 900 },
  serveArgs: string[] = [],
): Promise<Workbench> {
  mkdirSync(SHOTS, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), prefix));
  const projectsDir = path.join(tmp, 'projects');
  mkdirSync(projectsDir);
  const renderer = path.join(tmp, 'renderer');
  await buildRenderer(renderer);
  const serve = await startServe(projectsDir, renderer, serveArgs);
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport, locale: 'en-US' });
  const page = await context.newPage();
  watchPageErrors(page, pageErrors);
  return { tmp, projectsDir, serve, browser, page };
}

/** Closes the browser, stops serve and removes the test's temporary folder. */
export async function shutdown(
  browser: Browser | undefined,
  serve: Serve | undefined,
  tmp: string | undefined,
): Promise<void> {
  await browser?.close();
  if (serve?.proc && serve.proc.exitCode === null) {
    serve.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

/** Waits until the page-side function (source text) returns truthy for `arg`. */
export async function waitFor(page: Page, fn: string, arg: unknown = undefined, timeout = 15_000): Promise<void> {
  await page.waitForFunction(new Function('arg', `return (${fn})(arg)`) as (a: unknown) => unknown, arg, {
    timeout,
    polling: 50,
  });
}

/** A document as the renderer stores it in IndexedDB (the fields the tests look at). */
export interface StoredDoc {
  id: string;
  projectId: string;
  text: string;
  labels: string[];
  source?: string;
  who?: string;
  suggestion?: string[];
  confidence?: number;
}

/** Reads the project's documents (or only their count) from the page's IndexedDB, without the app's code. */
function readDocs(page: Page, projectId: string, count: boolean): Promise<StoredDoc[] | number> {
  return page.evaluate(
    ({ pid, count }) =>
      new Promise<StoredDoc[] | number>((resolve, reject) => {
        const q = indexedDB.open('distillery');
        q.onerror = () => reject(q.error);
        q.onsuccess = () => {
          const db = q.result;
          const index = db.transaction('docs').objectStore('docs').index('projectId');
          const r: IDBRequest = count ? index.count(pid) : index.getAll(pid);
          r.onerror = () => {
            db.close();
            reject(r.error);
          };
          r.onsuccess = () => {
            db.close();
            resolve(r.result as StoredDoc[] | number);
          };
        };
      }),
    { pid: projectId, count },
  );
}

export function projectDocs(page: Page, projectId: string): Promise<StoredDoc[]> {
  return readDocs(page, projectId, false) as Promise<StoredDoc[]>;
}

/** The project's row in the browser's IndexedDB (settings such as the strategy and the live loop). */
export function projectRow(
  page: Page,
  projectId: string,
): Promise<{ strategy?: string; liveLoop?: { enabled: boolean; every: number } } | undefined> {
  return page.evaluate(
    (pid) =>
      new Promise<{ strategy?: string; liveLoop?: { enabled: boolean; every: number } } | undefined>(
        (resolve, reject) => {
          const q = indexedDB.open('distillery');
          q.onerror = () => reject(q.error);
          q.onsuccess = () => {
            const r = q.result.transaction('projects').objectStore('projects').get(pid);
            r.onsuccess = () => resolve(r.result);
            r.onerror = () => reject(r.error);
          };
        },
      ),
    projectId,
  );
}

/** The job rows the renderer saved (IndexedDB) for the project, newest first by start time. */
export function jobRows(
  page: Page,
  projectId: string,
): Promise<{ kind: string; state: string; options: Record<string, unknown>; result?: { modelVersion?: string } }[]> {
  return page.evaluate(
    (pid) =>
      new Promise((resolve, reject) => {
        const q = indexedDB.open('distillery');
        q.onerror = () => reject(q.error);
        q.onsuccess = () => {
          const r = q.result.transaction('jobs').objectStore('jobs').getAll();
          r.onsuccess = () =>
            resolve(
              (r.result as { projectId: string; startedAt: string }[])
                .filter((j) => j.projectId === pid)
                .sort((a, b) => b.startedAt.localeCompare(a.startedAt)) as never,
            );
          r.onerror = () => reject(r.error);
        };
      }),
    projectId,
  );
}

/**
 * Turns the open project's live loop off (Annotate view) and waits until it is saved: for tests of
 * other things, where its retrains would add gold-set draws to the journal and rows to the runs table.
 */
export async function liveLoopOff(page: Page, projectId: string): Promise<void> {
  await page.uncheck('[data-testid="live-loop-on"]');
  // Give the focus back to the page, so that label keys reach the labeling view, not the checkbox.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await expect
    .poll(async () => (await projectRow(page, projectId))?.liveLoop?.enabled, { timeout: 15_000 })
    .toBe(false);
}

/** Count only: no documents cross to the test (the 100,000-document case). */
export function projectDocCount(page: Page, projectId: string): Promise<number> {
  return readDocs(page, projectId, true) as Promise<number>;
}

/** The project folder's journal, one event a line; every line must be whole (a failed append leaves no torn line behind). */
export function readJournal(folder: string): LabelEvent[] {
  const f = path.join(folder, 'journal.jsonl');
  if (!existsSync(f)) return [];
  const s = readFileSync(f, 'utf8');
  if (s !== '' && !s.endsWith('\n')) throw new Error(`${f}: the last line is not whole`);
  return s
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as LabelEvent);
}

/** The folder under `projectsDir` whose project.json has this id. */
export function projectFolder(projectsDir: string, id: string): string {
  for (const name of readdirSync(projectsDir)) {
    try {
      if ((JSON.parse(readFileSync(path.join(projectsDir, name, 'project.json'), 'utf8')) as { id: string }).id === id)
        return path.join(projectsDir, name);
    } catch {
      // not a project
    }
  }
  throw new Error(`no project ${id} in ${projectsDir}`);
}

/** The events table of a page's IndexedDB (what that browser made and received). */
export function storedEvents(
  page: Page,
  pid: string,
): Promise<{ id?: string; who: string; journaled: 0 | 1; docId: string; action: string }[]> {
  return page.evaluate(
    (projectId) =>
      new Promise<{ id?: string; who: string; journaled: 0 | 1; docId: string; action: string }[]>(
        (resolve, reject) => {
          const q = indexedDB.open('distillery');
          q.onerror = () => reject(q.error);
          q.onsuccess = () => {
            const db = q.result;
            const r = db.transaction('events').objectStore('events').index('projectId').getAll(projectId);
            r.onsuccess = () => {
              db.close();
              resolve(r.result as { id?: string; who: string; journaled: 0 | 1; docId: string; action: string }[]);
            };
            r.onerror = () => reject(r.error);
          };
        },
      ),
    pid,
  );
}

/** The id of the document the Annotate view shows. */
export function currentDoc(page: Page): Promise<string | null> {
  return page.getAttribute('[data-testid="doc-card"]', 'data-doc-id');
}

/** Clicks a label on the page's current document and waits until the next one shows; returns the labeled document's id. */
export async function labelCurrent(page: Page, name: string): Promise<string> {
  const id = (await currentDoc(page))!;
  await page.click(`[data-testid="label-btn-${name}"]`);
  await page.waitForFunction(
    (was) => document.querySelector('[data-testid="doc-card"]')?.getAttribute('data-doc-id') !== was,
    id,
    { timeout: 10_000 },
  );
  return id;
}

/** Waits until the project folder holds an automatic backup (what a fresh browser takes the project from). */
export async function waitForBackup(folder: string): Promise<void> {
  const dir = path.join(folder, 'backups');
  const has = () => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json') && !f.endsWith('.meta.json'));
  await expect.poll(has, { timeout: 30_000 }).toBe(true);
}

/** Invites a member through `team.invite` from an owner's page (its cookie is the owner's token); resolves with their invite link. */
export async function inviteMember(ownerPage: Page, name: string, role: 'annotator' | 'reviewer'): Promise<string> {
  const reply = await ownerPage.evaluate(
    async ({ name, role }) =>
      (
        await fetch('/api/team.invite', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify([name, role]),
        })
      ).json(),
    { name, role },
  );
  if (!reply.ok) throw new Error(`team.invite ${name}: ${JSON.stringify(reply.error)}`);
  return (reply.result as { url: string }).url;
}

/**
 * From the Projects view at `url`: a new project `name` with the labels positive and negative, `corpusFile`
 * imported into it; ends on its Annotate view and resolves with its id.
 */
export async function createBinaryProject(page: Page, url: string, name: string, corpusFile: string): Promise<string> {
  await page.goto(url);
  await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
  await page.fill('[data-testid="project-name-input"]', name);
  await page.fill('[data-testid="label-name-0"]', 'positive');
  await page.fill('[data-testid="label-name-1"]', 'negative');
  await page.click('[data-testid="create-project"]');
  await page.waitForSelector('[data-testid="import-file"]');
  const id = decodeURIComponent(/#\/p\/([^/]+)\//.exec(page.url())![1]);
  await page.setInputFiles('[data-testid="import-file"]', corpusFile);
  await page.waitForSelector('[data-testid="import-run"]:not([disabled])');
  await page.click('[data-testid="import-run"]');
  await page.waitForSelector('[data-testid="import-done"]', { timeout: 30_000 });
  await page.click('[data-testid="nav-annotate"]');
  await page.waitForSelector('[data-testid="doc-text"]');
  return id;
}
