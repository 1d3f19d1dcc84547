/**
 * Adjudication and agreement end to end (issue #10 items 4 and 5): `distillery serve`, Debian's
 * Chromium, the real Dexie database, the sample project of a fresh database.
 *
 * The disagreement is seeded in the browser's database (this branch has no journal replication yet):
 * two annotators' label events (alice, bob: ids, journaled 0, so the app journals them at its next
 * flush) and the document rows their events give (byAnnotator, finalRule, agree, final labels —
 * computed by the app's own consensusPatch). Five documents both labeled: agree, agree, agree,
 * disagree, agree; hand-computed: Cohen's κ (0.8 − 0.48)/(1 − 0.48) = 0.615, Krippendorff's α
 * 1 − 0.2/(50/90) = 0.640, Fleiss' κ (0.8 − 0.5)/(1 − 0.5) = 0.600.
 *
 * In the Adjudicate view the reviewer ('rev') picks the final label with its hotkey and Enter; the
 * document's row then has that label, rule 'adjudicated', agree true; the journal has the
 * 'adjudicate' event with an id; Ctrl+Z withdraws it ('adjudicate' with []) and the dispute is back.
 * The Suspects tab runs the audit job (4 folds) on the sample's labels; one suspect is kept and one
 * relabeled, each the reviewer's 'adjudicate' event in Dexie and in the journal.
 *
 * Screenshots: $E2E_SHOTS (default <tmp>/distillery-e2e-shots), adjudicate-*.png.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelEvent } from '../../src/shared/label-event';
import { consensusPatch } from '../../src/renderer/db/consensus-row';
import type { DocRow } from '../../src/renderer/db/types';
import {
  haveChromium,
  liveLoopOff,
  projectDocs,
  projectFolder,
  projectRow,
  readJournal,
  shutdown,
  SHOTS,
  startWorkbench,
  waitFor,
  type Serve,
} from './harness';

type Doc = Pick<DocRow, 'id' | 'labels' | 'finalRule' | 'agree' | 'byAnnotator' | 'who'>;

describe.skipIf(!haveChromium)('adjudication and agreement in the browser (serve mode)', () => {
  let serve: Serve | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let tmp = '';
  let projectsDir = '';
  let pid = '';
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `adjudicate-${name}.png`), fullPage: true });
  const docs = async () => (await projectDocs(page, pid)) as unknown as Doc[];
  const journal = () => readJournal(projectFolder(projectsDir, pid));

  beforeAll(async () => {
    // The reviewer's name comes from the token: serve's owner is named rev (an owner may adjudicate).
    ({ tmp, projectsDir, serve, browser, page } = await startWorkbench(
      'distillery-adjudicate-e2e-',
      pageErrors,
      undefined,
      ['--owner', 'rev'],
    ));
  }, 180_000);

  afterAll(async () => {
    await shutdown(browser, serve, tmp);
    console.log(`[e2e adjudicate] screenshots: ${SHOTS}/adjudicate-*.png`);
  });

  /** Writes events and the rows they give straight into the page's IndexedDB (as replication would). */
  async function seed(
    events: (LabelEvent & { projectId: string; journaled: 0 })[],
    patches: Record<string, Partial<DocRow>>,
  ) {
    await page.evaluate(
      ({ events, patches, pid }) =>
        new Promise<void>((resolve, reject) => {
          const q = indexedDB.open('distillery');
          q.onerror = () => reject(q.error);
          q.onsuccess = () => {
            const db = q.result;
            const tx = db.transaction(['events', 'docs'], 'readwrite');
            for (const e of events) tx.objectStore('events').add(e);
            const store = tx.objectStore('docs');
            for (const [id, patch] of Object.entries(patches)) {
              const r = store.get([pid, id]);
              r.onsuccess = () => store.put({ ...r.result, ...patch });
            }
            tx.oncomplete = () => {
              db.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      { events, patches, pid },
    );
  }

  it('lists the disagreement, adjudicates it with keys, journals it, withdraws it; the agreement tab shows the known numbers; audit suspects are kept / relabeled', async () => {
    await page.goto(serve!.url);
    await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    pid = (await page.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
    await page.click('[data-testid="project-card"][data-sample]');
    await page.waitForSelector('[data-testid="doc-text"]');
    await liveLoopOff(page, pid);
    expect(await page.inputValue('[data-testid="user"]')).toBe('rev');

    const [neg, pos] = ((await projectRow(page, pid)) as unknown as { labels: { name: string }[] }).labels.map(
      (l) => l.name,
    );
    const schema = [neg!, pos!];
    // Five unlabeled documents, both annotators: p p / p p / n n / p n (the dispute) / n n.
    const targets = (await docs())
      .filter((d) => !d.labels.length)
      .slice(0, 5)
      .map((d) => d.id);
    const plan: [string, string][] = [
      [pos!, pos!],
      [pos!, pos!],
      [neg!, neg!],
      [pos!, neg!],
      [neg!, neg!],
    ];
    const events: (LabelEvent & { projectId: string; journaled: 0 })[] = [];
    const patches: Record<string, Partial<DocRow>> = {};
    let s = 0;
    targets.forEach((id, i) => {
      const mine = (['alice', 'bob'] as const).map((who, k) => ({
        docId: id,
        id: randomUUID(),
        labels: [plan[i]![k]!],
        source: 'human' as const,
        who,
        at: new Date(Date.UTC(2026, 0, 1, 0, 0, ++s)).toISOString(),
        action: 'label' as const,
        projectId: pid,
        journaled: 0 as const,
      }));
      events.push(...mine);
      patches[id] = consensusPatch(mine, schema);
    });
    await seed(events, patches);
    const disputed = targets[3]!;
    expect(patches[disputed]).toMatchObject({ labels: [neg], finalRule: 'latest', agree: false });

    await page.click('[data-testid="nav-adjudicate"]');
    await page.waitForSelector('[data-testid="dispute-doc"]');
    expect(
      await page
        .locator('[data-testid="dispute-row"]')
        .evaluateAll((rs) => rs.map((r) => r.getAttribute('data-doc-id'))),
    ).toEqual([disputed]);
    expect(await page.textContent('[data-testid="dispute-note"]')).toContain('1 document(s) in dispute');
    expect(
      await page
        .locator('[data-testid="annotator-label"]')
        .evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-who'), r.querySelector('.chip')?.textContent])),
    ).toEqual([
      ['alice', pos],
      ['bob', neg],
    ]);
    await shot('disputes-en');

    // The reviewer: hotkey 2 (positive), Enter.
    await page.keyboard.press('2');
    await page.waitForSelector(`[data-testid="pick-${pos}"].on`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="review-list-empty"]');
    const after = (await docs()).find((d) => d.id === disputed)!;
    expect(after).toMatchObject({ labels: [pos], finalRule: 'adjudicated', agree: true, who: 'rev' });
    expect(after.byAnnotator).toMatchObject({ alice: { labels: [pos] }, bob: { labels: [neg] } });
    await expect.poll(() => journal().filter((e) => e.action === 'adjudicate').length, { timeout: 15_000 }).toBe(1);
    const adj = journal().find((e) => e.action === 'adjudicate')!;
    expect(adj).toMatchObject({ docId: disputed, labels: [pos], source: 'human', who: 'rev' });
    expect(adj.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The seeded annotators' events reached the journal too, ids kept.
    expect(
      journal()
        .filter((e) => e.who === 'alice' || e.who === 'bob')
        .map((e) => e.id)
        .sort(),
    ).toEqual(events.map((e) => e.id).sort());
    expect(await page.textContent('[data-testid="dispute-note"]')).toContain('0 document(s) in dispute');

    // Ctrl+Z withdraws the decision: the dispute is back, journaled as 'adjudicate' with [].
    await page.keyboard.press('Control+z');
    await page.waitForSelector(`[data-testid="dispute-row"][data-doc-id="${disputed}"]`);
    expect((await docs()).find((d) => d.id === disputed)).toMatchObject({
      labels: [neg],
      finalRule: 'latest',
      agree: false,
      who: 'bob',
    });
    await expect
      .poll(
        () =>
          journal()
            .filter((e) => e.action === 'adjudicate')
            .map((e) => e.labels),
        { timeout: 15_000 },
      )
      .toEqual([[pos], []]);

    // Decide again (it stays decided for the rest of the test), then the agreement tab.
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="review-list-empty"]');
    await page.click('[data-testid="tab-agreement"]');
    await page.waitForSelector('[data-testid="agreement-summary"]');
    expect(await page.textContent('[data-testid="agreement-alpha"]')).toBe('0.640');
    expect(await page.textContent('[data-testid="agreement-fleiss"]')).toBe('0.600');
    expect(await page.locator('[data-testid="pair-cohen"]').allTextContents()).toEqual(['0.615']);
    expect(
      await page
        .locator('[data-testid="agreement-annotator"]')
        .evaluateAll((rs) => rs.map((r) => r.getAttribute('data-who'))),
    ).toEqual(['alice', 'bob']);
    await waitFor(page, '() => !!document.querySelector(\'[data-testid="bar-chart"]\')');
    await shot('agreement-en');

    // Suspects: the audit runs as a job from the tab; keep one suspect, relabel another (both the reviewer's adjudication).
    await page.click('[data-testid="tab-suspects"]');
    await page.fill('[data-testid="audit-folds"]', '4');
    await page.click('[data-testid="audit-run"]');
    await page.waitForSelector('[data-testid="audit-summary"]', { timeout: 60_000 });
    const rows = () =>
      page.locator('[data-testid="suspect-row"]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-doc-id')!));
    const listed = await rows();
    expect(listed.length).toBeGreaterThanOrEqual(2);
    await shot('suspects-en');
    const before = new Map((await docs()).map((d) => [d.id, d]));
    const [keepId, relabelId] = listed as [string, string];
    await page.click(`[data-testid="suspect-row"][data-doc-id="${keepId}"] [data-testid="suspect-keep"]`);
    await expect.poll(rows).not.toContain(keepId);
    await page.click(`[data-testid="suspect-row"][data-doc-id="${relabelId}"] [data-testid="suspect-relabel"]`);
    await expect.poll(rows).not.toContain(relabelId);
    const now = new Map((await docs()).map((d) => [d.id, d]));
    const other = (l: string[]) => [l[0] === pos ? neg : pos];
    expect(now.get(keepId)).toMatchObject({ labels: before.get(keepId)!.labels, finalRule: 'adjudicated', who: 'rev' });
    expect(now.get(relabelId)).toMatchObject({
      labels: other(before.get(relabelId)!.labels),
      finalRule: 'adjudicated',
      who: 'rev',
    });
    await expect
      .poll(
        () =>
          journal()
            .filter((e) => e.action === 'adjudicate' && (e.docId === keepId || e.docId === relabelId))
            .map((e) => [e.docId, e.labels]),
        { timeout: 15_000 },
      )
      .toEqual([
        [keepId, before.get(keepId)!.labels],
        [relabelId, other(before.get(relabelId)!.labels)],
      ]);

    // Chinese.
    await page.click('[data-testid="tab-agreement"]');
    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="tab-agreement"]\')?.textContent.includes("一致性")',
    );
    await shot('agreement-zh');
    await page.click('[data-testid="tab-disputes"]');
    await page.check('[data-testid="mode-annotators"]');
    await page.fill('[data-testid="low-threshold"]', '0.7');
    await page.waitForSelector('[data-testid="dispute-doc"]');
    await shot('disputes-zh');
    await page.click('[data-testid="tab-suspects"]');
    await page.waitForSelector('[data-testid="audit-summary"]');
    await shot('suspects-zh');
    await page.selectOption('[data-testid="locale"]', 'en');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
