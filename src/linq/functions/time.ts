// Time functions (docs/linq.md, "The language", all in UTC) and the GeoIP functions
// (docs/geoip.md), which need a GeoIP database: a function provider replaces them; until one is
// configured they explain why they fail.
import { lit, op } from '../build.js';
import type { DateFormatPiece, DatePart, TExpr } from '../ir.js';
import { formatTimestamp, startOfDay } from '../time-range.js';
import { scalar, type CheckedArg, type FnContext, type ScalarFunction } from './types.js';

const DAY = 86_400_000;

function utcOnly(a: CheckedArg | undefined, ctx: FnContext): void {
  if (!a) return;
  const zone = ctx.literalString(a, 'The time zone');
  if (!/^(UTC|GMT|Z|Etc\/UTC|\+00:?00)$/i.test(zone)) {
    ctx.error(
      `Only UTC is supported (not \`${zone}\`)`,
      a.span,
      'times are stored and computed in UTC',
    );
  }
}

const PART_TOKENS: ReadonlyArray<readonly [string, DatePart | 'yy', number]> = [
  ['YYYY', 'year', 4],
  ['YY', 'yy', 2],
  ['MM', 'month', 2],
  ['M', 'month', 0],
  ['DDDD', 'dayofyear', 3],
  ['DD', 'day', 2],
  ['D', 'day', 0],
  ['HH', 'hour', 2],
  ['H', 'hour', 0],
  ['mm', 'minute', 2],
  ['m', 'minute', 0],
  ['ss', 'second', 2],
  ['s', 'second', 0],
  ['SSS', 'millisecond', 3],
];

/** Moment.js-style format tokens (`YYYY-MM-DD[T]HH:mm:ss.SSS`); `[…]` is literal text. */
export function parseDateFormat(
  format: string,
): Array<DateFormatPiece | { part: 'yy'; width: number }> {
  const out: Array<DateFormatPiece | { part: 'yy'; width: number }> = [];
  const text = (t: string) => {
    const last = out[out.length - 1];
    if (last && 'text' in last) out[out.length - 1] = { text: last.text + t };
    else out.push({ text: t });
  };
  let i = 0;
  while (i < format.length) {
    if (format[i] === '[') {
      const close = format.indexOf(']', i + 1);
      const end = close < 0 ? format.length : close;
      text(format.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    const tok = PART_TOKENS.find(([t]) => format.startsWith(t, i));
    if (tok) {
      out.push({ part: tok[1], width: tok[2] } as DateFormatPiece | { part: 'yy'; width: number });
      i += tok[0].length;
      continue;
    }
    text(format[i]!);
    i++;
  }
  return out;
}

function datePart(ts: TExpr, part: DatePart): TExpr {
  return op('datepart', [ts], 'int', { part });
}

const partFunction = (name: string, part: DatePart, doc: string): ScalarFunction =>
  scalar({
    name,
    signature: `${name}(ts)`,
    doc,
    min: 1,
    max: 1,
    check: ([t], ctx) => datePart(ctx.timestamp(t!), part),
  });

const geo = (name: string): ScalarFunction =>
  scalar({
    name,
    signature: `${name}(ip)`,
    doc: 'GeoIP enrichment: needs a GeoIP database.',
    min: 1,
    max: 1,
    check: (_args, ctx) =>
      ctx.error(
        `GeoIP database not configured: \`${name}\` cannot run`,
        ctx.call.nameSpan,
        'GeoIP functions need a GeoIP database, which this installation does not have yet',
      ),
  });

export const GEOIP_FUNCTIONS = [
  'countrycode',
  'mmcountry',
  'mmcity',
  'mmlatitude',
  'mmlongitude',
  'mm2country',
  'mm2city',
  'asn',
  'asorg',
  'isp',
  'reputation',
  'reputationscore',
];

export const TIME: readonly ScalarFunction[] = [
  scalar({
    name: 'now',
    signature: 'now()',
    doc: 'When the query started.',
    min: 0,
    max: 0,
    check: (_a, ctx) => lit(formatTimestamp(ctx.now), 'timestamp'),
  }),
  scalar({
    name: 'today',
    signature: 'today()',
    doc: 'Midnight UTC today.',
    min: 0,
    max: 1,
    check: ([tz], ctx) => {
      utcOnly(tz, ctx);
      return lit(formatTimestamp(startOfDay(ctx.now)), 'timestamp');
    },
  }),
  scalar({
    name: 'yesterday',
    signature: 'yesterday()',
    doc: 'Midnight UTC yesterday.',
    min: 0,
    max: 1,
    check: ([tz], ctx) => {
      utcOnly(tz, ctx);
      return lit(formatTimestamp(new Date(startOfDay(ctx.now).getTime() - DAY)), 'timestamp');
    },
  }),
  scalar({
    name: 'epoch',
    signature: 'epoch(ts)',
    doc: 'Milliseconds since 1970-01-01 UTC.',
    min: 1,
    max: 1,
    check: ([t], ctx) => op('epoch', [ctx.timestamp(t!)], 'int'),
  }),
  scalar({
    name: 'period',
    signature: 'period(ts, 15m)',
    doc: 'ts truncated to a multiple of the period (since 1970-01-01 UTC).',
    min: 2,
    max: 2,
    check: ([t, p], ctx) => {
      if (!(p!.expr.k === 'lit' && p!.expr.type === 'duration' && (p!.expr.value as bigint) > 0n)) {
        ctx.error('The period must be a positive duration such as 15m', p!.span);
      }
      return op('period', [ctx.timestamp(t!), p!.expr], 'timestamp');
    },
  }),
  partFunction('year', 'year', 'The year.'),
  partFunction('month', 'month', 'The month, 1-12.'),
  partFunction('day', 'day', 'The day of the month, 1-31.'),
  partFunction('dayofmonth', 'day', 'The day of the month, 1-31.'),
  partFunction('hour', 'hour', 'The hour, 0-23 (UTC).'),
  partFunction('minute', 'minute', 'The minute, 0-59.'),
  partFunction('second', 'second', 'The second, 0-59.'),
  partFunction('dayofweek', 'dayofweek', 'The day of the week: 1 Monday … 7 Sunday (UTC).'),
  partFunction('dayofyear', 'dayofyear', 'The day of the year, 1-366.'),
  scalar({
    name: 'millisecond',
    signature: 'millisecond(ts | duration)',
    doc: 'The milliseconds of a time (0-999), or a duration in milliseconds.',
    min: 1,
    max: 1,
    check: ([x], ctx) =>
      x!.expr.type === 'duration'
        ? { ...x!.expr, type: 'int' }
        : datePart(ctx.timestamp(x!), 'millisecond'),
  }),
  scalar({
    name: 'formatdate',
    signature: 'formatdate(ts, "YYYY-MM-DD HH:mm:ss.SSS")',
    doc: 'A time as text, with Moment.js tokens (YYYY YY MM M DD D HH H mm m ss s SSS; [text] literal).',
    min: 2,
    max: 3,
    check: ([t, f, tz], ctx) => {
      utcOnly(tz, ctx);
      const ts = ctx.timestamp(t!);
      const pieces = parseDateFormat(ctx.literalString(f!, 'The format'));
      const parts: TExpr[] = pieces.map((p) => {
        if ('text' in p) return lit(p.text, 'str');
        const v =
          p.part === 'yy'
            ? op('rem', [datePart(ts, 'year'), lit(100n, 'int')], 'int')
            : datePart(ts, p.part);
        const s = op('to_str', [v], 'str', { from: 'int' });
        return p.width > 1 ? op('lpad0', [s], 'str', { width: p.width }) : s;
      });
      if (parts.length === 0) return lit('', 'str');
      return parts.length === 1 ? parts[0]! : op('concat', parts, 'str');
    },
  }),
  scalar({
    name: 'parsedate',
    signature: 'parsedate(s, "YYYY-MM-DD[T]HH:mm:ss"[, "UTC"])',
    doc: 'A time read from text with Moment.js tokens; null when it does not match.',
    min: 2,
    max: 3,
    check: ([s, f, tz], ctx) => {
      utcOnly(tz, ctx);
      const pieces = parseDateFormat(ctx.literalString(f!, 'The format'));
      if (pieces.some((p) => 'part' in p && (p.part === 'yy' || p.part === 'dayofyear'))) {
        ctx.error('parsedate reads YYYY, MM, DD, HH, mm, ss and SSS', f!.span);
      }
      return op('parsedate', [ctx.str(s!)], 'timestamp', { format: pieces as DateFormatPiece[] });
    },
  }),
  ...GEOIP_FUNCTIONS.map(geo),
];
