// DuckDB alone doing an import's work (`node bench/lib/engine-alone.mjs NDJSON STORE`): the store's
// tables in a new file, then one statement reads the NDJSON, keeps each line as `message`, parses
// the promoted fields into the same columns, drops repeated ids, and commits
// (src/store/duckdb/ingest-sql.ts, engineAloneStatement). Prints seconds and peak memory.
const [file, storeFile] = process.argv.slice(2);
if (!file || !storeFile) throw new Error('usage: engine-alone NDJSON STORE');
const { DuckDbStore } = await import('../../dist/store/duckdb/duckdb-store.js');
const { engineAloneStatement } = await import('../../dist/store/duckdb/ingest-sql.js');
const { MANAGEMENT } = await import('../../dist/store/schema.js');
const store = await DuckDbStore.open(storeFile);
const started = process.hrtime.bigint();
const rows = await store.queryAll({
  sql: engineAloneStatement(MANAGEMENT),
  params: [file, new Date()],
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await store.close();
console.log(
  JSON.stringify({
    seconds,
    rows: Number(rows[0]?.Count ?? rows[0]?.count ?? 0),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
