// Small constructors for typed expressions, and LINQ's implicit conversions between types.
import type { LitValue, Op, OpData, TExpr } from './ir.js';
import { formatTimestamp, parseTimestampLiteral } from './time-range.js';
import type { LType } from './types.js';

export const op = (o: Op, args: readonly TExpr[], type: LType, data?: OpData): TExpr =>
  data ? { k: 'op', op: o, args, type, data } : { k: 'op', op: o, args, type };

export const lit = (value: LitValue, type: LType): TExpr => ({ k: 'lit', value, type });

export const nul = (type: LType): TExpr => ({ k: 'null', type });

export const isLit = (e: TExpr): e is Extract<TExpr, { k: 'lit' }> => e.k === 'lit';

const INT_RE = /^\s*[-+]?\d+\s*$/;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

export function parseIp4(text: string): bigint | null {
  const m =
    /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.exec(
      text,
    );
  if (!m) return null;
  return BigInt(((Number(m[1]) * 256 + Number(m[2])) * 256 + Number(m[3])) * 256 + Number(m[4]));
}

export function ip4Text(v: bigint | number): string {
  const n = Number(v);
  return [
    Math.floor(n / 16777216) % 256,
    Math.floor(n / 65536) % 256,
    Math.floor(n / 256) % 256,
    n % 256,
  ].join('.');
}

/** Converts a literal at compile time; undefined when the conversion needs the engine. */
function convertLiteral(value: LitValue, from: LType, to: LType): TExpr | undefined {
  if (from === 'str' && typeof value === 'string') {
    switch (to) {
      case 'int': {
        if (!INT_RE.test(value)) return nul('int');
        const v = BigInt(value.trim());
        return v < INT64_MIN || v > INT64_MAX ? nul('int') : lit(v, 'int');
      }
      case 'float': {
        const v = value.trim() === '' ? NaN : Number(value);
        return Number.isFinite(v) ? lit(v, 'float') : nul('float');
      }
      case 'timestamp': {
        const d = parseTimestampLiteral(value);
        return d ? lit(formatTimestamp(d), 'timestamp') : nul('timestamp');
      }
      case 'ip4': {
        const v = parseIp4(value);
        return v === null ? nul('ip4') : lit(v, 'ip4');
      }
      case 'bool':
        return value === 'true'
          ? lit(true, 'bool')
          : value === 'false'
            ? lit(false, 'bool')
            : nul('bool');
      default:
        return undefined;
    }
  }
  if (to === 'str') {
    if (from === 'int' || from === 'duration') return lit(String(value), 'str');
    if (from === 'bool') return lit(String(value), 'str');
    if (from === 'ip4') return lit(ip4Text(value as bigint), 'str');
    if (from === 'timestamp' || from === 'net4' || from === 'net6')
      return lit(String(value), 'str');
  }
  if (to === 'float' && from === 'int') return lit(Number(value), 'float');
  if (
    (from === 'int' || from === 'duration' || from === 'ip4') &&
    (to === 'int' || to === 'duration' || to === 'ip4')
  ) {
    return lit(value, to);
  }
  return undefined;
}

/**
 * The implicit conversion of `e` to `to`, or null when LINQ has none. Strings that do not parse
 * become null (a comparison with them then matches nothing, as in Devo).
 */
export function convert(e: TExpr, to: LType): TExpr | null {
  const from = e.type;
  if (from === to) return e;
  if (e.k === 'null' || from === 'null') return nul(to);
  if (e.k === 'lit') {
    const c = convertLiteral(e.value, from, to);
    if (c) return c;
  }
  if (from === 'json') {
    if (to === 'str') return op('json_str', [e], 'str');
    const s = op('json_str', [e], 'str');
    return convert(s, to);
  }
  switch (to) {
    case 'str':
      if (from === 'int' || from === 'float' || from === 'bool' || from === 'duration') {
        return op('to_str', [e], 'str', { from });
      }
      if (from === 'timestamp') return op('to_str', [e], 'str', { from });
      if (from === 'ip4') return op('ip4_text', [e], 'str');
      if (from === 'net4' || from === 'net6') return op('to_str', [e], 'str', { from });
      return null;
    case 'int':
      if (from === 'str' || from === 'float' || from === 'bool')
        return op('to_int', [e], 'int', { from });
      if (from === 'duration' || from === 'ip4') return { ...e, type: 'int' } as TExpr;
      if (from === 'timestamp') return op('epoch', [e], 'int');
      return null;
    case 'float':
      if (from === 'int' || from === 'str' || from === 'bool' || from === 'duration') {
        return op('to_float', [e], 'float', { from });
      }
      return null;
    case 'duration':
      if (from === 'int') return { ...e, type: 'duration' } as TExpr;
      return null;
    case 'timestamp':
      if (from === 'str') return op('ts_parse', [e], 'timestamp');
      return null;
    case 'ip4':
      if (from === 'str') return op('ip4_parse', [e], 'ip4');
      if (from === 'int') return { ...e, type: 'ip4' } as TExpr;
      return null;
    case 'bool':
      if (from === 'str') return op('to_bool', [e], 'bool', { from });
      return null;
    case 'json':
      if (from === 'str') return op('json_parse', [e], 'json', { trusted: false });
      return op('to_json', [e], 'json', { from });
    default:
      return null;
  }
}

/** First and last address of a CIDR network. */
export function cidrBounds(value: number, bits: number): { lo: bigint; hi: bigint } {
  const size = 2 ** (32 - bits);
  const lo = Math.floor(value / size) * size;
  return { lo: BigInt(lo), hi: BigInt(lo + size - 1) };
}
