#!/usr/bin/env node
// Builds the optional native kernels (src/worker/backend/native/distillery_native.c) against Debian's
// OpenBLAS into build/native/distillery_native.node. Run by `npm install` (postinstall) and by hand.
// Optional like tfjs-node: where no C compiler, Node headers or OpenBLAS (apt-get install
// libopenblas-dev) are found it says why and exits 0, and training uses the wasm kernels.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const src = path.join(root, 'src/worker/backend/native/distillery_native.c');
const out = path.join(root, 'build/native/distillery_native.node');
const first = (dirs, file) => dirs.find((d) => existsSync(path.join(d, file)));

const nodeInclude = first(
  [path.resolve(process.execPath, '../../include/node'), '/usr/include/node', '/usr/local/include/node'],
  'node_api.h',
);
const multiarch = '/usr/include/x86_64-linux-gnu';
const cblasInclude = first(
  [
    '/usr/include',
    `${multiarch}/openblas-pthread`,
    `${multiarch}/openblas-openmp`,
    `${multiarch}/openblas64-pthread`,
    '/usr/include/openblas',
  ],
  'cblas.h',
);
const libDir = first(
  ['/usr/lib/x86_64-linux-gnu/openblas-pthread', '/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib'],
  'libopenblas.so',
);
const missing = [
  !nodeInclude && 'Node headers (node_api.h)',
  !cblasInclude && 'cblas.h',
  !libDir && 'libopenblas.so',
].filter(Boolean);
if (missing.length) {
  console.log(
    `native kernels not built: no ${missing.join(', ')} (Debian: apt-get install libopenblas-dev); training uses the wasm kernels`,
  );
  process.exit(0);
}
mkdirSync(path.dirname(out), { recursive: true });
// -march=native: built on the machine that runs it (install time), so AVX-512 is used where present.
// -fno-math-errno: nothing reads errno, and with it set GCC will not vectorize a loop calling sqrtf.
const args = [
  '-O3',
  '-march=native',
  '-fno-math-errno',
  '-shared',
  '-fPIC',
  '-o',
  out,
  src,
  `-I${nodeInclude}`,
  `-I${cblasInclude}`,
  `-L${libDir}`,
  `-Wl,-rpath,${libDir}`,
  '-lopenblas',
];
try {
  execFileSync(process.env.CC || 'cc', args, { stdio: ['ignore', 'inherit', 'inherit'] });
  console.log(`native kernels built: ${path.relative(root, out)}`);
} catch (e) {
  console.log(
    `native kernels not built: ${e instanceof Error ? e.message.split('\n')[0] : e}; training uses the wasm kernels`,
  );
}
