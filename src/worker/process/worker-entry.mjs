// Bootstrap of the worker process (worker-entry.ts): plain JavaScript so that it runs as a plain
// `node` child process (serve mode, tests) and as Electron's utilityProcess without a build step.
// A child process does not inherit the TypeScript loader its parent registered through tsx's API
// (bin/distillery.mjs) or vitest's transform, so it registers tsx itself.
import { register } from 'tsx/esm/api';

register();
await import('./worker-entry.ts');
