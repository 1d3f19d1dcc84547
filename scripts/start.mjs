#!/usr/bin/env node
// `npm start`: the desktop workbench where the Electron binary exists; otherwise the same UI in serve
// mode (`distillery serve`), left running, with the URL to open printed.
//   Electron present: build with electron-vite when out/ is missing or older than src/, then launch.
//   Electron missing: say so (and how to fetch it), build the renderer if out/renderer is missing,
//                     then run `distillery serve --projects runs/projects`.
// The sample project on first run comes from the UI itself (resources/models/sample-corpus.csv).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const rel = (p) => path.relative(process.cwd(), p) || '.';

/** The Electron executable, or undefined where its binary was never downloaded. */
function electronBinary() {
  try {
    const p = require('electron'); // a path string; throws when node_modules/electron/path.txt is missing
    return typeof p === 'string' && existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

const outputs = {
  main: path.join(root, 'out', 'main', 'index.js'),
  preload: path.join(root, 'out', 'preload', 'index.cjs'),
  renderer: path.join(root, 'out', 'renderer', 'index.html'),
};

/** Runs a Node script to completion (exits on failure). */
function run(script, args, what) {
  console.log(`$ node ${[script, ...args].map((a) => (path.isAbsolute(a) ? rel(a) : a)).join(' ')}`);
  const r = spawnSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${what} failed${r.error ? `: ${r.error.message}` : ''}`);
    process.exit(r.status || 1);
  }
}

const binary = electronBinary();

if (binary) {
  const built = Object.values(outputs).every(existsSync);
  const builtAt = built ? Math.min(...Object.values(outputs).map((p) => statSync(p).mtimeMs)) : 0;
  const sourcesAt = Math.max(
    ...['src/main', 'src/preload', 'src/shared', 'src/renderer'].map((d) => newestMtime(path.join(root, d))),
  );
  if (!built || sourcesAt > builtAt) {
    run(path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), ['build'], 'electron-vite build');
  }
  const child = spawn(binary, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  stayWith(child);
} else {
  console.log(
    'Electron binary not installed (fetch it with `node node_modules/electron/install.js` where a network exists); starting serve mode instead.',
  );
  if (!existsSync(outputs.renderer)) {
    const config = path.join(root, 'vite.renderer.config.ts');
    if (existsSync(config)) {
      run(path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), ['build', '-c', config], 'building the UI');
    } else {
      console.log(
        `The UI is not built (${rel(outputs.renderer)} is missing) and vite.renderer.config.ts is not there to build it; the server will answer with a page saying so.`,
      );
    }
  }
  const projects = path.join(root, 'runs', 'projects');
  const args = [path.join(root, 'bin', 'distillery.mjs'), 'serve', '--projects', projects, ...process.argv.slice(2)];
  console.log(
    `$ distillery serve --projects ${rel(projects)}${process.argv.length > 2 ? ' ' + process.argv.slice(2).join(' ') : ''}`,
  );
  // The server prints its URL (with the access token) on stdout: it passes straight through.
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
  stayWith(child);
}

/**
 * Lives as long as the child and exits with its status. Ctrl+C reaches the child from the terminal
 * itself (same process group), so SIGINT is only waited out here; SIGTERM is passed on.
 */
function stayWith(child) {
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code) => process.exit(code ?? 0));
}
