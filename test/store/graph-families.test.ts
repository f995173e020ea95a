// The Microsoft Graph families (issue 8) on every store kind: nested paths become columns
// (`status.errorCode`, `targetResources.0.type`), a value of an unexpected shape gives NULL
// instead of quarantining the record, dedup by `id`, event time from each family's time field,
// and `streamStatus` counts a Graph stream's rows in its own families.
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { openTestStore, STORE_KINDS } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const TENANT = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

const signIn = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  createdDateTime: '2026-03-02T00:41:07Z',
  userPrincipalName: 'ana@contoso.com',
  appDisplayName: 'Office 365 Exchange Online',
  ipAddress: '84.150.12.7',
  isInteractive: true,
  status: { errorCode: 50126, failureReason: 'Invalid username or password.' },
  deviceDetail: { operatingSystem: 'Linux', isCompliant: false },
  location: {
    city: 'Berlin',
    countryOrRegion: 'DE',
    geoCoordinates: { latitude: 52.52, longitude: 13.4 },
  },
  ...extra,
});

function ingest(store: Store, family: string, stream: string, records: object[]) {
  return store.ingest({
    sets: [
      {
        family,
        tenant: TENANT,
        client: 'contoso',
        hostchain: 'collector-12345-testhost',
        contentType: stream,
        origin: 'test',
        records: records.map((r) => JSON.stringify(r)),
      },
    ],
    cursor: { key: { source: 'entra', tenant: TENANT, stream }, state: { v: 1 } },
  });
}

describe.each(STORE_KINDS)('Graph families in the %s store', (kind) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });

  it('sign-ins: nested fields as columns, odd shapes as NULL, dedup by id, status counts', async () => {
    store = await openTestStore(kind, dir);
    const result = await ingest(store, 'azure_ad_signin', 'signIns', [
      signIn('s1'),
      signIn('s2', { status: 'not an object', location: null, ipAddress: '[2003:e2::1]:443' }),
      signIn('s1'),
    ]);
    expect(result).toMatchObject({ inserted: 2, duplicates: 1, quarantined: 0 });
    const rows = await store.queryAll({
      sql: `SELECT id, "errorCode", "failureReason", "countryOrRegion", latitude, "isCompliant",
              "isInteractive", "srcIp", eventdate, _content_type
            FROM azure_ad_signin ORDER BY id`,
      params: [],
    });
    expect(rows[0]).toMatchObject({
      id: 's1',
      failureReason: 'Invalid username or password.',
      countryOrRegion: 'DE',
      srcIp: '84.150.12.7',
      _content_type: 'signIns',
    });
    expect(Number(rows[0]!.errorCode)).toBe(50126);
    expect(Number(rows[0]!.latitude)).toBeCloseTo(52.52);
    expect(Boolean(rows[0]!.isCompliant)).toBe(false);
    expect(Boolean(rows[0]!.isInteractive)).toBe(true);
    expect(rows[0]!.eventdate).toEqual(new Date('2026-03-02T00:41:07Z'));
    expect(rows[1]).toMatchObject({ id: 's2', errorCode: null, countryOrRegion: null });
    expect(rows[1]!.srcIp).toBe('2003:e2::1');
    const status = (await store.streamStatus()).find((s) => s.key.stream === 'signIns');
    expect(status?.records).toBe(2);
  });

  it('directory audits: array steps; reports: a date as event time', async () => {
    store = await openTestStore(kind, dir);
    await ingest(store, 'azure_ad_audit', 'directoryAudits', [
      {
        id: 'a1',
        activityDateTime: '2026-03-02T08:00:00.1234567Z',
        activityDisplayName: 'Update user',
        initiatedBy: { user: { userPrincipalName: 'admin@contoso.com', ipAddress: '84.150.1.2' } },
        targetResources: [{ id: 'u1', type: 'User', userPrincipalName: 'ana@contoso.com' }],
      },
    ]);
    const [a] = await store.queryAll({
      sql: `SELECT "initiatedByUser", "targetType", "targetUserPrincipalName", "srcIp", eventdate FROM azure_ad_audit`,
      params: [],
    });
    expect(a).toMatchObject({
      initiatedByUser: 'admin@contoso.com',
      targetType: 'User',
      targetUserPrincipalName: 'ana@contoso.com',
      srcIp: '84.150.1.2',
    });
    expect((a!.eventdate as Date).toISOString()).toBe('2026-03-02T08:00:00.123Z');
    await ingest(store, 'reporting_emailactivity', 'getEmailActivityUserDetail', [
      {
        id: 'r1',
        reportRefreshDate: '2026-03-01',
        userPrincipalName: 'ana@contoso.com',
        sendCount: 12,
      },
    ]);
    const [r] = await store.queryAll({
      sql: `SELECT "sendCount", eventdate FROM reporting_emailactivity`,
      params: [],
    });
    expect(Number(r!.sendCount)).toBe(12);
    expect(r!.eventdate).toEqual(new Date('2026-03-01T00:00:00Z'));
  });
});
