// `ip6(s)`'s canonical text of an IPv6 address (RFC 5952: lower case, no leading zeros, the first
// longest run of two or more zero groups written `::`, IPv4-mapped addresses as ::ffff:a.b.c.d),
// as ClickHouse's IPv6NumToString writes it, so that both engines give the same text: on DuckDB a
// scalar function registered with the other LINQ functions (udf.ts), on ClickHouse the engine's
// own (sql/calls.ts). docs/linq.md, "Functions".
// It also holds IPv6 networks (`net6`, docs/linq.md "Network"): an address as 32 lower-case hex
// digits (`m365hunt_ip6_hex`, ClickHouse's `hex(toIPv6(…))`) compares as text in address order,
// so `ip <- net6(…)` is a range test on text that both engines run the same way.
import { DuckDBScalarFunction, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';

export const IP6_UDF = 'm365hunt_ip6';
export const IP6_HEX_UDF = 'm365hunt_ip6_hex';

function groupsOf(text: string): number[] | null {
  // a plain IPv4 address is read as its IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2)
  let s = /^\d{1,3}(?:\.\d{1,3}){3}$/.test(text) ? `::ffff:${text}` : text.toLowerCase();
  // a trailing dotted IPv4 becomes two groups (::ffff:1.2.3.4, and Microsoft's ffff:1.2.3.4)
  const dotted = /^(.*?:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (dotted) {
    const b = dotted.slice(2, 6).map(Number);
    if (b.some((x) => x > 255)) return null;
    const head = dotted[1] === 'ffff:' ? '::ffff:' : dotted[1]!;
    s = `${head}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const part = (h: string) => (h === '' ? [] : h.split(':'));
  const left = part(halves[0]!);
  const right = halves.length === 2 ? part(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.map((g) => parseInt(g, 16));
}

/** The canonical text of an IPv6 address, or null when the text is not one. */
export function canonicalIp6(text: string): string | null {
  const g = groupsOf(text);
  if (!g) return null;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return `::ffff:${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  }
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

function textFunction(
  connection: DuckDBConnection,
  name: string,
  fn: (text: string) => string | null,
): void {
  connection.registerScalarFunction(
    DuckDBScalarFunction.create({
      name,
      returnType: VARCHAR,
      parameterTypes: [VARCHAR],
      specialHandling: true,
      mainFunction: (info, input, output) => {
        try {
          const texts = input.getColumnVector(0);
          for (let i = 0; i < input.rowCount; i++) {
            const t = texts.getItem(i) as string | null;
            output.setItem(i, t === null ? null : fn(t));
          }
          output.flush();
        } catch (e) {
          info.setError(`${name}: ${e instanceof Error ? e.message : String(e)}`);
        }
      },
    }),
  );
}

/** Registers `m365hunt_ip6(s)` and `m365hunt_ip6_hex(s)` on a DuckDB connection. */
export function registerIp6Function(connection: DuckDBConnection): void {
  textFunction(connection, IP6_UDF, canonicalIp6);
  textFunction(connection, IP6_HEX_UDF, ip6Hex);
}
