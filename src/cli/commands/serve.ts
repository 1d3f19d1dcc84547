import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { DistilleryError } from '../../shared/errors';
import { createBackend } from '../../host/api-backend';
import { int } from '../options';
import { info } from '../progress';
import { downloadPath, startServer, type RunningServer } from '../../host/serve/server';

export const DEFAULT_PORT = 8765;
export const DEFAULT_PROJECTS = path.join(os.homedir(), 'Distillery', 'projects');
const RENDERER_DIR = fileURLToPath(new URL('../../../out/renderer', import.meta.url));

export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve the workbench (UI and API) to a browser on this machine; prints the URL (with its access token) on stdout.')
    .option('--port <n>', `port; 0 = any free port (default ${DEFAULT_PORT}, or the next free one)`, int('--port'))
    .option('--host <addr>', 'interface to listen on; anything but 127.0.0.1 or ::1 makes the server reachable from the network', '127.0.0.1')
    .option('--projects <dir>', 'folder that holds the project folders', DEFAULT_PROJECTS)
    .option('--renderer <dir>', 'the built UI', RENDERER_DIR)
    .option('--open', 'open the URL in the default browser')
    .action(async (o) => {
      const backend = createBackend({ root: path.resolve(o.projects), mode: 'serve', downloadUrl: downloadPath, log: info });
      let server: RunningServer | undefined;
      try {
        const explicit = o.port !== undefined;
        const first = explicit ? (o.port as number) : DEFAULT_PORT;
        for (let p = first; ; p++) {
          try {
            server = await startServer({ backend, host: o.host, port: p, rendererDir: o.renderer, log: info });
            break;
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            if (code === 'EADDRINUSE' && !explicit && p < first + 20) continue;
            if (code === 'EADDRINUSE') throw new DistilleryError('CONFIG', `port ${p} is in use; pick another with --port (0 = any free port)`, { field: 'port' });
            if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new DistilleryError('CONFIG', `cannot listen on ${o.host}: no such local address`, { field: 'host' });
            throw e;
          }
        }
      } catch (e) {
        await backend.dispose();
        throw e;
      }
      if (!['127.0.0.1', '::1', 'localhost'].includes(o.host)) {
        info(`warning: listening on ${o.host}: other machines can reach this server (the token still protects it)`);
      }
      info(`distillery serve: projects in ${path.resolve(o.projects)}; open the URL below in a browser (its token is the password: keep it private). Ctrl+C stops.`);
      info('In a browser the workbench keeps its own database, separate from the desktop app\'s.');
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
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => info('could not open a browser: open the URL yourself'));
    child.unref();
  } catch {
    info('could not open a browser: open the URL yourself');
  }
}
