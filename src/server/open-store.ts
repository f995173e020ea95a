// Opens the store for the server and the demo: the CLI's store options (with LINQ's engine
// functions registered on every DuckDB connection), writable.
import { openStoreFromOptions, type StoreCliOptions } from '../cli/store-options.js';
import type { ResolvedConfig } from '../config/load.js';
import type { Store } from '../store/store.js';

export function openServerStore(options: StoreCliOptions, config?: ResolvedConfig): Promise<Store> {
  return openStoreFromOptions(options, { config });
}
