#!/usr/bin/env node
// The `distillery` command. Runs the TypeScript sources through tsx's loader, so there is no build
// step to forget and stack traces point at src/.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

register();
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { main } = await import(path.join(root, 'src/cli/index.ts'));
process.exitCode = await main(process.argv.slice(2));
