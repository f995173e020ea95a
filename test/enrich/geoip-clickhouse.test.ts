// GeoIP on ClickHouse: the store's IP_TRIE dictionaries give what DuckDB's GeoIP functions give,
// for every function and for addresses of every kind (public IPv4 and IPv6, IPv4-mapped in its
// written forms, ports and brackets, private, reserved, malformed, null, and random public
// addresses), on chdb and on the client path (HttpExecutor over chdb's Connection); the data is
// loaded once per database and again only when its version changes. docs/geoip.md.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASN_SOURCE, COUNTRY_SOURCE, rangeToCidrs } from '../../src/enrich/geoip-ranges.js';
import { geoIp } from '../../src/enrich/geoip.js';
import { mmdbNetworks } from '../../src/enrich/mmdb-networks.js';
import { registerLinqFunctions, runLinq } from '../../src/linq/index.js';
import type { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { registerGeoIpSource } from '../../src/store/clickhouse/geoip.js';
import { openChdbStore } from '../../src/store/clickhouse/open.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore, sharedChdbDir } from '../helpers/stores.js';
import { ingestSignIns } from '../helpers/records.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const RANGE = { from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-03T00:00:00Z') };

/** A small deterministic generator (mulberry32), so the random addresses are the same each run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(15);
const byte = () => Math.floor(next() * 256);
const hex = () => Math.floor(next() * 65536).toString(16);

export const ADDRESSES: readonly (string | null)[] = [
  // public IPv4 and IPv6
  '8.8.8.8',
  '84.150.12.7',
  '105.112.40.9',
  '1.1.1.1',
  '41.79.112.1',
  '2a02:8108::1',
  '2001:4860:4860::8888',
  '2003:e2::1',
  // IPv4-mapped, as records write it
  '::ffff:189.40.12.3',
  'ffff:8.8.8.8',
  'FFFF:84.150.12.7',
  '0:0:0:0:0:ffff:105.112.40.9',
  '::ffff:808:808',
  '[::ffff:8.8.8.8]:443',
  // ports, brackets, blanks
  '193.158.20.10:50500',
  '[2003:e2::1]:443',
  '[2a02:8108::1]',
  ' 8.8.8.8 ',
  // private, loopback, link-local, shared
  '10.1.2.3',
  '192.168.0.1',
  '172.16.5.4',
  '100.64.0.1',
  '127.0.0.1',
  '169.254.1.1',
  'fd00::1',
  'fe80::1',
  '::1',
  '::',
  '::ffff:10.0.0.1',
  // reserved, documentation, multicast, IPv4-compatible
  '0.1.2.3',
  '192.0.2.66',
  '198.51.100.7',
  '203.0.113.9',
  '224.0.0.1',
  '240.0.0.1',
  '255.255.255.255',
  '2001:db8::1',
  'ff02::1',
  '::8.8.8.8',
  // malformed
  'not an ip',
  '',
  '1.2.3',
  '01.2.3.4',
  '1.2.3.256',
  '1::2::3',
  '8.8.8.8/24',
  'fe80::1%eth0',
  '[8.8.8.8',
  // null: a sign-in without an address
  null,
  // random public addresses: IPv4 anywhere, IPv6 in the global unicast 2000::/4
  ...Array.from({ length: 150 }, () => `${byte()}.${byte()}.${byte()}.${byte()}`),
  ...Array.from(
    { length: 60 },
    () => `2${Math.floor(next() * 0x1000).toString(16)}:${hex()}:${hex()}::${hex()}`,
  ),
];

const FUNCTIONS = ['countrycode', 'mmcountry', 'mm2country', 'asn', 'asorg', 'isp'] as const;
const CITY_FUNCTIONS = ['mmcity', 'mm2city', 'mmlatitude', 'mmlongitude'] as const;

async function fill(store: Store): Promise<void> {
  await ingestSignIns(
    store,
    ADDRESSES.map((ip, i) => ({
      id: `r${i}`,
      createdDateTime: new Date(Date.UTC(2026, 2, 2, 10, 0, i)).toISOString(),
      ...(ip === null ? {} : { ipAddress: ip }),
    })),
  );
}

/** Each address's answers, `ip → [f1, f2, …]`, by running one LINQ query on the store. */
async function answers(
  store: Store,
  functions: readonly string[],
): Promise<Map<string, unknown[]>> {
  const select = functions.map((f) => `${f}(ipAddress) as g_${f}`).join(', ');
  const result = await runLinq(
    store,
    `from cloud.azure.ad.signin select ipAddress as ip, ${select}`,
    RANGE,
  );
  const names = result.columns.map((c) => c.name);
  const ip = names.indexOf('ip');
  const picks = functions.map((f) => names.indexOf(`g_${f}`));
  const out = new Map<string, unknown[]>();
  for await (const chunk of result.chunks()) {
    for (const row of chunk) {
      out.set(
        String(row[ip]),
        picks.map((i) => row[i]),
      );
    }
  }
  return out;
}

describe('GeoIP tables of CIDR prefixes', () => {
  it('cut ranges into the prefixes that cover them exactly', () => {
    expect([...rangeToCidrs(16777216n, 16777471n, 32)]).toEqual(['1.0.0.0/24']);
    expect([...rangeToCidrs(167772161n, 167772170n, 32)]).toEqual([
      '10.0.0.1/32',
      '10.0.0.2/31',
      '10.0.0.4/30',
      '10.0.0.8/31',
      '10.0.0.10/32',
    ]);
    expect([...rangeToCidrs(0n, 2n ** 32n - 1n, 32)]).toEqual(['0.0.0.0/0']);
    expect([...rangeToCidrs(0x2001_0200n << 96n, (0x2001_0201n << 96n) - 1n, 128)]).toEqual([
      '2001:200:0:0:0:0:0:0/32',
    ]);
  });

  it('list the MaxMind DB networks the reader answers for', () => {
    // Every 200th network of the country data: its first and last addresses give its record.
    let i = 0;
    let checked = 0;
    const file = join(
      'node_modules/@ip-location-db/geo-whois-asn-country-mmdb',
      'geo-whois-asn-country.mmdb',
    );
    for (const n of mmdbNetworks(file, (r) => (r as { country_code?: string }).country_code)) {
      if (i++ % 200 !== 0 || !n.prefix.includes('.')) continue;
      const [net] = n.prefix.split('/');
      expect([n.prefix, geoIp().countryCode(net!)]).toEqual([n.prefix, n.record]);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('GeoIP on ClickHouse', () => {
  let duck: Store;
  let expected: Map<string, unknown[]>;
  beforeAll(async () => {
    duck = await openStore(join(dir, 'geo.duckdb'), {
      duckdb: { onConnect: registerLinqFunctions },
    });
    await fill(duck);
    expected = await answers(duck, FUNCTIONS);
  }, 60_000);
  afterAll(async () => {
    await duck?.close();
  });

  it('DuckDB places the public addresses and nobody else (the answers compared with)', () => {
    expect(expected.size).toBe(ADDRESSES.length);
    expect(expected.get('8.8.8.8')).toEqual(['US', 'US', 'US', 15169n, 'Google LLC', 'Google LLC']);
    expect(expected.get('ffff:8.8.8.8')).toEqual(expected.get('8.8.8.8'));
    expect(expected.get('::ffff:808:808')).toEqual(expected.get('8.8.8.8'));
    for (const ip of ['10.1.2.3', '::ffff:10.0.0.1', '::8.8.8.8', '01.2.3.4', 'null'])
      expect([ip, expected.get(ip)]).toEqual([ip, [null, null, null, null, null, null]]);
    const placed = [...expected.values()].filter((v) => v[0] !== null).length;
    expect(placed).toBeGreaterThan(100);
  });

  it.each(['chdb', 'chdb-client'] as const)(
    'gives on %s what DuckDB gives, for every address and function',
    async (kind) => {
      const store = await openTestStore(kind, dir);
      try {
        await fill(store);
        const got = await answers(store, FUNCTIONS);
        for (const [ip, values] of expected) expect([ip, got.get(ip)]).toEqual([ip, values]);
        expect(got.size).toBe(expected.size);
      } finally {
        await store.close();
      }
    },
    180_000,
  );

  it('loads the data once per database, and again when its version changes', async () => {
    const location = `${sharedChdbDir()}?database=geo_reopen`;
    const query = 'from cloud.azure.ad.signin select countrycode(ipAddress) as cc';
    const run = async (store: Store) => {
      const result = await runLinq(store, query, RANGE);
      let n = 0;
      for await (const chunk of result.chunks()) n += chunk.filter((r) => r.includes('US')).length;
      return n;
    };
    let store = await openChdbStore(location);
    await fill(store);
    const placed = await run(store);
    expect(placed).toBeGreaterThan(0);
    expect(store.geoip.loads.map((l) => l.kind)).toEqual(['country']);
    expect(store.geoip.loads[0]!.rows).toBeGreaterThan(500_000);
    await store.close();

    // Reopened: the dictionary is there and current, nothing is loaded.
    store = await openChdbStore(location);
    expect(await run(store)).toBe(placed);
    expect((store as ClickHouseStore).geoip.loads).toEqual([]);
    await store.close();

    // A new version of the data (a package update): loaded again, once, then current.
    registerGeoIpSource({ ...COUNTRY_SOURCE, version: () => `${COUNTRY_SOURCE.version()} next` });
    try {
      // Opened read-only (as `m365hunt query` opens it), the store still loads it, once.
      store = await openChdbStore(location, { readOnly: true });
      expect(await run(store)).toBe(placed);
      expect(await run(store)).toBe(placed);
      expect(store.geoip.loads.map((l) => l.kind)).toEqual(['country']);
      await store.close();
      store = await openChdbStore(location, { clickhouse: { dropOnClose: true } });
      expect(await run(store)).toBe(placed);
      expect(store.geoip.loads).toEqual([]);
      await store.close();
    } finally {
      registerGeoIpSource(COUNTRY_SOURCE);
      registerGeoIpSource(ASN_SOURCE);
    }
  }, 180_000);
});

describe('GeoIP city on ClickHouse', () => {
  it('gives on chdb what DuckDB gives, for every address and function', async () => {
    const duck = await openStore(join(dir, 'city.duckdb'), {
      duckdb: { onConnect: registerLinqFunctions },
    });
    const store = await openTestStore('chdb', dir);
    try {
      await fill(duck);
      const expected = await answers(duck, CITY_FUNCTIONS);
      expect(expected.get('8.8.8.8')?.[0]).toBe('Mountain View');
      await fill(store);
      const got = await answers(store, CITY_FUNCTIONS);
      for (const [ip, values] of expected) expect([ip, got.get(ip)]).toEqual([ip, values]);
      expect(got.size).toBe(expected.size);
    } finally {
      await duck.close();
      await store.close();
    }
  }, 600_000);
});
