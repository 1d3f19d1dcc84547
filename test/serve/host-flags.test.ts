/**
 * `distillery serve`'s network flags as a user runs them (issue #10 item 2): listening beyond
 * loopback needs the team (refused with --no-team: exit 2 and why), and says so on stderr when it
 * does listen, over plain HTTP.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ok, ROOT, startServe } from './helpers';
import type { Principal } from '../../src/shared/roles';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-host-flags-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = (args: string[]) =>
  spawnSync(process.execPath, [path.join(ROOT, 'bin/distillery.mjs'), 'serve', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });

describe('distillery serve --host', () => {
  it('--host 0.0.0.0 without a team (--no-team) is refused: exit 2, and the message says why', () => {
    const projects = path.join(tmp, 'refused');
    const r = cli(['--host', '0.0.0.0', '--no-team', '--port', '0', '--projects', projects]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      "--host 0.0.0.0 listens beyond this machine, where every request needs a member's token: drop --no-team",
    );
    expect(existsSync(projects)).toBe(false);
  });

  it('--host 0.0.0.0 with the team listens, warns about plain HTTP on stderr, and the printed token is the --owner’s', async () => {
    const s = await startServe([
      '--host',
      '0.0.0.0',
      '--owner',
      'olga',
      '--projects',
      path.join(tmp, 'p3'),
      '--renderer',
      path.join(tmp, 'no-ui'),
    ]);
    try {
      expect(s.stderr()).toMatch(/warning: plain HTTP beyond this machine/);
      expect(await ok<Principal>(s.port, s.token, 'team.me', [])).toEqual({ name: 'olga', role: 'owner' });
      expect(existsSync(path.join(tmp, 'p3', 'team.json'))).toBe(true);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });
});
