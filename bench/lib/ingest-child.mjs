// The collector's ingest path over a file of records (`node bench/lib/ingest-child.mjs NDJSON STORE`),
// without the network: the records in blobs of BLOB_RECORDS, committed as the collector commits
// them (src/sources/management-activity/collector.ts): at most 5,000 records per commit, one
// record set and one content mark per blob, one commit at a time, the file read as it goes.
// Prints seconds, rows stored and peak memory. STORE is a store URL (duckdb:PATH, chdb:DIR).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const BLOB_RECORDS = 500;
const MAX_PER_COMMIT = 5_000;
const [file, storeUrl] = process.argv.slice(2);
if (!file || !storeUrl) throw new Error('usage: ingest-child NDJSON STORE');
const { boundAllocator } = await import('../../dist/store/duckdb/allocator.js');
// As `m365hunt collect` does (bin/m365hunt.js): the ingest commands bound the allocators.
boundAllocator();
const { INGEST_MEMORY_LIMIT } = await import('../../dist/app/store.js');
const { openStore } = await import('../../dist/store/open.js');
const store = await openStore(storeUrl, { duckdb: { memoryLimit: INGEST_MEMORY_LIMIT } });
const key = { source: 'o365', tenant: 'tenant', stream: 'Audit.General' };
const started = process.hrtime.bigint();
let stored = 0;
let blobIndex = 0;
let blobs = [];
let blob = [];
let inBatch = 0;
const commit = async () => {
  if (blobs.length === 0) return;
  const sets = blobs.map((records, i) => ({
    family: 'management',
    tenant: 'tenant',
    client: 'client',
    hostchain: 'collector-10001-bench',
    contentType: 'Audit.General',
    origin: `blob-${blobIndex + i}`,
    records,
  }));
  const contents = sets.map((s) => ({
    key,
    contentId: s.origin,
    contentUri: `https://example.invalid/${s.origin}`,
    contentCreated: '2026-11-20T00:00:00.000Z',
    status: 'done',
  }));
  blobIndex += blobs.length;
  blobs = [];
  inBatch = 0;
  const result = await store.ingest({ sets, contents });
  stored += result.inserted;
};
for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
  if (line === '') continue;
  blob.push(line);
  if (blob.length === BLOB_RECORDS) {
    if (inBatch + blob.length > MAX_PER_COMMIT) await commit();
    blobs.push(blob);
    inBatch += blob.length;
    blob = [];
  }
}
if (blob.length > 0) {
  if (inBatch + blob.length > MAX_PER_COMMIT) await commit();
  blobs.push(blob);
}
await commit();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await store.close();
console.log(
  JSON.stringify({ seconds, rows: stored, peakRssMiB: process.resourceUsage().maxRSS / 1024 }),
);
