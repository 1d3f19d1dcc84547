/**
 * `npx electron-vite build` → out/main/index.js (ESM, package.json "main"), out/preload/index.cjs
 * (CommonJS: a sandboxed preload cannot be an ES module), out/renderer (the UI).
 *
 * The renderer section is vite.renderer.config.ts itself (the serve-mode build), so both builds
 * produce the same out/renderer: `distillery serve` and the desktop window load the same files.
 * The worker is not bundled: the utilityProcess runs src/worker/process/worker-entry.mjs, which
 * loads the TypeScript sources through tsx, as serve mode and the CLI do.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import type { UserConfig } from 'vite';
import rendererConfig from './vite.renderer.config';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  main: {
    // Dependencies stay in node_modules (native add-ons, papaparse, …); our own code is bundled.
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: path.join(root, 'out/main'),
      emptyOutDir: true,
      sourcemap: true,
      rollupOptions: { input: { index: path.join(root, 'src/main/index.ts') } },
    },
  },
  preload: {
    // Everything bundled in: a sandboxed preload may require 'electron' and nothing else.
    build: {
      outDir: path.join(root, 'out/preload'),
      emptyOutDir: true,
      sourcemap: 'inline',
      rollupOptions: {
        input: { index: path.join(root, 'src/preload/index.ts') },
        output: {
          format: 'cjs',
          entryFileNames: '[name].cjs',
          chunkFileNames: '[name]-[hash].cjs',
          inlineDynamicImports: true,
        },
      },
    },
  },
  renderer: rendererConfig as UserConfig,
});
