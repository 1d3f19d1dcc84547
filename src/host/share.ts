/**
 * The desktop app shares its projects with teammates (issue #10 item 1): `share.start` runs serve
 * mode's HTTP/WebSocket server (serve/server.ts) on the app's own backend, so that there is one
 * journal and one project store: a label from the desktop window reaches teammates' browsers as a
 * WebSocket `journal` push, and a teammate's label reaches the window through the same journal
 * subscription that IPC forwards. `share.stop` closes the server; the app goes on.
 *
 * As `distillery serve --projects <projects>`: the team is `<projects>/team.json` (the desktop user
 * is its owner), 127.0.0.1 unless another interface is asked for, a warning when plain HTTP leaves
 * the machine, HTTPS with PEM files. Browsers get the app's own built renderer (out/renderer).
 *
 * Node only (Electron main composes it; src/main stays the composition root).
 */
import os from 'node:os';
import path from 'node:path';
import type { ExportedFile, HostApi, ShareRequest, ShareStatus, SystemInfo } from '../shared/api';
import { DistilleryError } from '../shared/errors';
import type { Invite, Role } from '../shared/roles';
import type { Backend } from './api-backend';
import { localUserName } from './call-context';
import { exposureOf, exposureWarnings, listenOnFreePort, readPem } from './serve/listen';
import { downloadPath, startServer, type RunningServer } from './serve/server';
import { checkMemberName, TEAM_FILE, TeamStore } from './serve/team';

export interface SharingOptions {
  /** The built UI browsers get (the app's out/renderer). */
  rendererDir: string;
  /** The app's projects folder: its team file is `<projectsRoot>/team.json`, as `distillery serve` keeps it. */
  projectsRoot: string;
  /** The desktop user, owner of the team (default: this machine's user name). */
  owner?: string;
  log?(message: string): void;
}

const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

/**
 * `backend` with the `share` calls, and `team` calls that work on the shared team (invite links name
 * the running server's address). Its dispose stops sharing first.
 */
export function withSharing(backend: Backend, o: SharingOptions): Backend {
  let owner = o.owner ?? localUserName();
  const teamFile = path.join(path.resolve(o.projectsRoot), TEAM_FILE);
  let team: Promise<TeamStore> | undefined;
  const openTeam = () =>
    (team ??= TeamStore.open(teamFile).catch((e: unknown) => {
      team = undefined; // a damaged file fixed by hand is read again next time
      throw e;
    }));
  let running: { server: RunningServer; status: ShareStatus } | undefined;
  // start and stop run one at a time (a double click, a quit while starting).
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => {});
    return run;
  };

  const stopped = (): ShareStatus => ({ running: false, owner, teamFile });

  async function start(r: unknown): Promise<ShareStatus> {
    const req = checkRequest(r);
    if (running)
      throw new DistilleryError(
        'CONFIG',
        `already sharing at ${running.status.url}: stop sharing first to change the address`,
        { field: 'share' },
      );
    const host = req.host ?? '127.0.0.1';
    const tls = req.cert ? { cert: readPem(req.cert, 'cert'), key: readPem(req.key!, 'key') } : undefined;
    const store = await openTeam();
    if (req.owner !== undefined) {
      if (store.names().some((m) => m.name === req.owner && m.role !== 'owner'))
        throw new DistilleryError(
          'CONFIG',
          `owner: "${req.owner}" is already a member's name; labels would not tell you apart (change your name in this app)`,
          { field: 'owner' },
        );
      owner = req.owner;
    }
    const server = await listenOnFreePort(
      (port) =>
        startServer({
          backend: served(backend),
          host,
          port,
          rendererDir: o.rendererDir,
          team: store,
          owner,
          tls,
          log: o.log,
        }),
      { port: req.port, host },
    );
    const ownerUrl = server.url;
    const url = teamUrl(ownerUrl, host);
    const warnings = exposureWarnings(host, Boolean(tls));
    for (const w of warnings) o.log?.(w);
    o.log?.(`sharing the projects at ${url} (the team is kept in ${teamFile})`);
    running = {
      server,
      status: {
        running: true,
        owner,
        teamFile,
        url,
        ownerUrl,
        host,
        port: server.port,
        exposure: exposureOf(host, Boolean(tls)),
        warnings,
      },
    };
    return { ...running.status };
  }

  async function stop(): Promise<ShareStatus> {
    const r = running;
    running = undefined;
    if (r) {
      await r.server.close();
      o.log?.('sharing stopped');
    }
    return stopped();
  }

  const teamCalls: HostApi['team'] = {
    me: async () => ({ name: owner, role: 'owner' }),
    list: async () => (await openTeam()).list(),
    names: async () => (await openTeam()).names(),
    invite: async (name: string, role: Role): Promise<Invite> => {
      if (!running)
        throw new DistilleryError(
          'CONFIG',
          'start sharing first: an invite link names the address your teammates open',
          { field: 'share' },
        );
      const token = await (await openTeam()).invite(name, role);
      return { name: String(name).trim(), role, token, url: `${running.status.url}?token=${token}` };
    },
    revoke: async (name) => (await openTeam()).revoke(name, owner),
  };

  return {
    ...backend,
    team: teamCalls,
    share: {
      start: (r) => serial(() => start(r)),
      stop: () => serial(stop),
      status: async () => (running ? { ...running.status } : stopped()),
    },
    dispose: async () => {
      await serial(stop);
      await backend.dispose();
    },
  };
}

/**
 * The backend as the server shows it to browsers: they run the UI in serve mode (HTTP, a database
 * of their own that replicates the journal), download exports over HTTP, and cannot start or stop
 * the desktop app's sharing.
 */
function served(backend: Backend): Backend {
  const refuse = () =>
    Promise.reject(
      new DistilleryError('CONFIG', 'only the desktop app that shares this project can start or stop sharing', {
        field: 'share',
      }),
    );
  const withDownload = <T extends { file: string }>(projectId: string, w: T): T & { downloadUrl: string } => ({
    ...w,
    downloadUrl: downloadPath(projectId, path.basename(w.file)),
  });
  return {
    ...backend,
    system: {
      info: async (): Promise<SystemInfo> => ({
        ...(await backend.system.info()),
        mode: 'serve',
        separateDatabase: true,
      }),
    },
    exports: {
      dataset: async (r) => withDownload(r.projectId, await backend.exports.dataset(r)),
      model: async (projectId, version, format) =>
        withDownload(projectId, await backend.exports.model(projectId, version, format)),
      list: async (projectId): Promise<ExportedFile[]> =>
        (await backend.exports.list(projectId)).map((f) => withDownload(projectId, f)),
    },
    share: { start: refuse, stop: refuse, status: refuse },
  };
}

/** The address teammates open: the server's URL without the owner's token, on a network address when it listens on all. */
function teamUrl(ownerUrl: string, host: string): string {
  const u = new URL(ownerUrl);
  u.search = '';
  if (WILDCARD.has(host.toLowerCase())) u.hostname = networkAddress() ?? u.hostname;
  return u.toString();
}

/** This machine's first IPv4 address other machines may reach (none: loopback only). */
function networkAddress(): string | undefined {
  for (const addrs of Object.values(os.networkInterfaces()))
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

/** share.start's argument, checked: a bad field is a CONFIG error naming it. */
function checkRequest(r: unknown): ShareRequest {
  if (r === undefined || r === null) return {};
  if (typeof r !== 'object' || Array.isArray(r))
    throw new DistilleryError('CONFIG', 'share.start takes {owner?, host?, port?, cert?, key?}', { field: 'share' });
  const { owner, host, port, cert, key } = r as Record<string, unknown>;
  const out: ShareRequest = {};
  if (owner !== undefined) {
    try {
      out.owner = checkMemberName(owner);
    } catch (e) {
      throw new DistilleryError('CONFIG', `owner: ${(e as Error).message}`, { field: 'owner' });
    }
  }
  if (host !== undefined && host !== '') {
    if (typeof host !== 'string' || !/^[\w.:[\]-]{1,255}$/.test(host.trim()))
      throw new DistilleryError('CONFIG', `host: ${JSON.stringify(host).slice(0, 100)} is no interface address`, {
        field: 'host',
      });
    out.host = host.trim();
  }
  if (port !== undefined && port !== null) {
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
      throw new DistilleryError('CONFIG', 'port: a whole number from 0 to 65535 (0 = any free port)', {
        field: 'port',
      });
    out.port = port;
  }
  const file = (v: unknown, field: string) => {
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new DistilleryError('CONFIG', `${field}: a file path`, { field });
    return v;
  };
  out.cert = file(cert, 'cert');
  out.key = file(key, 'key');
  if (Boolean(out.cert) !== Boolean(out.key))
    throw new DistilleryError('CONFIG', 'cert and key go together (PEM files, for HTTPS)', {
      field: out.cert ? 'key' : 'cert',
    });
  if (!out.cert) delete out.cert;
  if (!out.key) delete out.key;
  return out;
}
