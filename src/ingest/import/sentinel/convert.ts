// Applies the mapping table to one OfficeActivity row (a CSV row or an NDJSON object) and returns
// the record in the Management Activity API's shape. The stored message of these records is this
// converted record, not text as received: Sentinel is not the API, and its rows are not records.
import {
  COMMON_FIELD_ORDER,
  CREATION_TIME_COLUMNS,
  SENTINEL_COLUMNS,
  SYSTEM_COLUMN_PREFIX,
  UTC_SUFFIX,
  type Conversion,
} from './mapping.js';
import { enumValue } from './enums.js';
import { toCreationTime } from './time.js';

/** A value kept unconverted (an unknown enum name, an unreadable time), for the summary. */
export interface Notice {
  /** What happened; the same text for every row it happened to, so that they can be counted. */
  readonly text: string;
  /** The value, when the text does not show it. */
  readonly example?: string;
}

export interface Converted {
  readonly record: Record<string, unknown>;
  readonly notices: Notice[];
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function looksLikeJson(text: string): boolean {
  const c = text.trimStart()[0];
  return c === '{' || c === '[';
}

function parseJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

const TRUE = /^true$/i;
const FALSE = /^false$/i;

/** Unlisted columns: JSON text that parses is a nested value again; anything else stays text. */
type AnyConversion = Conversion | 'auto';

function convertValue(
  column: string,
  value: unknown,
  conversion: AnyConversion,
  notices: Notice[],
): unknown {
  if (typeof value !== 'string') return value; // Typed exports (JSON) already carry the type.
  if (conversion === 'text') return value;
  if (conversion === 'auto') return looksLikeJson(value) ? (parseJson(value) ?? value) : value;
  if (conversion === 'json') {
    if (!looksLikeJson(value)) return value; // e.g. the single-string Parameters of S&C cmdlets
    const parsed = parseJson(value);
    if (parsed === undefined) notices.push({ text: `${column} is not valid JSON: kept as text` });
    return parsed ?? value;
  }
  if (conversion === 'bool') {
    if (TRUE.test(value)) return true;
    if (FALSE.test(value)) return false;
    notices.push({ text: `${column} is not true or false: kept as text`, example: value });
    return value;
  }
  if (conversion === 'bool-text') {
    if (TRUE.test(value)) return 'True';
    if (FALSE.test(value)) return 'False';
    return value;
  }
  if (conversion === 'int') {
    if (/^\s*-?\d+\s*$/.test(value)) return Number(value);
    notices.push({ text: `${column} is not a number: kept as text`, example: value });
    return value;
  }
  if (conversion === 'time') {
    const time = toCreationTime(value);
    if (time === undefined)
      notices.push({ text: `${column} is not a time: kept as text`, example: value });
    return time ?? value;
  }
  const number = enumValue(conversion.values, value);
  if (number === undefined) {
    notices.push({
      text: `${conversion.enumName} "${value}" is not a name this version knows: kept as text`,
    });
    return value;
  }
  return number;
}

/** The row's columns by name, ` [UTC]` suffixes removed, empty values left out. */
function normalise(row: Readonly<Record<string, unknown>>): Map<string, unknown> {
  const columns = new Map<string, unknown>();
  for (const [name, value] of Object.entries(row)) {
    if (isEmpty(value)) continue;
    const plain = name.endsWith(UTC_SUFFIX) ? name.slice(0, -UTC_SUFFIX.length) : name;
    if (!columns.has(plain)) columns.set(plain, value);
  }
  return columns;
}

function creationTime(columns: Map<string, unknown>, notices: Notice[]): unknown {
  let first: unknown;
  for (const name of CREATION_TIME_COLUMNS) {
    const value = columns.get(name);
    if (value === undefined) continue;
    first ??= value;
    const time = typeof value === 'string' ? toCreationTime(value) : undefined;
    if (time !== undefined) return time;
  }
  if (first !== undefined) {
    // Kept as it is: the store quarantines the record with the reason, and the text shows it.
    notices.push({
      text: 'TimeGenerated is not a time: the store quarantines these rows',
      example: String(first),
    });
  }
  return first;
}

export function convertSentinelRow(row: Readonly<Record<string, unknown>>): Converted {
  const notices: Notice[] = [];
  const columns = normalise(row);
  const fields = new Map<string, unknown>();
  const time = creationTime(columns, notices);
  if (time !== undefined) fields.set('CreationTime', time);
  for (const [name, value] of columns) {
    if (CREATION_TIME_COLUMNS.includes(name)) continue;
    const rule = SENTINEL_COLUMNS[name];
    if (rule?.drop !== undefined) continue;
    if (rule?.copyOf !== undefined && columns.get(rule.copyOf) === value) continue;
    if (rule === undefined) {
      if (name.startsWith(SYSTEM_COLUMN_PREFIX)) continue;
      // `X_` is Sentinel's copy of X: dropped when equal, taken for X when X is missing.
      if (name.endsWith('_') && name.length > 1) {
        const stem = name.slice(0, -1);
        const original = columns.get(stem);
        if (original === value) continue;
        if (original === undefined && !fields.has(stem)) {
          const conversion = SENTINEL_COLUMNS[stem]?.convert ?? 'auto';
          fields.set(stem, convertValue(stem, value, conversion, notices));
          continue;
        }
      }
    }
    const field = rule?.field ?? name;
    if (fields.has(field)) continue;
    fields.set(field, convertValue(field, value, rule?.convert ?? 'auto', notices));
  }
  const record: Record<string, unknown> = {};
  for (const name of COMMON_FIELD_ORDER) {
    if (fields.has(name)) record[name] = fields.get(name);
  }
  for (const [name, value] of fields) {
    if (!(name in record)) record[name] = value;
  }
  return { record, notices };
}
