// The one way a LINQ query runs (the CLI, the API, the rules, the alert and action logs): compile
// for the store's dialect, run with the query limits, stream the rows. Errors arrive before the
// first row where they can: the first chunk is read before runLinq returns, so that a query the
// engine refuses or stops (a limit) answers with its own error, not with a broken stream. See
// docs/security.md, "Query limits and jq".
import { loadLookupCatalog, type LookupCatalog } from '../store/lookups.js';
import { DEFAULT_QUERY_LIMITS, QueryLimitError, type QueryLimits } from '../store/query-limits.js';
import { createCatalog, MANAGEMENT, type Catalog } from '../store/schema.js';
import type { DocumentStore, QueryStore, QueryStream, SqlValue } from '../store/store.js';
import { M365HuntError } from '../util/errors.js';
import { compileLinq, type CompiledLinq, type CompileOptions } from './compile.js';
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
  /** See CompileOptions.keepSeq and seqRange (the alert engine). */
  keepSeq?: boolean;
  seqRange?: CompileOptions['seqRange'];
  /** The limits of this run; by default those configured (configureQueryLimits). */
  limits?: QueryLimits;
}

export type LinqResult = QueryStream & { compiled: CompiledLinq };

let configured: QueryLimits = DEFAULT_QUERY_LIMITS;

/** Sets the limits every query runs with (from the configuration's `query` section). */
export function configureQueryLimits(limits: QueryLimits): void {
  configured = limits;
}

/** The limits queries run with now. */
export function queryLimits(): QueryLimits {
  return configured;
}

/** An error of the engine while it ran a query the compiler accepted (a bug, or a value it refused). */
export class QueryEngineError extends M365HuntError {
  constructor(message: string, cause: unknown) {
    super(`The engine could not run this query: ${message}`, {
      hint: 'if the query looks right, this is a defect of m365hunt: please report the query',
      cause,
    });
    this.name = 'QueryEngineError';
  }
}

/**
 * A value the query met at run time that its operation cannot take (an integer overflow, a text
 * that is no number): it depends on the rows, so it has no place in the query text.
 */
export class QueryValueError extends M365HuntError {
  constructor(message: string, cause: unknown) {
    super(`A value did not fit the query while it ran: ${message}`, {
      hint: 'convert or test the values first (e.g. float(x), isnull(x)), or filter the rows that hold them',
      cause,
    });
    this.name = 'QueryValueError';
  }
}

/** Engine messages of values that do not fit (DuckDB's error classes, ClickHouse's codes). */
const VALUE_ERRORS =
  /Out of Range Error|Conversion Error|Overflow in|DECIMAL_OVERFLOW|ARGUMENT_OUT_OF_BOUND|VALUE_IS_OUT_OF_RANGE|CANNOT_PARSE|ILLEGAL_DIVISION|CANNOT_CONVERT_TYPE/;

/** What a failure of the engine means for the user. */
function explain(error: unknown, limits: QueryLimits): unknown {
  if (error instanceof M365HuntError) return error;
  const text = error instanceof Error ? error.message : String(error);
  if (/linq_jq/.test(text) && /does not exist|not found|no function matches/i.test(text)) {
    return new M365HuntError(
      "This store cannot run jq programs: LINQ's functions are not registered on it",
      {
        hint: 'a jq program that is not a simple path (.a.b[0]) needs registerLinqFunctions() on the DuckDB connection',
        cause: error,
      },
    );
  }
  if (/ran out of time .*query\.jq_timeout/.test(text)) {
    return new M365HuntError(text.slice(text.indexOf('the jq program')).split('\n')[0]!, {
      hint: 'a jq program runs per batch of rows within query.jq_timeout; simplify it or filter the rows first',
      cause: error,
    });
  }
  if (/INTERRUPT/i.test(text)) return new QueryLimitError('time', limits, error);
  if (VALUE_ERRORS.test(text)) return new QueryValueError(text.split('\n')[0]!, error);
  return new QueryEngineError(text.split('\n')[0]!, error);
}

/** Compiles and runs a query. Columns carry their LINQ names; rows come in chunks. */
/**
 * The store a query needs: its engine, and its documents for the lookups unless the options give
 * them (the event logs read with no lookups, through the query role alone).
 */
export type RunStore = QueryStore & Partial<DocumentStore>;

function hasDocuments(store: RunStore): store is QueryStore & DocumentStore {
  return typeof store.listState === 'function';
}

export async function runLinq(
  store: RunStore,
  text: string,
  opts: RunOptions,
): Promise<LinqResult> {
  const catalog = opts.catalog ?? createCatalog(await store.subtables(MANAGEMENT.id));
  const lookups =
    opts.lookups ?? (hasDocuments(store) ? await loadLookupCatalog(store) : new Map());
  const limits = opts.limits ?? configured;
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
    ...(opts.keepSeq ? { keepSeq: true } : {}),
    ...(opts.seqRange ? { seqRange: opts.seqRange } : {}),
  });
  let stream: QueryStream;
  try {
    stream = await store.query({ sql: compiled.sql, params: compiled.params }, limits);
  } catch (error) {
    throw explain(error, limits);
  }
  const iterator = stream.chunks()[Symbol.asyncIterator]();
  let first: IteratorResult<readonly (readonly SqlValue[])[]>;
  try {
    first = await iterator.next();
  } catch (error) {
    throw explain(error, limits);
  }
  let used = false;
  return {
    columns: compiled.columns.map((c, i) => ({
      name: c.name,
      type: stream.columns[i]?.type ?? c.type,
      origin: c.origin,
    })),
    async *chunks() {
      if (used) throw new Error('the rows of a query can be read once');
      used = true;
      try {
        if (first.done) return;
        yield first.value;
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value;
        }
      } catch (error) {
        throw explain(error, limits);
      } finally {
        await iterator.return?.();
      }
    },
    compiled,
  };
}

/** Runs a query and gathers its rows as objects by column name (small answers only). */
export async function collectLinq(
  store: RunStore,
  text: string,
  opts: RunOptions,
): Promise<{ compiled: CompiledLinq; rows: Array<Record<string, SqlValue>> }> {
  const result = await runLinq(store, text, opts);
  const names = result.compiled.columns.map((c) => c.name);
  const rows: Array<Record<string, SqlValue>> = [];
  for await (const chunk of result.chunks()) {
    for (const values of chunk) {
      const row: Record<string, SqlValue> = {};
      names.forEach((n, i) => (row[n] = values[i] ?? null));
      rows.push(row);
    }
  }
  return { compiled: result.compiled, rows };
}
