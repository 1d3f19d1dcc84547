// Each runtime's tsconfig gives its code only the globals that process has (issue 9): probes planted
// in a scratch folder are compiled with a config that extends the layer's own and must fail there.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'distillery-type-probes-'));
// Packages (vue) resolve from the scratch folder as from the tree.
symlinkSync(path.join(root, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Compiles `files` (name → code) with a config extending `tsconfig`; returns the diagnostics by file name. */
async function compile(
  tsconfig: string,
  files: Record<string, string>,
  compiler = 'tsc',
): Promise<Record<string, string>> {
  const dir = mkdtempSync(path.join(scratch, path.basename(tsconfig, '.json') + '-'));
  for (const [name, code] of Object.entries(files)) writeFileSync(path.join(dir, name), code);
  const config = { extends: path.join(root, tsconfig), include: Object.keys(files) };
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
  const bin = path.join(root, 'node_modules', compiler === 'tsc' ? 'typescript/bin/tsc' : 'vue-tsc/bin/vue-tsc.js');
  const out = await promisify(execFile)(process.execPath, [bin, '-p', dir, '--pretty', 'false'], { cwd: dir }).then(
    (r) => r.stdout,
    (e: { stdout: string }) => e.stdout,
  );
  const byFile: Record<string, string> = Object.fromEntries(Object.keys(files).map((f) => [f, '']));
  for (const line of out.split('\n')) {
    const m = /^(.+?)\(\d+,\d+\): (error .*)$/.exec(line);
    if (m) byFile[path.basename(m[1]!)] += m[2] + '\n';
  }
  return byFile;
}

describe('per-runtime type checking', () => {
  it('src/shared (tsconfig.shared.json) has neither DOM nor Node', async () => {
    const r = await compile('tsconfig.shared.json', {
      'document.ts': 'export const title = () => document.title;\n',
      'process-env.ts': 'export const home = () => process.env.HOME;\n',
      'global-process.ts': 'export const home = () => globalThis.process.env.HOME;\n',
      'clean.ts': 'export const ok = (xs: number[]) => xs.at(-1) ?? Object.hasOwn({}, "x");\n',
    });
    expect(r['document.ts']).toMatch(/error TS2584: Cannot find name 'document'/);
    expect(r['process-env.ts']).toMatch(/error TS\d+: Cannot find name 'process'/);
    expect(r['global-process.ts']).toMatch(/error TS7017: .*'typeof globalThis' has no index signature/);
    expect(r['clean.ts']).toBe('');
  });

  it('src/worker, src/host, src/main, src/cli (tsconfig.node.json) have Node and no DOM', async () => {
    const r = await compile('tsconfig.node.json', {
      'document.ts': 'export const title = () => document.title;\n',
      'window.ts': 'export const w = () => window.innerWidth;\n',
      'clean.ts':
        "import { readFileSync } from 'node:fs';\nexport const read = () => [readFileSync, process.env.HOME, Buffer.from('x')];\n",
    });
    expect(r['document.ts']).toMatch(/error TS2584: Cannot find name 'document'/);
    expect(r['window.ts']).toMatch(/error TS2304: Cannot find name 'window'/);
    expect(r['clean.ts']).toBe('');
  });

  it('src/renderer (tsconfig.renderer.json, vue-tsc) has the DOM, no Node, and checks .vue files', async () => {
    const r = await compile(
      'tsconfig.renderer.json',
      {
        'process-env.ts': 'export const home = () => process.env.HOME;\n',
        'Wrong.vue':
          '<script setup lang="ts">\nconst n: number = \'not a number\';\n</script>\n<template><p>{{ n }}</p></template>\n',
        'clean.ts': "import { ref } from 'vue';\nexport const title = () => [document.title, ref(1)];\n",
      },
      'vue-tsc',
    );
    expect(r['process-env.ts']).toMatch(/error TS\d+: Cannot find name 'process'/);
    expect(r['Wrong.vue']).toMatch(/error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(r['clean.ts']).toBe('');
  });
});
