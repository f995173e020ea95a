// Runs one `collect --once` from the built package (dist/, as `npx m365hunt` runs it) and prints
// what it measured as JSON, so that the benchmark reads the collector's own peak memory (the
// simulator runs in another process). MEMORY_LIMIT `defaults` is what `m365hunt collect` does
// without a store.memory_limit (src/app/store.ts, INGEST_MEMORY_LIMIT); none: DuckDB's own.
const [configFile, storeFile, limitArgument] = process.argv.slice(2);
if (!configFile || !storeFile) throw new Error('usage: collect-child CONFIG STORE [MEMORY_LIMIT]');
const { INGEST_MEMORY_LIMIT } = await import('../../dist/app/store.js');
const memoryLimit = limitArgument === 'defaults' ? INGEST_MEMORY_LIMIT : limitArgument;
// As `npx m365hunt collect` does: the allocator's options must be in place before DuckDB loads.
const { boundAllocator } = await import('../../dist/store/duckdb/allocator.js');
if (memoryLimit) boundAllocator();
const { loadConfig } = await import('../../dist/config/load.js');
const { Collection } = await import('../../dist/sources/collection.js');
const { openStore } = await import('../../dist/store/open.js');
const { createLogger, setLogLevel } = await import('../../dist/util/log.js');
setLogLevel('error');
const config = loadConfig(configFile);
const store = await openStore(storeFile, { duckdb: memoryLimit ? { memoryLimit } : undefined });
const started = process.hrtime.bigint();
const collection = new Collection(config, store, { log: createLogger('bench') });
const summaries = await collection.once();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const results = summaries.flatMap((s) => s.results);
const requests = collection.tenants.reduce((n, t) => n + t.http.counters.requests, 0);
const throttled = collection.tenants.reduce((n, t) => n + t.http.counters.throttled, 0);
await store.close();
console.log(
  JSON.stringify({
    seconds,
    requests,
    throttled,
    records: results.reduce((n, r) => n + r.inserted, 0),
    blobs: results.reduce((n, r) => n + r.blobs, 0),
    errors: results.filter((r) => r.error).map((r) => r.error),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
