// Devo's calendar operations (docs/linq.md, "Calendar numbering") through every store kind (DuckDB,
// chdb, the ClickHouse client path), each loaded through its own ingest: records on every day of a
// week, on the first and last days of years (leap and not) and a millisecond before midnight. The
// expected values are computed here from JavaScript's UTC calendar, not read from either engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLinq } from '../../src/linq/compile.js';
import { createCatalog } from '../../src/store/schema.js';
import { ingestRecords, openTestStore, STORE_KINDS } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';
import { storeEngine, type Engine, type ResultRow } from './helpers/engines.js';

const TIMES = [
  '2026-03-01T00:00:00', // Sunday
  '2026-03-02T13:04:05', // Monday
  '2026-03-03T23:59:59.999', // Tuesday, a millisecond before midnight
  '2026-03-04T12:00:00', // Wednesday
  '2026-03-05T06:30:00', // Thursday
  '2026-03-06T18:45:00', // Friday
  '2026-03-07T09:15:00', // Saturday
  '2024-02-29T10:00:00', // a leap day
  '2024-12-31T23:00:00', // day 366
  '2025-12-31T01:00:00', // day 365
  '2027-01-01T00:00:00.001', // day 1, a Friday
];

const records = TIMES.map((t, i) => ({
  CreationTime: t,
  Id: `cal-${String(i).padStart(2, '0')}`,
  Operation: 'FileAccessed',
  OrganizationId: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
  RecordType: 6,
  UserKey: 'cal',
  UserType: 0,
  Version: 1,
  Workload: 'OneDrive',
  UserId: 'cal@contoso.com',
}));

const QUERY = `from cloud.office365.management where UserKey = "cal"
  select Id, dayofweek(eventdate) as dow, day(eventdate) as d, dayofmonth(eventdate) as dm,
    month(eventdate) as mo, year(eventdate) as y, dayofyear(eventdate) as doy,
    hour(eventdate) as h, millisecond(eventdate) as ms, midnight(eventdate) as mid,
    formatdate(eventdate, "YYYY-MM-DD") as ymd`;

/** What m365hunt answers, from JavaScript's UTC calendar (ISO weekday: 1 Monday … 7 Sunday). */
function expected(t: string): ResultRow {
  const d = new Date(`${t}Z`);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  const midnight = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const ymd = midnight.toISOString().slice(0, 10);
  return {
    dow: String(((d.getUTCDay() + 6) % 7) + 1),
    d: String(d.getUTCDate()),
    dm: String(d.getUTCDate()),
    mo: String(d.getUTCMonth() + 1),
    y: String(d.getUTCFullYear()),
    doy: String(Math.floor((midnight.getTime() - start) / 86_400_000) + 1),
    h: String(d.getUTCHours()),
    ms: String(d.getUTCMilliseconds()),
    mid: `${ymd} 00:00:00.000`,
    ymd,
  };
}

const RANGE = {
  from: new Date('2024-01-01T00:00:00Z'),
  to: new Date('2028-01-01T00:00:00Z'),
  now: new Date('2027-06-01T00:00:00Z'),
};

const answers = new Map<string, ResultRow[]>();

describe.each(STORE_KINDS)('calendar operations on the %s store', (kind) => {
  let engine: Engine;
  const catalog = createCatalog();
  beforeAll(async () => {
    const store = await openTestStore(kind, tempDir());
    await ingestRecords(store, records, { hostchain: 'collector-12345-hunt01', client: 'contoso' });
    engine = storeEngine(kind, store);
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('gives the UTC calendar of every record', async () => {
    const rows = await engine.run(
      compileLinq(QUERY, { dialect: engine.dialect, catalog, tableColumns: false, ...RANGE }),
    );
    const got = [...rows]
      .sort((a, b) => String(a.Id).localeCompare(String(b.Id)))
      .map(({ Id: _id, eventdate: _e, ...rest }) => rest);
    expect(got).toEqual(TIMES.map(expected));
    // a week of records: each ISO weekday once, Sunday the 7th
    expect(got.slice(0, 7).map((r) => r.dow)).toEqual(['7', '1', '2', '3', '4', '5', '6']);
    answers.set(kind, got);
  });
});

describe('every store gives the same calendar', () => {
  it('agrees', () => {
    const first = answers.get(STORE_KINDS[0]);
    expect(first?.length).toBe(TIMES.length);
    for (const kind of STORE_KINDS) expect([kind, answers.get(kind)]).toEqual([kind, first]);
  });
});
