import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from '../shared/worker-protocol';
import { API_CALLS } from '../shared/api-calls';
import { createBackend, dispatch } from './api-backend';
import type { WorkerExit, WorkerHandle } from './job-router';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-backend-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A worker that answers `info` and nothing else. */
function infoWorker(): WorkerHandle {
  let msg: (m: FromWorker) => void = () => {};
  let exit: (e: WorkerExit) => void = () => {};
  queueMicrotask(() => msg({ type: 'ready', pid: 1 }));
  return {
    pid: 1,
    send(m: ToWorker) {
      if (m.type === 'call')
        queueMicrotask(() =>
          msg({ type: 'reply', callId: m.callId, ok: true, result: { backend: 'wasm', skipped: [], pid: 1 } }),
        );
    },
    kill: () => queueMicrotask(() => exit({ code: 0, signal: null })),
    onMessage: (cb) => (msg = cb),
    onExit: (cb) => (exit = cb),
  };
}

describe('createBackend + dispatch', () => {
  it('serves every API call by name and nothing else', async () => {
    const b = createBackend({ root: tmp, mode: 'serve', launcher: infoWorker, locale: 'zh-CN' });
    try {
      expect(await dispatch(b, 'system.info', [])).toEqual({
        version: '0.1.0',
        mode: 'serve',
        backend: 'wasm',
        locale: 'zh-CN',
        separateDatabase: true,
      });
      const p = (await dispatch(b, 'projects.create', [
        {
          name: 'x',
          task: 'binary',
          labels: [
            { name: 'a', color: '#000', hotkey: '1' },
            { name: 'b', color: '#fff', hotkey: '2' },
          ],
        },
      ])) as { id: string };
      expect(await dispatch(b, 'projects.list', [])).toEqual([p]);
      await dispatch(b, 'journal.append', [
        p.id,
        [{ docId: '1', labels: ['a'], source: 'human', who: 'me', at: 'now', action: 'label' }],
      ]);
      expect(await dispatch(b, 'journal.sentinel', [p.id])).toMatchObject({ labeledCount: 1 });
      expect(await dispatch(b, 'journal.since', [p.id, 0])).toMatchObject({
        events: [{ docId: '1', seq: 1 }],
        lastSeq: 1,
        more: false,
      });
      for (const bad of [
        'system.constructor',
        '__proto__.x',
        'projects.__proto__',
        'jobs.subscribe',
        'journal.subscribe',
        'toString',
        'store.folder',
        'router.dispose',
      ]) {
        await expect(dispatch(b, bad, [])).rejects.toMatchObject({ code: 'NOT_FOUND' });
      }
      await expect(dispatch(b, 'projects.list', { 0: 1 })).rejects.toMatchObject({ code: 'CONFIG' });
      // The project's earlier exports, by name like every call.
      expect(await dispatch(b, 'exports.list', [p.id])).toEqual([]);
      expect(API_CALLS).toHaveLength(26);
      // Without a caller (the desktop app over IPC) the user is the owner, and there is no team to invite to.
      const me = await dispatch(b, 'team.me', []);
      expect(me).toMatchObject({ role: 'owner' });
      // The member list routing reads: the local owner alone.
      expect(await dispatch(b, 'team.names', [])).toEqual([me]);
      await expect(dispatch(b, 'team.invite', ['ann', 'annotator'])).rejects.toThrow(/desktop app has no team/);
    } finally {
      await b.dispose();
    }
  });
});
