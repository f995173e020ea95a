// A collector that dies: ingests one batch into chdb:DIR?database=DB and, at the given ingest
// point, kills itself with SIGKILL (no cleanup, no unwinding). Run by clickhouse-sigkill.test.ts.
import { openChdbStore } from '../../src/store/clickhouse/open.js';
import type { IngestBatch } from '../../src/store/store.js';

const [dir, database, point, count, end] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const key = { source: 'management', tenant: 't1', stream: 'Audit.SharePoint' };
const records = Array.from({ length: Number(count) }, (_, i) =>
  JSON.stringify({
    CreationTime: `2026-03-0${1 + (i % 3)}T09:${String(i % 60).padStart(2, '0')}:05`,
    Id: `k-${i}`,
    Operation: 'FileDownloaded',
    Workload: 'SharePoint',
  }),
);
const batch: IngestBatch = {
  sets: [
    {
      family: 'management',
      tenant: key.tenant,
      client: 'contoso',
      hostchain: 'collector-12345-h',
      contentType: key.stream,
      origin: 'blob-1',
      records,
    },
  ],
  cursor: { key, state: { end } },
  contents: [{ key, contentId: 'blob-1', contentCreated: end, status: 'done' }],
};
const store = await openChdbStore(`${dir}?database=${database}`, {
  clickhouse: {
    faultInjection: (p) => {
      if (p === point) process.kill(process.pid, 'SIGKILL');
    },
  },
});
const result = await store.ingest(batch);
await store.close();
console.log(JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
