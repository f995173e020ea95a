// Conversion functions: to bool, addresses, networks, times and durations (docs/linq.md, "The language").
import { ip4Text, lit, nul, op, parseIp4, cidrBounds } from '../build.js';
import type { TExpr } from '../ir.js';
import { formatTimestamp, parseTimestampLiteral } from '../time-range.js';
import { scalar, type ScalarFunction } from './types.js';

export const CONVERSION_FUNCTIONS: readonly ScalarFunction[] = [
  // ---- conversions
  ...['int', 'int4', 'int8'].map((name) =>
    scalar({
      name,
      signature: `${name}(x)`,
      doc: 'x as a whole number (str parsed, float truncated, timestamp as epoch ms); null when it does not convert.',
      min: 1,
      max: 1,
      check: ([x], ctx) => {
        if (x!.expr.type === 'timestamp') return op('epoch', [x!.expr], 'int');
        return ctx.to(x!, 'int');
      },
    }),
  ),
  ...['float', 'float8'].map((name) =>
    scalar({
      name,
      signature: `${name}(x)`,
      doc: 'x as a floating-point number.',
      min: 1,
      max: 1,
      check: ([x], ctx) => ctx.to(x!, 'float'),
    }),
  ),
  scalar({
    name: 'bool',
    signature: 'bool(x)',
    doc: 'x as true or false: "true"/"false" (any case) for a str, not 0 for a number; null otherwise.',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const t = x!.expr.type;
      if (t === 'bool' || t === 'null') return x!.expr;
      if (t === 'int' || t === 'float')
        return ctx.compare('ne', x!, { ...x!, expr: lit(0n, 'int') });
      return op('to_bool', [op('lower', [ctx.str(x!)], 'str')], 'bool', { from: 'str' });
    },
  }),
  scalar({
    name: 'ip4',
    signature: 'ip4(s)',
    doc: 'An IPv4 address from its text; null for IPv6, ports and anything malformed.',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      if (x!.expr.k === 'lit' && x!.expr.type === 'str') {
        const v = parseIp4(x!.expr.value as string);
        return v === null ? nul('ip4') : lit(v, 'ip4');
      }
      return ctx.to(x!, 'ip4');
    },
  }),
  scalar({
    name: 'net4',
    signature: 'net4("a.b.c.d/n")',
    doc: 'An IPv4 network, for `ip <- net`.',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const text = ctx.literalString(x!, 'The network');
      const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(text);
      const ip = m ? parseIp4(m[1]!) : null;
      if (!m || ip === null || Number(m[2]) > 32)
        ctx.error(`\`${text}\` is not an IPv4 network (a.b.c.d/n)`, x!.span);
      const { lo } = cidrBounds(Number(ip), Number(m![2]));
      return lit(`${ip4Text(lo)}/${m![2]}`, 'net4');
    },
  }),
  scalar({
    name: 'timestamp',
    signature: 'timestamp(x)',
    doc: 'A time from epoch milliseconds or from "YYYY-MM-DD HH:mm:ss" (UTC).',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const t = x!.expr.type;
      if (t === 'timestamp') return x!.expr;
      if (t === 'int') return op('ts_from_ms', [x!.expr], 'timestamp');
      if (t === 'float')
        return op('ts_from_ms', [op('to_int', [x!.expr], 'int', { from: 'float' })], 'timestamp');
      if (x!.expr.k === 'lit' && t === 'str') {
        const d = parseTimestampLiteral(x!.expr.value as string);
        if (!d)
          ctx.error(
            `Cannot read ${JSON.stringify(x!.expr.value)} as a time`,
            x!.span,
            'write "YYYY-MM-DD HH:mm:ss" (UTC)',
          );
        return lit(formatTimestamp(d!), 'timestamp');
      }
      return ctx.timestamp(x!);
    },
  }),
  scalar({
    name: 'duration',
    signature: 'duration(ms)',
    doc: 'A duration of ms milliseconds.',
    min: 1,
    max: 1,
    check: ([x], ctx) => ({ ...ctx.int(x!), type: 'duration' }) as TExpr,
  }),
];
