// Content listing and blob download: window rules, paging, expiry, content ids, permissions,
// tenant checks, PublisherIdentifier, DLP sensitive types.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import {
  type ContentEntry,
  NOW,
  afCode,
  api,
  at,
  control,
  feed,
  listAll,
  small,
  token,
} from './helpers.js';

let sim: SimulatorHandle;
let bearer: string;
const HOUR = 3600_000;
const now = NOW.getTime();

beforeAll(async () => {
  sim = await small({ days: 2, scenarios: ['all'], switches: { pageSize: 1000 } });
  bearer = await token(sim);
});
afterAll(async () => {
  await sim.close();
});

const content = (q: string) => `${feed(sim, 'subscriptions/content')}?${q}`;

describe('listing windows', () => {
  it('accepts the documented formats and a trailing Z', async () => {
    for (const [s, e] of [
      ['2026-03-03', '2026-03-04'],
      ['2026-03-03T10:00', '2026-03-04T09:00'],
      ['2026-03-03T10:00:00', '2026-03-04T09:00:00'],
      ['2026-03-03T10:00:00Z', '2026-03-04T09:00:00Z'],
      // Fractions of a second with Z: what JavaScript's toISOString() gives, and what the CLI
      // for Microsoft 365 (`m365 purview auditlog list`) sends; Microsoft accepts them.
      ['2026-03-03T10:00:00.123Z', '2026-03-04T09:00:00.999Z'],
      ['2026-03-03T10:00:00.1234567', '2026-03-04T09:00:00.5'],
    ]) {
      const r = await api(
        sim,
        bearer,
        content(`contentType=Audit.General&startTime=${s}&endTime=${e}`),
      );
      expect(r.status, `${s}..${e}: ${r.text}`).toBe(200);
      expect(Array.isArray(r.json())).toBe(true);
    }
  });

  it('rejects bad windows with AF20030 / AF20055 / AF20002, and accepts an end in the future', async () => {
    const expectCode = async (q: string, code: string) => {
      const r = await api(sim, bearer, content(`contentType=Audit.General&${q}`));
      expect(r.status, q).toBe(400);
      expect(afCode(r.text), q).toBe(code);
    };
    await expectCode('startTime=2026-03-03T10:00:00', 'AF20030');
    await expectCode('endTime=2026-03-03T10:00:00', 'AF20030');
    await expectCode('startTime=2026-03-02T10:00:00&endTime=2026-03-03T10:00:01', 'AF20055');
    await expectCode('startTime=2026-03-03T10:00:00&endTime=2026-03-03T10:00:00', 'AF20055');
    await expectCode('startTime=2026-03-03T11:00:00&endTime=2026-03-03T10:00:00', 'AF20055');
    await expectCode(
      `startTime=${at(now - 7 * 24 * HOUR - 2 * HOUR)}&endTime=${at(now - 7 * 24 * HOUR + HOUR)}`,
      'AF20055',
    );
    await expectCode('startTime=yesterday&endTime=2026-03-03T10:00:00', 'AF20002');
    await expectCode('startTime=2026-03-03T25:00:00&endTime=2026-03-03T11:00:00', 'AF20002');
    await expectCode(
      'startTime=2026-03-03T10:00:00.12345678&endTime=2026-03-03T11:00:00',
      'AF20002',
    );
    // A start a little older than 7 days is still accepted (the grace Elastic observed).
    const grace = await api(
      sim,
      bearer,
      content(
        `contentType=Audit.General&startTime=${at(now - 7 * 24 * HOUR - 30 * 60_000)}&endTime=${at(now - 6 * 24 * HOUR - HOUR)}`,
      ),
    );
    expect(grace.status).toBe(200);
    const exactDay = await api(
      sim,
      bearer,
      content(
        `contentType=Audit.General&startTime=${at(now - 12 * HOUR)}&endTime=${at(now + 12 * HOUR)}`,
      ),
    );
    expect(exactDay.status).toBe(200);
  });

  it('filters on contentCreated with an inclusive start and an exclusive end: adjacent windows partition the listing', async () => {
    const whole = (await listAll(sim, bearer, 'Audit.SharePoint', now - 24 * HOUR, now)).entries;
    expect(whole.length).toBeGreaterThan(20);
    for (const e of whole) {
      const created = Date.parse(e.contentCreated);
      expect(created).toBeGreaterThanOrEqual(now - 24 * HOUR);
      expect(created).toBeLessThan(now);
    }
    const cut =
      Math.floor(
        Date.parse((whole[Math.floor(whole.length / 2)] as ContentEntry).contentCreated) / 1000,
      ) * 1000;
    const left = (await listAll(sim, bearer, 'Audit.SharePoint', now - 24 * HOUR, cut)).entries;
    const right = (await listAll(sim, bearer, 'Audit.SharePoint', cut, now)).entries;
    expect(left.length + right.length).toBe(whole.length);
    const ids = new Set([...left, ...right].map((e) => e.contentId));
    expect(ids.size).toBe(whole.length);
    for (const e of left) expect(Date.parse(e.contentCreated)).toBeLessThan(cut);
    for (const e of right) expect(Date.parse(e.contentCreated)).toBeGreaterThanOrEqual(cut);
  });

  it('without times lists the last 24 hours', async () => {
    const r = await api(sim, bearer, content('contentType=Audit.Exchange'));
    expect(r.status).toBe(200);
    const entries = r.json() as ContentEntry[];
    const explicit = (await listAll(sim, bearer, 'Audit.Exchange', now - 24 * HOUR, now)).entries;
    expect(explicit.length).toBeGreaterThan(0);
    expect(entries.map((e) => e.contentId).sort()).toEqual(explicit.map((e) => e.contentId).sort());
  });

  it('describes each entry: content type, opaque id with $, contentUri here, expiration 7 days after creation', async () => {
    const { entries } = await listAll(
      sim,
      bearer,
      'Audit.AzureActiveDirectory',
      now - 24 * HOUR,
      now,
    );
    const e = entries[0] as ContentEntry;
    expect(e.contentType).toBe('Audit.AzureActiveDirectory');
    expect(e.contentId).toContain('$');
    expect(e.contentUri).toBe(
      `${sim.url}/api/v1.0/${sim.tenantId}/activity/feed/audit/${e.contentId}`,
    );
    expect(e.contentCreated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(e.contentExpiration) - Date.parse(e.contentCreated)).toBe(7 * 24 * HOUR);
  });
});

describe('paging', () => {
  it('pages with NextPageUri until the header is absent, with the same window and PublisherIdentifier', async () => {
    const full = (await listAll(sim, bearer, 'Audit.SharePoint', now - 24 * HOUR, now)).entries;
    sim.setSwitches({ pageSize: 7 });
    try {
      const first = await api(
        sim,
        bearer,
        content(
          `contentType=Audit.SharePoint&startTime=${at(now - 24 * HOUR)}&endTime=${at(now)}&PublisherIdentifier=${sim.tenantId}`,
        ),
      );
      const next = new URL(first.headers.get('NextPageUri') ?? '');
      expect(next.searchParams.get('contentType')).toBe('Audit.SharePoint');
      expect(next.searchParams.get('startTime')).toBe(at(now - 24 * HOUR));
      expect(next.searchParams.get('endTime')).toBe(at(now));
      expect(next.searchParams.get('PublisherIdentifier')).toBe(sim.tenantId);
      expect(next.searchParams.get('nextPage')).toBeTruthy();
      expect((first.json() as ContentEntry[]).length).toBe(7);
      const paged = await listAll(sim, bearer, 'Audit.SharePoint', now - 24 * HOUR, now);
      expect(paged.pages).toBe(Math.ceil(full.length / 7));
      expect(paged.entries.map((e) => e.contentId)).toEqual(full.map((e) => e.contentId));
      // Without times, the NextPageUri carries the preceding 24 hours, and following it works
      // to the end (it was AF20031: the window was signed in milliseconds, written in seconds).
      const implicit = await api(sim, bearer, content('contentType=Audit.SharePoint'));
      const u = new URL(implicit.headers.get('NextPageUri') ?? '');
      expect(u.searchParams.get('startTime')).toBe(at(now - 24 * HOUR));
      expect(u.searchParams.get('endTime')).toBe(at(now));
      let pages = 1;
      for (let url: string | null = u.toString(); url; pages++) {
        const page = await api(sim, bearer, url);
        expect(page.status, page.text).toBe(200);
        url = page.headers.get('NextPageUri');
      }
      expect(pages).toBe(Math.ceil(full.length / 7));
      // A forged or foreign nextPage is AF20031.
      const forged = new URL(next);
      forged.searchParams.set('nextPage', 'bm90LWEtdG9rZW4.AAAA');
      const f = await api(sim, bearer, forged.toString());
      expect(f.status).toBe(400);
      expect(afCode(f.text)).toBe('AF20031');
      const moved = new URL(next);
      moved.searchParams.set('startTime', at(now - 23 * HOUR));
      expect(afCode((await api(sim, bearer, moved.toString())).text)).toBe('AF20031');
    } finally {
      sim.setSwitches({ pageSize: 1000 });
    }
  });
});

describe('a real client: the CLI for Microsoft 365', () => {
  // `m365 purview auditlog list` as its source does it (pnp/cli-microsoft365,
  // src/m365/purview/commands/auditlog/auditlog-list.ts): no PublisherIdentifier, windows of at
  // most one day written with toISOString(), NextPageUri followed as given.
  it('lists a day of content in windows with milliseconds and follows every NextPageUri', async () => {
    const full = [
      ...(await listAll(sim, bearer, 'Audit.SharePoint', now - 37 * HOUR, now - 14 * HOUR)).entries,
      ...(await listAll(sim, bearer, 'Audit.SharePoint', now - 14 * HOUR, now)).entries,
    ];
    sim.setSwitches({ pageSize: 5 });
    try {
      const ids: string[] = [];
      const end = new Date(now - 1234);
      for (const time = new Date(now - 36 * HOUR - 1234); time < end;) {
        const batchEnd = new Date(
          time.getTime() + Math.min(end.getTime() - time.getTime(), 24 * HOUR),
        );
        let url: string | null = content(
          `contentType=Audit.SharePoint&startTime=${time.toISOString()}&endTime=${batchEnd.toISOString()}`,
        );
        while (url) {
          const page = await api(sim, bearer, url);
          expect(page.status, page.text).toBe(200);
          ids.push(...(page.json() as ContentEntry[]).map((e) => e.contentId));
          url = page.headers.get('NextPageUri');
        }
        time.setTime(batchEnd.getTime());
      }
      expect(new Set(ids).size).toBe(ids.length);
      // The windows end 1.234 s before now and start 1.234 s later than the reference listing.
      const expected = full.filter(
        (e) =>
          Date.parse(e.contentCreated) >= now - 36 * HOUR - 1234 &&
          Date.parse(e.contentCreated) < now - 1234,
      );
      expect(ids.sort()).toEqual(expected.map((e) => e.contentId).sort());
    } finally {
      sim.setSwitches({ pageSize: 1000 });
    }
  });
});

describe('blobs', () => {
  it('returns a JSON array of the records; AF20052, AF20050 and AF20051 for bad, unknown and expired ids', async () => {
    const { entries } = await listAll(sim, bearer, 'Audit.Exchange', now - 24 * HOUR, now);
    const e = entries[0] as ContentEntry;
    const r = await api(sim, bearer, `${e.contentUri}?PublisherIdentifier=${sim.tenantId}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/json');
    const records = r.json() as Array<Record<string, unknown>>;
    expect(records.length).toBeGreaterThan(0);
    for (const rec of records) expect(rec.Workload).toBe('Exchange');

    const bad = await api(sim, bearer, feed(sim, 'audit/not-a-content-id'));
    expect(bad.status).toBe(400);
    expect(afCode(bad.text)).toBe('AF20052');
    const unknown = e.contentId.replace(
      /^(\d{17})\d{6}\$\1\d{6}/,
      (_m, ts: string) => `${ts}999998$${ts}999998`,
    );
    const nf = await api(sim, bearer, feed(sim, `audit/${unknown}`));
    expect(nf.status).toBe(404);
    expect(afCode(nf.text)).toBe('AF20050');
    const ancient = e.contentId.replace(
      /^\d{17}(\d{6})\$\d{17}/,
      '20200101000000000$1$20200101000000000',
    );
    expect(afCode((await api(sim, bearer, feed(sim, `audit/${ancient}`))).text)).toBe('AF20051');

    // Shrink the retention: this blob has expired; restore it and it is back.
    const age = now - Date.parse(e.contentCreated);
    sim.setSwitches({ contentExpiryMinutes: Math.max(1, Math.floor(age / 60_000) - 1) });
    try {
      const gone = await api(sim, bearer, e.contentUri);
      expect(gone.status).toBe(400);
      expect(afCode(gone.text)).toBe('AF20051');
    } finally {
      sim.setSwitches({ contentExpiryMinutes: 7 * 24 * 60 });
    }
    expect((await api(sim, bearer, e.contentUri)).status).toBe(200);
  });

  it('does not serve a blob before its contentCreated', async () => {
    const blobs = (await (await control(sim, 'blobs')).json()) as Array<{ contentId: string }>;
    expect(blobs.length).toBeGreaterThan(0);
    // Every listed blob is downloadable; pending ones are not listed by /_sim/blobs either.
    const truth = await (await control(sim, 'truth')).text();
    const pendingIds = new Set(
      truth
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { contentId: string }).contentId)
        .filter((id) => !blobs.some((b) => b.contentId === id)),
    );
    expect(pendingIds.size).toBeGreaterThan(0);
    const pending = [...pendingIds][0] as string;
    const r = await api(sim, bearer, feed(sim, `audit/${pending}`));
    expect(afCode(r.text)).toBe('AF20050');
  });
});

describe('tenant, token and permission checks', () => {
  it('AF20013 for a tenant that is not a GUID, AF20010 for another tenant', async () => {
    const notGuid = await api(
      sim,
      bearer,
      feed(sim, 'subscriptions/list', 'contoso.onmicrosoft.com'),
    );
    expect(notGuid.status).toBe(400);
    expect(afCode(notGuid.text)).toBe('AF20013');
    const other = await api(
      sim,
      bearer,
      feed(sim, 'subscriptions/list', '11111111-2222-4333-8444-555555555555'),
    );
    expect(other.status).toBe(403);
    expect(afCode(other.text)).toBe('AF20010');
    expect(other.text).toContain('11111111-2222-4333-8444-555555555555');
  });

  it('AF20011 / AF20012 when the tenant is deleted or misconfigured', async () => {
    sim.setTenantState('deleted');
    expect(afCode((await api(sim, bearer, feed(sim, 'subscriptions/list'))).text)).toBe('AF20011');
    sim.setTenantState('misconfigured');
    expect(afCode((await api(sim, bearer, feed(sim, 'subscriptions/list'))).text)).toBe('AF20012');
    sim.setTenantState('active');
    expect((await api(sim, bearer, feed(sim, 'subscriptions/list'))).status).toBe(200);
  });

  it('AF10001 for DLP.All without ActivityFeed.ReadDlp, while other content types still work', async () => {
    const s = await small({ days: 1, app: { roles: { manage: ['ActivityFeed.Read'] } } });
    try {
      const b = await token(s);
      const dlp = await api(s, b, `${feed(s, 'subscriptions/content')}?contentType=DLP.All`);
      expect(dlp.status).toBe(401);
      expect(afCode(dlp.text)).toBe('AF10001');
      expect(dlp.text).toContain('ActivityFeed.ReadDlp');
      expect(
        (await api(s, b, `${feed(s, 'subscriptions/content')}?contentType=Audit.General`)).status,
      ).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('AF20001 without contentType, AF20020 for an unknown or wrongly cased one', async () => {
    expect(afCode((await api(sim, bearer, feed(sim, 'subscriptions/content'))).text)).toBe(
      'AF20001',
    );
    expect(afCode((await api(sim, bearer, content('contentType=Audit.Teams'))).text)).toBe(
      'AF20020',
    );
    expect(afCode((await api(sim, bearer, content('contentType=audit.general'))).text)).toBe(
      'AF20020',
    );
  });

  it('accepts PublisherIdentifier in any case and counts requests without it', async () => {
    const before = (await (await control(sim, 'counters')).json()) as Record<string, number>;
    await api(
      sim,
      bearer,
      `${feed(sim, 'subscriptions/list')}?publisheridentifier=${sim.tenantId}`,
    );
    await api(
      sim,
      bearer,
      `${feed(sim, 'subscriptions/list')}?PUBLISHERIDENTIFIER=${sim.tenantId}`,
    );
    await api(sim, bearer, feed(sim, 'subscriptions/list'));
    const after = (await (await control(sim, 'counters')).json()) as Record<string, number>;
    expect(
      (after['manage.noPublisherIdentifier'] ?? 0) - (before['manage.noPublisherIdentifier'] ?? 0),
    ).toBe(1);
    expect((after['manage.list'] ?? 0) - (before['manage.list'] ?? 0)).toBe(3);
  });

  it('answers every call with a Date header in sim time', async () => {
    const r = await api(sim, bearer, feed(sim, 'subscriptions/list'));
    const d = Date.parse(r.headers.get('date') ?? '');
    expect(Math.abs(d - sim.now().getTime())).toBeLessThan(2000);
  });

  it('serves DLP sensitive type names; AF20053 / AF20054 for bad Accept-Language', async () => {
    const url = feed(sim, 'resources/dlpSensitiveTypes');
    const ok = await api(sim, bearer, url, { headers: { 'Accept-Language': 'en-US' } });
    expect(ok.status).toBe(200);
    expect(ok.json()).toContainEqual({
      id: '50842eb7-edc8-4019-85dd-5a5c1f2bb085',
      name: 'Credit Card Number',
    });
    expect(
      afCode((await api(sim, bearer, url, { headers: { 'Accept-Language': 'en-US, fr' } })).text),
    ).toBe('AF20053');
    expect(
      afCode((await api(sim, bearer, url, { headers: { 'Accept-Language': '!!' } })).text),
    ).toBe('AF20054');
  });
});
