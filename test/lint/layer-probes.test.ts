// The layering lint refuses each probe the review planted (issue 9), and lets the same layer's
// ordinary imports through. Probes are linted as text under a path inside the tree, so ESLint picks the
// config block for that folder without a file ever being written there.
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function lint(file: string, code: string): Promise<{ ruleId: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map(({ ruleId, message }) => ({ ruleId, message }));
}

/** [name, file, code, rule, message fragment] */
const probes: [string, string, string, string, string][] = [
  // The review's probes.
  [
    'renderer imports ws',
    'src/renderer/state/probe.ts',
    "import WebSocket from 'ws';\nexport const w = WebSocket;\n",
    'no-restricted-imports',
    'src/renderer may import only',
  ],
  [
    'renderer imports nodejieba',
    'src/renderer/views/probe.ts',
    "import jieba from 'nodejieba';\nexport const j = jieba;\n",
    'no-restricted-imports',
    'src/renderer may import only',
  ],
  [
    'worker requires electron',
    'src/worker/train/probe.ts',
    "const { app } = require('electron');\nexport const a = app;\n",
    'no-restricted-syntax',
    'electron belongs to src/main and src/preload',
  ],
  [
    'worker imports vue',
    'src/worker/probe.ts',
    "import { ref } from 'vue';\nexport const r = ref(1);\n",
    'no-restricted-imports',
    'Vue and Dexie belong to src/renderer',
  ],
  [
    'shared uses document',
    'src/shared/probe.ts',
    'export const title = () => document.title;\n',
    'no-restricted-globals',
    'src/shared runs in every process and has no DOM',
  ],
  [
    'shared uses process.env',
    'src/shared/probe.ts',
    'export const home = () => process.env.HOME;\n',
    'no-restricted-globals',
    'has no Node',
  ],
  [
    'it.only in test/',
    'test/cli/probe.test.ts',
    "import { it } from 'vitest';\nit.only('x', () => {});\n",
    'no-restricted-properties',
    'it.only focuses a test',
  ],
  // Their neighbours.
  [
    'describe.only in a colocated test',
    'src/worker/text/probe.test.ts',
    "import { describe } from 'vitest';\ndescribe.only('x', () => {});\n",
    'no-restricted-properties',
    'describe.only',
  ],
  [
    '.vue file imports node:fs',
    'src/renderer/views/Probe.vue',
    "<script setup lang=\"ts\">\nimport { readFileSync } from 'node:fs';\nreadFileSync('x');\n</script>\n<template><div /></template>\n",
    'no-restricted-imports',
    'src/renderer may import only',
  ],
  [
    'renderer imports the worker',
    'src/renderer/state/probe.ts',
    "import { runJob } from '../../worker/jobs/run-job';\nexport const r = runJob;\n",
    'no-restricted-imports',
    "another process's folder",
  ],
  [
    'renderer imports onnxruntime-node',
    'src/renderer/probe.ts',
    "import * as ort from 'onnxruntime-node';\nexport const o = ort;\n",
    'no-restricted-imports',
    'src/renderer may import only',
  ],
  [
    'renderer uses Buffer',
    'src/renderer/db/probe.ts',
    "export const b = Buffer.from('x');\n",
    'no-restricted-globals',
    'the renderer has no Node',
  ],
  [
    'worker imports electron dynamically',
    'src/worker/jobs/probe.ts',
    "export const e = () => import('electron');\n",
    'no-restricted-syntax',
    'electron belongs to src/main',
  ],
  [
    'worker createRequire()s electron',
    'src/worker/probe.ts',
    "import { createRequire } from 'node:module';\nexport const e = createRequire(import.meta.url)('electron');\n",
    'no-restricted-syntax',
    'electron belongs to src/main',
  ],
  [
    'worker imports src/main',
    'src/worker/jobs/probe.ts',
    "import { x } from '../../main/ipc';\nexport const y = x;\n",
    'no-restricted-imports',
    "another process's folder",
  ],
  [
    'tfjs-node outside src/worker/backend',
    'src/worker/train/probe.ts',
    "import * as tf from '@tensorflow/tfjs-node';\nexport const t = tf;\n",
    'no-restricted-imports',
    'src/worker/backend',
  ],
  [
    'shared imports node:fs',
    'src/shared/probe.ts',
    "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
    'no-restricted-imports',
    'src/shared may import only no packages',
  ],
  [
    'shared imports electron',
    'src/shared/probe.ts',
    "import { app } from 'electron';\nexport const a = app;\n",
    'no-restricted-imports',
    'src/shared may import only',
  ],
  [
    'shared imports vue',
    'src/shared/probe.ts',
    "import { ref } from 'vue';\nexport const r = ref;\n",
    'no-restricted-imports',
    'src/shared may import only',
  ],
  [
    'shared imports the worker',
    'src/shared/probe.ts',
    "import { x } from '../worker/x';\nexport const y = x;\n",
    'no-restricted-imports',
    "another process's folder",
  ],
  [
    'shared uses window',
    'src/shared/probe.ts',
    'export const w = () => window.innerWidth;\n',
    'no-restricted-globals',
    'no DOM',
  ],
  [
    'preload imports node:fs',
    'src/preload/probe.ts',
    "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
    'no-restricted-imports',
    'src/preload may import only electron',
  ],
  [
    'main imports vue',
    'src/main/probe.ts',
    "import { ref } from 'vue';\nexport const r = ref;\n",
    'no-restricted-imports',
    'Vue and Dexie',
  ],
  [
    'main imports the renderer',
    'src/main/probe.ts',
    "import { x } from '../renderer/state/app';\nexport const y = x;\n",
    'no-restricted-imports',
    "another process's folder",
  ],
  [
    'host imports electron',
    'src/host/probe.ts',
    "import { app } from 'electron';\nexport const a = app;\n",
    'no-restricted-imports',
    'src/host also runs in serve mode',
  ],
  [
    'host (serve) requires electron',
    'src/host/serve/probe.ts',
    "const { app } = require('electron');\nexport const a = app;\n",
    'no-restricted-syntax',
    'src/host also runs in serve mode',
  ],
  [
    'host imports vue',
    'src/host/probe.ts',
    "import { ref } from 'vue';\nexport const r = ref;\n",
    'no-restricted-imports',
    'Vue and Dexie',
  ],
  [
    'host imports src/main',
    'src/host/probe.ts',
    "import { x } from '../main/ipc';\nexport const y = x;\n",
    'no-restricted-imports',
    "another process's folder",
  ],
  [
    'host imports the renderer',
    'src/host/serve/probe.ts',
    "import { x } from '../../renderer/state/app';\nexport const y = x;\n",
    'no-restricted-imports',
    "another process's folder",
  ],
  [
    'cli imports src/main',
    'src/cli/commands/probe.ts',
    "import { x } from '../../main/ipc';\nexport const y = x;\n",
    'no-restricted-imports',
    "another process's folder",
  ],
  [
    'worker imports the host',
    'src/worker/jobs/probe.ts',
    "import { x } from '../../host/journal';\nexport const y = x;\n",
    'no-restricted-imports',
    "another process's folder",
  ],
  [
    'production code imports a test double',
    'src/main/probe.ts',
    "import { app } from '../../test/doubles/fake-electron';\nexport const a = app;\n",
    'no-restricted-imports',
    'may not import from test/',
  ],
  [
    'production code imports test data dynamically',
    'src/worker/teacher/probe.ts',
    "export const f = () => import('../../../test/fixtures/tiny-bert');\n",
    'no-restricted-syntax',
    'may not import from test/',
  ],
  [
    'production code imports fixtures',
    'src/worker/teacher/probe.ts',
    "import { x } from './fixtures';\nexport const y = x;\n",
    'no-restricted-imports',
    'may not import fixtures',
  ],
  [
    'the renderer imports fixtures',
    'src/renderer/state/probe.ts',
    "import { x } from '../db/seed-fixtures';\nexport const y = x;\n",
    'no-restricted-imports',
    'may not import fixtures',
  ],
  [
    'a file deeper than the per-depth blocks requires electron',
    'src/worker/a/b/c/d/e/f/g/h/probe.ts',
    "const { app } = require('electron');\nexport const a = app;\n",
    'no-restricted-syntax',
    'electron belongs to src/main',
  ],
  [
    'a file deeper than the per-depth blocks imports the worker',
    'src/renderer/a/b/c/d/e/f/g/h/probe.ts',
    "import { x } from '../../../../../../../../../worker/x';\nexport const y = x;\n",
    'no-restricted-imports',
    "another process's folder",
  ],
  [
    'cli imports the renderer',
    'src/cli/probe.ts',
    "import { x } from '../renderer/state/app';\nexport const y = x;\n",
    'no-restricted-imports',
    "another process's folder",
  ],
  // Views and components reach the database through state/ and composables/ (issue 9 item 6).
  [
    'a view imports db/repo',
    'src/renderer/views/Probe.vue',
    "<script setup lang=\"ts\">\nimport { allDocs } from '../db/repo';\nallDocs('p');\n</script>\n<template><div /></template>\n",
    'no-restricted-imports',
    'src/renderer/views reach the database through src/renderer/state or composables',
  ],
  [
    'a view imports a repository module dynamically',
    'src/renderer/views/probe.ts',
    "export const f = () => import('../db/labels-repo');\n",
    'no-restricted-syntax',
    'src/renderer/views reach the database through src/renderer/state or composables',
  ],
  [
    'a view queries Dexie itself',
    'src/renderer/views/Probe.vue',
    '<script setup lang="ts">\nimport { liveQuery } from \'dexie\';\nliveQuery(() => 1);\n</script>\n<template><div /></template>\n',
    'no-restricted-imports',
    'src/renderer/views reach the database',
  ],
  [
    'a nested component imports db/schema',
    'src/renderer/components/train/Probe.vue',
    '<script setup lang="ts">\nimport { strictDb } from \'../../db/schema\';\nstrictDb.open();\n</script>\n<template><div /></template>\n',
    'no-restricted-imports',
    'src/renderer/components reach the database',
  ],
  [
    'a Dexie-free db module views may import (db/logic.ts) imports the schema',
    'src/renderer/db/logic.ts',
    "import { strictDb } from './schema';\nexport const s = strictDb;\n",
    'no-restricted-imports',
    'stay free of Dexie',
  ],
];

/** What each layer may do: these must lint clean, or the probes above prove nothing. */
const allowed: [string, string, string][] = [
  [
    'renderer imports vue, dexie and src/shared',
    'src/renderer/state/probe.ts',
    "import { ref } from 'vue';\nimport Dexie from 'dexie';\nimport { x } from '../../shared/api';\nexport const y = [ref, Dexie, x];\n",
  ],
  [
    'renderer test imports vitest',
    'src/renderer/state/probe.test.ts',
    "import { it } from 'vitest';\nit('x', () => {});\n",
  ],
  [
    'worker imports node, tfjs, onnxruntime and src/shared',
    'src/worker/train/probe.ts',
    "import fs from 'node:fs';\nimport * as tf from '@tensorflow/tfjs';\nimport * as ort from 'onnxruntime-node';\nimport { x } from '../../shared/api';\nexport const y = [fs, tf, ort, x];\n",
  ],
  [
    'worker/backend imports tfjs-node',
    'src/worker/backend/probe.ts',
    "export const t = () => import('@tensorflow/tfjs-node');\n",
  ],
  [
    'main imports electron and node',
    'src/main/probe.ts',
    "import { app } from 'electron';\nimport fs from 'node:fs';\nexport const y = [app, fs];\n",
  ],
  [
    'cli imports the host and the worker',
    'src/cli/commands/probe.ts',
    "import { x } from '../../host/project-store';\nimport { s } from '../../host/serve/server';\nimport { y } from '../../worker/jobs/run-job';\nexport const z = [x, s, y];\n",
  ],
  ['main imports the host', 'src/main/probe.ts', "import { x } from '../host/api-backend';\nexport const y = x;\n"],
  [
    'host imports node, ws and src/shared',
    'src/host/serve/probe.ts',
    "import http from 'node:http';\nimport WebSocket from 'ws';\nimport { x } from '../../shared/api';\nimport { y } from '../api-backend';\nexport const z = [http, WebSocket, x, y];\n",
  ],
  [
    'a test imports test doubles and fixtures',
    'src/main/probe.test.ts',
    "import { vi } from 'vitest';\nimport { makeTinyBertFolder } from '../../test/fixtures/tiny-bert';\nvi.mock('electron', () => import('../../test/doubles/fake-electron'));\nexport const m = makeTinyBertFolder;\n",
  ],
  [
    'shared imports src/shared',
    'src/shared/probe.ts',
    "import { x } from './api';\nexport const y = () => [x, globalThis.structuredClone];\n",
  ],
  [
    'preload imports electron',
    'src/preload/probe.ts',
    "import { contextBridge } from 'electron';\nexport const c = contextBridge;\n",
  ],
  ['skipped test in test/', 'test/cli/probe.test.ts', "import { it } from 'vitest';\nit.skip('x', () => {});\n"],
  [
    'a view imports state, composables and the Dexie-free db modules',
    'src/renderer/views/Probe.vue',
    "<script setup lang=\"ts\">\nimport { projectDocs } from '../state/corpus';\nimport { useLabeling } from '../composables/useLabeling';\nimport { formatPercent } from '../db/logic';\nimport { inGold } from '../db/gold';\nimport type { DocRow } from '../db/types';\nconst d: DocRow[] = [];\nexport default [projectDocs, useLabeling, formatPercent, inGold, d];\n</script>\n<template><div /></template>\n",
  ],
  [
    'state imports the repositories and dexie',
    'src/renderer/state/probe.ts',
    "import { liveQuery } from 'dexie';\nimport { allDocs } from '../db/docs-repo';\nexport const y = [liveQuery, allDocs];\n",
  ],
];

describe('layering lint (eslint.config.js)', () => {
  it.each(probes)('refuses: %s', async (_name, file, code, rule, fragment) => {
    const messages = await lint(file, code);
    expect(messages.filter((m) => m.ruleId === null)).toEqual([]); // no parse error standing in for the rule
    expect(messages).toContainEqual({ ruleId: rule, message: expect.stringContaining(fragment) });
  });

  it.each(allowed)('allows: %s', async (_name, file, code) => {
    expect(await lint(file, code)).toEqual([]);
  });
});
