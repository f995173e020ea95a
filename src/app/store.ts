// Opens the store every command, the server and the demo use: `--db PATH` (DuckDB, the default),
// `--store URL` (`duckdb:PATH`, `chdb:DIR`, `clickhouse://host:port/db`), or the store named in
// the configuration, with LINQ's engine functions on every DuckDB connection.
import { loadConfig, type ResolvedConfig } from '../config/load.js';
import { DEFAULT_QUERY_LIMITS } from '../config/query-limits.js';
import { configureJq } from '../linq/jq-engine.js';
import { configureQueryLimits } from '../linq/run.js';
import { registerLinqFunctions } from '../linq/udf.js';
import { DEFAULT_DB, openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { M365HuntError } from '../util/errors.js';

export interface StoreCliOptions {
  db?: string;
  store?: string;
  config?: string;
}

/** Where the store is: --store, then --db, then the config's store, then the default file. */
export function storeUrlFromOptions(options: StoreCliOptions, config?: ResolvedConfig): string {
  if (options.store && options.db) {
    throw new M365HuntError('Give either --db or --store, not both.');
  }
  return options.store ?? options.db ?? config?.store.url ?? DEFAULT_DB;
}

/**
 * DuckDB's memory limit for the commands that ingest (`import`, `collect`) when the configuration
 * sets none: their peak memory stays flat whatever the size of the file or the backfill
 * (docs/import.md, "Memory"). Other commands keep DuckDB's default (80% of RAM) for queries.
 */
export const INGEST_MEMORY_LIMIT = '128MB';

/**
 * DuckDB's checkpoint threshold for `import`: a checkpoint rewrites the table's last, partly
 * filled row group and grows with the table, so an import checkpoints rarely (300,000 records:
 * 36 s of commits at DuckDB's 64MB against 9 s at 1GB, docs/import.md). The WAL it leaves after a
 * crash is replayed when the store opens; an import run again stores nothing twice.
 */
export const IMPORT_CHECKPOINT_THRESHOLD = '1GB';

export async function openStoreFromOptions(
  options: StoreCliOptions,
  extra: {
    readOnly?: boolean;
    config?: ResolvedConfig;
    /** `collect` and `import`: DuckDB's memory bounded by default. */
    ingest?: boolean;
    /** DuckDB's checkpoint threshold (default 64MB). */
    checkpointThreshold?: string;
  } = {},
): Promise<Store> {
  const config = extra.config ?? (options.config ? loadConfig(options.config) : undefined);
  // Every query of this process runs within the configured limits, or the defaults
  // (docs/security.md, "Query limits and jq").
  const limits = config?.query ?? DEFAULT_QUERY_LIMITS;
  configureQueryLimits(limits);
  configureJq({ timeoutMs: limits.jqTimeoutMs });
  const memoryLimit = config?.store.memoryLimit ?? (extra.ingest ? INGEST_MEMORY_LIMIT : undefined);
  return openStore(storeUrlFromOptions(options, config), {
    readOnly: extra.readOnly,
    duckdb: {
      ...(memoryLimit ? { memoryLimit } : {}),
      ...(extra.checkpointThreshold ? { checkpointThreshold: extra.checkpointThreshold } : {}),
      // LINQ's engine functions (jq programs that are not simple paths, GeoIP) on every DuckDB
      // connection, so queries and rules run alike in every command.
      onConnect: registerLinqFunctions,
    },
  });
}
