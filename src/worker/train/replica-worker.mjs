// Worker-thread entry of a data-parallel training run (data-parallel.ts). Plain JavaScript on
// purpose: a worker does not inherit a TypeScript loader that its parent registered through tsx's
// API (bin/distillery.mjs), nor vitest's transform, so it registers tsx itself and then imports the
// TypeScript module. Registering again where the loader was inherited (`tsx file.ts`) is harmless.
import { register } from 'tsx/esm/api';

register();
await import('./replica-worker.ts');
