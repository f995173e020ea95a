// `status` counts quarantined records per stream (it showed the tenant's total on every row):
// a record is counted on the stream its content blob or Graph window came from, and a record from
// an import (a file) on none, in every kind of store.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { quarantinedByStream, streamKeyId } from '../../src/store/quarantine-streams.js';
import type { Store, StreamKey } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { openTestStore, STORE_KINDS } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const TENANT = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

const good = (id: string) =>
  JSON.stringify({
    CreationTime: '2026-03-02T09:14:05',
    Id: id,
    Operation: 'FileAccessed',
    RecordType: 6,
    Workload: 'SharePoint',
    UserId: 'ana@contoso.com',
  });

describe('quarantined records by origin', () => {
  it('finds the stream of a content blob, a Graph window and a report, not of a file', () => {
    const streams: StreamKey[] = [
      { source: 'management', tenant: TENANT, stream: 'Audit.General' },
      { source: 'entra', tenant: TENANT, stream: 'signIns' },
      { source: 'reports', tenant: TENANT, stream: 'getOffice365ActiveUserDetail' },
    ];
    const counts = quarantinedByStream(
      [
        { tenant: TENANT, family: 'management', origin: 'blob-1', n: 3 },
        {
          tenant: TENANT,
          family: 'azure_ad_signin',
          origin: 'signIns 2026-03-01..2026-03-02',
          n: 2,
        },
        {
          tenant: TENANT,
          family: 'reporting_office365_active_users',
          origin: "getOffice365ActiveUserDetail(period='D7') 2026-03-01",
          n: 1,
        },
        { tenant: TENANT, family: 'management', origin: 'export.json:17', n: 5 },
      ],
      new Map([['blob-1', streams[0]!]]),
      streams,
    );
    expect(counts.get(streamKeyId(streams[0]!))).toBe(3);
    expect(counts.get(streamKeyId(streams[1]!))).toBe(2);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(6);
  });
});

describe.each(STORE_KINDS)('stream status in the %s store', (kind) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });

  it('counts quarantined records on their own stream only', async () => {
    store = await openTestStore(kind, dir);
    const general: StreamKey = { source: 'management', tenant: TENANT, stream: 'Audit.General' };
    const exchange: StreamKey = {
      source: 'management',
      tenant: TENANT,
      stream: 'Audit.Exchange',
    };
    const blob = (key: StreamKey, contentId: string, records: string[]) =>
      store.ingest({
        sets: [
          {
            family: 'management',
            tenant: TENANT,
            client: 'contoso',
            hostchain: 'collector-12345-testhost',
            contentType: key.stream,
            origin: contentId,
            records,
          },
        ],
        contents: [{ key, contentId, contentCreated: '2026-03-02T09:00:00.000Z', status: 'done' }],
        cursor: { key, state: { listedThrough: '2026-03-02T10:00:00.000Z' } },
      });
    await blob(general, 'blob-general', [good('g1'), '[1,2]', '"text"', '{"no":"id"}']);
    await blob(exchange, 'blob-exchange', [good('e1')]);
    // An import's bad line: quarantined, but from no stream.
    await store.ingest({
      sets: [
        {
          family: 'management',
          tenant: TENANT,
          client: 'contoso',
          hostchain: 'import',
          contentType: null,
          origin: 'export.json',
          records: ['[3]'],
          recordOrigins: ['export.json:1'],
        },
      ],
    });
    const status = await store.streamStatus();
    const of = (key: StreamKey) => status.find((s) => s.key.stream === key.stream);
    expect(of(general)?.quarantined).toBe(3);
    expect(of(exchange)?.quarantined).toBe(0);
    expect((await store.quarantine()).length).toBe(4);
  });
});

describe('m365hunt status', () => {
  it('shows each stream its own quarantined records', async () => {
    const file = join(dir, 'status.duckdb');
    const store = await openStore(file);
    try {
      for (const [stream, contentId, records] of [
        ['Audit.General', 'c-general', [good('s1'), '[1]', '[2]']],
        ['Audit.Exchange', 'c-exchange', [good('s2')]],
      ] as const) {
        const key: StreamKey = { source: 'management', tenant: TENANT, stream };
        await store.ingest({
          sets: [
            {
              family: 'management',
              tenant: TENANT,
              client: 'contoso',
              hostchain: 'collector-12345-testhost',
              contentType: stream,
              origin: contentId,
              records: [...records],
            },
          ],
          contents: [
            { key, contentId, contentCreated: '2026-03-02T09:00:00.000Z', status: 'done' },
          ],
          cursor: { key, state: { listedThrough: '2026-03-02T10:00:00.000Z' } },
        });
      }
    } finally {
      await store.close();
    }
    const run = await runCli(['status', '--db', file, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const streams = (
      JSON.parse(run.stdout) as { streams: Array<{ stream: string; quarantined: number }> }
    ).streams;
    expect(Object.fromEntries(streams.map((s) => [s.stream, s.quarantined]))).toEqual({
      'Audit.Exchange': 0,
      'Audit.General': 2,
    });
  });
});
