// chdb alone doing an import's work (`node bench/lib/chdb-alone.mjs NDJSON DIR`): the store's
// tables in a new chdb directory, then one statement reads the NDJSON with the engine's own file
// reader, keeps each line as `message`, parses the promoted fields into the same columns, drops
// invalid records and repeated ids, and inserts (src/store/clickhouse/ingest-sql.ts,
// engineAloneStatement). Prints seconds, rows and peak memory.
import { resolve } from 'node:path';

const [file, dir] = process.argv.slice(2);
if (!file || !dir) throw new Error('usage: chdb-alone NDJSON DIR');
const { ChdbExecutor } = await import('../../dist/store/clickhouse/chdb-executor.js');
const { ClickHouseStore } = await import('../../dist/store/clickhouse/clickhouse-store.js');
const { engineAloneStatement } = await import('../../dist/store/clickhouse/ingest-sql.js');
const { formatUtc } = await import('../../dist/store/clickhouse/values.js');
const { MANAGEMENT } = await import('../../dist/store/schema.js');
const layout = { database: 'm365hunt' };
const executor = await ChdbExecutor.open(dir, layout.database);
const store = await ClickHouseStore.open(executor, layout, { location: `chdb:${dir}` });
const started = process.hrtime.bigint();
await executor.writer.command(engineAloneStatement(MANAGEMENT, layout), {
  params: { path: resolve(file), now: formatUtc(new Date()) },
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const count = await executor.select(`SELECT count() FROM ${layout.database}.${MANAGEMENT.id}`);
await store.close();
console.log(
  JSON.stringify({
    seconds,
    rows: Number(count.rows[0]?.[0] ?? 0),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
