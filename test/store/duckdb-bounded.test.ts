// A DuckDB store with its memory bounded (`store.memory_limit`) attaches its file with small row
// groups, so that checkpoints stay small. These tests check that the bounded store writes such
// groups, that the file stays one store whichever way it is opened, and that a second process
// still gets the plain "in use" message.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { BOUNDED_ROW_GROUP_SIZE, DuckDbStore } from '../../src/store/duckdb/duckdb-store.js';
import type { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { ingestRecords } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const RECORDS = 40_000;

function records(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const minute = String(i % 60).padStart(2, '0');
    return JSON.stringify({
      CreationTime: `2026-03-02T${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${minute}:00`,
      Id: `rec-${i}`,
      Operation: i % 2 ? 'FileDownloaded' : 'FileAccessed',
      RecordType: 6,
      Workload: 'SharePoint',
      UserId: `user${i % 50}@contoso.com`,
      ObjectId: `https://contoso.sharepoint.com/sites/Deals/doc-${i}.docx`,
    });
  });
}

async function fill(store: Store): Promise<void> {
  for (let i = 0; i < RECORDS; i += 10_000) await ingestRecords(store, records(i, 10_000));
}

async function rowGroupSizes(store: Store): Promise<number[]> {
  const rows = await store.queryAll({
    sql: `SELECT row_group_id, max("count") AS n FROM pragma_storage_info('management')
          WHERE column_name = 'Id' GROUP BY ALL ORDER BY row_group_id`,
    params: [],
  });
  return rows.map((r) => Number(r.n));
}

describe('DuckDB store with bounded memory', () => {
  const open: Store[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it(`writes row groups of ${BOUNDED_ROW_GROUP_SIZE} rows; unbounded, DuckDB's larger ones`, async () => {
    const bounded = await DuckDbStore.open(join(dir, 'bounded.duckdb'), { memoryLimit: '128MB' });
    open.push(bounded);
    await fill(bounded);
    await bounded.queryAll({ sql: 'CHECKPOINT', params: [] });
    const small = await rowGroupSizes(bounded);
    expect(small.reduce((a, b) => a + b, 0)).toBe(RECORDS);
    expect(Math.max(...small)).toBe(BOUNDED_ROW_GROUP_SIZE);

    const plain = await DuckDbStore.open(join(dir, 'plain.duckdb'));
    open.push(plain);
    await fill(plain);
    await plain.queryAll({ sql: 'CHECKPOINT', params: [] });
    expect(Math.max(...(await rowGroupSizes(plain)))).toBe(RECORDS);
  });

  it('is one store whichever way the file is opened: bounded, plain, read-only', async () => {
    const file = join(dir, 'shared.duckdb');
    const first = await DuckDbStore.open(file);
    await ingestRecords(first, records(0, 1_000));
    await first.close();

    const bounded = await DuckDbStore.open(file, { memoryLimit: '128MB' });
    const again = await ingestRecords(bounded, records(500, 1_000));
    // Deduplication sees the rows the plain store wrote.
    expect(again).toMatchObject({ inserted: 500, duplicates: 500 });
    await bounded.close();

    const reader = await DuckDbStore.open(file, { memoryLimit: '128MB', readOnly: true });
    open.push(reader);
    const rows = await reader.queryAll({
      sql: `SELECT count(*) AS n, count(DISTINCT "Id") AS ids, max(_seq) AS seq FROM management`,
      params: [],
    });
    expect(rows[0]).toMatchObject({ n: 1_500n, ids: 1_500n });
    expect(await reader.maxSeq()).toBeGreaterThanOrEqual(1_500n);
    expect(() => reader.ingest({ sets: [] })).toThrow(/read-only/);
    // Read-only in DuckDB too, not only in the store's own checks.
    await expect(reader.queryAll({ sql: `DELETE FROM management`, params: [] })).rejects.toThrow(
      /read-only/i,
    );
  });

  it('tells another process that the file is in use', async () => {
    const file = join(dir, 'held.duckdb');
    const held = await DuckDbStore.open(file, { memoryLimit: '128MB' });
    open.push(held);
    await ingestRecords(held, records(0, 10));
    const other = await runCli(['status', '--db', file]);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain(`The store ${file} is in use by another m365hunt process.`);
  });
});
