// Copying a store into another (DuckDB → ClickHouse, and back): rows keep their ids, times, raw
// messages and origins; quarantine, content marks, cursors and documents follow; a second run
// copies nothing twice.
import { afterEach, describe, expect, it } from 'vitest';
import { copyStore, type CopyProgress } from '../../src/store/clickhouse/copy.js';
import type { Store, StreamKey } from '../../src/store/store.js';
import { openTestStore, type StoreKind } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const key: StreamKey = { source: 'management', tenant: 't1', stream: 'Audit.Exchange' };

const odd =
  '{ "Id" : "odd-1", "CreationTime":"2026-03-02T10:00:00.1234567Z","Workload":"SharePoint","RecordType":6,' +
  '"ObjectId":"https:\\/\\/contoso.sharepoint.com\\/Caf\\u00e9\\t\\"plan\\".docx"}';

async function fill(store: Store): Promise<void> {
  const records = Array.from({ length: 25 }, (_, i) =>
    JSON.stringify({
      CreationTime: `2026-03-0${1 + (i % 3)}T09:14:${String(i).padStart(2, '0')}`,
      Id: `r-${i}`,
      Operation: 'MailItemsAccessed',
      Workload: 'Exchange',
      ClientIP: '[2001:db8::7]:443',
    }),
  );
  await store.ingest({
    sets: [
      {
        family: 'management',
        tenant: 't1',
        client: 'contoso',
        hostchain: 'collector-12345-h1',
        contentType: 'Audit.Exchange',
        origin: 'blob-1',
        records: [...records.slice(0, 20), '[1,2]'],
        recordOrigins: [...records.slice(0, 20).map((_, i) => `blob-1:${i}`), 'blob-1:20'],
      },
      {
        family: 'management',
        tenant: 't2',
        client: 'fabrikam',
        hostchain: 'collector-67890-h2',
        contentType: null,
        origin: 'import.ndjson',
        records: [...records.slice(20), odd],
      },
    ],
    cursor: { key, state: { end: '2026-03-03T00:00:00', page: 2 } },
    contents: [
      {
        key,
        contentId: 'blob-1',
        contentCreated: '2026-03-02T09:30:00.000Z',
        status: 'done',
        contentUri: 'https://m/1',
      },
      {
        key,
        contentId: 'blob-2',
        contentCreated: '2026-03-02T09:40:00.000Z',
        status: 'skipped',
        error: 'HTTP 500',
        attempts: 5,
      },
    ],
    states: [{ collection: 'engine', id: 'rule-1', doc: { seq: 12 } }],
  });
}

async function rows(store: Store) {
  return store.queryAll({
    sql: `SELECT "Id", eventdate, message, _tenant, client, hostchain, _content_type, _subtable, srcIp
          FROM management ORDER BY _seq`,
    params: [],
  });
}

describe.each<[StoreKind, StoreKind]>([
  ['duckdb', 'chdb'],
  ['chdb', 'duckdb'],
])('copying a %s store into a %s store', (fromKind, toKind) => {
  const open: Store[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it('keeps rows, raw messages and bookkeeping, and copies nothing twice when run again', async () => {
    const from = await openTestStore(fromKind, dir);
    const to = await openTestStore(toKind, dir);
    open.push(from, to);
    await fill(from);
    const seen: CopyProgress[] = [];
    const summary = await copyStore(from, to, { batchSize: 7, onProgress: (p) => seen.push(p) });
    expect(summary.rows).toEqual({ read: 26, inserted: 26, duplicates: 0, quarantined: 0 });
    expect(summary).toMatchObject({ quarantine: 1, documents: 1, contents: 2, cursors: 1 });
    expect(seen.filter((p) => p.phase === 'rows').map((p) => p.done)).toEqual([0, 7, 14, 21, 26]);

    expect(await rows(to)).toEqual(await rows(from));
    const copied = await rows(to);
    expect(copied.find((r) => r.Id === 'odd-1')!.message).toBe(odd);
    const q = await to.quarantine();
    expect(q.map((r) => [r.origin, r.reason, r.text, r.tenant])).toEqual([
      ['blob-1:20', 'not a JSON object', '[1,2]', 't1'],
    ]);
    expect(await to.cursor(key)).toEqual({ end: '2026-03-03T00:00:00', page: 2 });
    const marks = await to.contentStatus(key, ['blob-1', 'blob-2']);
    expect(marks.get('blob-1')).toMatchObject({ status: 'done', contentUri: 'https://m/1' });
    expect(marks.get('blob-2')).toMatchObject({
      status: 'skipped',
      error: 'HTTP 500',
      attempts: 5,
    });
    expect((await to.getState('engine', 'rule-1'))?.doc).toEqual({ seq: 12 });
    expect(await to.subtables('management')).toEqual(await from.subtables('management'));

    const again = await copyStore(from, to);
    expect(again.rows).toMatchObject({ read: 26, inserted: 0, duplicates: 26 });
    expect(again.quarantine).toBe(0);
    expect(await to.quarantine()).toHaveLength(1);
    expect((await rows(to)).length).toBe(26);
  });
});
