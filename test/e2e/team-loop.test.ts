/**
 * Issue #10's first must-show as one story: a team on one `distillery serve` project, with Debian's
 * Chromium (one context per person, each its own IndexedDB), the real Dexie database and the journal.
 *
 *   The owner opens the sample project (live loop off) and invites ann, bob (annotators) and rev
 *   (reviewer) in the Team panel → ann and bob open their invite links. Before routing, their
 *   queues start alike: bob labels the document on ann's screen (it stays there; her progress counts
 *   it) and the next one in her queue (it leaves her queue) → the owner sets 20 % × 2 for ann and bob
 *   (routing form); ann and bob reload and label in turn: each label is in the other's IndexedDB within
 *   2 s (median and max printed), each is offered only documents shared/routing.ts routes to them, in
 *   queue order, and every overlap document ends with both labels; rev's agreement tab counts more
 *   overlap documents as they label; ann and bob disagree on purpose on one overlap document and rev
 *   decides it with the keyboard → serve is SIGKILLed after acknowledged labels; both label while it
 *   is down; it restarts on the same folder and port; the members' pages reconnect with their own
 *   tokens (team.json keeps them); the owner reopens with the new owner URL and starts a student
 *   training: the job request's training rows (docs.labeled, what the worker trains on) carry the
 *   adjudicated label → every label event of ann and bob is in the journal exactly once (by id) and
 *   the three replicas hold the same documents.
 *
 * Screenshots: $E2E_SHOTS (default <tmp>/distillery-e2e-shots), team-loop-*.png.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRequest } from '../../src/shared/api';
import { assignees, isOverlapDoc, type OverlapSetting } from '../../src/shared/routing';
import { offerFor } from '../../src/renderer/queue/routed-queue';
import type { DocRow } from '../../src/renderer/db/types';
import {
  currentDoc,
  haveChromium,
  labelCurrent,
  liveLoopOff,
  projectDocs,
  projectFolder,
  projectRow,
  readJournal,
  shutdown,
  SHOTS,
  startServe,
  startWorkbench,
  storedEvents,
  waitFor,
  waitForBackup,
  watchPageErrors,
  type Serve,
} from './harness';

const TEAM = ['ann', 'bob'];
const OVERLAP: OverlapSetting = { fraction: 0.2, k: 2, blind: false, team: TEAM };
/** Labels each annotator makes in the routed part (before the catch-up on overlap documents). */
const PER_ANNOTATOR = 12;

type Doc = DocRow;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe.skipIf(!haveChromium)(
  'a team on one serve project: invite, route, label, agree, adjudicate, train, survive a SIGKILL',
  () => {
    let serve: Serve | undefined;
    let browser: Browser | undefined;
    let owner: Page;
    let tmp = '';
    let projectsDir = '';
    const errors: string[] = [];
    const pages: Record<string, Page> = {};
    const links: Record<string, string> = {};

    beforeAll(async () => {
      ({ tmp, projectsDir, serve, browser, page: owner } = await startWorkbench('distillery-team-loop-e2e-', errors));
    }, 180_000);

    afterAll(async () => {
      await shutdown(browser, serve, tmp);
      console.log(`[e2e team-loop] screenshots: ${SHOTS}/team-loop-*.png`);
    });

    const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `team-loop-${name}.png`) });
    const docs = async (page: Page, pid: string) => (await projectDocs(page, pid)) as unknown as Doc[];
    const doc = async (page: Page, pid: string, id: string) => (await docs(page, pid)).find((d) => d.id === id);

    /** Opens `url` in the page, then the project's Annotate view (no rebuild dialog may stand in the way). */
    async function openProject(
      page: Page,
      url: string,
      pid: string,
      ready = '[data-testid="doc-card"]',
    ): Promise<void> {
      await page.goto(url);
      await page.waitForSelector(`[data-testid="project-card"][data-project-id="${pid}"]`, { timeout: 60_000 });
      if (await page.locator('[data-testid="rebuild-dialog"]').count())
        throw new Error(`rebuild dialog: ${await page.locator('[data-testid="rebuild-dialog"]').innerText()}`);
      await page.click(`[data-testid="project-card"][data-project-id="${pid}"]`);
      await page.waitForSelector(ready, { timeout: 30_000 }).catch(async (e: unknown) => {
        await page.screenshot({ path: path.join(SHOTS, 'team-loop-failed-open.png') });
        throw e;
      });
    }

    async function invite(name: string, role: 'annotator' | 'reviewer'): Promise<void> {
      await owner.fill('[data-testid="team-name"]', name);
      await owner.selectOption('[data-testid="team-role"]', role);
      await owner.click('[data-testid="team-invite"]');
      await waitFor(owner, `(n) => document.querySelector('[data-testid="team-member"][data-name="' + n + '"]')`, name);
      links[name] = await owner.inputValue('[data-testid="team-link"]');
    }

    async function member(name: string): Promise<Page> {
      const ctx = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
      const page = await ctx.newPage();
      watchPageErrors(page, errors);
      pages[name] = page;
      return page;
    }

    const labeledCount = async (page: Page) =>
      Number(/(\d+)/.exec((await page.textContent('[data-testid="progress"]')) ?? '')?.[1]);

    it('owner, two annotators and a reviewer: labels propagate, routing holds, agreement grows, a decision trains, a SIGKILL loses nothing', async () => {
      // The owner: the sample project, backed up after its import (a fresh browser takes it from there).
      await owner.goto(serve!.url);
      await owner.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
      const pid = (await owner.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
      const folder = projectFolder(projectsDir, pid);
      await waitForBackup(folder);
      const labelDefs = ((await projectRow(owner, pid)) as unknown as { labels: { name: string; hotkey: string }[] })
        .labels;
      const [neg, pos] = labelDefs.map((l) => l.name) as [string, string];
      const hotkey = (name: string) => labelDefs.find((l) => l.name === name)!.hotkey;
      // What an annotator picks for a document: fixed by its id, so that both agree unless one disagrees on purpose.
      const pick = (id: string) => (Number(id) % 2 ? pos : neg);
      const other = (name: string) => (name === pos ? neg : pos);

      await owner.waitForSelector('[data-testid="team-member"]');
      await invite('ann', 'annotator');
      await invite('bob', 'annotator');
      await invite('rev', 'reviewer');
      const ownerName = await owner.inputValue('[data-testid="user"]');
      expect(
        await owner
          .locator('[data-testid="team-member"]')
          .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.name)),
      ).toEqual([ownerName, 'ann', 'bob', 'rev']);
      await owner
        .locator('[data-testid="team-panel"]')
        .screenshot({ path: path.join(SHOTS, 'team-loop-01-owner-team-en.png') });

      const ann = await member('ann');
      const bob = await member('bob');
      for (const [who, page] of [
        ['ann', ann],
        ['bob', bob],
      ] as const) {
        await openProject(page, links[who]!, pid);
        await liveLoopOff(page, pid);
        expect(await page.inputValue('[data-testid="user"]')).toBe(who);
      }

      // Before routing both queues start alike. bob labels the document on ann's screen: it stays on
      // her screen, and her progress counts it; then the next one in her queue: it leaves her queue.
      const annFirst = (await currentDoc(ann))!;
      expect(await currentDoc(bob)).toBe(annFirst);
      const before = await labeledCount(ann);
      await labelCurrent(bob, pick(annFirst));
      await expect.poll(() => labeledCount(ann), { timeout: 2000, interval: 20 }).toBe(before + 1);
      expect(await currentDoc(ann)).toBe(annFirst);
      const bobsSecond = await labelCurrent(bob, pick((await currentDoc(bob))!));
      await expect
        .poll(async () => (await doc(ann, pid, bobsSecond))?.byAnnotator?.bob?.labels, { timeout: 2000, interval: 20 })
        .toEqual([pick(bobsSecond)]);
      await expect.poll(() => labeledCount(ann), { timeout: 2000, interval: 20 }).toBe(before + 2);
      expect(await labelCurrent(ann, pick(annFirst))).toBe(annFirst);
      expect(await currentDoc(ann), 'a document bob labeled is still offered to ann').not.toBe(bobsSecond);

      // The owner sets 20 % × 2 for ann and bob (the Annotate view's routing form, saved in project.json).
      await owner.click(`[data-testid="project-card"][data-project-id="${pid}"]`);
      await owner.waitForSelector('[data-testid="doc-card"]', { timeout: 30_000 });
      await liveLoopOff(owner, pid);
      await owner.click('[data-testid="routing-settings"] summary');
      await owner.check('[data-testid="routing-on"]');
      await owner.fill('[data-testid="routing-fraction"]', '20');
      await owner.fill('[data-testid="routing-k"]', '2');
      await owner.fill('[data-testid="routing-team-list"]', 'ann, bob');
      await owner.click('[data-testid="routing-save"]');
      await expect
        .poll(async () => ((await projectRow(owner, pid)) as { overlap?: OverlapSetting } | undefined)?.overlap, {
          timeout: 15_000,
        })
        .toEqual(OVERLAP);

      // The reviewer watches the agreement tab while they label.
      const rev = await member('rev');
      // Nothing is routed to a reviewer: their Annotate view says so.
      await openProject(rev, links.rev!, pid, '[data-testid="routing-mine-done"]');
      await rev.click('[data-testid="nav-adjudicate"]');
      await rev.click('[data-testid="tab-agreement"]');
      const agreementN = async () =>
        Number((await rev.getAttribute('[data-testid="agreement-n"]', 'data-n').catch(() => null)) ?? 0);
      await expect.poll(agreementN, { timeout: 5000 }).toBe(1); // the document both labeled before routing
      const nSeen = [await agreementN()];

      // ann and bob reload: routing is on. What each should be offered, in queue order, from routing.ts alone.
      for (const [who, page] of [
        ['ann', ann],
        ['bob', bob],
      ] as const)
        await openProject(page, links[who]!, pid);
      const routed = (rows: Doc[], who: string) =>
        rows
          .filter((d) => offerFor(d, { me: who, team: TEAM, overlap: OVERLAP }) === 'mine')
          .sort((a, b) => b.queueScore - a.queueScore)
          .map((d) => d.id);
      const expected = { ann: routed(await docs(ann, pid), 'ann'), bob: routed(await docs(bob, pid), 'bob') };
      const offered: Record<string, string[]> = { ann: [], bob: [] };
      const ms: number[] = [];
      let disputed = '';

      /** `who` labels the document on screen; the other annotator's replica has it within 2 s (timed). */
      const labelAndWatch = async (who: 'ann' | 'bob', disagree = false) => {
        const page = pages[who]!;
        const peer = pages[who === 'ann' ? 'bob' : 'ann']!;
        const id = (await currentDoc(page))!;
        const name = disagree ? other(pick(id)) : pick(id);
        offered[who]!.push(id);
        const t0 = Date.now();
        await labelCurrent(page, name);
        await expect
          .poll(async () => (await doc(peer, pid, id))?.byAnnotator?.[who]?.labels, { timeout: 2000, interval: 20 })
          .toEqual([name]);
        ms.push(Date.now() - t0);
        return id;
      };
      const overlapDone = (who: string) => offered[who]!.filter((id) => isOverlapDoc(id, OVERLAP.fraction));

      for (let i = 0; i < PER_ANNOTATOR; i++) {
        await labelAndWatch('ann');
        // bob disagrees on purpose on the first overlap document ann already labeled.
        const next = (await currentDoc(bob))!;
        const disagree = !disputed && isOverlapDoc(next, OVERLAP.fraction) && offered.ann!.includes(next);
        if (disagree) disputed = next;
        await labelAndWatch('bob', disagree);
        if (i % 5 === 4) nSeen.push(await agreementN());
      }
      // Each labels on (in their own queue's order) until every overlap document either labeled has both labels.
      const overlapLabeled = async () =>
        (await docs(ann, pid)).filter(
          (d) => isOverlapDoc(d.id, OVERLAP.fraction) && (d.byAnnotator?.ann || d.byAnnotator?.bob),
        );
      const missing = async (who: 'ann' | 'bob') =>
        (await overlapLabeled()).filter((d) => !d.byAnnotator?.[who]).map((d) => d.id);
      for (let guard = 0; guard < 15 && ((await missing('ann')).length || (await missing('bob')).length); guard++) {
        for (const who of ['ann', 'bob'] as const) {
          if (!(await missing(who)).length) continue;
          const id = (await currentDoc(pages[who]!))!;
          const disagree = who === 'bob' && !disputed && offered.ann!.includes(id);
          if (disagree) disputed = id;
          await labelAndWatch(who, disagree);
        }
      }
      expect(disputed, 'no overlap document for the disagreement').not.toBe('');

      // Routing: each was offered exactly the documents routed to them, in queue order (a prefix of the list).
      for (const who of TEAM) {
        expect(offered[who]).toEqual(expected[who as 'ann' | 'bob'].slice(0, offered[who]!.length));
        for (const id of offered[who]!) expect(assignees(id, TEAM, OVERLAP), id).toContain(who);
      }
      const overlapIds = (await overlapLabeled()).map((d) => d.id);
      expect(overlapIds.length).toBeGreaterThan(0);
      expect(await missing('ann')).toEqual([]);
      expect(await missing('bob')).toEqual([]);
      for (const id of [...offered.ann!, ...offered.bob!].filter((x) => !overlapIds.includes(x)))
        expect(Number(offered.ann!.includes(id)) + Number(offered.bob!.includes(id)), id).toBe(1);
      for (const id of overlapIds)
        expect(Object.keys((await doc(owner, pid, id))?.byAnnotator ?? {}), id).toEqual(expect.arrayContaining(TEAM));

      // Agreement: n counts the overlap documents (and the one both labeled before routing).
      await expect.poll(agreementN, { timeout: 5000 }).toBe(new Set([...overlapIds, annFirst]).size);
      nSeen.push(await agreementN());
      for (let i = 1; i < nSeen.length; i++) expect(nSeen[i]).toBeGreaterThanOrEqual(nSeen[i - 1]!);
      expect(nSeen.at(-1)).toBeGreaterThan(nSeen[0]!);
      const figures = {
        alpha: await rev.textContent('[data-testid="agreement-alpha"]'),
        fleiss: await rev.textContent('[data-testid="agreement-fleiss"]'),
        cohen: await rev.locator('[data-testid="pair-cohen"]').allTextContents(),
      };
      await shot(ann, '02-ann-annotate-en');
      await shot(bob, '03-bob-annotate-en');
      await rev.screenshot({ path: path.join(SHOTS, 'team-loop-04-rev-agreement-en.png'), fullPage: true });

      // rev decides the disagreement with the keyboard: ann's label.
      const decided = pick(disputed);
      await rev.click('[data-testid="tab-disputes"]');
      // The planned disagreement is the only one (everything else was labeled alike by both).
      expect(
        await rev
          .locator('[data-testid="dispute-row"]')
          .evaluateAll((rs) => rs.map((r) => r.getAttribute('data-doc-id'))),
      ).toEqual([disputed]);
      await rev.click(`[data-testid="dispute-row"][data-doc-id="${disputed}"]`);
      await rev.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await rev.keyboard.press(hotkey(decided));
      await rev.waitForSelector(`[data-testid="pick-${decided}"].on`);
      await rev.keyboard.press('Enter');
      await waitFor(
        rev,
        `(id) => !document.querySelector('[data-testid="dispute-row"][data-doc-id="' + id + '"]')`,
        disputed,
      );
      await expect
        .poll(
          () =>
            readJournal(folder)
              .filter((e) => e.action === 'adjudicate' && e.docId === disputed)
              .map((e) => [e.who, e.labels]),
          { timeout: 15_000 },
        )
        .toEqual([['rev', [decided]]]);
      await rev.selectOption('[data-testid="locale"]', 'zh-CN');
      await rev.click('[data-testid="tab-agreement"]');
      await waitFor(
        rev,
        '() => document.querySelector(\'[data-testid="tab-agreement"]\')?.textContent.includes("一致性")',
      );
      await rev.screenshot({ path: path.join(SHOTS, 'team-loop-05-rev-agreement-zh.png'), fullPage: true });
      await rev.selectOption('[data-testid="locale"]', 'en');

      // Every label so far acknowledged (journaled), then SIGKILL; both label while the server is down.
      const mine = async (who: string) => (await storedEvents(pages[who]!, pid)).filter((e) => e.who === who && e.id);
      await expect
        .poll(
          async () =>
            (await mine('ann')).every((e) => e.journaled === 1) && (await mine('bob')).every((e) => e.journaled === 1),
          { timeout: 20_000 },
        )
        .toBe(true);
      const acknowledged = [...(await mine('ann')), ...(await mine('bob'))].map((e) => e.id!);
      const port = new URL(serve!.url).port;
      const dead = new Promise((r) => serve!.proc.once('exit', r));
      serve!.proc.kill('SIGKILL');
      await dead;
      const whileDown = [
        await labelCurrent(ann, pos),
        await labelCurrent(bob, pos),
        await labelCurrent(ann, neg),
        await labelCurrent(bob, neg),
      ];

      // Same folder and port. Members keep their tokens (team.json); the owner's URL carries a new one.
      serve = await startServe(projectsDir, path.join(tmp, 'renderer'), ['--port', port]);
      await expect
        .poll(
          async () =>
            (await mine('ann')).every((e) => e.journaled === 1) && (await mine('bob')).every((e) => e.journaled === 1),
          { timeout: 30_000 },
        )
        .toBe(true);
      const afterBack = [await labelCurrent(ann, pos), await labelCurrent(bob, pos)];

      // What training receives: the owner starts a student training; the request's training rows are what the worker trains on.
      await openProject(owner, serve.url, pid, '[data-testid="routing-mine-done"]'); // not on the routing list: nothing routed to the owner
      await expect
        .poll(async () => (await doc(owner, pid, disputed))?.finalRule, { timeout: 10_000 })
        .toBe('adjudicated');
      const jobRequest = new Promise<JobRequest>((resolve) =>
        owner.on('request', (r) => {
          if (r.url().endsWith('/api/jobs.start')) {
            const [req] = JSON.parse(r.postData() ?? '[]') as [JobRequest];
            if (req && req.kind !== 'fast-prelabel') resolve(req);
          }
        }),
      );
      await owner.click('[data-testid="nav-train"]');
      await owner.click('[data-testid="train-start"]');
      const req = await jobRequest;
      await owner.click('[data-testid="job-cancel"]').catch(() => undefined);
      expect(req.kind).toBe('train-student');
      const row = req.docs.labeled.find((d) => d.id === disputed);
      expect(row, 'the adjudicated document is among the training rows').toBeDefined();
      expect(row!.labels).toEqual([decided]);
      // bob's label was the more recent: without the decision, training would have had his.
      expect((await doc(owner, pid, disputed))?.byAnnotator?.bob?.labels).toEqual([other(decided)]);

      // Every label event of ann and bob is in the journal exactly once (by id); the replicas converge.
      await expect
        .poll(
          async () =>
            (await mine('ann')).every((e) => e.journaled === 1) && (await mine('bob')).every((e) => e.journaled === 1),
          { timeout: 30_000 },
        )
        .toBe(true);
      const made = [...(await mine('ann')), ...(await mine('bob'))].map((e) => e.id!);
      const journal = readJournal(folder);
      const count = new Map<string, number>();
      for (const e of journal) if (e.id) count.set(e.id, (count.get(e.id) ?? 0) + 1);
      expect(acknowledged.filter((id) => count.get(id) !== 1)).toEqual([]);
      expect(made.filter((id) => count.get(id) !== 1)).toEqual([]);
      expect([...count.values()].every((n) => n === 1)).toBe(true);
      const labelsBy = (who: string) => journal.filter((e) => e.who === who && e.action === 'label').length;
      expect(labelsBy('ann')).toBe(offered.ann!.length + 1 + 2 + 1);
      expect(labelsBy('bob')).toBe(offered.bob!.length + 2 + 2 + 1);
      for (const id of [...whileDown, ...afterBack])
        expect(
          journal.some((e) => e.docId === id),
          id,
        ).toBe(true);

      const view = async (page: Page) =>
        (await docs(page, pid))
          .map((d) => ({
            id: d.id,
            labels: d.labels,
            byAnnotator: d.byAnnotator ?? {},
            finalRule: d.finalRule,
            agree: d.agree,
          }))
          .sort((x, y) => (x.id < y.id ? -1 : 1));
      const same = async () => {
        const [a, b, o] = await Promise.all([view(ann), view(bob), view(owner)]);
        return JSON.stringify(a) === JSON.stringify(b) && JSON.stringify(a) === JSON.stringify(o);
      };
      await expect.poll(same, { timeout: 15_000 }).toBe(true);

      const sorted = [...ms].sort((x, y) => x - y);
      console.log(
        `[e2e team-loop] propagation (label click → the other annotator's IndexedDB), ${ms.length} labels: median ${median(ms)} ms, max ${sorted.at(-1)} ms\n` +
          `[e2e team-loop] routing 20 % × 2 over ann, bob: ann offered ${offered.ann!.length} (${overlapDone('ann').length} overlap), bob ${offered.bob!.length} (${overlapDone('bob').length} overlap), ${overlapIds.length} overlap documents with both labels; ` +
          `both offered exactly routing.ts's list in queue order; overlap share of the project per routing.ts: ${(await docs(owner, pid)).filter((d) => isOverlapDoc(d.id, OVERLAP.fraction)).length}/${(await docs(owner, pid)).length}\n` +
          `[e2e team-loop] agreement n over time: ${nSeen.join(' → ')}; α ${figures.alpha}, Fleiss ${figures.fleiss}, Cohen ${figures.cohen.join(', ')}\n` +
          `[e2e team-loop] training rows (jobs.start train-student docs.labeled): ${req.docs.labeled.length}, disputed ${disputed} → [${row!.labels.join()}] (adjudicated by rev)\n` +
          `[e2e team-loop] restart: ${acknowledged.length} acknowledged events before SIGKILL, ${made.length} made by ann and bob in all, each in the journal once; journal ${journal.length} events`,
      );
      await shot(ann, '06-ann-after-restart-en');
      expect(
        errors.filter(
          (e) => !/Failed to fetch|ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|did not answer|401|WebSocket/i.test(e),
        ),
      ).toEqual([]);
    }, 170_000);
  },
);
