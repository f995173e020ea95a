// GeoIP from the shipped databases: countries and autonomous systems of addresses (records' forms
// included: ports, brackets, IPv4-mapped), the databases' dates, the simulator's addresses in
// the countries it claims, and LINQ's countrycode/asn/asorg on DuckDB (ClickHouse:
// geoip-clickhouse.test.ts).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { geoIp, ipv6Number, normaliseIp } from '../../src/enrich/geoip.js';
import {
  baseFunctions,
  compileLinq,
  registerLinqFunctions,
  runLinq,
} from '../../src/linq/index.js';
import { knownAddresses } from '../../src/simulator/tenant/geo.js';
import { openStore } from '../../src/store/open.js';
import { createCatalog } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import { ingestSignIns } from '../helpers/records.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();

describe('GeoIP databases', () => {
  it('name the country and the AS of public addresses, nothing for private ones', () => {
    const g = geoIp();
    expect(g.countryCode('84.150.12.7')).toBe('DE');
    expect(g.as('84.150.12.7')).toEqual({ asn: 3320, org: 'Deutsche Telekom AG' });
    expect(g.countryCode('105.112.40.9')).toBe('NG');
    expect(g.countryCode('[2003:e2::1]:443')).toBe('DE');
    expect(g.as('2a02:8108::1')?.asn).toBe(31334);
    expect(g.countryCode('::ffff:189.40.12.3')).toBe('BR');
    expect(g.countryCode('193.158.20.10:50500')).toBe('DE');
    for (const ip of ['10.1.2.3', '192.168.0.1', '192.0.2.66', '2001:db8::1', 'not an ip', ''])
      expect([ip, g.countryCode(ip)]).toEqual([ip, null]);
    expect(g.as('127.0.0.1')).toBeNull();
  });

  it('know their dates and licences', () => {
    const dbs = geoIp().databases();
    expect(dbs.map((d) => d.kind)).toEqual(['country', 'asn']);
    for (const d of dbs) expect(d.date).toMatch(/^20\d\d-\d\d-\d\d$/);
    expect(dbs[0]!.licence).toBe('CC0-1.0');
  });

  it('place every address the simulator uses in the country its sign-ins claim', () => {
    for (const { ip, countryOrRegion } of knownAddresses())
      expect([ip, geoIp().countryCode(ip)]).toEqual([ip, countryOrRegion]);
  });

  it('parse addresses as records write them', () => {
    expect(normaliseIp('[2001:db8::7]:443')).toBe('2001:db8::7');
    expect(normaliseIp('203.0.113.4:443')).toBe('203.0.113.4');
    // IPv4-mapped, and the ffff:a.b.c.d form of Microsoft's audit records
    expect(normaliseIp('::ffff:8.8.8.8')).toBe('8.8.8.8');
    expect(normaliseIp('ffff:8.8.8.8')).toBe('8.8.8.8');
    expect(geoIp().countryCode(normaliseIp('ffff:8.8.8.8'))).toBe('US');
    expect(ipv6Number('::1')).toBe(1n);
    expect(ipv6Number('2003:e2::')).toBe(0x2003_00e2n << 96n);
  });
});

describe('LINQ GeoIP functions', () => {
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
  });

  it('run on DuckDB with the GeoIP function table', async () => {
    store = await openStore(join(dir, 'geo.duckdb'), {
      duckdb: { onConnect: registerLinqFunctions },
    });
    await ingestSignIns(store, [
      { id: 'a', createdDateTime: '2026-03-02T10:00:00Z', ipAddress: '105.112.40.9' },
      { id: 'b', createdDateTime: '2026-03-02T10:01:00Z', ipAddress: '10.0.0.1' },
    ]);
    const result = await runLinq(
      store,
      'from cloud.azure.ad.signin select countrycode(srcIp) as cc, mmcountry(ipAddress) as mm, asn(srcIp) as n, asorg(srcIp) as org, isp(srcIp) as isp',
      {
        from: new Date('2026-03-02T00:00:00Z'),
        to: new Date('2026-03-03T00:00:00Z'),
      },
    );
    const names = result.columns.map((c) => c.name);
    const pick = ['cc', 'mm', 'n', 'org', 'isp'].map((n) => names.indexOf(n));
    const rows: unknown[][] = [];
    for await (const chunk of result.chunks())
      rows.push(...chunk.map((r) => pick.map((i) => r[i])));
    expect(rows).toContainEqual([
      'NG',
      'NG',
      36873n,
      'Airtel Networks Limited',
      'Airtel Networks Limited',
    ]);
    expect(rows).toContainEqual([null, null, null, null, null]);
  });

  it("compile to the store's dictionaries on ClickHouse, and are unconfigured in the base table", () => {
    const opts = {
      catalog: createCatalog(),
      from: new Date('2026-03-02T00:00:00Z'),
      to: new Date('2026-03-03T00:00:00Z'),
    };
    const { sql } = compileLinq(
      'from cloud.azure.ad.signin select countrycode(srcIp) as c, asn(srcIp) as n',
      { ...opts, dialect: 'clickhouse' },
    );
    expect(sql).toContain("dictGetOrNull('m365hunt_geo_country', 'cc'");
    expect(sql).toContain("dictGetOrNull('m365hunt_geo_asn', 'asn'");
    expect(() =>
      compileLinq('from cloud.azure.ad.signin select countrycode(srcIp) as c', {
        ...opts,
        dialect: 'duckdb',
        functions: baseFunctions(),
      }),
    ).toThrow(/GeoIP database not configured/);
  });
});
