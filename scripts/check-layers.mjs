#!/usr/bin/env node
// Layering lint (DESIGN.md): a file's folder says which process it runs in and what it may import.
//   src/shared    nothing outside src/shared: no node:*, no Electron, no tfjs, no onnxruntime, no Dexie
//   src/worker    src/shared and Node; never electron, never another process's folder
//   src/cli       src/worker, src/shared, Node, and src/main/services (Node-only host services that
//                 serve mode shares with Electron's main process; they never import electron)
//   src/main      src/shared, Node, electron
//   src/preload   src/shared, electron
//   src/renderer  src/shared, Vue, Dexie (no Node, no electron)
// Heavy dependencies live in one place each: tfjs backends in src/worker/backend, onnxruntime-node in
// src/worker (created in src/worker/backend/onnx-runtime.ts), Dexie in src/renderer.
// Also: no `.only(` in tests.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const layers = ['shared', 'worker', 'cli', 'main', 'preload', 'renderer'];
const mayImportLayers = {
  shared: ['shared'],
  worker: ['shared', 'worker'],
  cli: ['shared', 'worker', 'cli'],
  main: ['shared', 'main'],
  preload: ['shared', 'preload'],
  renderer: ['shared', 'renderer'],
};
const nodeBuiltin = /^node:|^(fs|path|os|child_process|worker_threads|crypto|url|util|stream|readline|http|https|net|events|module|zlib|buffer)(\/|$)/;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|vue|mjs|js)$/.test(name)) yield p;
  }
}

const problems = [];
const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

for (const layer of layers) {
  const dir = path.join(root, 'src', layer);
  try {
    statSync(dir);
  } catch {
    continue;
  }
  for (const file of files(dir)) {
    const rel = path.relative(root, file);
    const text = readFileSync(file, 'utf8');
    if (/\.(test|spec)\.ts$/.test(file) && /\b(describe|it|test)\.only\(/.test(text)) problems.push(`${rel}: .only in a test`);
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const bad = (why) => problems.push(`${rel}: imports "${spec}" (${why})`);
      if (spec.startsWith('.')) {
        const target = path.relative(path.join(root, 'src'), path.resolve(path.dirname(file), spec)).split(path.sep)[0];
        const resolved = path.relative(path.join(root, 'src'), path.resolve(path.dirname(file), spec));
        const hostService = layer === 'cli' && resolved.startsWith(`main${path.sep}services${path.sep}`);
        if (layers.includes(target) && !mayImportLayers[layer].includes(target) && !hostService) bad(`src/${layer} may not import src/${target}`);
        continue;
      }
      if (spec === 'electron' && !['main', 'preload'].includes(layer)) bad('electron belongs to src/main and src/preload');
      if (spec === 'electron' && rel.startsWith('src/main/services/')) bad('src/main/services is shared with serve mode and must not import electron');
      const isTest = /\.(test|spec)\.ts$/.test(file);
      if (isTest && /^(vitest|fast-check)$/.test(spec)) continue;
      if (layer === 'shared') bad('src/shared imports nothing outside itself');
      if (layer === 'renderer' && nodeBuiltin.test(spec)) bad('the renderer has no Node');
      if (/^@tensorflow\/tfjs-(node|node-gpu|backend-wasm|backend-webgpu)/.test(spec) && !rel.startsWith('src/worker/backend/')) bad('tfjs backends are chosen in src/worker/backend');
      if (/^@tensorflow\/tfjs/.test(spec) && layer !== 'worker') bad('tfjs runs in the worker');
      if (spec === 'onnxruntime-node' && layer !== 'worker') bad('onnxruntime-node runs in the worker');
      if (spec === 'dexie' && layer !== 'renderer') bad('Dexie lives in the renderer');
    }
  }
}

if (problems.length) {
  console.error(`layering: ${problems.length} problem(s)\n` + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log('layering: ok');
