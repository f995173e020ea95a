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

export async function openStoreFromOptions(
  options: StoreCliOptions,
  extra: { readOnly?: boolean; config?: ResolvedConfig } = {},
): Promise<Store> {
  const config = extra.config ?? (options.config ? loadConfig(options.config) : undefined);
  return openStore(storeUrlFromOptions(options, config), {
    readOnly: extra.readOnly,
    duckdb: {
      ...(config?.store.memoryLimit ? { memoryLimit: config.store.memoryLimit } : {}),
      // LINQ's engine functions (jq programs that are not simple paths, GeoIP) on every DuckDB
      // connection, so queries and rules run alike in every command.
      onConnect: registerLinqFunctions,
    },
  });
}
