// ClickHouse names for the schema's column types, and the quoting of the SQL text this folder
// makes. Identifiers and literals quoted here come from the schema and the store's own
// configuration, never from user text: user values are always bound as `{name:Type}` parameters.
import type { ColumnDef, ColumnType, TableFamily } from '../schema.js';

/** Columns with few distinct values: dictionary-encoded, which makes filters and GROUP BY cheap. */
const LOW_CARDINALITY = new Set([
  '_tenant',
  '_content_type',
  '_subtable',
  'hostchain',
  'client',
  'Operation',
  'OrganizationId',
  'Workload',
  'ResultStatus',
  'ApplicationId',
  'LogonError',
  'ErrorNumber',
  'OrganizationName',
  'SourceFileExtension',
  'TargetUserOrGroupType',
  'ItemType',
  'EventSource',
]);

/** Columns every row has (the rest are NULL when the record lacks the field). */
const NOT_NULL_DERIVED = new Set([
  'seq',
  'ingested',
  'tenant',
  'contentType',
  'subtable',
  'eventdate',
  'hostchain',
  'client',
  'message',
]);

export const TIMESTAMP_TYPE = "DateTime64(3, 'UTC')";

export function clickhouseBaseType(type: ColumnType): string {
  switch (type) {
    case 'string':
      return 'String';
    case 'int':
      return 'Int64';
    case 'float':
      return 'Float64';
    case 'bool':
      return 'Bool';
    case 'timestamp':
      return TIMESTAMP_TYPE;
  }
}

export function isNotNull(family: TableFamily, column: ColumnDef): boolean {
  return (
    (column.derived !== undefined && NOT_NULL_DERIVED.has(column.derived)) ||
    column.name === family.idPath
  );
}

/** The column's full ClickHouse type: Nullable where a record may lack it, LowCardinality where it pays. */
export function clickhouseColumnType(family: TableFamily, column: ColumnDef): string {
  let type = clickhouseBaseType(column.type);
  if (!isNotNull(family, column)) type = `Nullable(${type})`;
  if (column.type === 'string' && LOW_CARDINALITY.has(column.name)) {
    type = `LowCardinality(${type})`;
  }
  return type;
}

/** Quotes an identifier for ClickHouse. */
export function quoteIdent(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

/** A ClickHouse string literal; only for text made here from the schema, never for user input. */
export function literal(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Database names are spliced into DDL and into `db.table` names, so they are held to a plain shape. */
export const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
