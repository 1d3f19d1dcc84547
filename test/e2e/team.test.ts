/**
 * Members and roles in the workbench (issue #10 item 2), end to end: `distillery serve`, Debian's
 * Chromium, the real Dexie database. The owner (the printed URL) sees the Team panel, invites an
 * annotator and gets the link once; the annotator opens it in a second browser context: their name
 * comes from the token (read-only field), there is no Team panel, and what they do is journaled under
 * that name. The owner revokes them: the annotator's next request gets 401.
 *
 * Screenshots: $E2E_SHOTS (default <tmp>/distillery-e2e-shots), team-*.png.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  haveChromium,
  projectDocs,
  projectFolder,
  readJournal,
  shutdown,
  SHOTS,
  startWorkbench,
  waitFor,
  waitForBackup,
  watchPageErrors,
  type Serve,
} from './harness';

describe.skipIf(!haveChromium)('the team in the workbench (serve mode)', () => {
  let serve: Serve | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let ann: Page;
  let tmp = '';
  let projectsDir = '';
  let link = '';
  const pageErrors: string[] = [];
  const annErrors: string[] = [];

  beforeAll(async () => {
    ({ tmp, projectsDir, serve, browser, page } = await startWorkbench('distillery-team-e2e-', pageErrors));
  }, 180_000);

  afterAll(async () => {
    await shutdown(browser, serve, tmp);
    console.log(`[e2e team] screenshots: ${SHOTS}/team-*.png`);
  });

  it('the owner’s name comes from the token; the Team panel invites an annotator and shows the link once (en, zh)', async () => {
    await page.goto(serve!.url);
    await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    const owner = JSON.parse(readFileSync(path.join(projectsDir, 'team.json'), 'utf8')).members[0].name as string;
    const user = page.locator('[data-testid="user"]');
    await expect.poll(() => user.inputValue()).toBe(owner);
    expect(await user.getAttribute('readonly')).not.toBeNull();
    await page.waitForSelector('[data-testid="team-member"]');
    await page.fill('[data-testid="team-name"]', 'ann');
    await page.selectOption('[data-testid="team-role"]', 'annotator');
    await page.click('[data-testid="team-invite"]');
    await page.waitForSelector('[data-testid="team-invite-result"]');
    link = await page.inputValue('[data-testid="team-link"]');
    expect(link).toMatch(new RegExp(`^${serve!.origin.replace(/\./g, '\\.')}/\\?token=[0-9a-f]{64}$`));
    expect(
      await page
        .locator('[data-testid="team-member"]')
        .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.name)),
    ).toEqual([owner, 'ann']);
    expect(readFileSync(path.join(projectsDir, 'team.json'), 'utf8')).not.toContain(
      new URL(link).searchParams.get('token')!,
    );
    await page.locator('[data-testid="team-panel"]').screenshot({ path: path.join(SHOTS, 'team-en.png') });
    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    await waitFor(
      page,
      '() => document.querySelector(\'[data-testid="team-panel"] h2\')?.textContent.trim() === "团队"',
    );
    await page.locator('[data-testid="team-panel"]').screenshot({ path: path.join(SHOTS, 'team-zh.png') });
    await page.screenshot({ path: path.join(SHOTS, 'team-projects-zh.png') });
    await page.selectOption('[data-testid="locale"]', 'en');
  }, 120_000);

  it('the annotator opens the link: name from the token, no Team panel, and what they do is journaled as theirs', async () => {
    // A second browser takes the project from the server (its latest backup, then the journal): wait for that backup.
    const samplePid = (await page.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
    await waitForBackup(projectFolder(projectsDir, samplePid));
    const ctx = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    ann = await ctx.newPage();
    watchPageErrors(ann, annErrors);
    await ann.goto(link);
    await ann.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    const user = ann.locator('[data-testid="user"]');
    await expect.poll(() => user.inputValue()).toBe('ann');
    expect(await user.getAttribute('readonly')).not.toBeNull();
    expect(await ann.locator('[data-testid="team-panel"]').count()).toBe(0);
    const pid = (await ann.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
    // No rebuild dialog: a browser new to the project is a replica that takes it from the server.
    expect(await ann.locator('[data-testid="rebuild-dialog"]').count()).toBe(0);
    // Set a document aside in the Corpus view.
    await ann.click('[data-testid="project-card"][data-sample]');
    await ann.click('[data-testid="nav-corpus"]');
    await ann.click('[data-testid="corpus-row"]');
    await ann.waitForSelector('[data-testid="corpus-detail"]');
    const id = (await ann
      .locator('[data-testid="corpus-row"]')
      .first()
      .locator('.c-id')
      .evaluate((el) => el.firstChild?.textContent ?? ''))!;
    await ann.fill('[data-testid="ignore-reason"]', 'duplicate');
    await ann.click('[data-testid="ignore"]');
    const folder = projectFolder(projectsDir, pid);
    await expect
      .poll(
        () =>
          readJournal(folder)
            .filter((e) => e.docId === id && e.action === 'skip')
            .map((e) => e.who),
        { timeout: 15_000 },
      )
      .toEqual(['ann']);
    // The browser's own copy names the member too (the name came from team.me, not the free-text field).
    const doc = (await projectDocs(ann, pid)).find((d) => d.id === id) as { ignored?: { who: string } } | undefined;
    expect(doc?.ignored?.who).toBe('ann');
    await ann.screenshot({ path: path.join(SHOTS, 'team-annotator.png') });
    expect(annErrors).toEqual([]);
  }, 120_000);

  it('the owner revokes the annotator: their next request gets 401', async () => {
    page.once('dialog', (d) => void d.accept());
    await page.click('[data-testid="team-member"][data-name="ann"] [data-testid="team-revoke"]');
    await waitFor(
      page,
      '() => !document.querySelector(\'[data-testid="team-member"][data-name="ann"] [data-testid="team-revoke"]\')',
    );
    const status = await ann.evaluate(
      async () =>
        (
          await fetch('/api/projects.list', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: '[]',
          })
        ).status,
    );
    expect(status).toBe(401);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
