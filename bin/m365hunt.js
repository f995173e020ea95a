#!/usr/bin/env node
// Entry point for `npx m365hunt`: runs the compiled CLI (built by `npm ci` through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error(
    'm365hunt is not built yet: run `npm ci` (or `npm run build`) in the checkout first.',
  );
  process.exit(2);
}
await import(main.href);
