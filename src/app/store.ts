// Opens the store every command, the server and the demo use: `--db PATH` (DuckDB, the default),
// `--store URL` (`duckdb:PATH`, `chdb:DIR`, `clickhouse://host:port/db`), or the store named in
// the configuration, with LINQ's engine functions on every DuckDB connection.
import { loadConfig, type ResolvedConfig } from '../config/load.js';
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

export async function openStoreFromOptions(
  options: StoreCliOptions,
  extra: { readOnly?: boolean; config?: ResolvedConfig; ingest?: boolean } = {},
): Promise<Store> {
  const config = extra.config ?? (options.config ? loadConfig(options.config) : undefined);
  const memoryLimit = config?.store.memoryLimit ?? (extra.ingest ? INGEST_MEMORY_LIMIT : undefined);
  return openStore(storeUrlFromOptions(options, config), {
    readOnly: extra.readOnly,
    duckdb: {
      ...(memoryLimit ? { memoryLimit } : {}),
      // LINQ's engine functions (jq programs that are not simple paths, GeoIP) on every DuckDB
      // connection, so queries and rules run alike in every command.
      onConnect: registerLinqFunctions,
    },
  });
}
