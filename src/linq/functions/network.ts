// Network tests on addresses as Microsoft writes them (docs/linq.md, "Network"): IPv4, IPv6,
// IPv4-mapped IPv6 (`::ffff:10.11.12.13`) and the `ffff:10.11.0.229` form Microsoft's audit records
// also carry. A typed ip4 value is tested as a number; a str is read in every one of those forms.
import { cidrBounds, lit, nul, op } from '../build.js';
import type { TExpr } from '../ir.js';
import { ip6Network } from './ip6-text.js';
import { scalar, type CheckedArg, type FnContext, type ScalarFunction } from './types.js';

/** An IPv4 address written as IPv6: `::ffff:a.b.c.d`, `0:0:0:0:0:ffff:a.b.c.d`, `ffff:a.b.c.d`. */
const MAPPED = '(?i)^(?:::ffff:|0:0:0:0:0:ffff:|ffff:)((?:[0-9]{1,3}\\.){3}[0-9]{1,3})$';

const H = '[0-9a-f]{1,4}';
/** An IPv6 address in any of RFC 4291's text forms (without a zone or an embedded IPv4). */
export const IPV6_PATTERN = `(?i)^(?:(?:${H}:){7}${H}|(?:${H}:){1,7}:|(?:${H}:){1,6}:${H}|(?:${H}:){1,5}(?::${H}){1,2}|(?:${H}:){1,4}(?::${H}){1,3}|(?:${H}:){1,3}(?::${H}){1,4}|(?:${H}:){1,2}(?::${H}){1,5}|${H}:(?::${H}){1,6}|:(?:(?::${H}){1,7}|:))$`;

/** Unique local addresses, fc00::/7 (RFC 4193): IPv6's private range. */
const ULA_PATTERN = '(?i)^f[cd][0-9a-f]{2}:';

/** A dotted IPv4 address (read as ::ffff:a.b.c.d in an IPv6 network test). */
const DOTTED = '^(?:[0-9]{1,3}\\.){3}[0-9]{1,3}$';

const RFC1918: ReadonlyArray<readonly [number, number]> = [
  [0x0a000000, 8],
  [0xac100000, 12],
  [0xc0a80000, 16],
];

/** The IPv4 address of a text in any of its forms (mapped ones unwrapped); null otherwise. */
export function ip4OfText(s: TExpr): TExpr {
  const plain = op('subs', [s, lit(MAPPED, 'str'), lit('\\1', 'str')], 'str', { all: false });
  return op('ip4_parse', [plain], 'ip4');
}

function inRfc1918(ip: TExpr): TExpr {
  return op(
    'or',
    RFC1918.map(([v, bits]) => {
      const { lo, hi } = cidrBounds(v, bits);
      return op('between', [ip, lit(lo, 'ip4'), lit(hi, 'ip4')], 'bool');
    }),
    'bool',
  );
}

const or = (...xs: TExpr[]) => op('or', xs, 'bool');
const and = (...xs: TExpr[]) => op('and', xs, 'bool');
const not = (x: TExpr) => op('not', [x], 'bool');
const known = (x: TExpr) => op('coalesce', [x, lit(false, 'bool')], 'bool');

/** What an argument is: a typed ip4, or a text with its IPv4 and IPv6 readings. */
function address(a: CheckedArg, ctx: FnContext) {
  if (a.expr.type === 'ip4') return { v4: a.expr, v6: lit(false, 'bool'), ula: lit(false, 'bool') };
  const s = ctx.str(a);
  const v6 = known(op('regex', [s, lit(IPV6_PATTERN, 'str')], 'bool'));
  return {
    v4: ip4OfText(s),
    v6,
    ula: and(v6, known(op('regex', [s, lit(ULA_PATTERN, 'str')], 'bool'))),
  };
}

function isPrivate(a: CheckedArg, ctx: FnContext): TExpr {
  const { v4, ula } = address(a, ctx);
  return or(known(inRfc1918(v4)), ula);
}

/** An IPv6 address's canonical text (ip6-text.ts), or null (IPv4, ports, zones, malformed). */
function ip6(a: CheckedArg, ctx: FnContext): TExpr {
  const s = ctx.str(a);
  const valid = or(
    known(op('regex', [s, lit(IPV6_PATTERN, 'str')], 'bool')),
    known(op('regex', [s, lit(MAPPED, 'str')], 'bool')),
  );
  const canonical = op('call', [s], 'str', { call: 'ip6' });
  return op('case', [valid, canonical, nul('str')], 'str', { hasElse: true });
}

/**
 * An address text (IPv6, IPv4-mapped, Microsoft's ffff:a.b.c.d, or IPv4 read as ::ffff:a.b.c.d) as
 * 32 lower-case hex digits, which compare as text in address order (ip6-text.ts); null for
 * anything else (ports, zones, host names, malformed text).
 */
export function ip6HexOfText(s: TExpr): TExpr {
  const valid = or(
    known(op('regex', [s, lit(IPV6_PATTERN, 'str')], 'bool')),
    known(op('regex', [s, lit(MAPPED, 'str')], 'bool')),
    known(op('regex', [s, lit(DOTTED, 'str')], 'bool')),
  );
  const hex = op('call', [s], 'str', { call: 'ip6hex' });
  return op('case', [valid, hex, nul('str')], 'str', { hasElse: true });
}

/** `needle <- net6(…)`: whether an address (text or ip4) is in an IPv6 network (a literal). */
export function inIp6Network(net: string, needle: TExpr): TExpr {
  const n = ip6Network(net);
  if (!n) throw new Error(`not an IPv6 network: ${net}`);
  return op('between', [ip6HexOfText(needle), lit(n.lo, 'str'), lit(n.hi, 'str')], 'bool');
}

export const NETWORK_FUNCTIONS: readonly ScalarFunction[] = [
  scalar({
    name: 'ip6',
    signature: 'ip6(s)',
    doc: 'An IPv6 address from its text, written canonically (RFC 5952: 2001:db8::1; IPv4 written as IPv6 as ::ffff:a.b.c.d); null for IPv4, ports, zones and anything malformed. m365hunt keeps IPv6 addresses as text.',
    min: 1,
    max: 1,
    check: ([x], ctx) => ip6(x!, ctx),
  }),
  scalar({
    name: 'net6',
    signature: 'net6("2001:db8::/32")',
    doc: 'An IPv6 network, for `ip <- net`: an address is in it when its first n bits are those of the network (IPv4 addresses are read as ::ffff:a.b.c.d). Written canonically (2001:db8::/32).',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const text = ctx.literalString(x!, 'The network');
      const n = ip6Network(text);
      if (!n) {
        ctx.error(
          `\`${text}\` is not an IPv6 network (address/n, n from 0 to 128)`,
          x!.span,
          'e.g. net6("2001:db8::/32"); an IPv4 network is net4("10.0.0.0/8")',
        );
      }
      return lit(n!.text, 'net6');
    },
  }),
  scalar({
    name: 'isprivate',
    signature: 'isprivate(ip)',
    doc: 'ip is in 10/8, 172.16/12, 192.168/16 (RFC 1918; also as ::ffff:a.b.c.d or ffff:a.b.c.d) or fc00::/7 (RFC 4193).',
    min: 1,
    max: 1,
    check: ([ip], ctx) => isPrivate(ip!, ctx),
  }),
  scalar({
    name: 'ispublic',
    signature: 'ispublic(ip)',
    doc: 'ip is a valid IPv4 or IPv6 address outside the private ranges of isprivate.',
    min: 1,
    max: 1,
    check: ([ip], ctx) => {
      const { v4, v6 } = address(ip!, ctx);
      return and(or(op('isnotnull', [v4], 'bool'), v6), not(isPrivate(ip!, ctx)));
    },
  }),
  scalar({
    name: 'isipv4',
    signature: 'isipv4(ip)',
    doc: 'ip is an IPv4 address (also written as ::ffff:a.b.c.d or ffff:a.b.c.d).',
    min: 1,
    max: 1,
    check: ([ip], ctx) => op('isnotnull', [address(ip!, ctx).v4], 'bool'),
  }),
  scalar({
    name: 'isipv6',
    signature: 'isipv6(ip)',
    doc: 'ip is an IPv6 address (not an IPv4 written as IPv6).',
    min: 1,
    max: 1,
    check: ([ip], ctx) => {
      const { v4, v6 } = address(ip!, ctx);
      return and(v6, op('isnull', [v4], 'bool'));
    },
  }),
];
