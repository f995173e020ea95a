// The ClickHouse store's state, settings and journal vocabulary. The store is built in layers by
// role, each extending the one before: leases, ingest (the commit protocol), documents, bookkeeping
// reads; ./clickhouse-store.ts (opening, migrating, queries) is the last.
import { randomUUID } from 'node:crypto';
import { M365HuntError } from '../../util/errors.js';
import { Mutex } from '../../util/mutex.js';
import { FAMILIES, type TableFamily } from '../schema.js';
import type { ContentStatus, SqlQuery, SqlValue, StreamKey } from '../store.js';
import { qualified, type Layout } from './ddl.js';
import type { ChExecutor, Settings } from './executor.js';
import type { LayoutOptions } from './url.js';

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
export interface StateRow {
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

export const STATE_COLUMNS = [
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
export const MAX_STATE_ROWS = 100_000;

export const COMMIT_LEASE = 'm365hunt:commit';
export const COMMIT_LEASE_TTL_MS = 120_000;
export const COMMIT_LEASE_WAIT_MS = 600_000;

/** Per store (database) in this process: ingests and lease changes run one at a time. */
export const writers = new Map<string, Mutex>();

export function familyById(id: string): TableFamily {
  const family = FAMILIES.find((f) => f.id === id);
  if (!family) throw new M365HuntError(`Unknown table family ${id}.`);
  return family;
}

export function str(value: SqlValue | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/** A comparison's result: UInt8 (or Bool) in ClickHouse. */
export function isTrue(value: SqlValue | undefined): boolean {
  return value === true || value === 1 || value === 1n;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

export interface MarkValue {
  uri?: string;
  created: string;
  expiration?: string;
  status: 'done' | 'skipped';
  error?: string;
  attempts: number;
}

export function markStatus(name: string, value: string, updated: SqlValue): ContentStatus {
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

export abstract class ClickHouseBase {
  readonly dialect = 'clickhouse' as const;
  readonly location: string;
  protected readonly writer: Mutex;
  /** Who this store is in leases it takes for itself (the commit lease). */
  protected readonly self = `store-${randomUUID()}`;
  protected leaseMode: 'keeper' | 'local' = 'local';
  protected closed = false;
  /** Whether the writer's staging tables are known to exist and be empty. */
  protected stage: 'unknown' | 'ready' = 'unknown';
  /** Whether running ingest writes of a dead writer were stopped (see fenceZombieWrites). */
  protected fenced = false;
  /** Whether the commit lease was last taken from an expired holder. */
  protected tookOver = false;

  protected constructor(
    protected readonly executor: ChExecutor,
    readonly layout: Layout,
    protected readonly options: ClickHouseStoreOptions,
  ) {
    this.location = options.location;
    const key = `${options.location}#${layout.database}`;
    let mutex = writers.get(key);
    if (!mutex) writers.set(key, (mutex = new Mutex()));
    this.writer = mutex;
  }

  /** How leases are held: `keeper` (KeeperMap, shared by every node) or `local`. */
  get leases(): 'keeper' | 'local' {
    return this.leaseMode;
  }

  protected get clustered(): boolean {
    return this.layout.cluster !== undefined;
  }

  /** Settings of the writes the commit protocol relies on. */
  protected insertSettings(): Settings {
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
  protected readSettings(): Settings {
    return this.clustered ? { select_sequential_consistency: 1 } : {};
  }

  protected table(name: string): string {
    return qualified(this.layout, name);
  }

  /** `db.table` for inserts: both clients take a plain dotted name (the database name is plain). */
  protected insertTarget(name: string): string {
    return `${this.layout.database}.${name}`;
  }

  protected async fault(point: IngestPoint): Promise<void> {
    await this.options.faultInjection?.(point);
  }

  /** Runs a query and collects its rows (./clickhouse-store.ts). */
  abstract queryAll(query: SqlQuery): Promise<Array<Record<string, SqlValue>>>;

  /** Status of content ids of a stream (./bookkeeping.ts). */
  abstract contentStatus(
    key: StreamKey,
    contentIds: readonly string[],
  ): Promise<Map<string, ContentStatus>>;

  /** Journal rows of document writes (./documents.ts). */
  protected abstract docRows(
    puts: ReadonlyArray<{ collection: string; id: string; json: string | null }>,
    version: bigint,
  ): Promise<StateRow[]>;
}
