/**
 * Team routing in a browser (issue #10 item 3): `distillery serve`, Debian's Chromium, the real Dexie
 * database. A new project of 60 unlabeled reviews; the owner sets 20 % × 2 for the annotators ann-a
 * and ann-b (the Annotate view's routing form, saved in project.json) and invites them (team.invite).
 * Each opens their invite link in a browser context of their own (names come from tokens): ann-a is
 * offered exactly the documents shared/routing.ts routes to ann-a, in queue order, then told that
 * theirs are done and how many of the others' are left; ann-b is offered exactly theirs, which
 * include every overlap document ann-a already labeled (blind: without ann-a's label in the history).
 * The journal holds both annotators' labels on each overlap document.
 *
 * Then a second project routes 20 % × 2 with no annotator list: the team is the server's annotators
 * (team.names). Two fresh browsers, before anyone labeled, are each offered exactly the documents
 * routing.ts routes to them among ann-a and ann-b (the old fallback, "whoever labeled, plus me", had
 * each browser route everything to itself). The owner revokes ann-b: ann-a's Annotate view says the
 * team changed and offers ann-b's share too.
 *
 * Screenshots: $E2E_SHOTS (default <tmp>/distillery-e2e-shots), routing-*.png (the form in English and
 * Chinese; routing-team-changed.png after the revoke).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerFor } from '../../src/renderer/queue/routed-queue';
import type { DocRow } from '../../src/renderer/db/types';
import { assignees, isOverlapDoc, type OverlapSetting } from '../../src/shared/routing';
import { csvField, generateCorpus, uniqueDocs } from '../fixtures/synthetic-corpus';
import {
  createBinaryProject,
  haveChromium,
  inviteMember,
  liveLoopOff,
  projectDocs,
  projectFolder,
  readJournal,
  shutdown,
  labelCurrent,
  waitForBackup,
  SHOTS,
  startWorkbench,
  waitFor,
  watchPageErrors,
  type Serve,
} from './harness';

const TEAM = ['ann-a', 'ann-b'];
const OVERLAP: OverlapSetting = { fraction: 0.2, k: 2, blind: true, team: TEAM };

describe.skipIf(!haveChromium)('team routing in a browser (serve mode)', () => {
  let serve: Serve | undefined;
  let browser: Browser | undefined;
  let page: Page;
  /** The owner's page (serve's printed URL); `page` is whoever acts now. */
  let owner: Page;
  let tmp = '';
  let projectsDir = '';
  let pid = '';
  let corpusFile = '';
  const pageErrors: string[] = [];
  const offered: Record<string, string[]> = {};
  /** Each annotator's invite link (their token), to open again in a fresh browser. */
  const links: Record<string, string> = {};
  /** Each annotator's first browser (closed before their token is revoked: its reconnects would get 401). */
  const contexts: Record<string, BrowserContext> = {};

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `routing-${name}.png`) });
  const current = () => page.getAttribute('[data-testid="doc-card"]', 'data-doc-id');

  /** The documents routed to `who`, in the queue's order (highest queue score first), from the database and routing.ts alone. */
  async function routedTo(who: string): Promise<string[]> {
    const docs = (await projectDocs(page, pid)) as unknown as { id: string; queueScore: number }[];
    return docs
      .filter((d) => assignees(d.id, TEAM, OVERLAP).includes(who))
      .sort((a, b) => b.queueScore - a.queueScore)
      .map((d) => d.id);
  }

  /** The annotator's own browser (a new context) on their invite link, in the project's Annotate view: names come from tokens. */
  async function becomes(who: string): Promise<void> {
    const link = await inviteMember(owner, who, 'annotator');
    links[who] = link;
    contexts[who] = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page = await contexts[who].newPage();
    watchPageErrors(page, pageErrors);
    await page.goto(link);
    await page.waitForSelector(`[data-testid="project-card"][data-project-id="${pid}"]`, { timeout: 60_000 });
    await page.click(`[data-testid="project-card"][data-project-id="${pid}"]`);
    await page.waitForSelector('[data-testid="doc-card"]', { timeout: 30_000 });
    await liveLoopOff(page, pid);
    expect(await page.inputValue('[data-testid="user"]')).toBe(who);
  }

  /** Labels every document the queue offers until it says the annotator's documents are done; returns their ids in order. */
  async function labelAllOffered(who: string, expected: string[]): Promise<string[]> {
    const seen: string[] = [];
    // The name change resets the queue: its first document is the annotator's first.
    await waitFor(
      page,
      `(id) => document.querySelector('[data-testid="doc-card"]')?.dataset.docId === id`,
      expected[0],
    );
    for (;;) {
      const id = await current();
      if (!id) break;
      expect(seen, `${who} is offered ${id} twice`).not.toContain(id);
      seen.push(id);
      if (isOverlapDoc(id, OVERLAP.fraction) && who === 'ann-b') {
        // Blind: ann-a's label on this overlap document is not shown to ann-b before ann-b labeled it.
        expect(await page.textContent('[data-testid="history"]'), id).not.toContain('ann-a');
      }
      await page.keyboard.press('1');
      await waitFor(
        page,
        `(id) => document.querySelector('[data-testid="doc-card"]')?.dataset.docId !== id || document.querySelector('[data-testid="routing-mine-done"]')`,
        id,
      );
      if (await page.isVisible('[data-testid="routing-mine-done"]')) break;
    }
    return seen;
  }

  beforeAll(async () => {
    ({ tmp, projectsDir, serve, browser, page } = await startWorkbench('distillery-routing-e2e-', pageErrors));
    owner = page;
    const docs = uniqueDocs(generateCorpus(90, 7, 'binary')).slice(0, 60);
    expect(docs).toHaveLength(60);
    corpusFile = path.join(tmp, 'team.csv');
    writeFileSync(corpusFile, ['review', ...docs.map((d) => csvField(d.text))].join('\n') + '\n');
  }, 180_000);

  afterAll(async () => {
    await shutdown(browser, serve, tmp);
    console.log(`[e2e routing] screenshots: ${SHOTS}/routing-*.png`);
  });

  it('the owner sets 20 % × 2, blind, for ann-a and ann-b; it is saved in project.json', async () => {
    pid = await createBinaryProject(page, serve!.url, 'Team', corpusFile);
    await liveLoopOff(page, pid);

    await page.click('[data-testid="routing-settings"] summary');
    await page.check('[data-testid="routing-on"]');
    await page.fill('[data-testid="routing-fraction"]', '20');
    await page.fill('[data-testid="routing-k"]', '2');
    await page.check('[data-testid="routing-blind"]');
    await page.fill('[data-testid="routing-team-list"]', 'ann-b, ann-a');
    await page.click('[data-testid="routing-save"]');
    const folder = projectFolder(projectsDir, pid);
    const saved = () =>
      (JSON.parse(readFileSync(path.join(folder, 'project.json'), 'utf8')) as { overlap?: OverlapSetting }).overlap;
    await expect.poll(saved, { timeout: 15_000 }).toEqual(OVERLAP);
    await page.waitForSelector('[data-testid="routing-team"]');
    await shot('settings');
    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    await page.waitForSelector('text=团队分配');
    await shot('settings-zh');
    await page.selectOption('[data-testid="locale"]', 'en');
    await page.waitForSelector('text=Team routing');
  });

  it('ann-a is offered exactly the documents routed to ann-a, then told theirs are done', async () => {
    await becomes('ann-a');
    const expected = await routedTo('ann-a');
    offered['ann-a'] = await labelAllOffered('ann-a', expected);
    expect(offered['ann-a']).toEqual(expected);
    // What is left: ann-b's own documents (the overlap ones ann-a labeled still lack ann-b, but are ann-b's).
    const all = (await projectDocs(page, pid)).map((d) => d.id);
    const onlyB = all.filter((id) => assignees(id, TEAM, OVERLAP).join() === 'ann-b');
    expect(await page.textContent('[data-testid="queue-empty"]')).toContain(
      `${onlyB.length} documents routed to others still need labels.`,
    );
    await shot('mine-done');
  });

  it('ann-b is offered exactly the documents routed to ann-b: every overlap document too, already labeled by ann-a', async () => {
    await becomes('ann-b');
    const expected = await routedTo('ann-b');
    offered['ann-b'] = await labelAllOffered('ann-b', expected);
    expect(offered['ann-b']).toEqual(expected);

    const all = (await projectDocs(page, pid)).map((d) => d.id);
    const overlap = all.filter((id) => isOverlapDoc(id, OVERLAP.fraction));
    // About 20 % of 60 documents; the exact share over 1,000 documents is the unit test's.
    expect(overlap.length).toBeGreaterThan(0);
    for (const id of overlap) {
      expect(offered['ann-a'], id).toContain(id);
      expect(offered['ann-b'], id).toContain(id);
    }
    // Every other document went to exactly one of them, and nothing was left out.
    for (const id of all.filter((x) => !overlap.includes(x)))
      expect(Number(offered['ann-a'].includes(id)) + Number(offered['ann-b'].includes(id)), id).toBe(1);
    expect(await page.textContent('[data-testid="queue-empty"]')).not.toContain('routed to others still need labels');

    // The journal holds both annotators' labels on every overlap document.
    const folder = projectFolder(projectsDir, pid);
    await expect
      .poll(() => readJournal(folder).filter((e) => e.action === 'label').length, { timeout: 15_000 })
      .toBe(offered['ann-a'].length + offered['ann-b'].length);
    const journal = readJournal(folder);
    for (const id of overlap)
      expect(new Set(journal.filter((e) => e.docId === id && e.action === 'label').map((e) => e.who)), id).toEqual(
        new Set(TEAM),
      );
    await shot('both-done');
    expect(pageErrors).toEqual([]);
    console.log(
      `[e2e routing] 60 documents, 20 % × 2: ${overlap.length} overlap documents; ann-a offered ${offered['ann-a'].length}, ann-b ${offered['ann-b'].length}`,
    );
  });

  it('without an annotator list, two fresh browsers route alike from the first label on; a revoke re-routes', async () => {
    // A second project, routed 20 % × 2 with no list: the team is the server's annotators (team.names).
    const open: OverlapSetting = { fraction: 0.2, k: 2, blind: false };
    page = owner;
    const pid2 = await createBinaryProject(owner, serve!.url, 'Team 2', corpusFile);
    await liveLoopOff(owner, pid2);
    await owner.click('[data-testid="routing-settings"] summary');
    await owner.check('[data-testid="routing-on"]');
    await owner.fill('[data-testid="routing-fraction"]', '20');
    await owner.fill('[data-testid="routing-k"]', '2');
    await owner.click('[data-testid="routing-save"]');
    const folder = projectFolder(projectsDir, pid2);
    const saved = () =>
      (JSON.parse(readFileSync(path.join(folder, 'project.json'), 'utf8')) as { overlap?: OverlapSetting }).overlap;
    await expect.poll(saved, { timeout: 15_000 }).toEqual(open);
    await waitForBackup(folder);

    // ann-a and ann-b, each in a fresh browser, on the new project: nobody has labeled in it.
    const pages: Record<string, Page> = {};
    const ctxs = [];
    for (const who of TEAM) {
      const ctx = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
      ctxs.push(ctx);
      const pg = await ctx.newPage();
      watchPageErrors(pg, pageErrors);
      await pg.goto(links[who]);
      await pg.waitForSelector(`[data-testid="project-card"][data-project-id="${pid2}"]`, { timeout: 60_000 });
      await pg.click(`[data-testid="project-card"][data-project-id="${pid2}"]`);
      await pg.waitForSelector('[data-testid="doc-card"]', { timeout: 30_000 });
      await liveLoopOff(pg, pid2);
      pages[who] = pg;
    }
    expect(readJournal(folder).filter((e) => e.action === 'label')).toEqual([]);
    const docs = (await projectDocs(pages['ann-a'], pid2)) as unknown as DocRow[];
    const byQueue = [...docs].sort((a, b) => b.queueScore - a.queueScore).map((d) => d.id);
    const routed = (who: string) => byQueue.filter((id) => assignees(id, TEAM, open).includes(who));
    // Each labels their first three in turn; each is offered exactly routing.ts's documents for them, in queue order.
    for (let i = 0; i < 3; i++)
      for (const who of TEAM) {
        page = pages[who];
        expect(await current(), `${who}'s document ${i + 1}`).toBe(routed(who)[i]);
        await labelCurrent(page, 'positive');
      }
    expect(routed('ann-a').slice(0, 3)).not.toEqual(routed('ann-b').slice(0, 3));

    // The owner revokes ann-b: ann-a's view says so and offers ann-b's share too.
    await ctxs[1].close();
    await contexts['ann-b'].close();
    const reply = await owner.evaluate(
      async () =>
        (
          await fetch('/api/team.revoke', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(['ann-b']),
          })
        ).json() as Promise<{ ok: boolean }>,
    );
    expect(reply.ok).toBe(true);
    page = pages['ann-a'];
    // The server pushes {type: 'team'}: the banner comes well before the view's 60 s poll would.
    const t0 = Date.now();
    await page.waitForSelector('[data-testid="routing-team-changed"]', { timeout: 30_000 });
    console.log(`[e2e routing] the team change reached ann-a after ${Date.now() - t0} ms`);
    expect(await page.textContent('[data-testid="routing-team-changed"]')).toContain('ann-b');
    await waitFor(
      page,
      `() => document.querySelector('[data-testid="routing-team"]')?.textContent.includes(': ann-a')`,
    );
    await shot('team-changed');
    // The document on screen stays; after it, ann-a is offered every document still open to ann-a alone,
    // in queue order, ann-b's share included: labeled on until the first of ann-b's comes.
    const solo = { me: 'ann-a', team: ['ann-a'], overlap: open };
    await labelCurrent(page, 'negative');
    const now = (await projectDocs(page, pid2)) as unknown as DocRow[];
    const next = now
      .filter((d) => offerFor(d, solo) === 'mine')
      .sort((a, b) => b.queueScore - a.queueScore)
      .map((d) => d.id);
    const firstOfB = next.findIndex((id) => assignees(id, TEAM, open).join() === 'ann-b');
    expect(firstOfB).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < firstOfB; i++) {
      expect(await current(), `ann-a's document ${i + 1} after the revoke`).toBe(next[i]);
      await labelCurrent(page, 'positive');
    }
    expect(await current(), "ann-b's document, now ann-a's").toBe(next[firstOfB]);
    expect(pageErrors).toEqual([]);
    await ctxs[0].close();
  });
});
