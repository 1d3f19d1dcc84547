// No import cycles in src/ (issue 9): a module that imports itself through others runs with
// half-initialised imports and cannot be understood, tested or moved alone. The graph comes from the
// TypeScript compiler's pre-processor (import-graph.ts); every cycle found is listed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCycles, importGraph } from './import-graph';

const root = path.resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'distillery-import-cycles-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(scratch, 'src-'));
  for (const [name, code] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), code);
  }
  return dir;
}

describe('import cycles', () => {
  it('src/ has none', () => {
    expect(importCycles(importGraph(path.join(root, 'src')), root)).toEqual([]);
  });

  it('finds a planted cycle of any length and kind of import, and nothing in a tree without one', () => {
    const dir = tree({
      'state/app.ts': "import { b } from './backup';\nexport const a = 1;\n",
      'state/backup.ts': "import type { T } from '../types';\nexport const b = 2;\n",
      'types.ts': "export type T = number;\nexport const l = () => import('./state/app');\n",
      'view.vue': '<template><div/></template>\n<script setup lang="ts">\nimport { x } from \'./lone\';\n</script>\n',
      'lone.ts': "import { y } from './view.vue';\nexport const x = require('./self');\n",
      'self.ts': "export * from './self';\nimport ts from 'typescript';\n",
      // Not cycles: a missing file, and a test (tests are left out: only they may import each other's code back).
      'ok.ts': "import { a } from './state/app';\nimport './missing';\nimport './ok.test';\n",
      'ok.test.ts': "import { o } from './ok';\n",
    });
    expect(importCycles(importGraph(dir), dir)).toEqual([
      'lone.ts → view.vue → lone.ts',
      'self.ts → self.ts',
      'state/app.ts → state/backup.ts → types.ts → state/app.ts',
    ]);
    expect(
      importCycles(importGraph(tree({ 'a.ts': "import './b';\n", 'b.ts': "import './c';\n", 'c.ts': '' })), dir),
    ).toEqual([]);
  });
});
