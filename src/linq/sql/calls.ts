// Engine functions that LINQ functions map to one for one (or nearly): the SQL of each per dialect.
// The names are the compiler's own (functions/catalogue.ts), never text from a query; arguments
// arrive as SQL already written, literals bound as parameters.
import { GEOIP_UDFS } from '../../enrich/geoip-udfs.js';
import { geoLookupSql } from '../../store/clickhouse/geoip.js';
import type { Dialect } from '../../store/store.js';

export type CallSql = (args: readonly string[]) => string;

const duckdb: Record<string, CallSql> = {
  trim: ([s]) => `trim(${s})`,
  ltrim: ([s]) => `ltrim(${s})`,
  rtrim: ([s]) => `rtrim(${s})`,
  reverse: ([s]) => `reverse(${s})`,
  lpad: ([s, n, c]) => `lpad(${s}, CAST(${n} AS INTEGER), ${c})`,
  rpad: ([s, n, c]) => `rpad(${s}, CAST(${n} AS INTEGER), ${c})`,
  md5: ([s]) => `md5(${s})`,
  sha1: ([s]) => `sha1(${s})`,
  sha256: ([s]) => `sha256(${s})`,
  urldecode: ([s]) => `url_decode(${s})`,
  urlencode: ([s]) => `url_encode(${s})`,
  // -Σ p·log2(p) over the distinct characters of s
  shannonentropy: ([s]) =>
    `(CASE WHEN length(${s}) > 0 THEN -list_sum(list_transform(list_distinct(string_split(${s}, '')), lambda __c: ((length(${s}) - length(replace(${s}, __c, ''))) / length(${s})) * log2((length(${s}) - length(replace(${s}, __c, ''))) / length(${s})))) WHEN ${s} IS NOT NULL THEN 0.0 END)`,
  midnight: ([t]) => `date_trunc('day', ${t})`,
  // registered with the other LINQ functions (functions/ip6-text.ts)
  ip6: ([s]) => `m365hunt_ip6(${s})`,
  ip6hex: ([s]) => `m365hunt_ip6_hex(${s})`,
  sin: ([x]) => `sin(${x})`,
  cos: ([x]) => `cos(${x})`,
  tan: ([x]) => `tan(${x})`,
  asin: ([x]) => `(CASE WHEN ${x} BETWEEN -1 AND 1 THEN asin(${x}) END)`,
  acos: ([x]) => `(CASE WHEN ${x} BETWEEN -1 AND 1 THEN acos(${x}) END)`,
  atan: ([x]) => `atan(${x})`,
  atan2: ([y, x]) => `atan2(${y}, ${x})`,
  log2: ([x]) => `(CASE WHEN ${x} > 0 THEN log2(${x}) END)`,
  band: ([a, b]) => `(${a} & ${b})`,
  bor: ([a, b]) => `(${a} | ${b})`,
  bxor: ([a, b]) => `xor(${a}, ${b})`,
  bnot: ([a]) => `(~${a})`,
  shl: ([a, n]) => `(CASE WHEN ${n} BETWEEN 0 AND 63 THEN ${a} << ${n} END)`,
  shr: ([a, n]) => `(CASE WHEN ${n} BETWEEN 0 AND 63 THEN ${a} >> ${n} END)`,
};

const clickhouse: Record<string, CallSql> = {
  trim: ([s]) => `trimBoth(${s})`,
  ltrim: ([s]) => `trimLeft(${s})`,
  rtrim: ([s]) => `trimRight(${s})`,
  reverse: ([s]) => `reverseUTF8(${s})`,
  lpad: ([s, n, c]) => `leftPadUTF8(${s}, toUInt64(${n}), ${c})`,
  rpad: ([s, n, c]) => `rightPadUTF8(${s}, toUInt64(${n}), ${c})`,
  md5: ([s]) => `lower(hex(MD5(${s})))`,
  sha1: ([s]) => `lower(hex(SHA1(${s})))`,
  sha256: ([s]) => `lower(hex(SHA256(${s})))`,
  urldecode: ([s]) => `decodeURLComponent(${s})`,
  urlencode: ([s]) => `encodeURLComponent(${s})`,
  shannonentropy: ([s]) =>
    `if(${s} IS NULL, NULL, if(lengthUTF8(${s}) = 0, 0., -arraySum(arrayMap(__c -> (countSubstrings(${s}, __c) / lengthUTF8(${s})) * log2(countSubstrings(${s}, __c) / lengthUTF8(${s})), arrayDistinct(splitByRegexp('', ${s}))))))`,
  midnight: ([t]) => `toDateTime64(toStartOfDay(${t}, 'UTC'), 3, 'UTC')`,
  // Microsoft's ffff:a.b.c.d is ::ffff:a.b.c.d; the text is a valid address here (network.ts)
  ip6: ([s]) =>
    `IPv6NumToString(toIPv6OrNull(if(position(${s}, '.') > 0 AND startsWith(lower(${s}), 'ffff:'), concat('::', ${s}), ${s})))`,
  // 32 hex digits; a plain IPv4 is read as ::ffff:a.b.c.d (the text is valid here, network.ts)
  ip6hex: ([s]) =>
    `lower(hex(toIPv6OrNull(multiIf(position(${s}, ':') = 0, concat('::ffff:', ${s}), position(${s}, '.') > 0 AND startsWith(lower(${s}), 'ffff:'), concat('::', ${s}), ${s}))))`,
  sin: ([x]) => `sin(${x})`,
  cos: ([x]) => `cos(${x})`,
  tan: ([x]) => `tan(${x})`,
  asin: ([x]) => `if(${x} BETWEEN -1 AND 1, asin(${x}), NULL)`,
  acos: ([x]) => `if(${x} BETWEEN -1 AND 1, acos(${x}), NULL)`,
  atan: ([x]) => `atan(${x})`,
  atan2: ([y, x]) => `atan2(${y}, ${x})`,
  log2: ([x]) => `if(${x} > 0, log2(${x}), NULL)`,
  band: ([a, b]) => `bitAnd(${a}, ${b})`,
  bor: ([a, b]) => `bitOr(${a}, ${b})`,
  bxor: ([a, b]) => `bitXor(${a}, ${b})`,
  bnot: ([a]) => `bitNot(${a})`,
  shl: ([a, n]) => `if(${n} BETWEEN 0 AND 63, bitShiftLeft(${a}, ${n}), NULL)`,
  shr: ([a, n]) => `if(${n} BETWEEN 0 AND 63, bitShiftRight(${a}, ${n}), NULL)`,
  // GeoIP: the store's IP_TRIE dictionaries (functions/geoip.ts, store/clickhouse/geoip.ts)
  [GEOIP_UDFS.country]: ([s]) => geoLookupSql('country', 'cc', s!),
  [GEOIP_UDFS.asn]: ([s]) => `CAST(${geoLookupSql('asn', 'asn', s!)} AS Nullable(Int64))`,
  [GEOIP_UDFS.asorg]: ([s]) => geoLookupSql('asn', 'org', s!),
  [GEOIP_UDFS.city]: ([s]) => geoLookupSql('city', 'city', s!, true),
  [GEOIP_UDFS.latitude]: ([s]) => geoLookupSql('city', 'latitude', s!, true),
  [GEOIP_UDFS.longitude]: ([s]) => geoLookupSql('city', 'longitude', s!, true),
};

const TABLES: Record<Dialect, Record<string, CallSql>> = { duckdb, clickhouse };

/** The SQL of a call, or undefined when the dialect has no such function. */
export function callSql(dialect: Dialect, name: string): CallSql | undefined {
  return Object.hasOwn(TABLES[dialect], name) ? TABLES[dialect][name] : undefined;
}
