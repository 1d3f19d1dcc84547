/**
 * One project, many browsers (issue 10 item 1), end to end: `distillery serve` as a child process,
 * two Chromium contexts (two IndexedDBs) as two annotators, alice and bob.
 *
 *   alice opens the server: the sample project is made and backed up; bob's fresh browser takes it
 *   from that backup (no rebuild dialog) → alice labels, bob's replica has each label within 2 s (the
 *   median is printed as a figure) → bob labels the first of alice's documents differently: both
 *   replicas keep both labels (byAnnotator), final rule 'latest', agree false → serve is SIGKILLed
 *   right after a label; both label while it is down (queued) → serve restarts on the same folder
 *   and port; both pages come back (the token is new) and label more → every event either browser
 *   made is in the journal exactly once (by id) and both replicas hold the same documents.
 *
 * Screenshots: $E2E_SHOTS (default <tmp>/distillery-e2e-shots), shared-*.png.
 */
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  currentDoc as current,
  haveChromium,
  inviteMember,
  labelCurrent as label,
  liveLoopOff,
  projectDocs,
  projectFolder,
  readJournal,
  shutdown,
  SHOTS,
  startServe,
  startWorkbench,
  storedEvents,
  waitForBackup,
  watchPageErrors,
  type Serve,
  type StoredDoc,
  type Workbench,
} from './harness';

type Doc = StoredDoc & { byAnnotator?: Record<string, { labels: string[] }>; finalRule?: string; agree?: boolean };

describe.skipIf(!haveChromium)('a shared project: two browsers, two annotators, one journal (serve mode)', () => {
  let wb: Workbench | undefined;
  let serve: Serve | undefined;
  let bCtx: BrowserContext;
  let a: Page;
  let b: Page;
  let pid = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // The annotator's name comes from the token: alice is the owner, bob an annotator she invites.
    wb = await startWorkbench('distillery-shared-e2e-', pageErrors, undefined, ['--owner', 'alice']);
    serve = wb.serve;
    a = wb.page;
    bCtx = await wb.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    b = await bCtx.newPage();
    watchPageErrors(b, pageErrors);
  }, 180_000);

  afterAll(async () => {
    await shutdown(wb?.browser, serve, wb?.tmp);
    console.log(`[e2e shared] screenshots: ${SHOTS}/shared-*.png`);
  });

  const docs = async (page: Page) => (await projectDocs(page, pid)) as Doc[];
  const doc = async (page: Page, id: string) => (await docs(page)).find((d) => d.id === id);
  let bobsLink = '';
  /** alice opens the owner URL serve printed (a new token after a restart), bob his invite link (team.json keeps it). */
  const open = async (page: Page) => {
    await page.goto(page === b ? bobsLink : serve!.url);
    await page.waitForSelector(`[data-testid="project-card"][data-project-id="${pid}"]`, { timeout: 60_000 });
    // A replica behind the journal is not a damaged database: no rebuild dialog may stand in the way.
    if (await page.locator('[data-testid="rebuild-dialog"]').count())
      throw new Error(`rebuild dialog: ${await page.locator('[data-testid="rebuild-dialog"]').innerText()}`);
    await page.click(`[data-testid="project-card"][data-project-id="${pid}"]`);
    await page.waitForSelector('[data-testid="doc-card"]', { timeout: 30_000 });
  };
  it('each sees the other’s labels within 2 s; disagreements keep both; a killed server loses nothing acknowledged', async () => {
    // alice: the sample project, backed up after its import.
    await a.goto(serve!.url);
    await a.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    pid = (await a.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
    bobsLink = await inviteMember(a, 'bob', 'annotator');
    const folder = projectFolder(wb!.projectsDir, pid);
    await waitForBackup(folder);
    await open(a);
    await liveLoopOff(a, pid);
    const names = await a.$$eval('[data-testid^="label-btn-"]', (els) =>
      els.map((e) => e.getAttribute('data-testid')!.slice('label-btn-'.length)),
    );
    expect(names.length).toBeGreaterThanOrEqual(2);

    // bob's fresh browser: the project comes from the server, no rebuild dialog.
    await open(b);
    expect(await b.locator('[data-testid="rebuild-dialog"]').count()).toBe(0);
    await liveLoopOff(b, pid);
    expect((await docs(b)).length).toBe((await docs(a)).length);
    const bobsFirst = await current(b);

    // alice labels; bob's replica has each label within 2 s.
    const ms: number[] = [];
    const alices: string[] = [];
    for (let i = 0; i < 8; i++) {
      const t0 = Date.now();
      const id = await label(a, names[0]);
      alices.push(id);
      await expect
        .poll(async () => (await doc(b, id))?.byAnnotator?.alice?.labels, { timeout: 2000, interval: 20 })
        .toEqual([names[0]]);
      ms.push(Date.now() - t0);
    }
    const sorted = [...ms].sort((x, y) => x - y);
    console.log(
      `[e2e shared] propagation alice → bob (label click to bob's IndexedDB), ${ms.length} labels: median ${sorted[sorted.length >> 1]} ms, max ${sorted.at(-1)} ms (${ms.join(', ')})`,
    );

    // bob still shows the document alice labeled first (both queues start alike) and labels it differently.
    expect(bobsFirst).toBe(alices[0]);
    await label(b, names[1]);
    for (const page of [a, b]) {
      await expect
        .poll(async () => (await doc(page, alices[0]))?.byAnnotator, { timeout: 2000, interval: 20 })
        .toEqual({
          alice: expect.objectContaining({ labels: [names[0]] }),
          bob: expect.objectContaining({ labels: [names[1]] }),
        });
      expect(await doc(page, alices[0])).toMatchObject({
        finalRule: 'latest',
        agree: false,
        labels: [names[1]],
        who: 'bob',
      });
    }
    await a.screenshot({ path: path.join(SHOTS, 'shared-01-alice.png') });
    await b.screenshot({ path: path.join(SHOTS, 'shared-02-bob.png') });

    // The server dies (SIGKILL) right after a label of alice's; both go on labeling while it is down.
    const port = new URL(serve!.url).port;
    const lastBefore = label(a, names[1]);
    const dead = new Promise((r) => serve!.proc.once('exit', r));
    serve!.proc.kill('SIGKILL');
    await lastBefore;
    await dead;
    await label(a, names[0]);
    await label(b, names[0]);
    await label(b, names[1]);

    // Back on the same folder and port; the pages come back with the new token and send what waited.
    serve = await startServe(wb!.projectsDir, path.join(wb!.tmp, 'renderer'), ['--port', port, '--owner', 'alice']);
    await open(a);
    await open(b);
    await label(a, names[1]);
    await label(b, names[0]);
    await label(a, names[0]);

    // Every event either browser made is journaled, exactly once.
    const mine = async (page: Page, who: string) => (await storedEvents(page, pid)).filter((e) => e.who === who);
    await expect
      .poll(async () => [...(await mine(a, 'alice')), ...(await mine(b, 'bob'))].every((e) => e.journaled === 1), {
        timeout: 20_000,
      })
      .toBe(true);
    const made = [...(await mine(a, 'alice')), ...(await mine(b, 'bob'))].filter((e) => e.id);
    const journal = readJournal(folder);
    const count = new Map<string, number>();
    for (const e of journal) if (e.id) count.set(e.id, (count.get(e.id) ?? 0) + 1);
    expect(made.filter((e) => count.get(e.id!) !== 1)).toEqual([]);
    expect([...count.values()].every((n) => n === 1)).toBe(true);
    expect(journal.filter((e) => e.who === 'alice' && e.action === 'label').length).toBeGreaterThanOrEqual(12);
    expect(journal.filter((e) => e.who === 'bob' && e.action === 'label').length).toBe(4);

    // Both replicas converge on the same documents: labels, each annotator's, the rule.
    const view = async (page: Page) =>
      (await docs(page))
        .map((d) => ({
          id: d.id,
          labels: d.labels,
          byAnnotator: d.byAnnotator ?? {},
          finalRule: d.finalRule,
          agree: d.agree,
        }))
        .sort((x, y) => (x.id < y.id ? -1 : 1));
    await expect
      .poll(async () => JSON.stringify(await view(a)) === JSON.stringify(await view(b)), { timeout: 10_000 })
      .toBe(true);
    expect((await view(a)).filter((d) => Object.keys(d.byAnnotator).length).length).toBeGreaterThan(0);
    await a.screenshot({ path: path.join(SHOTS, 'shared-03-alice-after-restart.png') });
    expect(
      pageErrors.filter(
        (e) => !/Failed to fetch|ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|did not answer|401|WebSocket/i.test(e),
      ),
    ).toEqual([]);
  }, 240_000);
});
