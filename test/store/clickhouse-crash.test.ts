// The ClickHouse store's exactly-once proof. ClickHouse has no transaction around "rows, then
// cursor", so an ingest is interrupted here at each point where a crash could leave part of it
// behind; the store is reopened (nothing of the failed attempt survives in memory) and the same
// batch ingested again, as the collector does from the cursor it finds. Then: no record twice in
// the table, cursor and content marks at the re-run's values, and an alert engine that consumes
// `_seq` ranges up to `maxSeq()` sees every row exactly once, including a read made between the
// crash and the re-run.
import { afterAll, describe, expect, it } from 'vitest';
import { runLinq } from '../../src/linq/index.js';
import { openChdbStore } from '../../src/store/clickhouse/open.js';
import type { IngestPoint } from '../../src/store/clickhouse/clickhouse-store.js';
import type { IngestBatch, Store, StreamKey } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('m365hunt-chdb-crash-');
let dbCounter = 0;

const key: StreamKey = { source: 'management', tenant: 't1', stream: 'Audit.SharePoint' };

function record(id: string, minute: number): string {
  return JSON.stringify({
    CreationTime: `2026-03-0${1 + (minute % 3)}T09:${String(minute % 60).padStart(2, '0')}:05`,
    Id: id,
    Operation: 'FileDownloaded',
    RecordType: 6,
    Workload: 'SharePoint',
    UserId: 'ana@contoso.com',
  });
}

function batch(ids: readonly string[], blob: string, end: string, bad = false): IngestBatch {
  const records = ids.map((id, i) => record(id, i));
  if (bad) records.push('{"Workload":"SharePoint"}');
  return {
    sets: [
      {
        family: 'management',
        tenant: key.tenant,
        client: 'contoso',
        hostchain: 'collector-12345-h',
        contentType: key.stream,
        origin: blob,
        records,
      },
    ],
    cursor: { key, state: { end } },
    contents: [{ key, contentId: blob, contentCreated: end, status: 'done' }],
  };
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** An alert engine's read: the rows of (from, maxSeq], and where it will read from next. */
async function consume(store: Store, from: bigint): Promise<{ ids: string[]; to: bigint }> {
  const to = await store.maxSeq();
  const rows = await store.queryAll({
    sql: 'SELECT Id FROM management WHERE _seq > {p1:Int64} AND _seq <= {p2:Int64} ORDER BY _seq',
    params: [from, to],
  });
  return { ids: rows.map((r) => String(r.Id)), to };
}

/** The point where the next ingest fails, once. */
let failAt: IngestPoint | undefined;

async function open(database: string): Promise<Store> {
  return openChdbStore(`${dir}?database=${database}`, {
    clickhouse: {
      faultInjection: (point) => {
        if (point === failAt) {
          failAt = undefined;
          throw new Error(`simulated crash at ${point}`);
        }
      },
    },
  });
}

const opened: Store[] = [];
afterAll(async () => {
  for (const s of opened) await s.close().catch(() => undefined);
});

describe('ClickHouse store: a crash between the rows and the cursor', () => {
  const points: IngestPoint[] = ['staged', 'rows-inserted', 'quarantined'];

  it.each(points)('after "%s", re-running the batch stores each record once', async (point) => {
    const database = `crash_${++dbCounter}`;
    let store = await open(database);
    opened.push(store);
    // Before: one committed batch, already consumed by the alert engine.
    await store.ingest(batch(ids('p', 10), 'blob-0', '2026-03-01T10:00:00'));
    const first = await consume(store, 0n);
    expect(first.ids).toHaveLength(10);

    const crashing = batch(ids('a', 50), 'blob-1', '2026-03-01T11:00:00', true);
    failAt = point;
    await expect(store.ingest(crashing)).rejects.toThrow(/simulated crash/);

    // What a restarted collector finds: the old cursor, no mark for the blob, the old watermark.
    await store.close();
    store = await open(database);
    opened.push(store);
    expect(await store.cursor(key)).toEqual({ end: '2026-03-01T10:00:00' });
    expect((await store.contentStatus(key, ['blob-1'])).size).toBe(0);
    expect(await store.maxSeq()).toBe(first.to);
    // The alert engine reading now sees nothing of the interrupted batch (rows above the
    // watermark, if any, are not in any range yet).
    const between = await consume(store, first.to);
    expect(between.ids).toEqual([]);

    // The collector reads the blob again from its cursor and ingests it again.
    const again = await store.ingest(crashing);
    const orphans = point === 'rows-inserted' || point === 'quarantined';
    expect(again.inserted).toBe(orphans ? 0 : 50);
    expect(again.duplicates).toBe(orphans ? 50 : 0);
    expect(again.quarantined).toBe(1);
    expect(again.seqRange?.[0]).toBe(first.to + 1n);

    const stored = await store.queryAll({
      sql: 'SELECT count() AS n, uniqExact(Id) AS ids FROM management',
      params: [],
    });
    expect(Number(stored[0]!.n)).toBe(60);
    expect(Number(stored[0]!.ids)).toBe(60);
    expect(await store.cursor(key)).toEqual({ end: '2026-03-01T11:00:00' });
    expect((await store.contentStatus(key, ['blob-1'])).get('blob-1')?.status).toBe('done');
    expect(await store.quarantine()).toHaveLength(1);

    // The alert engine's next range holds each of the 50 exactly once, and nothing lies beyond it.
    const next = await consume(store, between.to);
    expect(next.ids.sort()).toEqual(ids('a', 50).sort());
    expect(again.seqRange?.[1]).toBe(next.to);
    const beyond = await store.queryAll({
      sql: 'SELECT count() AS n FROM management WHERE _seq > {p1:Int64}',
      params: [next.to],
    });
    expect(Number(beyond[0]!.n)).toBe(0);
  });

  it('adopts the rows of an interrupted batch when a larger one covers them', async () => {
    const database = `crash_${++dbCounter}`;
    let store = await open(database);
    opened.push(store);
    failAt = 'rows-inserted';
    await expect(
      store.ingest(batch(ids('b', 20), 'blob-1', '2026-03-01T11:00:00')),
    ).rejects.toThrow();
    await store.close();
    store = await open(database);
    opened.push(store);
    // The next listing holds the same records and more (a later blob, or a re-import).
    const result = await store.ingest(batch(ids('b', 40), 'blob-2', '2026-03-01T12:00:00'));
    expect(result).toMatchObject({ inserted: 20, duplicates: 20 });
    expect(result.seqRange).toEqual([1n, 40n]);
    const seen = await consume(store, 0n);
    expect(seen.ids.sort()).toEqual(ids('b', 40).sort());
    expect(seen.to).toBe(40n);
  });

  it('queries need no FINAL: the table itself never holds a record twice', async () => {
    const database = `crash_${++dbCounter}`;
    const store = await open(database);
    opened.push(store);
    const b = batch(ids('c', 30), 'blob-1', '2026-03-01T11:00:00');
    failAt = 'rows-inserted';
    await expect(store.ingest(b)).rejects.toThrow();
    for (let i = 0; i < 3; i++) await store.ingest(b);
    // The plain table, as every compiled LINQ query reads it (a sub-table is a filter on it).
    const rows = await store.queryAll({
      sql: `SELECT Id, count() AS n FROM management WHERE _subtable = 'sharepoint'
            GROUP BY Id HAVING n > 1`,
      params: [],
    });
    expect(rows).toEqual([]);
    const total = await store.queryAll({ sql: 'SELECT count() AS n FROM management', params: [] });
    expect(Number(total[0]!.n)).toBe(30);
    // And through LINQ, compiled for ClickHouse as an analyst's query is.
    const linq = await runLinq(store, 'from cloud.office365.management.sharepoint', {
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-03-04T00:00:00Z'),
    });
    const idColumn = linq.columns.findIndex((c) => c.name === 'Id');
    const seen: string[] = [];
    for await (const chunk of linq.chunks())
      for (const row of chunk) seen.push(String(row[idColumn]));
    expect(seen.sort()).toEqual(ids('c', 30).sort());
  });
});
