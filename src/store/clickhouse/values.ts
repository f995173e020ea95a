// Values across the ClickHouse boundary: JavaScript values bound to `{name:Type}` parameters, and
// result values (read as JSONCompactEachRowWithNamesAndTypes, with 64-bit integers quoted and times
// in ISO form) turned into the `SqlValue`s the DuckDB store returns, directed by each column's type:
// bigint for 64-bit and wider integers, Date for Date/DateTime/DateTime64, arrays, objects.
import { M365HuntError } from '../../util/errors.js';
import type { SqlValue } from '../store.js';

/** A parameter value as both clients send it: text (TSV-escaped by the client), NULL, or an array. */
export type ParamValue = string | number | bigint | null | readonly ParamValue[];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD hh:mm:ss.sss` in UTC: what a `DateTime64(3, 'UTC')` parameter parses. */
export function formatUtc(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new M365HuntError('An invalid date cannot be bound.');
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.` +
    pad(date.getUTCMilliseconds(), 3)
  );
}

function toParam(value: SqlValue, nested: boolean): ParamValue {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return nested ? value : value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new M365HuntError(`The number ${value} cannot be bound.`);
    return nested ? value : String(value);
  }
  if (typeof value === 'boolean') return nested ? (value ? 1 : 0) : value ? 'true' : 'false';
  if (value instanceof Date) return formatUtc(value);
  if (Array.isArray(value)) return (value as readonly SqlValue[]).map((v) => toParam(v, true));
  throw new M365HuntError('Structs cannot be bound as query parameters.');
}

/**
 * Positional parameters (`params[i]` is `{p<i+1>:Type}` in the SQL) as the named map both clients
 * take. Top-level values are sent as text so that chdb and the HTTP client send the same bytes.
 */
export function namedParams(params: readonly SqlValue[]): Record<string, ParamValue> {
  const named: Record<string, ParamValue> = {};
  params.forEach((value, i) => (named[`p${i + 1}`] = toParam(value, false)));
  return named;
}

/** Binds a record of named values (the store's own statements). */
export function bindParams(values: Readonly<Record<string, SqlValue>>): Record<string, ParamValue> {
  const named: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(values)) named[k] = toParam(v, false);
  return named;
}

/** A parsed ClickHouse type name: `Nullable(Array(String))` → {name: Nullable, args: [...]}. */
export interface TypeNode {
  readonly name: string;
  /** Type arguments; tuple elements carry their field name. Literal arguments are kept as text. */
  readonly args: readonly { readonly field?: string; readonly type: TypeNode }[];
}

export function parseType(text: string): TypeNode {
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const ident = (): string => {
    skip();
    if (text[i] === '`' || text[i] === '"') {
      const quote = text[i]!;
      let out = '';
      i++;
      while (i < text.length && text[i] !== quote) {
        if (text[i] === '\\') i++;
        out += text[i++] ?? '';
      }
      i++;
      return out;
    }
    const start = i;
    while (i < text.length && /[A-Za-z0-9_.]/.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  // A literal argument ('UTC', 3, 'a' = 1) is read to the next top-level comma or parenthesis.
  const literalArg = (): TypeNode => {
    const start = i;
    let quoted = false;
    while (i < text.length) {
      const c = text[i]!;
      if (quoted) {
        if (c === '\\') i++;
        else if (c === "'") quoted = false;
      } else if (c === "'") quoted = true;
      else if (c === ',' || c === ')') break;
      i++;
    }
    return { name: text.slice(start, i).trim(), args: [] };
  };
  const node = (): TypeNode => {
    skip();
    if (text[i] === "'" || /[-0-9]/.test(text[i] ?? '')) return literalArg();
    const name = ident();
    skip();
    const args: { field?: string; type: TypeNode }[] = [];
    if (text[i] === '(') {
      i++;
      for (;;) {
        skip();
        if (text[i] === ')') {
          i++;
          break;
        }
        // A named tuple element is `name Type`: an identifier followed by a space and a type.
        const save = i;
        const first = text[i] === "'" || /[-0-9]/.test(text[i] ?? '') ? '' : ident();
        skip();
        let element: { field?: string; type: TypeNode };
        if (first !== '' && /[A-Za-z`"]/.test(text[i] ?? '') && name === 'Tuple') {
          element = { field: first, type: node() };
        } else {
          i = save;
          element = { type: node() };
        }
        args.push(element);
        skip();
        if (text[i] === ',') i++;
        else if (text[i] === ')') {
          i++;
          break;
        } else if (i >= text.length) break;
      }
    }
    return { name, args };
  };
  return node();
}

/** `1772442845.123` (seconds since the epoch, as date_time_output_format=unix_timestamp writes them). */
function epochDate(value: unknown): Date {
  if (typeof value === 'number') return new Date(Math.round(value * 1000));
  const text = String(value);
  const dot = text.indexOf('.');
  if (dot < 0) return new Date(Number(text) * 1000);
  const seconds = Number(text.slice(0, dot));
  const ms = Number(text.slice(dot + 1, dot + 4).padEnd(3, '0'));
  return new Date(seconds * 1000 + (text.startsWith('-') ? -ms : ms));
}

const BIG_INTEGERS = new Set(['Int64', 'UInt64', 'Int128', 'UInt128', 'Int256', 'UInt256']);
const NUMBERS = new Set([
  'Int8',
  'Int16',
  'Int32',
  'UInt8',
  'UInt16',
  'UInt32',
  'Float32',
  'Float64',
  'BFloat16',
]);

export type Converter = (value: unknown) => SqlValue;

const passThrough: Converter = (v) => (v === undefined ? null : (v as SqlValue));

/** A function that turns one JSON-decoded result value of the given type into a `SqlValue`. */
export function converterFor(type: TypeNode): Converter {
  const name = type.name;
  const inner = (k: number) => converterFor(type.args[k]?.type ?? { name: 'String', args: [] });
  if (name === 'Nullable' || name === 'LowCardinality' || name === 'SimpleAggregateFunction') {
    const c = name === 'SimpleAggregateFunction' ? inner(1) : inner(0);
    return (v) => (v === null || v === undefined ? null : c(v));
  }
  if (BIG_INTEGERS.has(name)) {
    return (v) => (v === null ? null : typeof v === 'bigint' ? v : BigInt(v as string | number));
  }
  if (NUMBERS.has(name) || name.startsWith('Decimal')) {
    return (v) => (v === null ? null : typeof v === 'number' ? v : Number(v));
  }
  if (name === 'Bool') return (v) => (v === null ? null : v === true || v === 1 || v === 'true');
  if (name === 'Date' || name === 'Date32') {
    return (v) => (v === null ? null : new Date(`${String(v)}T00:00:00Z`));
  }
  if (name === 'DateTime' || name === 'DateTime64') {
    return (v) => (v === null ? null : epochDate(v));
  }
  if (name === 'Array') {
    const c = inner(0);
    return (v) => (Array.isArray(v) ? v.map(c) : null);
  }
  if (name === 'Tuple') {
    const fields = type.args.map((a) => a.field);
    const cs = type.args.map((a) => converterFor(a.type));
    if (fields.length > 0 && fields.every((f) => f !== undefined)) {
      return (v) => {
        if (v === null || typeof v !== 'object') return null;
        const source = v as Record<string, unknown> | unknown[];
        const out: Record<string, SqlValue> = {};
        fields.forEach((f, k) => {
          const raw = Array.isArray(source) ? source[k] : source[f!];
          out[f!] = cs[k]!(raw ?? null);
        });
        return out;
      };
    }
    return (v) => (Array.isArray(v) ? v.map((x, k) => (cs[k] ?? passThrough)(x)) : null);
  }
  if (name === 'Map') {
    const c = inner(1);
    return (v) => {
      if (v === null || typeof v !== 'object') return null;
      const out: Record<string, SqlValue> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = c(x);
      return out;
    };
  }
  if (
    name === 'String' ||
    name === 'FixedString' ||
    name === 'UUID' ||
    name === 'IPv4' ||
    name === 'IPv6' ||
    name.startsWith('Enum')
  ) {
    return (v) => (v === null ? null : String(v));
  }
  if (name === 'Nothing') return () => null;
  return passThrough;
}

/**
 * Reads JSONCompactEachRowWithNamesAndTypes text that arrives in pieces: the first two lines are
 * the column names and types, each further line one row.
 */
export class CompactRowReader {
  private names: string[] | undefined;
  private types: string[] | undefined;
  private converters: Converter[] = [];
  private rest = '';
  /** Header lines still to skip: chdb streams each chunk as a document of its own. */
  private skip = 0;

  get columns(): { name: string; type: string }[] | undefined {
    if (!this.names || !this.types) return undefined;
    const types = this.types;
    return this.names.map((name, k) => ({ name, type: types[k] ?? 'String' }));
  }

  /** The next text starts a new document, with the names and types again. */
  startDocument(): void {
    if (this.types) this.skip = 2;
  }

  /** Feeds text; returns the complete rows it held. */
  push(text: string): SqlValue[][] {
    const data = this.rest + text;
    const end = data.lastIndexOf('\n');
    if (end < 0) {
      this.rest = data;
      return [];
    }
    this.rest = data.slice(end + 1);
    return this.lines(data.slice(0, end));
  }

  /** The rows of any text left without a final newline. */
  finish(): SqlValue[][] {
    const data = this.rest;
    this.rest = '';
    return data.trim() === '' ? [] : this.lines(data);
  }

  /** Feeds one line (the HTTP client splits rows itself). */
  line(text: string): SqlValue[] | undefined {
    return this.lines(text)[0];
  }

  private lines(block: string): SqlValue[][] {
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '') continue;
      if (this.skip > 0) {
        this.skip--;
        continue;
      }
      if (!this.names) {
        this.names = (JSON.parse(line) as unknown[]).map(String);
        continue;
      }
      if (!this.types) {
        this.types = (JSON.parse(line) as unknown[]).map(String);
        this.converters = this.types.map((t) => converterFor(parseType(t)));
        continue;
      }
      data.push(line);
    }
    if (data.length === 0) return [];
    // One parse of the block as an array is much faster than one per line.
    const rows = JSON.parse(`[${data.join(',')}]`) as SqlValue[][];
    // Converted in place: a result can hold millions of values.
    const converters = this.converters;
    const width = converters.length;
    for (const values of rows) {
      for (let k = 0; k < width; k++) values[k] = converters[k]!(values[k]);
    }
    return rows;
  }
}
