// Tables of the DuckDB store: one physical table per family (sub-tables are filters on `_subtable`,
// so a record lives in exactly one place and dedup has one place to look), and the bookkeeping
// that commits with the rows: cursors, content marks, quarantine, stream health.
import { FAMILIES, type TableFamily } from '../schema.js';
import { duckdbType, quoteIdent } from './types.js';

export const SCHEMA_VERSION = 1;

export function familyTableDdl(family: TableFamily): string {
  const columns = family.columns.map((c) => `${quoteIdent(c.name)} ${duckdbType(c.type)}`);
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(family.id)} (${columns.join(', ')})`;
}

export function bookkeepingDdl(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS _meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
    `CREATE TABLE IF NOT EXISTS _cursors (source VARCHAR, tenant VARCHAR, stream VARCHAR,
       state VARCHAR, updated TIMESTAMP, PRIMARY KEY (source, tenant, stream))`,
    `CREATE TABLE IF NOT EXISTS _contents (source VARCHAR, tenant VARCHAR, stream VARCHAR,
       content_id VARCHAR, content_uri VARCHAR, content_created VARCHAR, content_expiration VARCHAR,
       status VARCHAR, error VARCHAR, attempts INTEGER, updated TIMESTAMP,
       PRIMARY KEY (source, tenant, stream, content_id))`,
    `CREATE TABLE IF NOT EXISTS _stream_health (source VARCHAR, tenant VARCHAR, stream VARCHAR,
       last_error VARCHAR, last_error_at TIMESTAMP, last_success_at TIMESTAMP,
       PRIMARY KEY (source, tenant, stream))`,
    `CREATE TABLE IF NOT EXISTS _quarantine (family VARCHAR, tenant VARCHAR, origin VARCHAR,
       reason VARCHAR, text VARCHAR, quarantined_at TIMESTAMP)`,
    `CREATE TABLE IF NOT EXISTS _state (collection VARCHAR, id VARCHAR, doc VARCHAR,
       version BIGINT, updated TIMESTAMP, PRIMARY KEY (collection, id))`,
    `CREATE TABLE IF NOT EXISTS _subtables (family VARCHAR, subtable VARCHAR, PRIMARY KEY (family, subtable))`,
    `CREATE TABLE IF NOT EXISTS _leases (name VARCHAR PRIMARY KEY, owner VARCHAR, expires TIMESTAMP)`,
  ];
}

export function allDdl(): string[] {
  return [...FAMILIES.map(familyTableDdl), ...bookkeepingDdl()];
}
