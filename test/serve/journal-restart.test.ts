/**
 * The report of issue #8, item 1, over HTTP: stop the server, `truncate -s -70 journal.jsonl`,
 * restart, append one event. The append must read back (it was glued onto the torn line before),
 * the sentinel must count what reads back, and journal.sentinel must carry the repair for the UI.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JournalSentinel, LabelEvent, ProjectMeta } from '../../src/shared/api';
import { createBackend } from '../../src/host/api-backend';
import { startServer, type RunningServer } from '../../src/host/serve/server';
import { ok } from './helpers';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-journal-restart-'));
const root = path.join(tmp, 'projects');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A serve process's backend and server (no worker is started: no call here needs one). */
async function serve(
  log: string[] = [],
): Promise<{ server: RunningServer; port: number; token: string; close(): Promise<void> }> {
  const backend = createBackend({ root, mode: 'serve', log: (m) => log.push(m) });
  const server = await startServer({ backend, rendererDir: path.join(tmp, 'no-ui'), port: 0 });
  return {
    server,
    port: server.port,
    token: new URL(server.url).searchParams.get('token')!,
    close: async () => {
      await server.close();
      await backend.dispose();
    },
  };
}

const ev = (i: number): LabelEvent => ({
  docId: `d${i}`,
  labels: ['好评'],
  source: 'human',
  who: 'ann',
  at: `2025-01-01T00:00:${String(i).padStart(2, '0')}.000Z`,
  action: 'label',
  text: `第${i}条评论：味道不错，送餐很快`,
});

describe('a journal torn while the server was down', () => {
  it('restart, append: the new event reads back, the sentinel agrees, and the repair is reported', async () => {
    const a = await serve();
    const project = await ok<ProjectMeta>(a.port, a.token, 'projects.create', [
      {
        name: 'T',
        task: 'binary',
        labels: [
          { name: '好评', color: '#000', hotkey: '1' },
          { name: '差评', color: '#111', hotkey: '2' },
        ],
      },
    ]);
    await ok(a.port, a.token, 'journal.append', [project.id, [1, 2, 3, 4, 5].map(ev)]);
    await a.close();

    const file = path.join(project.folder, 'journal.jsonl');
    truncateSync(file, statSync(file).size - 70);

    const log: string[] = [];
    const b = await serve(log);
    try {
      await ok(b.port, b.token, 'journal.append', [project.id, [ev(6)]]);
      const back = await ok<LabelEvent[]>(b.port, b.token, 'journal.read', [project.id]);
      expect(back.map((e) => e.docId)).toEqual(['d1', 'd2', 'd3', 'd4', 'd6']);
      const s = await ok<JournalSentinel>(b.port, b.token, 'journal.sentinel', [project.id]);
      expect(s).toMatchObject({
        labeledCount: 5,
        recovery: { file: 'journal.torn.jsonl', setAside: 1, salvaged: 0, lines: [5], events: 4 },
      });
      expect(JSON.parse(readFileSync(path.join(project.folder, 'labels.sentinel.json'), 'utf8'))).toMatchObject({
        labeledCount: 5,
        events: 5,
      });
      expect(log.join('\n')).toMatch(
        /1 damaged or torn record\(s\) \(line\(s\) 5\) set aside in journal\.torn\.jsonl; 4 label event\(s\) readable/,
      );
    } finally {
      await b.close();
    }
  });
});
