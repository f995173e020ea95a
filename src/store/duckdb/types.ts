// DuckDB names for the schema's column types, and the one function that quotes identifiers.
import type { ColumnType } from '../schema.js';

export function duckdbType(type: ColumnType): string {
  switch (type) {
    case 'string':
      return 'VARCHAR';
    case 'int':
      return 'BIGINT';
    case 'float':
      return 'DOUBLE';
    case 'bool':
      return 'BOOLEAN';
    case 'timestamp':
      return 'TIMESTAMP';
  }
}

/** Quotes an identifier for DuckDB. Identifiers come from the schema, never from user text. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
