#!/usr/bin/env node
// `npm start`: the workbench where it exists, otherwise the engine on the sample project.
// The desktop workbench (Electron + Vue, issue #4) is not built yet; until it is, start trains a
// student on the shipped sample corpus, evaluates it and predicts a few reviews, so a newcomer sees
// the engine work at once. Where the Electron binary is missing it says so and how to get it.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(root, 'bin', 'distillery.mjs');
const sample = path.join(root, 'resources', 'models', 'sample-corpus.csv');
const out = path.join(root, 'runs', 'sample-project', 'model');

const electronBinary = path.join(root, 'node_modules', 'electron', 'path.txt');
if (!existsSync(electronBinary)) {
  console.log(
    'Electron binary not installed (its download is blocked here; on a networked machine run\n' +
      '`node node_modules/electron/install.js`). The desktop workbench is not built yet (issue #4);\n' +
      'showing the engine on the sample project instead.\n',
  );
}

const run = (args, opts = {}) => {
  console.log(`$ distillery ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: ['pipe', 'inherit', 'inherit'], cwd: root, ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(['train', '--data', sample, '--out', out, '--model', 'bilstm', '--hidden', '64', '--layers', '1', '--epochs', '5']);
run(['predict', '--model', out, '--data', '-'], { input: '菜很好吃，送餐也快，下次还点\n等了两个小时，饭都凉了，太失望\n' });
console.log(`\nModel folder: ${out} (model.onnx, model-card.md, learning-curve.png, confusion-matrix.png)`);
console.log('Try: npx distillery --help');
