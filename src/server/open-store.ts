// Opens the store for the server and the demo: the CLI's store options, with LINQ's engine
// functions registered on every DuckDB connection (jq programs that are not simple paths).
import { registerLinqFunctions } from '../linq/index.js';
import { storeUrlFromOptions, type StoreCliOptions } from '../cli/store-options.js';
import type { ResolvedConfig } from '../config/load.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';

export function openServerStore(options: StoreCliOptions, config?: ResolvedConfig): Promise<Store> {
  return openStore(storeUrlFromOptions(options, config), {
    duckdb: {
      ...(config?.store.memoryLimit ? { memoryLimit: config.store.memoryLimit } : {}),
      onConnect: registerLinqFunctions,
    },
  });
}
