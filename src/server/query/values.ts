// Result values as JSON and CSV: 64-bit integers become numbers when exact (strings otherwise),
// timestamps ISO 8601 in UTC, lists and structs nested JSON.
import type { SqlValue } from '../../store/store.js';

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export function toJson(value: SqlValue): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map((v: SqlValue) => toJson(v));
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(value as Record<string, SqlValue>)) out[k] = toJson(v);
  return out;
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(value: JsonValue): string {
  if (value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // A leading =, +, - or @ would make a spreadsheet evaluate the cell: prefix a quote.
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(values: readonly JsonValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
