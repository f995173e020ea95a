// chdb allocates through its own jemalloc, which reads JE_MALLOC_CONF once, when libchdb loads
// (the library's built-in options keep freed pages for five seconds: `dirty_decay_ms:5000`). The
// ingest commands and a configuration that bounds memory already ask DuckDB's jemalloc to return
// freed pages at once (../duckdb/allocator.ts decides, before anything loads); chdb's follows the
// same decision: importing 100,000 records peaked at 644 MiB instead of 887 (docs/store.md,
// "ClickHouse ingest"). This module is imported before `chdb`, so that it runs first.
import { ALLOCATOR_ENV, BOUNDED_ALLOCATOR_CONF } from '../duckdb/allocator.js';

export const CHDB_ALLOCATOR_ENV = 'JE_MALLOC_CONF';

/** Sets chdb's allocator options as DuckDB's were set, unless the environment names its own. */
export function followDuckDbAllocator(env: NodeJS.ProcessEnv = process.env): void {
  if (env[ALLOCATOR_ENV] === BOUNDED_ALLOCATOR_CONF)
    env[CHDB_ALLOCATOR_ENV] ??= BOUNDED_ALLOCATOR_CONF;
}

followDuckDbAllocator();
