/**
 * Importing a Label Studio export and a doccano file in the workbench (`distillery serve`, Debian's
 * Chromium, real IndexedDB), into the sample project of a fresh database:
 *
 * - the Import view names the format, and its preview shows who labeled each task and the model's
 *   pre-label with its score (English and Chinese);
 * - after the import, an annotation is a label with its annotator (an accepted pre-label keeps its
 *   model as source), a cancelled annotation is no label, a prediction is a pre-label with its score;
 *   the journal holds the same sources;
 * - a doccano row with two labels in this single-label project is refused, naming its line.
 *
 * Screenshots: $E2E_SHOTS (default <tmp>/distillery-e2e-shots), import-ls-*.png.
 */
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
  waitFor,
  type Serve,
  startWorkbench,
} from './harness';

const choice = (choices: string[]) => [
  { from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices } },
];
const LS_EXPORT = [
  {
    id: 9501,
    data: { text: '从 Label Studio 来的：菜很香，送得快' },
    annotations: [
      {
        id: 1,
        result: choice(['positive']),
        was_cancelled: false,
        created_at: '2024-05-01T08:00:00Z',
        completed_by: { id: 2, email: 'ann@example.org' },
      },
    ],
    predictions: [{ model_version: 'ls-model-3', score: 0.87, result: choice(['positive']) }],
  },
  {
    id: 9502,
    data: { text: '从 Label Studio 来的：等了两个小时' },
    annotations: [
      {
        id: 2,
        result: choice(['negative']),
        created_at: '2024-05-02T08:00:00Z',
        meta: { who: 'bo', source: 'teacher', model_version: 'teacher-20240501-000000-bilstm' },
      },
    ],
  },
  {
    id: 9503,
    data: { text: '从 Label Studio 来的：跳过的一条' },
    annotations: [{ id: 3, result: choice(['positive']), was_cancelled: true, completed_by: 4 }],
    predictions: [{ model_version: 'ls-model-3', score: 0.62, result: choice(['negative']) }],
  },
  { id: 9504, data: { text: '从 Label Studio 来的：还没人看' } },
];

describe.skipIf(!haveChromium)('Label Studio and doccano import in the workbench (serve mode)', () => {
  let serve: Serve | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let tmp = '';
  let projectsDir = '';
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `import-ls-${name}.png`), fullPage: true });

  beforeAll(async () => {
    ({ tmp, projectsDir, serve, browser, page } = await startWorkbench('distillery-ls-e2e-', pageErrors));
  }, 180_000);

  afterAll(async () => {
    await shutdown(browser, serve, tmp);
    console.log(`[e2e import] screenshots: ${SHOTS}/import-ls-*.png`);
  });

  it('a Label Studio export: annotations with their annotators and sources, predictions as pre-labels with their score', async () => {
    await page.goto(serve!.url);
    await page.waitForSelector('[data-testid="project-card"][data-sample]', { timeout: 60_000 });
    const pid = (await page.getAttribute('[data-testid="project-card"][data-sample]', 'data-project-id'))!;
    const folder = projectFolder(projectsDir, pid);
    await page.click('[data-testid="project-card"][data-sample]');
    await page.waitForSelector('[data-testid="doc-text"]');
    await waitFor(page, '() => true');
    const journalBefore = readJournal(folder).length;

    await page.click('[data-testid="nav-import"]');
    await page.waitForSelector('[data-testid="import-file"]');
    await page.setInputFiles('[data-testid="import-file"]', {
      name: 'project-7-at-2024-05-03.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(LS_EXPORT, null, 2)),
    });
    await page.waitForSelector('[data-testid="import-preview"]');
    expect(await page.textContent('[data-testid="import-summary"]')).toMatch(
      /^\s*Label Studio JSON · utf-8 · 4 document\(s\)/,
    );
    const who = await page.locator('[data-testid="import-who"]').allTextContents();
    expect(who.map((s) => s.trim())).toEqual([
      'ann@example.org',
      'bo — accepted teacher · teacher-20240501-000000-bilstm',
      '',
      '',
    ]);
    const pre = await page.locator('[data-testid="import-prelabel"]').allTextContents();
    expect(pre[0]).toMatch(/positive\s*87\.0%/);
    expect(pre[2]).toMatch(/negative\s*62\.0%/);
    await shot('preview-en');
    await page.selectOption('[data-testid="locale"]', 'zh-CN');
    await page.waitForSelector('text=标注者');
    expect(await page.textContent('[data-testid="import-preview"]')).toContain('预标注');
    await shot('preview-zh');
    await page.selectOption('[data-testid="locale"]', 'en');

    await page.click('[data-testid="import-run"]');
    await page.waitForSelector('[data-testid="import-done"]', { timeout: 30_000 });
    const docs = new Map((await projectDocs(page, pid)).map((d) => [d.text, d]));
    const [a, b, c, d] = LS_EXPORT.map((x) => docs.get(x.data.text)!);
    expect(a).toMatchObject({
      id: '9501',
      labels: ['positive'],
      source: 'human',
      who: 'ann@example.org',
      suggestion: ['positive'],
      confidence: 0.87,
    });
    expect(b).toMatchObject({ id: '9502', labels: ['negative'], source: 'teacher', who: 'bo' });
    expect(c).toMatchObject({ labels: [], suggestion: ['negative'], confidence: 0.62 });
    expect(c.source).toBeUndefined();
    expect(d).toMatchObject({ labels: [] });
    expect(d.suggestion).toBeUndefined();

    // The journal (the team's source of truth) holds the same labels and sources.
    await waitFor(page, '() => true');
    const deadline = Date.now() + 15_000;
    while (readJournal(folder).length < journalBefore + 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const added = readJournal(folder).slice(journalBefore);
    expect(added.map((e) => [e.docId, e.labels, e.source, e.who, e.action, e.modelVersion])).toEqual([
      ['9501', ['positive'], 'human', 'ann@example.org', 'label', undefined],
      ['9502', ['negative'], 'teacher', 'bo', 'accept', 'teacher-20240501-000000-bilstm'],
    ]);
  });

  it('a doccano row with two labels in a single-label project is refused, naming its line', async () => {
    await page.setInputFiles('[data-testid="import-file"]', {
      name: 'doccano.jsonl',
      mimeType: 'application/json',
      buffer: Buffer.from(
        [
          '{"id":1,"text":"doccano 的一条：很好吃","label":["positive"]}',
          '{"id":2,"text":"doccano 的一条：又好又差","label":["positive","negative"]}',
        ].join('\n') + '\n',
      ),
    });
    await page.waitForSelector('[data-testid="import-preview"]');
    expect(await page.textContent('[data-testid="import-summary"]')).toMatch(/^\s*JSONL · utf-8 · 2 document\(s\)/);
    expect(await page.locator('[data-testid="import-error-line"]').allTextContents()).toEqual([
      'line 2: 2 labels on a single-label task',
    ]);
    expect(await page.isDisabled('[data-testid="import-run"]')).toBe(true);
    await shot('doccano-error');
    expect(pageErrors).toEqual([]);
  });
});
