// What one query may spend: wall time from its start to its last row, and (on ClickHouse/chdb)
// memory. Every LINQ query runs with them (CLI, API, rules); a query past one is cancelled in the
// engine (DuckDB: interrupt; ClickHouse: max_execution_time / max_memory_usage) and answers a
// QueryLimitError. Configured by the `query` section; see docs/security.md, "Query limits and jq".
import { DEFAULT_QUERY_LIMITS as DEFAULTS } from '../config/query-limits.js';
import { M365HuntError } from '../util/errors.js';

export interface QueryLimits {
  /** Wall time from the query's start to its last row, in milliseconds. */
  readonly timeoutMs: number;
  /**
   * Memory one query may use, in bytes (ClickHouse and chdb: max_memory_usage). DuckDB has no
   * per-query limit: its queries share the store's memory_limit.
   */
  readonly maxMemoryBytes: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  timeoutMs: DEFAULTS.timeoutMs,
  maxMemoryBytes: DEFAULTS.maxMemoryBytes,
};

export type LimitKind = 'time' | 'memory';

/** A query that ran past one of its limits and was cancelled. */
export class QueryLimitError extends M365HuntError {
  constructor(
    readonly limit: LimitKind,
    readonly limits: QueryLimits,
    cause?: unknown,
  ) {
    super(
      limit === 'time'
        ? `The query ran out of time: it was stopped after ${formatMs(limits.timeoutMs)} (query.timeout)`
        : `The query ran out of memory: it was stopped at ${formatBytes(limits.maxMemoryBytes)} (query.max_memory)`,
      {
        hint:
          limit === 'time'
            ? 'narrow the time range, filter earlier (where before select), or group; an operator may raise query.timeout'
            : 'select fewer or smaller columns, filter earlier, or group; an operator may raise query.max_memory',
        cause,
      },
    );
    this.name = 'QueryLimitError';
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

/** ClickHouse's own words for a query past a limit (TIMEOUT_EXCEEDED, MEMORY_LIMIT_EXCEEDED). */
export function clickHouseLimit(error: unknown): LimitKind | null {
  const text =
    error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error);
  if (/TIMEOUT_EXCEEDED|Timeout exceeded|code: 159\b/i.test(text)) return 'time';
  if (
    /MEMORY_LIMIT_EXCEEDED|Memory limit \(for query\) exceeded|memory limit exceeded|code: 241\b/i.test(
      text,
    )
  )
    return 'memory';
  return null;
}

/** ClickHouse settings that hold a query to its limits (and let it be as long as LINQ writes it). */
export function clickHouseLimitSettings(limits: QueryLimits): Record<string, number | string> {
  return {
    max_execution_time: Math.max(1, Math.ceil(limits.timeoutMs / 1000)),
    timeout_overflow_mode: 'throw',
    max_memory_usage: limits.maxMemoryBytes,
    // The compiler bounds a query's size itself; ClickHouse's default (256 KiB) refused queries
    // it had accepted ("Max query size exceeded", issue 20 item 6).
    max_query_size: 16 * 1024 * 1024,
  };
}
