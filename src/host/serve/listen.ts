/**
 * Where a serve server listens, shared by `distillery serve` (src/cli/commands/serve.ts) and the
 * desktop app's sharing (../share.ts): the default port and the search for a free one, what counts
 * as this machine only, the warnings when it is not, and the TLS files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ShareExposure } from '../../shared/api';
import { DistilleryError } from '../../shared/errors';
import type { RunningServer } from './server';

export const DEFAULT_PORT = 8765;
/** Ports tried after DEFAULT_PORT when it is taken and no port was asked for. */
const PORT_TRIES = 20;

const LOOPBACK_HOSTS = ['127.0.0.1', '::1', '[::1]', 'localhost'];

/** Whether listening on `host` keeps the server to this machine. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.includes(host.toLowerCase());
}

export function exposureOf(host: string, tls: boolean): ShareExposure {
  return isLoopback(host) ? 'local' : tls ? 'network' : 'network-http';
}

/** What listening on `host` means, as serve prints it on stderr (none for this machine only). */
export function exposureWarnings(host: string, tls: boolean): string[] {
  if (isLoopback(host)) return [];
  const w = [`warning: listening on ${host}: other machines can reach this server (members' tokens still protect it)`];
  if (!tls)
    w.push(
      'warning: plain HTTP beyond this machine: tokens and labels cross the network unencrypted; use --cert and --key (HTTPS) unless the network is trusted',
    );
  return w;
}

/** A PEM file's bytes, or a CONFIG error naming the option and the file. */
export function readPem(file: string, option: string): Buffer {
  try {
    return readFileSync(path.resolve(file));
  } catch (e) {
    throw new DistilleryError(
      'CONFIG',
      `${option} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      { file, field: option.replace(/^--/, '') },
    );
  }
}

/**
 * Starts a server on `port`, or, when none was asked for, on DEFAULT_PORT or the next free one;
 * a port in use or an address that is not this machine's is a CONFIG error that says so.
 */
export async function listenOnFreePort(
  start: (port: number) => Promise<RunningServer>,
  o: { port?: number; host: string },
): Promise<RunningServer> {
  const explicit = o.port !== undefined;
  const first = explicit ? o.port! : DEFAULT_PORT;
  for (let p = first; ; p++) {
    try {
      return await start(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && !explicit && p < first + PORT_TRIES) continue;
      if (code === 'EADDRINUSE')
        throw new DistilleryError('CONFIG', `port ${p} is in use; pick another with --port (0 = any free port)`, {
          field: 'port',
        });
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
        throw new DistilleryError('CONFIG', `cannot listen on ${o.host}: no such local address`, { field: 'host' });
      throw e;
    }
  }
}
