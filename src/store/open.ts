// Opens the store a command or the server was pointed at: `--db PATH` (DuckDB, the default),
// or a store URL: `duckdb:PATH`, `chdb:DIR`, `clickhouse://host:port/db`.
import { M365HuntError } from '../util/errors.js';
import { DuckDbStore, type DuckDbStoreOptions } from './duckdb/duckdb-store.js';
import type { Store } from './store.js';

export const DEFAULT_DB = './m365hunt.duckdb';

export interface OpenStoreOptions {
  readOnly?: boolean;
  duckdb?: DuckDbStoreOptions;
}

type StoreOpener = (location: string, options: OpenStoreOptions) => Promise<Store>;

const openers = new Map<string, StoreOpener>([
  [
    'duckdb',
    (location, options) =>
      DuckDbStore.open(location, { ...options.duckdb, readOnly: options.readOnly }),
  ],
]);

/** Lets another store kind (ClickHouse) plug in without this file importing it eagerly. */
export function registerStoreKind(scheme: string, opener: StoreOpener): void {
  openers.set(scheme, opener);
}

// ClickHouse loads on first use: chdb's library is large, and DuckDB users never need it.
const clickhouse = () => import('./clickhouse/open.js');
registerStoreKind('chdb', async (location, options) =>
  (await clickhouse()).openChdbStore(location, options),
);
for (const scheme of ['clickhouse', 'clickhouses']) {
  registerStoreKind(scheme, async (url, options) =>
    (await clickhouse()).openServerStore(url, options),
  );
}

export function parseStoreUrl(url: string): { scheme: string; location: string } {
  const match = /^([a-z][a-z0-9+]*):(.*)$/i.exec(url);
  // A Windows drive letter or a bare path is a DuckDB file.
  if (!match || match[1]!.length === 1) return { scheme: 'duckdb', location: url };
  const scheme = match[1]!.toLowerCase();
  if (scheme === 'clickhouse' || scheme === 'clickhouses') return { scheme, location: url };
  return { scheme, location: match[2]! };
}

export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const { scheme, location } = parseStoreUrl(url);
  const opener = openers.get(scheme);
  if (!opener) {
    throw new M365HuntError(`Unknown store kind "${scheme}" in ${url}.`, {
      hint: 'Use a DuckDB file path, duckdb:PATH, chdb:DIR or clickhouse://host:port/db.',
    });
  }
  if (location.trim() === '') throw new M365HuntError(`The store URL ${url} names no location.`);
  return opener(location, options);
}
