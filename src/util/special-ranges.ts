// Address ranges no GeoIP database should place: private, loopback, link-local, shared (CGNAT),
// documentation, benchmarking, multicast and reserved (the shipped data places some private
// ranges in a country; they are nobody's). One list for the DuckDB lookups (src/enrich/geoip.ts)
// and the ClickHouse dictionaries (src/store/clickhouse/geoip.ts), so both engines agree.
// docs/geoip.md.

/** IPv4 ranges as [network, prefix length]. */
export const SPECIAL_IPV4_RANGES: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
];

/** IPv6 ranges as [first address as a 128-bit number, prefix length]. */
export const SPECIAL_IPV6_RANGES: ReadonlyArray<readonly [bigint, number]> = [
  [0n, 96], // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  [0xfc00n << 112n, 7], // unique local
  [0xfe80n << 112n, 10], // link-local
  [0xff00n << 112n, 8], // multicast
  [0x2001_0db8n << 96n, 32], // documentation
];
