// The `query` section's defaults: what one query may spend unless the configuration says otherwise
// (docs/security.md, "Query limits and jq"). The stores and the jq engine enforce them.

/** The time and memory one query may spend, and the time a jq program may take per batch. */
export interface QueryLimitsConfig {
  /** Wall time from a query's start to its last row (query.timeout). */
  readonly timeoutMs: number;
  /** Memory one query may use on ClickHouse/chdb (query.max_memory). */
  readonly maxMemoryBytes: number;
  /** Time one jq call (a batch of up to 2,048 values) may take (query.jq_timeout). */
  readonly jqTimeoutMs: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimitsConfig = {
  timeoutMs: 60_000,
  maxMemoryBytes: 2 * 1024 ** 3,
  jqTimeoutMs: 2_000,
};
