// Tables of the ClickHouse store. One table per family, as in DuckDB (sub-tables are filters on
// `_subtable`, so a record lives in one place and dedup has one place to look):
// - MergeTree, partitioned by day of eventdate (retention drops whole days; a time range prunes
//   partitions), ordered by (_tenant, _subtable, eventdate), the filters every LINQ query and rule
//   starts with; bloom filters on Id (the dedup probe), UserId and srcIp (hunting pivots); a
//   min-max index on _seq, so the alert engine's `_seq` ranges read only recent granules.
// - Bookkeeping in small ReplacingMergeTree tables read with FINAL: `_journal` (cursors, content
//   marks, application documents, the committed sequence watermark: one table, so that a commit
//   is ONE insert, which ClickHouse makes visible atomically), `_quarantine`, `_stream_health`,
//   `_leases`.
// Cluster mode (`?cluster=NAME`): the same tables ReplicatedMergeTree `<family>_local` on every
// shard behind a `Distributed` table of the family's name (sharded by Id, so that copies of one
// record always meet on one shard); bookkeeping replicated to every node; created ON CLUSTER.
import { FAMILIES, type TableFamily } from '../schema.js';
import { clickhouseColumnType, literal, quoteIdent, TIMESTAMP_TYPE } from './types.js';

export const SCHEMA_VERSION = 1;

export interface Layout {
  readonly database: string;
  readonly cluster?: string;
}

export function qualified(layout: Layout, table: string): string {
  return `${quoteIdent(layout.database)}.${quoteIdent(table)}`;
}

function onCluster(layout: Layout): string {
  return layout.cluster ? ` ON CLUSTER ${quoteIdent(layout.cluster)}` : '';
}

/** The table rows are written to and deduplicated against: local (cluster) or the table itself. */
export function localTable(layout: Layout, family: TableFamily): string {
  return layout.cluster ? `${family.id}_local` : family.id;
}

export function createDatabaseSql(layout: Layout): string {
  return `CREATE DATABASE IF NOT EXISTS ${quoteIdent(layout.database)}${onCluster(layout)}`;
}

const CODECS: Readonly<Record<string, string>> = {
  _seq: 'CODEC(ZSTD(1))',
  _ingested: 'CODEC(Delta, ZSTD(1))',
  eventdate: 'CODEC(Delta, ZSTD(1))',
  message: 'CODEC(ZSTD(1))',
};

const INDEXES: readonly { name: string; column: string; type: string; granularity: number }[] = [
  { name: 'ix_id', column: 'Id', type: 'bloom_filter(0.001)', granularity: 1 },
  { name: 'ix_user', column: 'UserId', type: 'bloom_filter(0.01)', granularity: 4 },
  { name: 'ix_src_ip', column: 'srcIp', type: 'bloom_filter(0.01)', granularity: 4 },
  { name: 'ix_seq', column: '_seq', type: 'minmax', granularity: 1 },
];

export const ORDER_BY = ['_tenant', '_subtable', 'eventdate'] as const;

export function columnDefinitions(family: TableFamily): string[] {
  return family.columns.map((c) => {
    const codec = CODECS[c.name];
    return `${quoteIdent(c.name)} ${clickhouseColumnType(family, c)}${codec ? ` ${codec}` : ''}`;
  });
}

function engine(layout: Layout, kind: 'MergeTree' | 'ReplacingMergeTree', args = ''): string {
  if (!layout.cluster) return `${kind}(${args})`;
  // Family tables replicate within a shard; bookkeeping replicates to every node of the cluster.
  const path =
    kind === 'MergeTree'
      ? '/clickhouse/tables/{shard}/{database}/{table}'
      : '/clickhouse/tables/m365hunt-all/{database}/{table}';
  return `Replicated${kind}(${literal(path)}, '{replica}'${args ? `, ${args}` : ''})`;
}

/**
 * Merges column by column whatever the parts' size: a merge of small parts otherwise reads every
 * column of every part at once (a buffer per column stream and part), the largest share of an
 * ingest's memory; a 300,000-record import into chdb peaked at 774 MiB instead of 1,005
 * (docs/store.md, "ClickHouse ingest").
 */
const VERTICAL_MERGES =
  'vertical_merge_algorithm_min_rows_to_activate = 1, vertical_merge_algorithm_min_columns_to_activate = 1';

export function familyTableDdl(family: TableFamily, layout: Layout): string[] {
  const columns = columnDefinitions(family).map((d) => `  ${d}`);
  const present = new Set(family.columns.map((c) => c.name));
  const indexes = INDEXES.filter((ix) => present.has(ix.column)).map(
    (ix) =>
      `  INDEX ${quoteIdent(ix.name)} ${quoteIdent(ix.column)} TYPE ${ix.type} GRANULARITY ${ix.granularity}`,
  );
  const local = localTable(layout, family);
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${qualified(layout, local)}${onCluster(layout)} (
${[...columns, ...indexes].join(',\n')}
) ENGINE = ${engine(layout, 'MergeTree')}
PARTITION BY toDate(eventdate)
ORDER BY (${ORDER_BY.map(quoteIdent).join(', ')})
SETTINGS ttl_only_drop_parts = 1, ${VERTICAL_MERGES}`,
  ];
  if (layout.cluster) {
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${qualified(layout, family.id)}${onCluster(layout)} AS ${qualified(layout, local)}
ENGINE = Distributed(${literal(layout.cluster)}, ${literal(layout.database)}, ${literal(local)}, sipHash64(${quoteIdent(family.idPath)}))`,
    );
  }
  return statements;
}

/** Retention: a TTL on eventdate that drops whole days (0 removes the TTL). */
export function retentionSql(family: TableFamily, layout: Layout, days: number): string {
  const table = qualified(layout, localTable(layout, family));
  return days === 0
    ? `ALTER TABLE ${table}${onCluster(layout)} REMOVE TTL`
    : `ALTER TABLE ${table}${onCluster(layout)} MODIFY TTL toDateTime(eventdate) + INTERVAL ${Math.trunc(days)} DAY`;
}

export function bookkeepingDdl(layout: Layout): string[] {
  const table = (name: string, columns: string, version: string, orderBy: string) =>
    `CREATE TABLE IF NOT EXISTS ${qualified(layout, name)}${onCluster(layout)} (${columns})
ENGINE = ${engine(layout, 'ReplacingMergeTree', version)} ORDER BY (${orderBy})`;
  return [
    table(
      '_journal',
      `kind LowCardinality(String), source String, tenant String, stream String, name String,
       value String, n Int64, version UInt64, updated ${TIMESTAMP_TYPE}`,
      'version',
      'kind, source, tenant, stream, name',
    ),
    table(
      '_quarantine',
      `family LowCardinality(String), tenant String, origin String, reason LowCardinality(String),
       text String CODEC(ZSTD(3)), text_hash UInt64, quarantined_at ${TIMESTAMP_TYPE}`,
      'quarantined_at',
      'tenant, family, origin, text_hash',
    ),
    table(
      '_stream_health',
      `source String, tenant String, stream String, kind LowCardinality(String),
       error Nullable(String), at ${TIMESTAMP_TYPE}`,
      'at',
      'source, tenant, stream, kind',
    ),
    table(
      '_leases_local',
      `name String, owner String, expires ${TIMESTAMP_TYPE}, version UInt64`,
      'version',
      'name',
    ),
  ];
}

/**
 * Leases in ClickHouse Keeper: linearizable, shared by every node that creates the table on the
 * same path. Needs `<keeper_map_path_prefix>` in the server configuration.
 */
export function keeperLeasesDdl(layout: Layout): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(layout, '_leases')}${onCluster(layout)}
(name String, owner String, expires ${TIMESTAMP_TYPE})
ENGINE = KeeperMap(${literal(`/m365hunt/${layout.database}/leases`)}) PRIMARY KEY name`;
}

export function allDdl(layout: Layout): string[] {
  return [...FAMILIES.flatMap((f) => familyTableDdl(f, layout)), ...bookkeepingDdl(layout)];
}
