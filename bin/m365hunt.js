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
// DuckDB's allocator reads its options when DuckDB loads, before the command reads its
// configuration: a configuration that bounds memory sets them first (src/store/duckdb/allocator.ts).
const { prepareAllocator } = await import('../dist/store/duckdb/allocator.js');
prepareAllocator(process.argv.slice(2));
await import(main.href);
