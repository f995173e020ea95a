// Large files stream: the JavaScript heap an import needs does not depend on the file's size. A
// file several times larger than the bound is imported while the live heap is measured (after a
// full collection) at every few batches; reading it whole would break the bound at once.
import { createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { runImport, type ImportProgress } from '../../src/ingest/import/runner.js';
import type { IngestBatch, IngestResult, Store } from '../../src/store/store.js';
import { openTestStore } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const dir = tempDir('m365hunt-import-streaming-');
const RECORDS = 200_000;
/** Largest growth of the live heap allowed during an import, whatever the file's size. */
const HEAP_BOUND = 48 * 1024 * 1024;

const TENANT = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const OPERATIONS = ['FileAccessed', 'FileDownloaded', 'FilePreviewed', 'FileSyncDownloadedFull'];

function record(i: number): string {
  const user = `user${i % 500}`;
  return JSON.stringify({
    CreationTime: new Date(Date.UTC(2026, 2, 2) + i * 1000).toISOString().slice(0, 19),
    Id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    Operation: OPERATIONS[i % OPERATIONS.length],
    OrganizationId: TENANT,
    RecordType: 6,
    UserKey: 'i:0h.f|membership|10032001a1b2c3d4@live.com',
    UserType: 0,
    Version: 1,
    Workload: i % 2 ? 'OneDrive' : 'SharePoint',
    ClientIP: `198.51.100.${i % 250}`,
    ObjectId: `https://contoso-my.sharepoint.com/personal/${user}_contoso_com/Documents/Reports/file-${i}.xlsx`,
    UserId: `${user}@contoso.com`,
    EventSource: 'SharePoint',
    ItemType: 'File',
    SiteUrl: `https://contoso-my.sharepoint.com/personal/${user}_contoso_com/`,
    SourceFileName: `file-${i}.xlsx`,
    SourceFileExtension: 'xlsx',
    SourceRelativeUrl: 'Documents/Reports',
    UserAgent: 'Microsoft SkyDriveSync 24.020.0128.0003 ship; Windows NT 10.0 (19045)',
  });
}

async function generate(file: string, line: (i: number) => string, header = ''): Promise<number> {
  const out = createWriteStream(file);
  if (header) out.write(header);
  for (let i = 0; i < RECORDS; i++) {
    if (!out.write(line(i)))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((e?: Error | null) => (e ? reject(e) : resolve())),
  );
  return statSync(file).size;
}

/** Live heap growth over the baseline, sampled after a full collection every few batches. */
function heapProbe(): { sample: (p: ImportProgress) => void; peak: () => number } {
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  let calls = 0;
  return {
    sample() {
      if (++calls % 16 !== 0) return;
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    },
    peak: () => peak,
  };
}

/** Counts what it is given and stores nothing: the reader's memory alone. */
function countingStore(): Store {
  const store: Partial<Store> = {
    async ingest(batch: IngestBatch): Promise<IngestResult> {
      const n = batch.sets.reduce((sum, s) => sum + s.records.length, 0);
      return { inserted: n, duplicates: 0, quarantined: 0, seqRange: null };
    },
    async quarantine() {
      return [];
    },
  };
  return store as Store;
}

const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

describe('streaming imports', () => {
  it('imports a 200k-record NDJSON file into DuckDB with a heap that does not grow with it', async () => {
    const file = join(dir, 'big.ndjson');
    const size = await generate(file, (i) => `${record(i)}\n`);
    expect(size).toBeGreaterThan(2 * HEAP_BOUND);
    const store = await openTestStore('duckdb', dir);
    try {
      const probe = heapProbe();
      const started = Date.now();
      const summary = await runImport({
        files: [file],
        store,
        collectorId: '10001',
        onProgress: probe.sample,
      });
      const seconds = (Date.now() - started) / 1000;
      expect(summary.files[0]).toMatchObject({ read: RECORDS, stored: RECORDS, quarantined: 0 });
      console.info(
        `NDJSON ${MiB(size)}, ${RECORDS} records into DuckDB: ${Math.round(RECORDS / seconds)} records/s, peak live heap growth ${MiB(probe.peak())}`,
      );
      expect(probe.peak()).toBeLessThan(HEAP_BOUND);
      const n = await store.queryAll({ sql: 'SELECT count(*) AS n FROM management', params: [] });
      expect(Number(n[0]!.n)).toBe(RECORDS);
    } finally {
      await store.close();
    }
  });

  it('reads a 200k-row Purview CSV row by row', async () => {
    const file = join(dir, 'big.csv');
    const size = await generate(
      file,
      (i) =>
        `${i},2026-03-02T00:00:00.0000000Z,SharePointFileOperation,FileAccessed,u@contoso.com,"${record(i).replaceAll('"', '""')}",,\r\n`,
      '\ufeffRecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n',
    );
    expect(size).toBeGreaterThan(2 * HEAP_BOUND);
    const probe = heapProbe();
    const started = Date.now();
    const summary = await runImport({
      files: [file],
      store: countingStore(),
      collectorId: '10001',
      onProgress: probe.sample,
    });
    const seconds = (Date.now() - started) / 1000;
    expect(summary.files[0]).toMatchObject({ read: RECORDS, stored: RECORDS, unreadable: 0 });
    console.info(
      `Purview CSV ${MiB(size)}, ${RECORDS} rows read: ${Math.round(RECORDS / seconds)} records/s, peak live heap growth ${MiB(probe.peak())}`,
    );
    expect(probe.peak()).toBeLessThan(HEAP_BOUND);
  });
});
