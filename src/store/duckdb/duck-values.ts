// Values between LINQ's SqlValue and DuckDB's, and the rows of the store's own tables read back
// (documents, content marks): the conversions the DuckDB store and its ingest share.
import {
  DOUBLE,
  TIMESTAMP,
  jsToDuckDBValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { M365HuntError } from '../../util/errors.js';
import { FAMILIES, type TableFamily } from '../schema.js';
import type { ContentStatus, SqlValue, StateDoc } from '../store.js';
import { quoteIdent } from './types.js';

export function toDuckValue(value: SqlValue): DuckDBValue {
  if (value instanceof Date) return jsToDuckDBValue(value, TIMESTAMP);
  if (value === null || typeof value !== 'object') return value as DuckDBValue;
  throw new M365HuntError('Lists and structs cannot be bound as query parameters.');
}

/**
 * Types for the parameters DuckDB would mistype: a whole number past 2^53 is a float to LINQ
 * (1e19), which DuckDB binds as a BIGINT it may not fit (issue 20 item 6): bind it as a DOUBLE.
 */
export function paramTypes(params: readonly SqlValue[]): DuckDBType[] | undefined {
  if (!params.some((v) => typeof v === 'number' && !Number.isSafeInteger(v))) return undefined;
  return params.map((v) =>
    typeof v === 'number' && !Number.isSafeInteger(v) ? DOUBLE : undefined,
  ) as DuckDBType[];
}

export function toSqlValue(value: unknown): SqlValue {
  return value as SqlValue;
}

export function isLockError(error: unknown): boolean {
  return (
    error instanceof Error && /lock/i.test(error.message) && /conflict|held/i.test(error.message)
  );
}

export function countsBySource(): string {
  return FAMILIES.filter((f) => f.source)
    .map(
      (f) =>
        `SELECT '${f.source!.replace(/'/g, "''")}' AS source, _tenant AS tenant, _content_type AS stream, count(*) AS records FROM ${quoteIdent(f.id)} GROUP BY ALL`,
    )
    .join(' UNION ALL ');
}

export function familyById(id: string): TableFamily {
  const family = FAMILIES.find((f) => f.id === id);
  if (!family) throw new M365HuntError(`Unknown table family ${id}.`);
  return family;
}

export function stateRow<T>(row: Record<string, SqlValue>): StateDoc<T> {
  return {
    id: String(row.id),
    doc: JSON.parse(String(row.doc)) as T,
    version: Number(row.version),
    updated: row.updated as Date,
  };
}

export function contentRow(row: Record<string, SqlValue>): ContentStatus {
  return {
    contentId: String(row.content_id),
    contentUri: (row.content_uri as string | null) ?? undefined,
    contentCreated: String(row.content_created),
    contentExpiration: (row.content_expiration as string | null) ?? undefined,
    status: row.status === 'skipped' ? 'skipped' : 'done',
    error: (row.error as string | null) ?? undefined,
    attempts: Number(row.attempts ?? 0),
    updated: row.updated as Date,
  };
}
