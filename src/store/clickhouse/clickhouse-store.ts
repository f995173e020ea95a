// The scale-out store: the Store interface on ClickHouse, in-process (chdb) or on a server or
// cluster (HTTP). The same SQL runs on both; see ddl.ts for the tables and ingest-sql.ts for the
// ingest.
//
// Exactly once without transactions. ClickHouse has no multi-statement transaction, so a commit
// is a sequence of inserts made safe to interrupt anywhere (README, "Scaling out on ClickHouse"):
//   1. stage the batch; on a server, stop ingest writes a dead writer left running (the fence)
//   2. read the committed watermark W, the commit number C and H, the highest _seq stored above W
//   3. base = max(W, H); choose the new rows: valid, not stored (same Id and time), first in batch
//   4. insert them numbered base+1 … base+n; insert rejected records into the quarantine
//   5. commit: ONE insert into `_journal` of W' = base + n, the cursor, the content marks, the
//      documents, new sub-tables and C+1. One insert into a table without partitions is one part,
//      which ClickHouse makes visible whole or not at all.
// A crash before 5 leaves rows above W that no cursor covers ("orphans"). The source is read
// again from the old cursor; step 3 finds the orphans stored and skips them, and numbers above
// them, and step 5 moves W past them: no row twice, none lost. Readers of `_seq` ranges (the alert
// engine) read up to W (`maxSeq()`), which is written after the rows it covers are visible; every
// row's number is above the W current when it was inserted and at most the next W: each row falls
// in exactly one range (W_k, W_k+1]. Rows are deduplicated when written: queries need no FINAL.
import { M365HuntError } from '../../util/errors.js';
import {
  clickHouseLimit,
  clickHouseLimitSettings,
  QueryLimitError,
  type QueryLimits,
} from '../query-limits.js';
import { FAMILIES } from '../schema.js';
import type { QueryStream, SqlQuery, SqlValue, Store } from '../store.js';
import {
  allDdl,
  columnDefinitions,
  keeperLeasesDdl,
  localTable,
  retentionSql,
  SCHEMA_VERSION,
  type Layout,
} from './ddl.js';
import type { ChExecutor } from './executor.js';
import { quoteIdent } from './types.js';
import { namedParams } from './values.js';
import { type ClickHouseStoreOptions, str } from './store-base.js';
import { ClickHouseBookkeeping } from './bookkeeping.js';
import { GeoIpDictionaries } from './geoip.js';

export type { ClickHouseStoreOptions, IngestPoint } from './store-base.js';
export { stagePayload } from './ingest.js';

export class ClickHouseStore extends ClickHouseBookkeeping implements Store {
  /** The GeoIP dictionaries LINQ's GeoIP functions read, filled on first use (./geoip.ts). */
  readonly geoip: GeoIpDictionaries;

  private constructor(executor: ChExecutor, layout: Layout, options: ClickHouseStoreOptions) {
    super(executor, layout, options);
    this.geoip = new GeoIpDictionaries({
      database: layout.database,
      cluster: layout.cluster,
      readOnly: options.readOnly === true,
      command: (sql) => executor.command(sql),
      select: async (sql, params) => (await executor.select(sql, { params })).rows,
      insertTsv: (table, columns, payload) =>
        executor.writer.insertTsv(table, columns, payload, { settings: this.insertSettings() }),
      getMeta: (name) => this.meta(executor, name),
      setMeta: (name, value) =>
        this.writeState(executor.writer, [
          { kind: 'meta', name, value, version: BigInt(Date.now()) },
        ]),
      exclusive: (fn) => this.writer.run(fn),
    });
  }

  static async open(
    executor: ChExecutor,
    layout: Layout,
    options: ClickHouseStoreOptions,
  ): Promise<ClickHouseStore> {
    const store = new ClickHouseStore(executor, layout, options);
    try {
      if (!options.readOnly) await store.migrate();
      else await store.detectLeases();
    } catch (error) {
      await executor.close();
      throw error;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.writer.run(async () => {
      for (const sql of allDdl(this.layout)) await this.executor.command(sql);
      await this.addMissingColumns();
      if (this.options.retentionDays !== undefined) {
        for (const family of FAMILIES) {
          if (family.keep) continue;
          await this.executor.command(
            retentionSql(family, this.layout, this.options.retentionDays),
          );
        }
      }
      const version = await this.meta(this.executor, 'schema_version');
      if (version !== undefined && Number(version) > SCHEMA_VERSION) {
        throw new M365HuntError(
          `The store ${this.location} was written by a newer m365hunt (schema ${version}).`,
          { hint: 'Upgrade m365hunt to read it.' },
        );
      }
      if (version === undefined) {
        await this.writeState(this.executor.writer, [
          {
            kind: 'meta',
            name: 'schema_version',
            value: String(SCHEMA_VERSION),
            version: BigInt(SCHEMA_VERSION),
          },
        ]);
      }
    });
    await this.detectLeases(true);
  }

  /** Columns added to schema.ts after a store was created are added to its tables. */
  private async addMissingColumns(): Promise<void> {
    for (const family of FAMILIES) {
      const tables = [localTable(this.layout, family)];
      if (this.clustered) tables.push(family.id);
      const definitions = columnDefinitions(family);
      for (const table of tables) {
        const present = await this.executor.select(
          `SELECT name FROM system.columns WHERE database = {db:String} AND table = {t:String}`,
          { params: { db: this.layout.database, t: table } },
        );
        const names = new Set(present.rows.map((r) => str(r[0])));
        let previous: string | undefined;
        for (const [k, column] of family.columns.entries()) {
          if (!names.has(column.name)) {
            const after = previous ? ` AFTER ${quoteIdent(previous)}` : ' FIRST';
            await this.executor.command(
              `ALTER TABLE ${this.table(table)}${this.layout.cluster ? ` ON CLUSTER ${quoteIdent(this.layout.cluster)}` : ''} ADD COLUMN IF NOT EXISTS ${definitions[k]!}${after}`,
            );
          }
          previous = column.name;
        }
      }
    }
  }

  private async detectLeases(create = false): Promise<void> {
    const wanted = this.options.leases ?? 'local';
    if (wanted === 'local' || this.executor.kind === 'chdb') {
      this.leaseMode = 'local';
      return;
    }
    try {
      if (create) await this.executor.command(keeperLeasesDdl(this.layout));
      else await this.executor.select(`SELECT count() FROM ${this.table('_leases')}`);
      this.leaseMode = 'keeper';
    } catch (error) {
      if (wanted === 'keeper' || this.clustered) {
        throw new M365HuntError(
          `The ClickHouse server cannot hold leases in Keeper: ${(error as Error).message}`,
          {
            hint: 'Several collectors share a cluster through a KeeperMap table: add <keeper_map_path_prefix>/m365hunt_keeper_map</keeper_map_path_prefix> to the server configuration (see the README), or use leases=local with a single collector.',
            cause: error,
          },
        );
      }
      this.leaseMode = 'local';
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  async query(query: SqlQuery, limits?: QueryLimits): Promise<QueryStream> {
    if (this.closed) throw new M365HuntError('The store is closed.');
    // The engine holds the query to its limits (max_execution_time, max_memory_usage) and says
    // so in its own words, turned here into a QueryLimitError.
    const failure = (error: unknown) => {
      const kind = limits ? clickHouseLimit(error) : null;
      return kind && limits ? new QueryLimitError(kind, limits, error) : error;
    };
    let stream: Awaited<ReturnType<ChExecutor['stream']>>;
    try {
      await this.geoip.prepare(query.sql);
      stream = await this.executor.stream(query.sql, {
        params: namedParams(query.params),
        ...(limits ? { settings: clickHouseLimitSettings(limits) } : {}),
      });
    } catch (error) {
      throw failure(error);
    }
    return {
      columns: stream.columns,
      async *chunks() {
        try {
          yield* stream.chunks();
        } catch (error) {
          throw failure(error);
        }
      },
    };
  }

  async queryAll(query: SqlQuery): Promise<Array<Record<string, SqlValue>>> {
    if (this.closed) throw new M365HuntError('The store is closed.');
    await this.geoip.prepare(query.sql);
    const result = await this.executor.select(query.sql, { params: namedParams(query.params) });
    return result.rows.map((row) => {
      const object: Record<string, SqlValue> = {};
      result.columns.forEach((c, i) => (object[c.name] = row[i] ?? null));
      return object;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.writer.run(async () => {
      this.closed = true;
      if (this.options.dropOnClose) {
        await this.executor.command(`DROP DATABASE IF EXISTS ${quoteIdent(this.layout.database)}`);
      }
    });
    await this.executor.close();
  }
}
