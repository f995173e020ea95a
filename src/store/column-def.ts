// The two ways a table family declares a column: read from the record at a path, or derived from
// other values. One pair of helpers for schema.ts and the families kept in their own files.
import type { ColumnDef, ColumnType, DerivedColumn } from './schema.js';

/** A column read from the record (at its own name unless `paths` says where). */
export const col = (
  name: string,
  type: ColumnType,
  doc: string,
  paths: readonly string[] = [name],
): ColumnDef => ({ name, type, paths, doc });

/** A column computed when a record is stored. */
export const derived = (
  name: string,
  type: ColumnType,
  d: DerivedColumn,
  doc: string,
  internal = false,
): ColumnDef => ({ name, type, derived: d, doc, internal });
