// compileLinq: text → tokens → syntax tree → checked plan → SQL of one dialect, with its parameters.
import type { LookupCatalog } from '../store/lookups.js';
import type { Catalog, LogicalTable } from '../store/schema.js';
import type { Dialect, SqlValue } from '../store/store.js';
import { checkQuery } from './checker.js';
import { ClickHouseGenerator } from './dialects/clickhouse.js';
import { DuckDBGenerator } from './dialects/duckdb.js';
import { defaultFunctions } from './functions/index.js';
import type { FunctionTable } from './functions/types.js';
import type { Plan } from './ir.js';
import { parseLinq } from './parser.js';
import type { SqlGenerator } from './sql/generator.js';
import { formatTimestamp } from './time-range.js';
import type { LType } from './types.js';

export interface CompileOptions {
  dialect: Dialect;
  catalog: Catalog;
  /** The time range [from, to) on `eventdate`. */
  from: Date;
  to: Date;
  /** What now() means; the time of the call by default. */
  now?: Date;
  /** Alert engine: only rows whose internal _seq is in (lo, hi]. */
  seqRange?: readonly [bigint, bigint];
  /** Alert engine: for ungrouped queries, also output the internal _seq column as `_seq`. */
  keepSeq?: boolean;
  /**
   * Whether an ungrouped query with a `select` also gives every column of its table after the
   * selected ones, as Devo does (default true). Callers that read only the columns they name
   * (the alert engine) pass false: the answer then holds the selected columns and `eventdate`.
   */
  tableColumns?: boolean;
  /** Caps the rows returned (on top of the query's own `limit`). */
  limit?: number;
  /** Functions to use instead of the default table (which has GeoIP backed by the shipped data). */
  functions?: FunctionTable;
  /** The lookups `lu(…)` may read (`loadLookupCatalog(store)`); none by default. */
  lookups?: LookupCatalog;
}

export interface CompiledColumn {
  /** The column's LINQ name: alias, field, or the expression as written. */
  name: string;
  /** Its LINQ type: str, int, float, bool, timestamp, duration, ip4, net4, net6, json, array(…). */
  type: string;
  /** The column's name in the SQL result (columns are also in the same order). */
  sqlName: string;
  /**
   * `query`: a column the query selects, creates or groups by; `table`: a column of the table
   * the answer carries after those (a compact view may hide these).
   */
  origin: 'query' | 'table';
}

export interface CompiledLinq {
  sql: string;
  params: SqlValue[];
  columns: CompiledColumn[];
  /** Whether the query groups (rows are groups, not records). */
  grouped: boolean;
  table: LogicalTable;
  dialect: Dialect;
  /** The SQL with its parameters listed, for --explain. */
  explain(): string;
}

export function generatorFor(dialect: Dialect): SqlGenerator {
  return dialect === 'clickhouse' ? new ClickHouseGenerator() : new DuckDBGenerator();
}

/** Compiles a LINQ query to SQL; throws a positioned LinqError for any mistake in it. */
export function compileLinq(text: string, options: CompileOptions): CompiledLinq {
  const query = parseLinq(text);
  const now = options.now ?? new Date();
  const plan: Plan = checkQuery(text, query, {
    catalog: options.catalog,
    dialect: options.dialect,
    now,
    functions: options.functions ?? defaultFunctions(),
    jqPrograms: options.dialect === 'duckdb',
    keepSeq: options.keepSeq === true,
    tableColumns: options.tableColumns !== false,
    lookups: options.lookups ?? new Map(),
  });
  const generated = generatorFor(options.dialect).generate(plan, {
    from: options.from,
    to: options.to,
    ...(options.seqRange ? { seqRange: options.seqRange } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });
  const columns = plan.outputs.map((o) => ({
    name: o.name,
    type: o.type,
    sqlName: o.sqlName,
    origin: o.origin,
  }));
  return {
    sql: generated.sql,
    params: generated.params,
    columns,
    grouped: plan.groups.length > 0,
    table: plan.table,
    dialect: options.dialect,
    explain: () =>
      explainText(generated.sql, generated.params, generated.paramTypes, options.dialect, columns),
  };
}

function showValue(v: SqlValue): string {
  if (v instanceof Date) return formatTimestamp(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

function explainText(
  sql: string,
  params: readonly SqlValue[],
  types: readonly LType[],
  dialect: Dialect,
  columns: readonly CompiledColumn[],
): string {
  const lines = [`-- ${dialect} SQL`, sql, '', '-- parameters'];
  params.forEach((p, i) => {
    const name = dialect === 'clickhouse' ? `{p${i + 1}}` : `$${i + 1}`;
    lines.push(`--   ${name} = ${showValue(p)}  (${types[i] ?? ''})`);
  });
  lines.push('', '-- columns');
  for (const c of columns)
    lines.push(`--   ${c.name}  ${c.type}${c.sqlName !== c.name ? `  (as ${c.sqlName})` : ''}`);
  return lines.join('\n');
}
