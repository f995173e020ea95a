// Rows of a table family from raw records, computed the way the store's ingest computes them (for
// the raw-engine tests that create their own tables: conformance tables, fuzzing, functions).
import type { ColumnDef, TableFamily } from '../../../src/store/schema.js';
import { subtableForWorkload } from '../../../src/records/subtable.js';

export type RowValue = string | bigint | number | boolean | null;
export type Row = Record<string, RowValue>;

export interface RowOptions {
  hostchain?: string;
  client?: string;
  tenant?: string;
  contentType?: string | null;
}

function fromValue(c: ColumnDef, v: unknown): RowValue {
  if (v === undefined || v === null) return null;
  switch (c.type) {
    case 'string':
      return typeof v === 'string' ? v : JSON.stringify(v);
    case 'int':
      return typeof v === 'number' && Number.isInteger(v)
        ? BigInt(v)
        : /^-?\d+$/.test(String(v))
          ? BigInt(String(v))
          : null;
    case 'float':
      return typeof v === 'number' ? v : Number.isFinite(Number(v)) ? Number(v) : null;
    case 'bool':
      return typeof v === 'boolean'
        ? v
        : v === 'True' || v === 'true'
          ? true
          : v === 'False' || v === 'false'
            ? false
            : null;
    case 'timestamp':
      return typeof v === 'string' ? v : null;
  }
}

/** `YYYY-MM-DD HH:MM:SS.mmm` (UTC) of a record time without zone. */
export function utc(text: string): string {
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

function stripPort(ip: string): string {
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracket) return bracket[1]!;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(ip);
  return v4 ? v4[1]! : ip;
}

/** Rows for records (JSON texts), deduplicated by the family's id field, numbered from `seq`. */
export function rowsOf(
  family: TableFamily,
  texts: readonly string[],
  options: RowOptions = {},
  seq = 1,
): Row[] {
  const seen = new Set<string>();
  const rows: Row[] = [];
  for (const text of texts) {
    const rec = JSON.parse(text) as Record<string, unknown>;
    const id = String(rec[family.idPath]);
    if (seen.has(id)) continue;
    seen.add(id);
    const row: Row = {};
    for (const c of family.columns) {
      if (c.paths) {
        const path = c.paths.find((p) => rec[p] !== undefined && rec[p] !== null);
        row[c.name] = path === undefined ? null : fromValue(c, rec[path]);
        continue;
      }
      switch (c.derived) {
        case 'seq':
          row[c.name] = BigInt(seq++);
          break;
        case 'ingested':
          row[c.name] = '2026-03-03 00:00:00.000';
          break;
        case 'tenant':
          row[c.name] = options.tenant ?? '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
          break;
        case 'contentType':
          row[c.name] = options.contentType ?? null;
          break;
        case 'subtable':
          row[c.name] = subtableForWorkload(rec.Workload);
          break;
        case 'eventdate':
          row[c.name] = utc(String(rec[family.timePath]));
          break;
        case 'hostchain':
          row[c.name] = options.hostchain ?? 'collector-12345-testhost';
          break;
        case 'client':
          row[c.name] = options.client ?? 'contoso';
          break;
        case 'message':
          row[c.name] = text;
          break;
        case 'srcIp': {
          const ip = family.ipPaths
            .map((p) => rec[p])
            .find((v) => typeof v === 'string' && v !== '');
          row[c.name] = typeof ip === 'string' ? stripPort(ip) : null;
          break;
        }
        default:
          row[c.name] = null;
      }
    }
    rows.push(row);
  }
  return rows;
}

/** Non-empty, non-comment lines of an NDJSON file's text. */
export function ndjsonLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('//'));
}
