// A lookup table from CSV (RFC 4180, UTF-8, a header line naming the columns): every column's type
// is inferred from its values (int, float, bool, else str; empty cells are null), the key column is
// named or the first, and every mistake names the line it is on.
import { parse } from 'csv-parse/sync';
import type { LookupColumn, LookupValue, LookupValueType } from '../store/lookups.js';

export interface ParsedLookup {
  readonly columns: readonly LookupColumn[];
  readonly key: string;
  readonly rows: ReadonlyArray<Record<string, LookupValue>>;
}

export class LookupCsvError extends Error {}

const INT = /^[-+]?\d{1,18}$/;
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const BOOL = /^(true|false)$/i;

function inferType(values: readonly string[], key: boolean): LookupValueType {
  if (key) return 'str';
  const present = values.filter((v) => v !== '');
  if (present.length === 0) return 'str';
  if (present.every((v) => INT.test(v))) return 'int';
  if (present.every((v) => FLOAT.test(v))) return 'float';
  if (present.every((v) => BOOL.test(v))) return 'bool';
  return 'str';
}

function typed(v: string, type: LookupValueType): LookupValue {
  if (v === '') return null;
  switch (type) {
    case 'int':
    case 'float':
      return Number(v);
    case 'bool':
      return v.toLowerCase() === 'true';
    default:
      return v;
  }
}

/** Reads a lookup from CSV text; `key` names the key column (default: the first). */
export function parseLookupCsv(text: string, options: { key?: string } = {}): ParsedLookup {
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as string[][];
  } catch (error) {
    const e = error as Error & { lines?: number };
    throw new LookupCsvError(`CSV: ${e.message}`);
  }
  const [header, ...data] = records;
  if (!header || header.length === 0) throw new LookupCsvError('CSV: no header line');
  const names = header.map((h) => h.trim());
  names.forEach((n, i) => {
    if (n === '') throw new LookupCsvError(`CSV line 1: column ${i + 1} has no name`);
    if (names.indexOf(n) !== i)
      throw new LookupCsvError(`CSV line 1: the column \`${n}\` is named twice`);
  });
  const key = options.key ?? names[0]!;
  if (!names.includes(key))
    throw new LookupCsvError(
      `CSV line 1: no column \`${key}\` for the key (columns: ${names.join(', ')})`,
    );
  data.forEach((r, i) => {
    if (r.length !== names.length)
      throw new LookupCsvError(
        `CSV line ${i + 2}: ${r.length} fields where the header has ${names.length}`,
      );
  });
  const columns = names.map((name, i) => ({
    name,
    type: inferType(
      data.map((r) => r[i]!),
      name === key,
    ),
  }));
  const rows = data.map((r) =>
    Object.fromEntries(columns.map((c, i) => [c.name, typed(r[i]!, c.type)])),
  );
  return { columns, key, rows };
}
