// The embedded default store: one DuckDB file. One write connection behind a queue commits
// ingest batches (so sequence numbers follow commit order); each query gets its own connection so
// that reads stream while the collector writes.
import { DuckDBConnection, DuckDBInstance, JSDuckDBValueConverter } from '@duckdb/node-api';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { M365HuntError } from '../../util/errors.js';
import { Mutex } from '../../util/mutex.js';
import { QueryLimitError, type QueryLimits } from '../query-limits.js';
import type {
  ContentStatus,
  IngestBatch,
  IngestResult,
  QuarantinedRecord,
  QueryStream,
  ResultColumn,
  SqlQuery,
  SqlValue,
  StateDoc,
  Store,
  StreamKey,
  StreamStatus,
} from '../store.js';
import { allDdl, SCHEMA_VERSION } from './ddl.js';
import {
  contentRow,
  countsBySource,
  isLockError,
  paramTypes,
  stateRow,
  toDuckValue,
  toSqlValue,
} from './duck-values.js';
import { ingestBatch, STAGE_DDL, STAGE_SETS_DDL, writeState } from './ingest.js';
// Issue 20 item 8: quarantined records per stream.
import { quarantinedByStream, streamKeyId } from '../quarantine-streams.js';

export interface DuckDbStoreOptions {
  /** DuckDB memory limit, e.g. `1GB` (default: DuckDB's own, 80% of RAM). */
  memoryLimit?: string;
  /** Worker threads (default: DuckDB's own, the number of cores). */
  threads?: number;
  /** WAL size that triggers a checkpoint (default 64MB). */
  checkpointThreshold?: string;
  /** Open without write access (no ingest). */
  readOnly?: boolean;
  /** Called with each new connection, e.g. to register LINQ's scalar functions. */
  onConnect?: (connection: DuckDBConnection) => void | Promise<void>;
}

/**
 * The deadline (performance.now() time) of the query running on a connection, for the engine
 * functions it calls: a jq program waits no longer than the query may (src/linq/udf.ts).
 */
export const connectionDeadlines = new WeakMap<DuckDBConnection, number>();

export class DuckDbStore implements Store {
  readonly dialect = 'duckdb' as const;
  /** Imports stage their records as files that DuckDB reads itself (ingest.ts). */
  readonly ingestsFiles = true;
  readonly location: string;
  private readonly writer = new Mutex();
  private writeConnection: DuckDBConnection | undefined;
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly path: string,
    private readonly options: DuckDbStoreOptions,
  ) {
    this.location = `duckdb:${path}`;
  }

  static async open(path: string, options: DuckDbStoreOptions = {}): Promise<DuckDbStore> {
    const file = path === ':memory:' ? path : resolve(path);
    if (file !== ':memory:' && options.readOnly && !existsSync(file)) {
      throw new M365HuntError(`There is no store at ${file} yet.`, {
        hint: 'Collect (`m365hunt collect`) or import (`m365hunt import`) first, or point --db/--store at the store.',
      });
    }
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const config: Record<string, string> = {};
    if (options.memoryLimit) {
      config.memory_limit = options.memoryLimit;
      // DuckDB's allocator keeps up to 128 MiB of freed memory (512 MiB after bulk frees) for
      // reuse, outside memory_limit: whoever bounds the store's memory wants that bounded too
      // (the collector's peak RSS fell from about 560 to 480 MiB in `npm run bench -- ingest`).
      config.allocator_flush_threshold = '4MB';
      config.allocator_bulk_deallocation_flush_threshold = '4MB';
    }
    if (options.threads) config.threads = String(options.threads);
    if (options.readOnly) config.access_mode = 'READ_ONLY';
    // DuckDB checkpoints when the WAL passes 16 MB, after nearly every large commit. Fewer
    // checkpoints ingest faster (256 MB: 44k records/s against 26k over 210k records) but replay
    // more WAL after a crash; 64 MB is the compromise (see the README's store section).
    config.checkpoint_threshold = options.checkpointThreshold ?? '64MB';
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file, config);
    } catch (error) {
      if (isLockError(error)) {
        throw new M365HuntError(`The store ${file} is in use by another m365hunt process.`, {
          hint: 'DuckDB lets one process open a file for writing, and no other process meanwhile. While `serve` or `demo` runs, hunt through it: `m365hunt query --server http://127.0.0.1:8080` with an API token in M365HUNT_TOKEN.',
          cause: error,
        });
      }
      throw new M365HuntError(`Cannot open the DuckDB store ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const store = new DuckDbStore(instance, file, options);
    if (!options.readOnly) await store.migrate();
    return store;
  }

  private async connect(): Promise<DuckDBConnection> {
    if (this.closed) throw new M365HuntError('The store is closed.');
    const connection = await this.instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    await this.options.onConnect?.(connection);
    return connection;
  }

  private async writeConn(): Promise<DuckDBConnection> {
    if (!this.writeConnection) {
      const c = await this.connect();
      await c.run(STAGE_DDL);
      await c.run(STAGE_SETS_DDL);
      this.writeConnection = c;
    }
    return this.writeConnection;
  }

  private async migrate(): Promise<void> {
    await this.writer.run(async () => {
      const c = await this.writeConn();
      for (const ddl of allDdl()) await c.run(ddl);
      const version = await c.runAndReadAll(`SELECT value FROM _meta WHERE key = 'schema_version'`);
      const found = version.getRows()[0]?.[0];
      if (found !== undefined && Number(found) > SCHEMA_VERSION) {
        throw new M365HuntError(
          `The store ${this.path} was written by a newer m365hunt (schema ${String(found)}).`,
          { hint: 'Upgrade m365hunt to read it.' },
        );
      }
      await c.run(`INSERT OR REPLACE INTO _meta VALUES ('schema_version', '${SCHEMA_VERSION}')`);
      await c.run(`INSERT OR IGNORE INTO _meta VALUES ('max_seq', '0')`);
      // DuckDB lets one process write the file, and this one just opened it: any lease found here
      // belongs to a process that ended (a crash), and must not keep its tenant or action waiting.
      await c.run(`DELETE FROM _leases`);
    });
  }

  ingest(batch: IngestBatch): Promise<IngestResult> {
    if (this.options.readOnly) throw new M365HuntError('The store was opened read-only.');
    return this.writer.run(async () => ingestBatch(await this.writeConn(), batch));
  }

  async cursor(key: StreamKey): Promise<unknown> {
    const rows = await this.queryAll({
      sql: `SELECT state FROM _cursors WHERE source = $1 AND tenant = $2 AND stream = $3`,
      params: [key.source, key.tenant, key.stream],
    });
    const state = rows[0]?.state;
    return typeof state === 'string' ? (JSON.parse(state) as unknown) : undefined;
  }

  async contentStatus(
    key: StreamKey,
    contentIds: readonly string[],
  ): Promise<Map<string, ContentStatus>> {
    const found = new Map<string, ContentStatus>();
    if (contentIds.length === 0) return found;
    const rows = await this.queryAll({
      sql: `SELECT * FROM _contents WHERE source = $1 AND tenant = $2 AND stream = $3
            AND content_id IN (SELECT unnest(string_split($4, chr(1))))`,
      params: [key.source, key.tenant, key.stream, contentIds.join('\u0001')],
    });
    for (const row of rows) found.set(String(row.content_id), contentRow(row));
    return found;
  }

  async skippedContent(key?: StreamKey): Promise<Array<ContentStatus & { key: StreamKey }>> {
    const where = key ? `AND source = $1 AND tenant = $2 AND stream = $3` : '';
    const rows = await this.queryAll({
      sql: `SELECT * FROM _contents WHERE status = 'skipped' ${where} ORDER BY content_created`,
      params: key ? [key.source, key.tenant, key.stream] : [],
    });
    return rows.map((row) => ({
      ...contentRow(row),
      key: { source: String(row.source), tenant: String(row.tenant), stream: String(row.stream) },
    }));
  }

  recordStreamHealth(key: StreamKey, health: { error: string | null }): Promise<void> {
    return this.writer.run(async () => {
      const c = await this.writeConn();
      const now = toDuckValue(new Date());
      if (health.error === null) {
        await c.run(
          `INSERT INTO _stream_health VALUES ($1, $2, $3, NULL, NULL, $4)
           ON CONFLICT DO UPDATE SET last_success_at = excluded.last_success_at`,
          [key.source, key.tenant, key.stream, now],
        );
      } else {
        await c.run(
          `INSERT INTO _stream_health VALUES ($1, $2, $3, $4, $5, NULL)
           ON CONFLICT DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at`,
          [key.source, key.tenant, key.stream, health.error, now],
        );
      }
    });
  }

  async streamStatus(): Promise<StreamStatus[]> {
    const rows = await this.queryAll({
      sql: `WITH keys AS (
              SELECT source, tenant, stream FROM _cursors
              UNION SELECT source, tenant, stream FROM _stream_health
              UNION SELECT source, tenant, stream FROM _contents),
            counts AS (${countsBySource()}),
            skipped AS (SELECT source, tenant, stream, count(*) AS n FROM _contents
                        WHERE status = 'skipped' GROUP BY ALL)
            SELECT k.source, k.tenant, k.stream, c.state, coalesce(n.records, 0) AS records,
              coalesce(s.n, 0) AS skipped,
              h.last_error, h.last_error_at, h.last_success_at
            FROM keys k
            LEFT JOIN _cursors c USING (source, tenant, stream)
            LEFT JOIN _stream_health h USING (source, tenant, stream)
            LEFT JOIN skipped s USING (source, tenant, stream)
            LEFT JOIN counts n ON n.tenant = k.tenant AND n.stream = k.stream AND n.source = k.source
            ORDER BY k.tenant, k.source, k.stream`,
      params: [],
    });
    // Quarantined records per stream, not per tenant (see quarantine-streams.ts).
    const counts = await this.queryAll({
      sql: `SELECT tenant, family, origin, count(*) AS n FROM _quarantine GROUP BY ALL`,
      params: [],
    });
    const contents = await this.queryAll({
      sql: `SELECT DISTINCT c.source, c.tenant, c.stream, c.content_id FROM _contents c
            JOIN (SELECT DISTINCT tenant, origin FROM _quarantine) q
              ON q.tenant = c.tenant AND q.origin = c.content_id`,
      params: [],
    });
    const keyOf = (r: Record<string, unknown>): StreamKey => ({
      source: String(r.source),
      tenant: String(r.tenant),
      stream: String(r.stream),
    });
    const quarantined = quarantinedByStream(
      counts.map((r) => ({
        tenant: String(r.tenant),
        family: String(r.family),
        origin: String(r.origin),
        n: Number(r.n),
      })),
      new Map(contents.map((r) => [String(r.content_id), keyOf(r)])),
      rows.map(keyOf),
    );
    return rows.map((r) => ({
      key: keyOf(r),
      cursor: typeof r.state === 'string' ? (JSON.parse(r.state) as unknown) : null,
      records: Number(r.records),
      skipped: Number(r.skipped),
      quarantined: quarantined.get(streamKeyId(keyOf(r))) ?? 0,
      lastError: (r.last_error as string | null) ?? null,
      lastErrorAt: (r.last_error_at as Date | null) ?? null,
      lastSuccessAt: (r.last_success_at as Date | null) ?? null,
    }));
  }

  // One process owns a DuckDB file, and its writer connection serialises these: a read and the
  // write that follows it cannot interleave with another owner's.
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    if (this.options.readOnly) throw new M365HuntError('The store was opened read-only.');
    return this.writer.run(async () => {
      const c = await this.writeConn();
      const now = new Date();
      const held = await c.runAndReadAll(
        `SELECT owner FROM _leases WHERE name = $1 AND owner <> $2 AND expires > $3`,
        [name, owner, toDuckValue(now)],
      );
      if (held.getRows().length > 0) return false;
      await c.run(`INSERT OR REPLACE INTO _leases VALUES ($1, $2, $3)`, [
        name,
        owner,
        toDuckValue(new Date(now.getTime() + ttlMs)),
      ]);
      return true;
    });
  }

  releaseLease(name: string, owner: string): Promise<void> {
    if (this.options.readOnly) throw new M365HuntError('The store was opened read-only.');
    return this.writer.run(async () => {
      const c = await this.writeConn();
      await c.run(`DELETE FROM _leases WHERE name = $1 AND owner = $2`, [name, owner]);
    });
  }

  async quarantine(limit = 100): Promise<QuarantinedRecord[]> {
    const rows = await this.queryAll({
      sql: `SELECT * FROM _quarantine ORDER BY quarantined_at DESC LIMIT $1`,
      params: [limit],
    });
    return rows.map((r) => ({
      family: String(r.family),
      tenant: String(r.tenant),
      origin: String(r.origin),
      reason: String(r.reason),
      text: String(r.text),
      at: r.quarantined_at as Date,
    }));
  }

  async getState<T = unknown>(collection: string, id: string): Promise<StateDoc<T> | undefined> {
    const rows = await this.queryAll({
      sql: `SELECT id, doc, version, updated FROM _state WHERE collection = $1 AND id = $2`,
      params: [collection, id],
    });
    return rows[0] ? stateRow<T>(rows[0]) : undefined;
  }

  async listState<T = unknown>(collection: string): Promise<Array<StateDoc<T>>> {
    const rows = await this.queryAll({
      sql: `SELECT id, doc, version, updated FROM _state WHERE collection = $1 ORDER BY id`,
      params: [collection],
    });
    return rows.map((r) => stateRow<T>(r));
  }

  putState(
    collection: string,
    id: string,
    doc: unknown,
    expectedVersion?: number,
  ): Promise<number | null> {
    return this.writer.run(async () => {
      const c = await this.writeConn();
      await c.run('BEGIN TRANSACTION');
      try {
        const current = await c.runAndReadAll(
          `SELECT version FROM _state WHERE collection = $1 AND id = $2`,
          [collection, id],
        );
        const version = Number(current.getRows()[0]?.[0] ?? 0);
        if (expectedVersion !== undefined && version !== expectedVersion) {
          await c.run('ROLLBACK');
          return null;
        }
        const written = await writeState(c, collection, id, doc);
        await c.run('COMMIT');
        return written;
      } catch (error) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async deleteState(collection: string, id: string): Promise<boolean> {
    return this.writer.run(async () => {
      const c = await this.writeConn();
      const r = await c.run(`DELETE FROM _state WHERE collection = $1 AND id = $2`, [
        collection,
        id,
      ]);
      return Number(r.rowsChanged) > 0;
    });
  }

  async maxSeq(): Promise<bigint> {
    const rows = await this.queryAll({
      sql: `SELECT value FROM _meta WHERE key = 'max_seq'`,
      params: [],
    });
    return BigInt(String(rows[0]?.value ?? '0'));
  }

  async subtables(family: string): Promise<string[]> {
    const rows = await this.queryAll({
      sql: `SELECT subtable FROM _subtables WHERE family = $1 ORDER BY subtable`,
      params: [family],
    });
    return rows.map((r) => String(r.subtable));
  }

  async query(query: SqlQuery, limits?: QueryLimits): Promise<QueryStream> {
    const connection = await this.connect();
    // Past the time limit the query is interrupted in the engine; its next step then fails.
    let expired = false;
    const deadline = limits ? performance.now() + limits.timeoutMs : Infinity;
    // The timer may not have run yet when a step ends past the deadline (a jq batch holds the
    // main thread): the deadline is checked after each step too.
    const late = () => {
      if (!expired && performance.now() > deadline) expired = true;
      return expired;
    };
    if (limits) connectionDeadlines.set(connection, deadline);
    const timer = limits
      ? setTimeout(() => {
          expired = true;
          connection.interrupt();
        }, limits.timeoutMs)
      : undefined;
    timer?.unref();
    const failure = (error: unknown) =>
      late() && limits ? new QueryLimitError('time', limits, error) : error;
    const end = () => {
      clearTimeout(timer);
      connection.closeSync();
    };
    try {
      const result = await connection.stream(
        query.sql,
        query.params.map(toDuckValue),
        paramTypes(query.params),
      );
      if (late() && limits) throw new QueryLimitError('time', limits);
      const names = result.columnNames();
      const types = result.columnTypes();
      const columns: ResultColumn[] = names.map((name, i) => ({
        name,
        type: types[i]?.toString() ?? 'UNKNOWN',
      }));
      return {
        columns,
        async *chunks() {
          try {
            for (;;) {
              let chunk;
              try {
                chunk = await result.fetchChunk();
              } catch (error) {
                throw failure(error);
              }
              if (late() && limits) throw new QueryLimitError('time', limits);
              if (!chunk || chunk.rowCount === 0) break;
              yield chunk.convertRows(JSDuckDBValueConverter).map((row) => row.map(toSqlValue));
            }
          } finally {
            end();
          }
        },
      };
    } catch (error) {
      end();
      throw failure(error);
    }
  }

  async queryAll(query: SqlQuery): Promise<Array<Record<string, SqlValue>>> {
    const stream = await this.query(query);
    const rows: Array<Record<string, SqlValue>> = [];
    for await (const chunk of stream.chunks()) {
      for (const row of chunk) {
        const object: Record<string, SqlValue> = {};
        stream.columns.forEach((c, i) => (object[c.name] = row[i] ?? null));
        rows.push(object);
      }
    }
    return rows;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.writer.run(async () => {
      this.writeConnection?.closeSync();
      this.writeConnection = undefined;
    });
    this.closed = true;
    this.instance.closeSync();
  }
}

/** Rows per (source, tenant, stream) in the families a collector fills (`TableFamily.source`). */
