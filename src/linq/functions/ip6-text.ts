// `ip6(s)`'s canonical text of an IPv6 address (RFC 5952: lower case, no leading zeros, the first
// longest run of two or more zero groups written `::`, IPv4-mapped addresses as ::ffff:a.b.c.d),
// as ClickHouse's IPv6NumToString writes it, so that both engines give the same text: on DuckDB a
// scalar function registered with the other LINQ functions (udf.ts), on ClickHouse the engine's
// own (sql/calls.ts). docs/linq.md, "Functions".
// It also holds IPv6 networks (`net6`, docs/linq.md "Network"): an address as 32 lower-case hex
// digits (`m365hunt_ip6_hex`, ClickHouse's `hex(toIPv6(…))`) compares as text in address order,
// so `ip <- net6(…)` is a range test on text that both engines run the same way.
import type { DuckDBConnection } from '@duckdb/node-api';
import { registerTextFunction } from './duck-text-function.js';

export const IP6_UDF = 'm365hunt_ip6';
export const IP6_HEX_UDF = 'm365hunt_ip6_hex';

/** A dotted IPv4 address (four decimal octets of 1 to 3 digits, each at most 255), or null. */
function ipv4Of(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (p.length < 1 || p.length > 3) return null;
    let n = 0;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return null;
      n = n * 10 + c;
    }
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v;
}

/** Groups of 1 to 4 hexadecimal digits separated by `:` (none for the empty text), or null. */
function hexGroups(text: string): number[] | null {
  if (text === '') return [];
  const out: number[] = [];
  for (const g of text.split(':')) {
    if (g.length < 1 || g.length > 4) return null;
    let n = 0;
    for (let i = 0; i < g.length; i++) {
      const c = g.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (d < 0) return null;
      n = n * 16 + d;
    }
    out.push(n);
  }
  return out;
}

// A hand-written parser: it runs once per row in DuckDB (m365hunt_ip6_hex), where regular
// expressions made `ip <- net6(…)` several times slower.
function groupsOf(text: string): number[] | null {
  // a plain IPv4 address is read as its IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2)
  if (!text.includes(':')) {
    const v = ipv4Of(text);
    return v === null ? null : [0, 0, 0, 0, 0, 0xffff, Math.floor(v / 65536), v % 65536];
  }
  let s = text.toLowerCase();
  // a trailing dotted IPv4 becomes two groups (::ffff:1.2.3.4, and Microsoft's ffff:1.2.3.4)
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    const v = ipv4Of(s.slice(lastColon + 1));
    if (v === null) return null;
    tail = [Math.floor(v / 65536), v % 65536];
    const head = s.slice(0, lastColon + 1);
    s = head === 'ffff:' ? '::ffff' : head.endsWith('::') ? head : head.slice(0, -1);
  }
  const gap = s.indexOf('::');
  if (gap >= 0 && s.includes('::', gap + 1)) return null;
  const left = hexGroups(gap >= 0 ? s.slice(0, gap) : s);
  const right = hexGroups(gap >= 0 ? s.slice(gap + 2) : '');
  if (!left || !right) return null;
  right.push(...tail);
  const missing = 8 - left.length - right.length;
  if (gap >= 0 ? missing < 1 : missing !== 0) return null;
  return [...left, ...Array<number>(gap >= 0 ? missing : 0).fill(0), ...right];
}

/** The canonical text of an IPv6 address, or null when the text is not one. */
export function canonicalIp6(text: string): string | null {
  const g = groupsOf(text);
  if (!g) return null;
  const v4 = `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `::ffff:${v4}`;
  // an IPv4-compatible address (RFC 4291 §2.5.5.1, deprecated) is written ::a.b.c.d, as
  // ClickHouse's IPv6NumToString (and inet_ntop) write it; ::1 and ::ffff stay hexadecimal
  if (g.slice(0, 6).every((x) => x === 0) && g[6] !== 0) return `::${v4}`;
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** An address (IPv6, IPv4-mapped, Microsoft's ffff:a.b.c.d, or IPv4) as 32 hex digits; else null. */
export function ip6Hex(text: string): string | null {
  const g = groupsOf(text);
  return g ? g.map((x) => x.toString(16).padStart(4, '0')).join('') : null;
}

/** An IPv6 network `addr/n`: its first and last address as 32 hex digits, and its canonical text. */
export function ip6Network(text: string): { lo: string; hi: string; text: string } | null {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(m[1]!)) return null;
  const bits = Number(m[2]);
  const hex = ip6Hex(m[1]!);
  if (hex === null || bits > 128) return null;
  const host = (1n << BigInt(128 - bits)) - 1n;
  const lo = BigInt(`0x${hex}`) & ~host;
  const hexOf = (v: bigint) => v.toString(16).padStart(32, '0');
  const loHex = hexOf(lo);
  const groups = loHex.match(/.{4}/g)!.join(':');
  return { lo: loHex, hi: hexOf(lo | host), text: `${canonicalIp6(groups)!}/${bits}` };
}

/** Registers `m365hunt_ip6(s)` and `m365hunt_ip6_hex(s)` on a DuckDB connection. */
export function registerIp6Function(connection: DuckDBConnection): void {
  registerTextFunction(connection, IP6_UDF, canonicalIp6);
  registerTextFunction(connection, IP6_HEX_UDF, ip6Hex);
}
