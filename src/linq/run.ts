// runLinq: compile a query for the store's dialect and run it; the rows stream.
import { loadLookupCatalog, type LookupCatalog } from '../store/lookups.js';
import { createCatalog, MANAGEMENT, type Catalog } from '../store/schema.js';
import type { QueryStream, Store } from '../store/store.js';
import { M365HuntError } from '../util/errors.js';
import { compileLinq, type CompiledLinq } from './compile.js';
import type { FunctionTable } from './functions/types.js';

export interface RunOptions {
  from: Date;
  to: Date;
  now?: Date;
  /** The catalog; by default the standard tables plus the sub-tables present in the store. */
  catalog?: Catalog;
  limit?: number;
  functions?: FunctionTable;
  /** The lookups `lu(…)` reads; by default the store's current versions. */
  lookups?: LookupCatalog;
  /** See CompileOptions.tableColumns (default true: every column of the table). */
  tableColumns?: boolean;
}

export type LinqResult = QueryStream & { compiled: CompiledLinq };

/** Compiles and runs a query. Columns carry their LINQ names; rows come in chunks. */
export async function runLinq(store: Store, text: string, opts: RunOptions): Promise<LinqResult> {
  const catalog = opts.catalog ?? createCatalog(await store.subtables(MANAGEMENT.id));
  const lookups = opts.lookups ?? (await loadLookupCatalog(store));
  const compiled = compileLinq(text, {
    dialect: store.dialect,
    catalog,
    from: opts.from,
    to: opts.to,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    ...(opts.functions ? { functions: opts.functions } : {}),
    lookups,
    ...(opts.tableColumns !== undefined ? { tableColumns: opts.tableColumns } : {}),
  });
  let stream: QueryStream;
  try {
    stream = await store.query({ sql: compiled.sql, params: compiled.params });
  } catch (error) {
    if (error instanceof Error && /linq_jq/.test(error.message)) {
      throw new M365HuntError(
        "This store cannot run jq programs: LINQ's functions are not registered on it",
        {
          hint: 'a jq program that is not a simple path (.a.b[0]) needs registerLinqFunctions() on the DuckDB connection',
          cause: error,
        },
      );
    }
    throw error;
  }
  return {
    columns: compiled.columns.map((c, i) => ({
      name: c.name,
      type: stream.columns[i]?.type ?? c.type,
      origin: c.origin,
    })),
    chunks: () => stream.chunks(),
    compiled,
  };
}
