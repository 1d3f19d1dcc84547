import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { createBackend } from '../../host/api-backend';
import { int } from '../options';
import { info } from '../progress';
import { downloadPath, startServer, type RunningServer } from '../../host/serve/server';
import { TEAM_FILE, TeamStore } from '../../host/serve/team';
import { localUserName } from '../../host/call-context';
import { DEFAULT_PORT, exposureWarnings, isLoopback, listenOnFreePort, readPem } from '../../host/serve/listen';

export const DEFAULT_PROJECTS = path.join(os.homedir(), 'Distillery', 'projects');
const RENDERER_DIR = fileURLToPath(new URL('../../../out/renderer', import.meta.url));

export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'Serve the workbench (UI and API) to a browser on this machine; prints the URL (with its access token) on stdout.',
    )
    .option('--port <n>', `port; 0 = any free port (default ${DEFAULT_PORT}, or the next free one)`, int('--port'))
    .option(
      '--host <addr>',
      'interface to listen on; anything but 127.0.0.1 or ::1 makes the server reachable from the network (needs the team: not with --no-team)',
      '127.0.0.1',
    )
    .option(
      '--owner <name>',
      'your member name: the printed URL carries a new owner token for it (default: your OS user name)',
    )
    .option(
      '--no-team',
      `one owner token for this run only, nothing kept (default: the team in <projects>/${TEAM_FILE})`,
    )
    .option(
      '--allow-origin <list>',
      'more Host/Origin values to accept, comma-separated: host names (labels.example.org) or origins (https://proxy.example.org:8443)',
    )
    .option('--cert <file>', 'serve HTTPS/WSS with this certificate (PEM; needs --key)')
    .option('--key <file>', 'the private key (PEM) of --cert')
    .option('--projects <dir>', 'folder that holds the project folders', DEFAULT_PROJECTS)
    .option('--renderer <dir>', 'the built UI', RENDERER_DIR)
    .option('--open', 'open the URL in the default browser')
    .action(async (o, cmd: Command) => {
      const beyondLoopback = !isLoopback(String(o.host));
      if (beyondLoopback && !o.team) {
        cmd.error(
          `error: --host ${o.host} listens beyond this machine, where every request needs a member's token: drop --no-team (the team is kept in ${path.join(path.resolve(o.projects), TEAM_FILE)})`,
          { exitCode: 2, code: 'distillery.hostNeedsTeam' },
        );
      }
      if (Boolean(o.cert) !== Boolean(o.key))
        cmd.error('error: --cert and --key go together', { exitCode: 2, code: 'distillery.tlsPair' });
      const tls = o.cert ? { cert: readPem(o.cert, '--cert'), key: readPem(o.key, '--key') } : undefined;
      const allowOrigins = o.allowOrigin ? String(o.allowOrigin).split(',') : [];
      const team = o.team ? await TeamStore.open(path.join(path.resolve(o.projects), TEAM_FILE)) : TeamStore.inMemory();
      const owner = (o.owner as string | undefined) ?? localUserName();
      const backend = createBackend({
        root: path.resolve(o.projects),
        mode: 'serve',
        downloadUrl: downloadPath,
        log: info,
      });
      let server: RunningServer;
      try {
        server = await listenOnFreePort(
          (port) =>
            startServer({
              backend,
              host: o.host,
              port,
              rendererDir: o.renderer,
              log: info,
              team,
              owner,
              allowOrigins,
              tls,
            }),
          { port: o.port as number | undefined, host: String(o.host) },
        );
      } catch (e) {
        await backend.dispose();
        throw e;
      }
      for (const w of exposureWarnings(String(o.host), Boolean(tls))) info(w);
      info(
        `signed in as ${owner} (owner)${o.team ? `; the team is kept in ${team.file}` : '; --no-team: this token lasts for this run only'}`,
      );
      info(
        `distillery serve: projects in ${path.resolve(o.projects)}; open the URL below in a browser (its token is the password: keep it private). Ctrl+C stops.`,
      );
      info("In a browser the workbench keeps its own database, separate from the desktop app's.");
      // The one place the token appears.
      process.stdout.write(server.url + '\n');
      if (o.open) openBrowser(server.url);
      // Start the worker and its compute backend now, so the UI's first system.info is quick.
      void backend.system.info().catch(() => {});
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      info('distillery serve: stopping');
      await server.close();
      await backend.dispose();
    });
}

function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => info('could not open a browser: open the URL yourself'));
    child.unref();
  } catch {
    info('could not open a browser: open the URL yourself');
  }
}
