/** What the browser end-to-end tests share: Chromium's path, a `distillery serve` process, waiting. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

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

/** `distillery serve` on a free port; resolves with the URL (token included) it prints. */
export async function startServe(projects: string, renderer = path.join(ROOT, 'out/renderer')): Promise<Serve> {
  const proc = spawn(process.execPath, ['bin/distillery.mjs', 'serve', '--port', '0', '--projects', projects, '--renderer', renderer], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

/** Waits until the page-side function (source text) returns truthy for `arg`. */
export async function waitFor(page: Page, fn: string, arg: unknown = undefined, timeout = 15_000): Promise<void> {
  await page.waitForFunction(new Function('arg', `return (${fn})(arg)`) as (a: unknown) => unknown, arg, { timeout, polling: 50 });
}
