// Opens ClickHouse stores from their URLs; loaded lazily by ../open.ts, so that DuckDB users never
// load chdb's library.
import type { OpenStoreOptions } from '../open.js';
import { ChdbExecutor } from './chdb-executor.js';
import { ClickHouseStore, type ClickHouseStoreOptions } from './clickhouse-store.js';
import { createDatabaseSql } from './ddl.js';
import { HttpExecutor } from './http-executor.js';
import { parseChdbLocation, parseServerUrl } from './url.js';

export type ChdbOpenOptions = Omit<ClickHouseStoreOptions, 'location'>;

/** `chdb:DIR[?database=NAME]`: `location` is the text after `chdb:`. */
export async function openChdbStore(
  location: string,
  options: OpenStoreOptions & { clickhouse?: ChdbOpenOptions } = {},
): Promise<ClickHouseStore> {
  const parsed = parseChdbLocation(location);
  const executor = await ChdbExecutor.open(parsed.dir, parsed.database);
  return ClickHouseStore.open(
    executor,
    { database: parsed.database },
    {
      ...parsed.layout,
      ...options.clickhouse,
      readOnly: options.readOnly,
      location: parsed.display,
    },
  );
}

/** `clickhouse://…` and `clickhouses://…`, the whole URL. */
export async function openServerStore(
  url: string,
  options: OpenStoreOptions = {},
): Promise<ClickHouseStore> {
  const parsed = parseServerUrl(url);
  const layout = { database: parsed.target.database, cluster: parsed.layout.cluster };
  const executor = await HttpExecutor.open(parsed.target, createDatabaseSql(layout));
  return ClickHouseStore.open(executor, layout, {
    ...parsed.layout,
    readOnly: options.readOnly,
    location: parsed.display,
  });
}
