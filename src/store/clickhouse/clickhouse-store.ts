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
import { randomUUID } from 'node:crypto';
import { M365HuntError } from '../../util/errors.js';
import { Mutex } from '../../util/mutex.js';
import {
  clickHouseLimit,
  clickHouseLimitSettings,
  QueryLimitError,
  type QueryLimits,
} from '../query-limits.js';
import { FAMILIES, type TableFamily } from '../schema.js';
import type {
  ContentMark,
  ContentStatus,
  IngestBatch,
  IngestResult,
  QuarantinedRecord,
  QueryStream,
  SqlQuery,
  SqlValue,
  StateDoc,
  StatePut,
  Store,
  StreamKey,
  StreamStatus,
} from '../store.js';
import {
  allDdl,
  columnDefinitions,
  keeperLeasesDdl,
  localTable,
  qualified,
  retentionSql,
  SCHEMA_VERSION,
  type Layout,
} from './ddl.js';
import { tsvField, type ChExecutor, type ChSession, type Settings } from './executor.js';
import {
  batchSummarySql,
  clearStageSql,
  dedupStatement,
  insertStatement,
  parseStatement,
  quarantineStatement,
  rejectedStatement,
  stageDdl,
  STAGE_COLUMNS,
  STAGE_SET_COLUMNS,
} from './ingest-sql.js';
import { literal, quoteIdent, TIMESTAMP_TYPE } from './types.js';
import type { LayoutOptions } from './url.js';
import { bindParams, formatUtc, namedParams } from './values.js';

/** Points of an ingest where a test can make it fail, as a crash there would. */
export type IngestPoint = 'staged' | 'rows-inserted' | 'quarantined' | 'committed';

export interface ClickHouseStoreOptions extends Partial<LayoutOptions> {
  readOnly?: boolean;
  /** Shown in messages (never holds a password). */
  location: string;
  /** Test hook: runs at each point of an ingest; an error thrown there aborts the ingest. */
  faultInjection?: (point: IngestPoint) => void | Promise<void>;
  /** Drops the database when the store closes (tests that share one chdb directory). */
  dropOnClose?: boolean;
}

/** One row of `_journal`, the bookkeeping journal. */
interface StateRow {
  kind: 'meta' | 'cursor' | 'content' | 'subtable' | 'doc';
  source?: string;
  tenant?: string;
  stream?: string;
  name?: string;
  /** For a document: its JSON, or '' once deleted. */
  value: string;
  /** For a document: its version (0 once deleted). */
  n?: number;
  /** Orders the rows of one key (ReplacingMergeTree keeps the highest). */
  version: bigint;
}

const STATE_COLUMNS = [
  'kind',
  'source',
  'tenant',
  'stream',
  'name',
  'value',
  'n',
  'version',
  'updated',
] as const;

/** A commit's bookkeeping is one insert, hence one part; keep it far below one insert block. */
const MAX_STATE_ROWS = 100_000;

const COMMIT_LEASE = 'm365hunt:commit';
const COMMIT_LEASE_TTL_MS = 120_000;
const COMMIT_LEASE_WAIT_MS = 600_000;

/** Per store (database) in this process: ingests and lease changes run one at a time. */
const writers = new Map<string, Mutex>();

function familyById(id: string): TableFamily {
  const family = FAMILIES.find((f) => f.id === id);
  if (!family) throw new M365HuntError(`Unknown table family ${id}.`);
  return family;
}

function str(value: SqlValue | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/** A comparison's result: UInt8 (or Bool) in ClickHouse. */
function isTrue(value: SqlValue | undefined): boolean {
  return value === true || value === 1 || value === 1n;
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

interface MarkValue {
  uri?: string;
  created: string;
  expiration?: string;
  status: 'done' | 'skipped';
  error?: string;
  attempts: number;
}

function markStatus(name: string, value: string, updated: SqlValue): ContentStatus {
  const v = JSON.parse(value) as MarkValue;
  return {
    contentId: name,
    contentUri: v.uri,
    contentCreated: v.created,
    contentExpiration: v.expiration,
    status: v.status === 'skipped' ? 'skipped' : 'done',
    error: v.error,
    attempts: v.attempts,
    updated: updated as Date,
  };
}

export class ClickHouseStore implements Store {
  readonly dialect = 'clickhouse' as const;
  readonly location: string;
  private readonly writer: Mutex;
  /** Who this store is in leases it takes for itself (the commit lease). */
  private readonly self = `store-${randomUUID()}`;
  private leaseMode: 'keeper' | 'local' = 'local';
  private closed = false;
  /** Whether the writer's staging tables are known to exist and be empty. */
  private stage: 'unknown' | 'ready' = 'unknown';
  /** Whether running ingest writes of a dead writer were stopped (see fenceZombieWrites). */
  private fenced = false;
  /** Whether the commit lease was last taken from an expired holder. */
  private tookOver = false;

  private constructor(
    private readonly executor: ChExecutor,
    readonly layout: Layout,
    private readonly options: ClickHouseStoreOptions,
  ) {
    this.location = options.location;
    const key = `${options.location}#${layout.database}`;
    let mutex = writers.get(key);
    if (!mutex) writers.set(key, (mutex = new Mutex()));
    this.writer = mutex;
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

  /** How leases are held: `keeper` (KeeperMap, shared by every node) or `local`. */
  get leases(): 'keeper' | 'local' {
    return this.leaseMode;
  }

  private get clustered(): boolean {
    return this.layout.cluster !== undefined;
  }

  /** Settings of the writes the commit protocol relies on. */
  private insertSettings(): Settings {
    return {
      // An import spans many days; each day is a partition.
      max_partitions_per_insert_block: 0,
      ...(this.clustered
        ? // Return only when the rows are on their shards and a majority of replicas.
          { distributed_foreground_insert: 1, insert_quorum: 'auto', insert_quorum_parallel: 0 }
        : {}),
    };
  }

  /** Settings of the reads the commit protocol relies on: they see every acknowledged write. */
  private readSettings(): Settings {
    return this.clustered ? { select_sequential_consistency: 1 } : {};
  }

  private table(name: string): string {
    return qualified(this.layout, name);
  }

  /** `db.table` for inserts: both clients take a plain dotted name (the database name is plain). */
  private insertTarget(name: string): string {
    return `${this.layout.database}.${name}`;
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

  private async fault(point: IngestPoint): Promise<void> {
    await this.options.faultInjection?.(point);
  }

  // ---------------------------------------------------------------------------------------------
  // Ingest

  ingest(batch: IngestBatch): Promise<IngestResult> {
    if (this.options.readOnly) throw new M365HuntError('The store was opened read-only.');
    if (this.closed) throw new M365HuntError('The store is closed.');
    return this.commit(() => this.ingestNow(batch));
  }

  /**
   * Runs a commit: in one process the mutex orders commits; processes sharing a server take the
   * commit lease too (a chdb directory belongs to one process; a server without Keeper to one
   * collector).
   */
  private commit<T>(task: () => Promise<T>): Promise<T> {
    return this.writer.run(async () => {
      try {
        return await (this.leaseMode === 'keeper' ? this.withCommitLease(task) : task());
      } catch (error) {
        // A write this commit sent may still be running on the server: fence before the next.
        this.fenced = false;
        throw error;
      }
    });
  }

  /**
   * Across processes (several collectors on one server or cluster), commits take turns: two
   * commits choosing numbers at once could both take base+1.
   */
  private async withCommitLease<T>(task: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + COMMIT_LEASE_WAIT_MS;
    let wait = 20;
    while (!(await this.leaseNow(COMMIT_LEASE, this.self, COMMIT_LEASE_TTL_MS))) {
      if (Date.now() > deadline) {
        throw new M365HuntError(
          `Another m365hunt process has held the commit lease of ${this.location} for ten minutes.`,
          { hint: 'Check the other collectors; a crashed one lets go after two minutes.' },
        );
      }
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 1000);
    }
    try {
      return await task();
    } finally {
      await this.unleaseNow(COMMIT_LEASE, this.self).catch(() => undefined);
    }
  }

  /** Ingest writes carry this prefix in their query id: the fence finds them by it. */
  private get ingestQueryPrefix(): string {
    return `m365hunt-ingest-${this.layout.database}-`;
  }

  /**
   * A server runs a write to its end even when the client that sent it is gone. Before a commit
   * reads the watermarks, stop any ingest write still running for this database: its process
   * died, or lost the commit lease. It runs at the first commit of this store (a restarted
   * collector) and after the commit lease was taken over from an expired holder.
   */
  private async fenceZombieWrites(): Promise<void> {
    if (this.executor.kind !== 'http' || (this.fenced && !this.tookOver)) return;
    const cluster = this.layout.cluster ? ` ON CLUSTER ${quoteIdent(this.layout.cluster)}` : '';
    await this.executor.command(
      `KILL QUERY${cluster} WHERE startsWith(initial_query_id, ${literal(this.ingestQueryPrefix)}) SYNC`,
    );
    this.fenced = true;
    this.tookOver = false;
  }

  /** The staging tables exist (a server session that expired took its temporary tables along). */
  private async prepareStage(w: ChSession): Promise<void> {
    if (this.stage === 'ready') return;
    for (const sql of stageDdl()) await w.command(sql);
    for (const sql of clearStageSql()) await w.command(sql);
    this.stage = 'ready';
  }

  private async loadStage(w: ChSession, payload: ReturnType<typeof stagePayload>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await this.prepareStage(w);
      try {
        await w.insertTsv('_stage_sets', STAGE_SET_COLUMNS, payload.sets);
        await w.insertTsv('_stage', STAGE_COLUMNS, payload.rows);
        return;
      } catch (error) {
        const gone = /UNKNOWN_TABLE|Code: 60\b|doesn't exist/i.test(String(error));
        if (!gone || attempt > 0) throw error;
        this.stage = 'unknown';
      }
    }
  }

  private async ingestNow(batch: IngestBatch): Promise<IngestResult> {
    // Everything that can fail in JavaScript fails before the first write.
    const families = [...new Set(batch.sets.map((s) => s.family))].map(familyById);
    const cursor = batch.cursor
      ? { key: batch.cursor.key, value: JSON.stringify(batch.cursor.state) ?? 'null' }
      : undefined;
    const marks = await this.markValues(batch.contents ?? []);
    const docs = serialiseDocs(batch.states ?? []);
    const stage = stagePayload(batch);
    const w = this.executor.writer;
    const now = new Date();
    const nowParam = formatUtc(now);

    const queryId = () => `${this.ingestQueryPrefix}${randomUUID()}`;
    try {
      await this.loadStage(w, stage);
      await this.fault('staged');
      await this.fenceZombieWrites();

      const meta = await this.watermarks(w);
      // Numbers continue above every row stored, orphans of an interrupted commit included.
      let seq = maxBig(meta.committed, meta.highest);
      let inserted = 0;
      let quarantined = 0;
      const subtables: Array<{ family: string; name: string }> = [];
      for (const family of families) {
        await w.command(parseStatement(family));
        await w.command(dedupStatement(family, this.layout), {
          params: { base: seq.toString() },
          settings: this.readSettings(),
        });
        const summary = (await w.select(batchSummarySql())).rows[0] ?? [];
        const fresh = Number(summary[3] ?? 0);
        const rejected = Number(summary[1] ?? 0);
        for (const name of (summary[2] as string[] | null) ?? []) {
          subtables.push({ family: family.id, name });
        }
        if (fresh > 0) {
          await w.command(insertStatement(family, this.layout), {
            params: { now: nowParam },
            settings: this.insertSettings(),
            queryId: queryId(),
          });
          await this.fault('rows-inserted');
          seq += BigInt(fresh);
          inserted += fresh;
        }
        if (rejected > 0) {
          await w.command(quarantineStatement(this.layout), {
            params: { now: nowParam },
            settings: this.insertSettings(),
            queryId: queryId(),
          });
          quarantined += rejected;
        }
        await w.command('DROP TEMPORARY TABLE IF EXISTS _rows');
        await w.command('DROP TEMPORARY TABLE IF EXISTS _new');
      }
      let refused = 0;
      for (const set of batch.sets) {
        for (const r of set.rejected ?? []) {
          await w.command(rejectedStatement(this.layout), {
            params: {
              family: set.family,
              tenant: set.tenant,
              origin: r.origin,
              reason: r.reason,
              text: r.text,
              now: nowParam,
            },
            settings: this.insertSettings(),
            queryId: queryId(),
          });
          refused++;
        }
      }
      await this.fault('quarantined');

      // The commit: one insert. W' also covers the orphans (seq started above them).
      const committed = seq;
      const version = meta.commit + 1n;
      const rows: StateRow[] = [];
      if (committed !== meta.committed) {
        rows.push({ kind: 'meta', name: 'max_seq', value: committed.toString(), version });
      }
      for (const s of subtables) {
        rows.push({ kind: 'subtable', source: s.family, name: s.name, value: '', version });
      }
      if (cursor) rows.push({ kind: 'cursor', ...cursor.key, value: cursor.value, version });
      for (const m of marks) rows.push({ kind: 'content', ...m, version });
      rows.push(...(await this.docRows(docs, version)));
      if (rows.length > 0) {
        rows.push({ kind: 'meta', name: 'commit', value: version.toString(), version });
        await this.writeState(w, rows, now);
      }
      await this.fault('committed');
      return {
        inserted,
        quarantined: quarantined + refused,
        duplicates: stage.total - inserted - quarantined,
        seqRange: committed > meta.committed ? [meta.committed + 1n, committed] : null,
      };
    } finally {
      try {
        for (const sql of clearStageSql()) await w.command(sql);
      } catch {
        // Cleared before the next batch is staged.
        this.stage = 'unknown';
      }
    }
  }

  /** Content marks as `_journal` rows; a mark without URI keeps the one recorded before. */
  private async markValues(
    marks: readonly ContentMark[],
  ): Promise<Array<Pick<StateRow, 'source' | 'tenant' | 'stream' | 'name' | 'value'>>> {
    const last = new Map<string, ContentMark>();
    for (const m of marks) {
      last.set(JSON.stringify([m.key.source, m.key.tenant, m.key.stream, m.contentId]), m);
    }
    const previous = new Map<string, string | undefined>();
    const lacking = [...last.values()].filter((m) => m.contentUri === undefined);
    for (const m of lacking) {
      const found = await this.contentStatus(m.key, [m.contentId]);
      previous.set(JSON.stringify([m.key, m.contentId]), found.get(m.contentId)?.contentUri);
    }
    return [...last.values()].map((m) => {
      const value: MarkValue = {
        uri: m.contentUri ?? previous.get(JSON.stringify([m.key, m.contentId])),
        created: m.contentCreated,
        expiration: m.contentExpiration,
        status: m.status,
        error: m.error,
        attempts: m.attempts ?? 1,
      };
      return {
        source: m.key.source,
        tenant: m.key.tenant,
        stream: m.key.stream,
        name: m.contentId,
        value: JSON.stringify(value),
      };
    });
  }

  /** Appends rows to `_journal` in one insert (one part: all visible, or none). */
  private async writeState(session: ChSession, rows: StateRow[], at = new Date()): Promise<void> {
    if (rows.length > MAX_STATE_ROWS) {
      throw new M365HuntError(`A commit holds ${rows.length} bookkeeping rows; split the batch.`);
    }
    const updated = formatUtc(at);
    const payload = rows
      .map(
        (r) =>
          [
            r.kind,
            r.source ?? '',
            r.tenant ?? '',
            r.stream ?? '',
            r.name ?? '',
            r.value,
            String(r.n ?? 0),
            r.version.toString(),
            updated,
          ]
            .map(tsvField)
            .join('\t') + '\n',
      )
      .join('');
    await session.insertTsv(this.insertTarget('_journal'), STATE_COLUMNS, payload, {
      settings: this.insertSettings(),
      queryId: `${this.ingestQueryPrefix}${randomUUID()}`,
    });
  }

  private async meta(
    on: Pick<ChExecutor, 'select'> | ChSession,
    name: string,
  ): Promise<string | undefined> {
    const result = await on.select(
      `SELECT value FROM ${this.table('_journal')} FINAL WHERE kind = 'meta' AND name = {name:String}`,
      { params: { name }, settings: this.readSettings() },
    );
    const row = result.rows[0];
    return row ? str(row[0]) : undefined;
  }

  /**
   * The committed watermark W, the commit number, and the highest number stored above W (rows of
   * an interrupted commit; the min-max index on _seq makes this read skip every other granule).
   */
  private async watermarks(
    on: ChSession,
  ): Promise<{ committed: bigint; highest: bigint; commit: bigint }> {
    const result = await on.select(
      `SELECT name, value FROM ${this.table('_journal')} FINAL
       WHERE kind = 'meta' AND name IN ('max_seq', 'commit')`,
      { settings: this.readSettings() },
    );
    const values = new Map(result.rows.map((r) => [str(r[0]), BigInt(str(r[1]) || '0')]));
    const committed = values.get('max_seq') ?? 0n;
    const numbered = FAMILIES.map((f) => [f, f.columns.find((c) => c.derived === 'seq')] as const)
      .filter(([, seq]) => seq !== undefined)
      .map(
        ([f, seq]) =>
          `SELECT max(${quoteIdent(seq!.name)}) AS top FROM ${this.table(f.id)}
           WHERE ${quoteIdent(seq!.name)} > {w:Int64}`,
      );
    const top = await on.select(`SELECT max(top) FROM (${numbered.join(' UNION ALL ')})`, {
      params: { w: committed.toString() },
      settings: this.readSettings(),
    });
    const highest = maxBig(committed, BigInt(str(top.rows[0]?.[0]) || '0'));
    return { committed, highest, commit: values.get('commit') ?? 0n };
  }

  // ---------------------------------------------------------------------------------------------
  // Bookkeeping reads

  async cursor(key: StreamKey): Promise<unknown> {
    const rows = await this.queryAll({
      sql: `SELECT value FROM ${this.table('_journal')} FINAL
            WHERE kind = 'cursor' AND source = {p1:String} AND tenant = {p2:String} AND stream = {p3:String}`,
      params: [key.source, key.tenant, key.stream],
    });
    const value = rows[0]?.value;
    return typeof value === 'string' ? (JSON.parse(value) as unknown) : undefined;
  }

  async contentStatus(
    key: StreamKey,
    contentIds: readonly string[],
  ): Promise<Map<string, ContentStatus>> {
    const found = new Map<string, ContentStatus>();
    if (contentIds.length === 0) return found;
    const rows = await this.queryAll({
      sql: `SELECT name, value, updated FROM ${this.table('_journal')} FINAL
            WHERE kind = 'content' AND source = {p1:String} AND tenant = {p2:String}
              AND stream = {p3:String} AND name IN {p4:Array(String)}`,
      params: [key.source, key.tenant, key.stream, [...contentIds]],
    });
    for (const r of rows) found.set(str(r.name), markStatus(str(r.name), str(r.value), r.updated!));
    return found;
  }

  async skippedContent(key?: StreamKey): Promise<Array<ContentStatus & { key: StreamKey }>> {
    const where = key
      ? `AND source = {p1:String} AND tenant = {p2:String} AND stream = {p3:String}`
      : '';
    const rows = await this.queryAll({
      sql: `SELECT source, tenant, stream, name, value, updated FROM ${this.table('_journal')} FINAL
            WHERE kind = 'content' AND JSONExtractString(value, 'status') = 'skipped' ${where}
            ORDER BY JSONExtractString(value, 'created'), name`,
      params: key ? [key.source, key.tenant, key.stream] : [],
    });
    return rows.map((r) => ({
      ...markStatus(str(r.name), str(r.value), r.updated!),
      key: { source: str(r.source), tenant: str(r.tenant), stream: str(r.stream) },
    }));
  }

  async recordStreamHealth(key: StreamKey, health: { error: string | null }): Promise<void> {
    await this.executor.command(
      `INSERT INTO ${this.table('_stream_health')} (source, tenant, stream, kind, error, at)
       SELECT {source:String}, {tenant:String}, {stream:String}, {kind:String},
         {error:Nullable(String)}, {at:${TIMESTAMP_TYPE}}`,
      {
        params: bindParams({
          source: key.source,
          tenant: key.tenant,
          stream: key.stream,
          kind: health.error === null ? 'success' : 'error',
          error: health.error,
          at: new Date(),
        }),
        settings: this.insertSettings(),
      },
    );
  }

  async streamStatus(): Promise<StreamStatus[]> {
    const state = this.table('_journal');
    const [cursors, health, skipped, counts, quarantined] = await Promise.all([
      this.queryAll({
        sql: `SELECT source, tenant, stream, value FROM ${state} FINAL WHERE kind = 'cursor'`,
        params: [],
      }),
      this.queryAll({
        sql: `SELECT source, tenant, stream, kind, error, at FROM ${this.table('_stream_health')} FINAL`,
        params: [],
      }),
      this.queryAll({
        sql: `SELECT source, tenant, stream,
                countIf(JSONExtractString(value, 'status') = 'skipped') AS n
              FROM ${state} FINAL WHERE kind = 'content' GROUP BY source, tenant, stream`,
        params: [],
      }),
      Promise.all(
        FAMILIES.filter((f) => f.source).map(async (f) =>
          (
            await this.queryAll({
              sql: `SELECT _tenant AS tenant, _content_type AS stream, count() AS n
                  FROM ${this.table(f.id)} GROUP BY _tenant, _content_type`,
              params: [],
            })
          ).map((r): Record<string, SqlValue> => ({ ...r, source: f.source! })),
        ),
      ),
      this.queryAll({
        sql: `SELECT tenant, count() AS n FROM ${this.table('_quarantine')} FINAL GROUP BY tenant`,
        params: [],
      }),
    ]);
    const keyOf = (r: Record<string, SqlValue>) =>
      JSON.stringify([str(r.tenant), str(r.source), str(r.stream)]);
    const keys = new Map<string, StreamKey>();
    for (const r of [...cursors, ...health, ...skipped]) {
      keys.set(keyOf(r), { source: str(r.source), tenant: str(r.tenant), stream: str(r.stream) });
    }
    const records = new Map<string, number>();
    for (const r of counts.flat()) {
      const k = JSON.stringify([str(r.source), str(r.tenant), str(r.stream)]);
      records.set(k, (records.get(k) ?? 0) + Number(r.n));
    }
    const byTenant = new Map(quarantined.map((r) => [str(r.tenant), Number(r.n)]));
    return [...keys.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, key]) => {
        const c = cursors.find((r) => keyOf(r) === k);
        const err = health.find((r) => keyOf(r) === k && r.kind === 'error');
        const ok = health.find((r) => keyOf(r) === k && r.kind === 'success');
        return {
          key,
          cursor: c ? (JSON.parse(str(c.value)) as unknown) : null,
          records: records.get(JSON.stringify([key.source, key.tenant, key.stream])) ?? 0,
          skipped: Number(skipped.find((r) => keyOf(r) === k)?.n ?? 0),
          quarantined: byTenant.get(key.tenant) ?? 0,
          lastError: err ? ((err.error as string | null) ?? null) : null,
          lastErrorAt: err ? (err.at as Date) : null,
          lastSuccessAt: ok ? (ok.at as Date) : null,
        };
      });
  }

  async quarantine(limit = 100): Promise<QuarantinedRecord[]> {
    const rows = await this.queryAll({
      sql: `SELECT family, tenant, origin, reason, text, quarantined_at
            FROM ${this.table('_quarantine')} FINAL ORDER BY quarantined_at DESC LIMIT {p1:UInt32}`,
      params: [limit],
    });
    return rows.map((r) => ({
      family: str(r.family),
      tenant: str(r.tenant),
      origin: str(r.origin),
      reason: str(r.reason),
      text: str(r.text),
      at: r.quarantined_at as Date,
    }));
  }

  async maxSeq(): Promise<bigint> {
    return BigInt((await this.meta(this.executor, 'max_seq')) ?? '0');
  }

  async subtables(family: string): Promise<string[]> {
    const rows = await this.queryAll({
      sql: `SELECT name FROM ${this.table('_journal')} FINAL
            WHERE kind = 'subtable' AND source = {p1:String} ORDER BY name`,
      params: [family],
    });
    return rows.map((r) => str(r.name));
  }

  // ---------------------------------------------------------------------------------------------
  // Application documents: `doc` rows of the journal, so that they can commit with rows.

  private async docs(collection: string, id?: string): Promise<StateDoc[]> {
    // Read as the commit path reads: a version compared against must be the latest one.
    const result = await this.executor.select(
      `SELECT name, value, n, updated FROM ${this.table('_journal')} FINAL
       WHERE kind = 'doc' AND source = {c:String} ${id === undefined ? '' : 'AND name = {id:String}'}
         AND value != '' ORDER BY name`,
      {
        params: id === undefined ? { c: collection } : { c: collection, id },
        settings: this.readSettings(),
      },
    );
    return result.rows.map(([name, value, n, updated]) => ({
      id: str(name),
      doc: JSON.parse(str(value)) as unknown,
      version: Number(n),
      updated: updated as Date,
    }));
  }

  async getState<T = unknown>(collection: string, id: string): Promise<StateDoc<T> | undefined> {
    return (await this.docs(collection, id))[0] as StateDoc<T> | undefined;
  }

  async listState<T = unknown>(collection: string): Promise<Array<StateDoc<T>>> {
    return (await this.docs(collection)) as Array<StateDoc<T>>;
  }

  /** Journal rows of document writes: each one version above the one stored. */
  private async docRows(
    puts: ReadonlyArray<{ collection: string; id: string; json: string | null }>,
    version: bigint,
  ): Promise<StateRow[]> {
    const rows: StateRow[] = [];
    for (const put of puts) {
      const current = await this.getState(put.collection, put.id);
      rows.push({
        kind: 'doc',
        source: put.collection,
        name: put.id,
        value: put.json ?? '',
        n: put.json === null ? 0 : (current?.version ?? 0) + 1,
        version,
      });
    }
    return rows;
  }

  /** A commit of documents alone (the same protocol as an ingest: one insert with C+1). */
  private writeDocs<T>(
    /** What to write (`json`: the document, null to delete, absent to write nothing). */
    task: (current: StateDoc | undefined) => { result: T; json?: string | null },
    collection: string,
    id: string,
  ): Promise<T> {
    if (this.options.readOnly) throw new M365HuntError('The store was opened read-only.');
    const run = async () => {
      const current = await this.getState(collection, id);
      const decision = task(current);
      if (decision.json !== undefined) {
        await this.fenceZombieWrites();
        const meta = await this.watermarks(this.executor.writer);
        const version = meta.commit + 1n;
        const rows = await this.docRows([{ collection, id, json: decision.json }], version);
        rows.push({ kind: 'meta', name: 'commit', value: version.toString(), version });
        await this.writeState(this.executor.writer, rows);
      }
      return decision.result;
    };
    return this.commit(run);
  }

  putState(
    collection: string,
    id: string,
    doc: unknown,
    expectedVersion?: number,
  ): Promise<number | null> {
    const json = doc === null ? null : JSON.stringify(doc);
    return this.writeDocs<number | null>(
      (current) => {
        const version = current?.version ?? 0;
        if (expectedVersion !== undefined && version !== expectedVersion) return { result: null };
        return { json, result: json === null ? 0 : version + 1 };
      },
      collection,
      id,
    );
  }

  deleteState(collection: string, id: string): Promise<boolean> {
    return this.writeDocs<boolean>(
      (current) => (current ? { json: null, result: true } : { result: false }),
      collection,
      id,
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Leases

  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    if (this.options.readOnly) throw new M365HuntError('The store was opened read-only.');
    return this.leaseMode === 'keeper'
      ? this.leaseNow(name, owner, ttlMs)
      : this.writer.run(() => this.leaseNow(name, owner, ttlMs));
  }

  releaseLease(name: string, owner: string): Promise<void> {
    if (this.options.readOnly) throw new M365HuntError('The store was opened read-only.');
    return this.leaseMode === 'keeper'
      ? this.unleaseNow(name, owner)
      : this.writer.run(() => this.unleaseNow(name, owner));
  }

  /** Expiry times are the server's clock (now64), the one clock every collector shares. */
  private async leaseNow(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const ttl = String(Math.max(1, Math.round(ttlMs)));
    if (this.leaseMode === 'local') {
      // Correct within one process (the callers hold this store's writer mutex); across
      // processes only for chdb, whose data directory is locked to one process.
      const t = this.table('_leases_local');
      const found = await this.executor.select(
        `SELECT owner, expires > now64(3) AS live, version FROM ${t} FINAL WHERE name = {n:String}`,
        { params: { n: name } },
      );
      const row = found.rows[0];
      if (row && isTrue(row[1]) && str(row[0]) !== owner && str(row[0]) !== '') return false;
      await this.executor.command(
        `INSERT INTO ${t} (name, owner, expires, version)
         SELECT {n:String}, {o:String}, now64(3) + toIntervalMillisecond({ttl:Int64}), {v:UInt64}`,
        { params: { n: name, o: owner, ttl, v: String(BigInt(str(row?.[2]) || '0') + 1n) } },
      );
      return true;
    }
    // Keeper: a strict insert creates the lease only if absent; an update or delete conditioned
    // on the value read succeeds only if nobody changed it meanwhile (keeper_map_strict_mode).
    const t = this.table('_leases');
    const strict: Settings = { keeper_map_strict_mode: 1 };
    const insert = async () => {
      try {
        await this.executor.command(
          `INSERT INTO ${t} (name, owner, expires)
           SELECT {n:String}, {o:String}, now64(3) + toIntervalMillisecond({ttl:Int64})`,
          { params: { n: name, o: owner, ttl }, settings: strict },
        );
        return true;
      } catch {
        return false;
      }
    };
    if (await insert()) return true;
    const found = await this.executor.select(
      `SELECT owner, expires, expires <= now64(3) AS expired FROM ${t} WHERE name = {n:String}`,
      { params: { n: name } },
    );
    const row = found.rows[0];
    if (!row) return insert();
    const [holder, expires, expired] = row;
    if (str(holder) === owner) {
      await this.executor.command(
        `ALTER TABLE ${t} UPDATE expires = now64(3) + toIntervalMillisecond({ttl:Int64})
         WHERE name = {n:String} AND owner = {o:String}`,
        { params: { n: name, o: owner, ttl }, settings: { ...strict, mutations_sync: 2 } },
      );
      const check = await this.executor.select(`SELECT owner FROM ${t} WHERE name = {n:String}`, {
        params: { n: name },
      });
      return str(check.rows[0]?.[0]) === owner;
    }
    if (!isTrue(expired)) return false;
    try {
      await this.executor.command(
        `DELETE FROM ${t} WHERE name = {n:String} AND owner = {o:String} AND expires = {e:${TIMESTAMP_TYPE}}`,
        {
          params: { n: name, o: str(holder), e: formatUtc(expires as Date) },
          settings: strict,
        },
      );
    } catch {
      return false;
    }
    const taken = await insert();
    if (taken && name === COMMIT_LEASE) this.tookOver = true;
    return taken;
  }

  private async unleaseNow(name: string, owner: string): Promise<void> {
    if (this.leaseMode === 'local') {
      const t = this.table('_leases_local');
      const found = await this.executor.select(
        `SELECT owner, version FROM ${t} FINAL WHERE name = {n:String}`,
        { params: { n: name } },
      );
      const row = found.rows[0];
      if (!row || str(row[0]) !== owner) return;
      await this.executor.command(
        `INSERT INTO ${t} (name, owner, expires, version)
         SELECT {n:String}, '', toDateTime64(0, 3, 'UTC'), {v:UInt64}`,
        { params: { n: name, v: String(BigInt(str(row[1])) + 1n) } },
      );
      return;
    }
    await this.executor
      .command(
        `DELETE FROM ${this.table('_leases')} WHERE name = {n:String} AND owner = {o:String}`,
        {
          params: { n: name, o: owner },
          settings: { keeper_map_strict_mode: 1 },
        },
      )
      .catch(() => undefined);
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

function serialiseDocs(
  puts: readonly StatePut[],
): Array<{ collection: string; id: string; json: string | null }> {
  const last = new Map<string, { collection: string; id: string; json: string | null }>();
  for (const p of puts) {
    const json = p.doc === null ? null : (JSON.stringify(p.doc) ?? null);
    last.set(JSON.stringify([p.collection, p.id]), { collection: p.collection, id: p.id, json });
  }
  return [...last.values()];
}

/** The batch as TabSeparated text for `_stage_sets` and `_stage` (record texts escaped, unparsed). */
export function stagePayload(batch: IngestBatch): { sets: string; rows: string; total: number } {
  const sets: string[] = [];
  const rows: string[] = [];
  let ord = 0;
  for (const [setIdx, set] of batch.sets.entries()) {
    sets.push(
      [
        String(setIdx),
        set.family,
        set.tenant,
        set.client,
        set.hostchain,
        set.contentType,
        set.origin,
      ]
        .map(tsvField)
        .join('\t') + '\n',
    );
    const origins = set.recordOrigins;
    for (let i = 0; i < set.records.length; i++) {
      rows.push(
        `${ord++}\t${setIdx}\t${tsvField(set.records[i]!)}\t${tsvField(origins?.[i] ?? null)}\n`,
      );
    }
  }
  return { sets: sets.join(''), rows: rows.join(''), total: ord };
}
