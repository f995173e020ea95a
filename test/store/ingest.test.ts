import { afterEach, describe, expect, it } from 'vitest';
import type { Store, StreamKey } from '../../src/store/store.js';
import { ingestRecords, openTestStore, STORE_KINDS } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();

function record(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    CreationTime: '2026-03-02T09:14:05',
    Id: id,
    Operation: 'FileAccessed',
    OrganizationId: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
    RecordType: 6,
    UserKey: 'i:0h.f|membership|10032001a1b2c3d4@live.com',
    UserType: 0,
    Version: 1,
    Workload: 'OneDrive',
    ClientIP: '198.51.100.23',
    ObjectId: 'https://contoso-my.sharepoint.com/personal/ana/Documents/a.docx',
    UserId: 'ana@contoso.com',
    ...extra,
  };
}

describe.each(STORE_KINDS)('ingest into the %s store', (kind) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });

  it('stores each record once, with promoted fields and the raw text byte for byte', async () => {
    store = await openTestStore(kind, dir);
    // Unusual but valid JSON: escaped slashes and unicode, spaces; it must come back unchanged.
    const odd =
      '{ "Id" : "odd-1", "CreationTime":"2026-03-02T10:00:00Z","Workload":"SharePoint","RecordType":6,' +
      '"ObjectId":"https:\\/\\/contoso.sharepoint.com\\/sites\\/Deals\\/Caf\\u00e9 \\"plan\\".docx","UserId":"bob@contoso.com"}';
    const result = await ingestRecords(store, [record('a'), record('b'), record('a'), odd]);
    expect(result).toMatchObject({ inserted: 3, duplicates: 1, quarantined: 0 });
    const rows = await store.queryAll({
      sql: `SELECT "Id", "RecordType", "Operation", "UserId", eventdate, _subtable, message
            FROM management ORDER BY _seq`,
      params: [],
    });
    expect(rows.map((r) => r.Id)).toEqual(['a', 'b', 'odd-1']);
    expect(Number(rows[0]!.RecordType)).toBe(6);
    expect(rows[0]!.eventdate).toEqual(new Date('2026-03-02T09:14:05Z'));
    expect(rows[2]!.eventdate).toEqual(new Date('2026-03-02T10:00:00Z'));
    expect(rows[2]!.message).toBe(odd);
    expect(rows[2]!._subtable).toBe('sharepoint');
    expect(rows[0]!._subtable).toBe('onedrive');
  });

  it('deduplicates by Id across batches, content types and a reopened file', async () => {
    store = await openTestStore(kind, dir);
    await ingestRecords(store, [record('x1'), record('x2')], { contentType: 'Audit.SharePoint' });
    const again = await ingestRecords(store, [record('x2'), record('x3')], {
      contentType: 'DLP.All',
    });
    expect(again).toMatchObject({ inserted: 1, duplicates: 1 });
    const count = await store.queryAll({ sql: 'SELECT count(*) AS n FROM management', params: [] });
    expect(Number(count[0]!.n)).toBe(3);
  });

  it('reads event times in every form Microsoft and exports use, as UTC', async () => {
    store = await openTestStore(kind, dir);
    const times: Record<string, string> = {
      t1: '2026-03-02T09:14:05',
      t2: '2026-03-02T09:14:05Z',
      t3: '2026-03-02T09:14:05.1234567Z',
      t4: '2026-03-02T11:14:05+02:00',
      t5: '2026-03-02 09:14:05',
    };
    await ingestRecords(
      store,
      Object.entries(times).map(([id, t]) => record(id, { CreationTime: t })),
    );
    // Portable SQL (epoch_ms is DuckDB's): the milliseconds are read from the returned Date.
    const rows = await store.queryAll({
      sql: `SELECT "Id", eventdate FROM management ORDER BY "Id"`,
      params: [],
    });
    const base = Date.parse('2026-03-02T09:14:05Z');
    expect(rows.map((r) => (r.eventdate as Date).getTime() - base)).toEqual([0, 0, 123, 0, 0]);
  });

  it('quarantines invalid records with the reason and where they came from, and keeps the rest', async () => {
    store = await openTestStore(kind, dir);
    const result = await store.ingest({
      sets: [
        {
          family: 'management',
          tenant: 'tenant-1',
          client: 'contoso',
          hostchain: 'collector-12345-h',
          contentType: 'Audit.General',
          origin: 'blob-7',
          records: [
            '{not json',
            '[1,2]',
            JSON.stringify({ CreationTime: '2026-03-02T09:14:05', Workload: 'Exchange' }),
            JSON.stringify(record('ok-1')),
            JSON.stringify(record('bad-time', { CreationTime: 'yesterday' })),
          ],
          recordOrigins: ['f:1', 'f:2', 'f:3', 'f:4', 'f:5'],
        },
      ],
    });
    expect(result).toMatchObject({ inserted: 1, quarantined: 4, duplicates: 0 });
    const q = await store.quarantine();
    const reasons = Object.fromEntries(q.map((r) => [r.origin, r.reason]));
    expect(reasons).toEqual({
      'f:1': 'not valid JSON',
      'f:2': 'not a JSON object',
      'f:3': 'no Id field',
      'f:5': 'CreationTime missing or not a time',
    });
    expect(q.find((r) => r.origin === 'f:1')!.text).toBe('{not json');
  });

  it('routes to sub-tables by lower-cased Workload and infers the feed of imported records', async () => {
    store = await openTestStore(kind, dir);
    await ingestRecords(store, [
      record('r1', { Workload: 'AzureActiveDirectory', RecordType: 15 }),
      record('r2', { Workload: 'MicrosoftTeams', RecordType: 25 }),
      record('r3', { Workload: 'Exchange', RecordType: 13 }),
      record('r4', { Workload: 'Some New Service', RecordType: 999 }),
      record('r5', { Workload: null }),
    ]);
    const rows = await store.queryAll({
      sql: `SELECT "Id", _subtable, _content_type FROM management ORDER BY "Id"`,
      params: [],
    });
    expect(rows.map((r) => [r.Id, r._subtable, r._content_type])).toEqual([
      ['r1', 'azureactivedirectory', 'Audit.AzureActiveDirectory'],
      ['r2', 'microsoftteams', 'Audit.General'],
      ['r3', 'exchange', 'DLP.All'],
      ['r4', 'somenewservice', 'Audit.General'],
      ['r5', 'unknown', 'Audit.General'],
    ]);
    expect(await store.subtables('management')).toEqual([
      'azureactivedirectory',
      'exchange',
      'microsoftteams',
      'somenewservice',
      'unknown',
    ]);
  });

  it('normalises client addresses into srcIp (ports, brackets, IPv4 in IPv6) and keeps ClientIP as sent', async () => {
    store = await openTestStore(kind, dir);
    await ingestRecords(store, [
      record('i1', { ClientIP: '104.28.196.199:17145' }),
      record('i2', { ClientIP: '[2001:db8::7]:443' }),
      record('i3', { ClientIP: '2001:db8::8' }),
      record('i4', { ClientIP: '', ClientIPAddress: '203.0.113.77' }),
      record('i5', { ClientIP: null, ActorIpAddress: '203.0.113.44' }),
      record('i6', { ClientIP: null }),
      // IPv4 written as IPv6, as Exchange and Copilot records carry it; Microsoft's Copilot
      // example writes `ffff:10.11.0.229` (test/fixtures/real/).
      record('i7', { ClientIP: '::ffff:10.11.12.13' }),
      record('i8', { ClientIP: 'ffff:10.11.0.229' }),
      record('i9', { ClientIP: '[::FFFF:198.51.100.9]:50123' }),
      record('j1', { ClientIP: '0:0:0:0:0:ffff:203.0.113.5' }),
      record('j2', { ClientIP: '2A01:111:F400:7E1D::1D' }),
      record('j3', { ClientIP: ' 192.0.2.10 ' }),
      // Not an IPv4 in IPv6: kept.
      record('j4', { ClientIP: 'fe80::ffff:1' }),
    ]);
    const rows = await store.queryAll({
      sql: `SELECT "Id", "ClientIP", srcIp FROM management ORDER BY "Id"`,
      params: [],
    });
    expect(rows.map((r) => [r.ClientIP, r.srcIp])).toEqual([
      ['104.28.196.199:17145', '104.28.196.199'],
      ['[2001:db8::7]:443', '2001:db8::7'],
      ['2001:db8::8', '2001:db8::8'],
      ['', '203.0.113.77'],
      [null, '203.0.113.44'],
      [null, null],
      ['::ffff:10.11.12.13', '10.11.12.13'],
      ['ffff:10.11.0.229', '10.11.0.229'],
      ['[::FFFF:198.51.100.9]:50123', '198.51.100.9'],
      ['0:0:0:0:0:ffff:203.0.113.5', '203.0.113.5'],
      ['2A01:111:F400:7E1D::1D', '2a01:111:f400:7e1d::1d'],
      [' 192.0.2.10 ', '192.0.2.10'],
      ['fe80::ffff:1', 'fe80::ffff:1'],
    ]);
  });

  it('numbers rows in commit order and commits the cursor with them, or nothing', async () => {
    store = await openTestStore(kind, dir);
    const key: StreamKey = { source: 'management', tenant: 't', stream: 'Audit.Exchange' };
    const first = await store.ingest({
      sets: [
        {
          family: 'management',
          tenant: 't',
          client: 'c',
          hostchain: 'collector-1-h',
          contentType: 'Audit.Exchange',
          origin: 'b1',
          records: [JSON.stringify(record('s1')), JSON.stringify(record('s2'))],
        },
      ],
      cursor: { key, state: { end: '2026-03-02T10:00:00' } },
      contents: [
        { key, contentId: 'b1', contentCreated: '2026-03-02T09:30:00.000Z', status: 'done' },
      ],
    });
    expect(first.seqRange).toEqual([1n, 2n]);
    // A commit that fails after its rows were inserted (the cursor state cannot be serialised)
    // must leave neither rows, nor cursor, nor content marks behind.
    await expect(
      store.ingest({
        sets: [
          {
            family: 'management',
            tenant: 't',
            client: 'c',
            hostchain: 'collector-1-h',
            contentType: 'Audit.Exchange',
            origin: 'b2',
            records: [JSON.stringify(record('s3'))],
          },
        ],
        contents: [
          { key, contentId: 'b2', contentCreated: '2026-03-02T09:40:00.000Z', status: 'done' },
        ],
        cursor: { key, state: { bad: 1n } },
      }),
    ).rejects.toThrow();
    expect(await store.cursor(key)).toEqual({ end: '2026-03-02T10:00:00' });
    expect([...(await store.contentStatus(key, ['b1', 'b2'])).keys()]).toEqual(['b1']);
    expect(await store.maxSeq()).toBe(2n);
    const next = await ingestRecords(store, [record('s3')]);
    expect(next.seqRange).toEqual([3n, 3n]);
  });

  it('records skipped content and stream health, visible in the stream status', async () => {
    store = await openTestStore(kind, dir);
    const key: StreamKey = { source: 'management', tenant: 't', stream: 'Audit.General' };
    await store.ingest({
      sets: [],
      contents: [
        {
          key,
          contentId: 'broken-1',
          contentCreated: '2026-03-02T09:30:00.000Z',
          status: 'skipped',
          error: 'body is not valid JSON',
          attempts: 5,
        },
      ],
    });
    await store.recordStreamHealth(key, { error: 'AF429 throttled' });
    const skipped = await store.skippedContent();
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ contentId: 'broken-1', attempts: 5, key });
    const status = await store.streamStatus();
    expect(status).toHaveLength(1);
    expect(status[0]).toMatchObject({ skipped: 1, lastError: 'AF429 throttled' });
    // Marking it done later (a successful retry) replaces the skip.
    await store.ingest({
      sets: [],
      contents: [
        {
          key,
          contentId: 'broken-1',
          contentCreated: '2026-03-02T09:30:00.000Z',
          status: 'done',
          attempts: 6,
        },
      ],
    });
    expect(await store.skippedContent()).toHaveLength(0);
  });
});
