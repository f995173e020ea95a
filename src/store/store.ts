// The Store interface: what every layer above needs from the storage engine. DuckDB (embedded,
// one file) and ClickHouse implement it; nothing above this file knows which one it talks to.
import type { QueryLimits } from './query-limits.js';

export type Dialect = 'duckdb' | 'clickhouse';

/** A value bound as a query parameter or read from a result (lists and structs come back nested). */
export type SqlValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Date
  | readonly SqlValue[]
  | { readonly [key: string]: SqlValue };

/** A compiled query: SQL text with placeholders, and the values bound to them, in order. */
export interface SqlQuery {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

export interface ResultColumn {
  readonly name: string;
  /** The engine's type name, e.g. VARCHAR, BIGINT, TIMESTAMP. */
  readonly type: string;
}

/** A streamed result: its columns first, then rows in chunks, never all in memory at once. */
export interface QueryStream {
  readonly columns: readonly ResultColumn[];
  chunks(): AsyncIterable<readonly (readonly SqlValue[])[]>;
}

/** Identifies one durable cursor: a source, a tenant, and a stream within it (a content type). */
export interface StreamKey {
  readonly source: string;
  readonly tenant: string;
  readonly stream: string;
}

/** Raw records from one place (a content blob, a file), to be routed, deduplicated and stored. */
export interface RawRecordSet {
  /** The table family the records belong to (see schema.ts), e.g. `management`. */
  readonly family: string;
  /** The collected tenant's id. */
  readonly tenant: string;
  /** The tenant's label, stored in the `client` column. */
  readonly client: string;
  /** `collector-<id>-<host>`. */
  readonly hostchain: string;
  /** The feed's content type; null when unknown (imports), then inferred from each record. */
  readonly contentType: string | null;
  /** Where the records came from (a contentId, a file name); kept with quarantined records. */
  readonly origin: string;
  /** Each record's JSON text exactly as received. */
  readonly records: readonly string[];
  /** Optional finer origin per record (e.g. `file.ndjson:17`), parallel to `records`. */
  readonly recordOrigins?: readonly string[];
  /**
   * Records refused before the engine saw them (larger than the import's limit, not valid
   * UTF-8): they go straight to the quarantine with the reason, `text` being the part kept.
   */
  readonly rejected?: readonly RejectedRecord[];
}

export interface RejectedRecord {
  readonly text: string;
  readonly reason: string;
  readonly origin: string;
}

/** The longest line (bytes) of a `StagedRecordFile`: longer records go as strings. */
export const STAGED_LINE_MAX = 1024 * 1024;

/**
 * Records an importer staged as a file instead of strings (stores with `ingestsFiles`): the engine
 * reads the bytes itself, so no record becomes a JavaScript string (docs/import.md, "How a file
 * is stored"). Each line of the file is `LINE` `\x01` `TEXT`: the record's line in its source file
 * and its text, byte for byte (no newline, carriage return, NUL or \x01 inside, valid UTF-8, at
 * most `STAGED_LINE_MAX` bytes).
 */
export interface StagedRecordFile {
  readonly family: string;
  /** The staged file (the caller owns it; the store only reads it during `ingest`). */
  readonly path: string;
  /** The lines it holds, by their line numbers in the source: `[first, last]`, gaps allowed. */
  readonly lines: readonly [number, number];
  /** The tenant of every record; without it, each record's `OrganizationId`, lower-cased. */
  readonly tenant?: string;
  /** The `client` label of a tenant's rows. */
  readonly client: (tenant: string) => string;
  readonly hostchain: string;
  /** The source file: quarantined records get origin `<origin>:<line>`. */
  readonly origin: string;
}

/** What happened to a content blob, recorded in the same transaction as its rows. */
export interface ContentMark {
  readonly key: StreamKey;
  readonly contentId: string;
  readonly contentUri?: string;
  readonly contentCreated: string;
  readonly contentExpiration?: string;
  readonly status: 'done' | 'skipped';
  /** Why it was skipped (a redacted error). */
  readonly error?: string;
  readonly attempts?: number;
}

/** A small application document written with a commit (see `Store.putState`). */
export interface StatePut {
  readonly collection: string;
  readonly id: string;
  /** JSON-serialisable; null deletes the document. */
  readonly doc: unknown;
}

/** One atomic commit: rows, the cursor that covers them and the content marks, or nothing at all. */
export interface IngestBatch {
  readonly sets: readonly RawRecordSet[];
  /** Staged files of records, committed with the sets (only for stores with `ingestsFiles`). */
  readonly files?: readonly StagedRecordFile[];
  readonly cursor?: { readonly key: StreamKey; readonly state: unknown };
  readonly contents?: readonly ContentMark[];
  /** Application state that must change together with these rows (e.g. an engine's position). */
  readonly states?: readonly StatePut[];
}

/** A small mutable application document: accounts, sessions, saved queries, engine positions. */
export interface StateDoc<T = unknown> {
  readonly id: string;
  readonly doc: T;
  /** Starts at 1 and grows by one with each write: writers use it to detect a concurrent change. */
  readonly version: number;
  readonly updated: Date;
}

export interface IngestResult {
  /** Rows stored. */
  readonly inserted: number;
  /** Records dropped because a record with the same id was already stored (or earlier in the batch). */
  readonly duplicates: number;
  /** Records that are not valid (not an object, no id, no usable time): kept aside with the reason. */
  readonly quarantined: number;
  /** Ingest sequence numbers given to the stored rows, when any: [first, last]. */
  readonly seqRange: readonly [bigint, bigint] | null;
  /** Records of the staged files by tenant (the tenant was read from each record by the engine). */
  readonly tenants?: ReadonlyMap<string, number>;
}

export interface QuarantinedRecord {
  readonly family: string;
  readonly tenant: string;
  readonly origin: string;
  readonly reason: string;
  readonly text: string;
  readonly at: Date;
}

export interface ContentStatus {
  readonly contentId: string;
  readonly contentUri?: string;
  readonly contentCreated: string;
  readonly contentExpiration?: string;
  readonly status: 'done' | 'skipped';
  readonly error?: string;
  readonly attempts: number;
  readonly updated: Date;
}

/** Per-stream health for `m365hunt status`. */
export interface StreamStatus {
  readonly key: StreamKey;
  readonly cursor: unknown;
  readonly records: number;
  readonly skipped: number;
  readonly quarantined: number;
  readonly lastError: string | null;
  readonly lastErrorAt: Date | null;
  readonly lastSuccessAt: Date | null;
}

// The Store is split by role, so that a caller can ask for only what it uses: rows in and queries
// out, cursors and content marks, stream health and quarantine, documents, leases. `Store` is all of
// them (each engine implements it whole).

/** Rows in: the atomic ingest commit and the sequence it advances. */
export interface RowStore {
  /** Stores rows, cursor and content marks atomically: a crash at any instant loses and duplicates nothing. */
  ingest(batch: IngestBatch): Promise<IngestResult>;
  /** Whether `ingest` takes staged files (`IngestBatch.files`); others get strings only. */
  readonly ingestsFiles?: boolean;
  /** Highest ingest sequence number committed so far (0 when empty). */
  maxSeq(): Promise<bigint>;
}

/** Queries out: the engine's dialect, where it is, and queries whose values are bound. */
export interface QueryStore {
  readonly dialect: Dialect;
  /** Where the store is, for messages: `duckdb:/path/file.duckdb`, `chdb:/dir`, `clickhouse://…`. */
  readonly location: string;
  /** Sub-tables present in the data of a family (lower-cased Workloads). */
  subtables(family: string): Promise<string[]>;
  /**
   * Runs a query; results stream. Values are bound, never spliced into the SQL. With limits, the
   * query is cancelled past them and fails with a QueryLimitError (see query-limits.ts).
   */
  query(query: SqlQuery, limits?: QueryLimits): Promise<QueryStream>;
  /** Runs a query and collects every row as an object (for small answers only). */
  queryAll(query: SqlQuery): Promise<Array<Record<string, SqlValue>>>;
}

/** Collection positions: each stream's cursor and the content blobs already committed. */
export interface CursorStore {
  /** The cursor state last committed for a stream, or undefined. */
  cursor(key: StreamKey): Promise<unknown>;
  /** Status of the given content ids of a stream (absent = never committed). */
  contentStatus(key: StreamKey, contentIds: readonly string[]): Promise<Map<string, ContentStatus>>;
  /** Skipped content of a stream (or of all streams). */
  skippedContent(key?: StreamKey): Promise<Array<ContentStatus & { key: StreamKey }>>;
}

/** Health of the streams and the records kept aside. */
export interface HealthStore {
  /** Records a stream's last error (redacted) or success, outside any ingest transaction. */
  recordStreamHealth(key: StreamKey, health: { error: string | null }): Promise<void>;
  /** Health and counters per stream. */
  streamStatus(): Promise<StreamStatus[]>;
  /** Quarantined records, newest first. */
  quarantine(limit?: number): Promise<QuarantinedRecord[]>;
}

/** Small mutable application documents (accounts, sessions, saved queries, engine positions). */
export interface DocumentStore {
  /** A document of a collection, or undefined. */
  getState<T = unknown>(collection: string, id: string): Promise<StateDoc<T> | undefined>;
  /** Every document of a collection, by id. */
  listState<T = unknown>(collection: string): Promise<Array<StateDoc<T>>>;
  /**
   * Writes a document. With `expectedVersion`, only when the stored version is that one (0: only
   * when absent); returns the new version, or null when another writer got there first.
   */
  putState(
    collection: string,
    id: string,
    doc: unknown,
    expectedVersion?: number,
  ): Promise<number | null>;
  /** Deletes a document; true when it existed. */
  deleteState(collection: string, id: string): Promise<boolean>;
}

/** Named leases with an expiry, so that collectors sharing a store do not collect a tenant twice. */
export interface LeaseStore {
  /**
   * Takes the named lease for `owner`, or renews it when `owner` holds it already, until `ttlMs`
   * from now. False while another owner holds it unexpired. Collectors sharing a store take one
   * per tenant so that no tenant is collected twice; a crashed holder's lease lapses after ttlMs.
   */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` holds it (no effect otherwise). */
  releaseLease(name: string, owner: string): Promise<void>;
}

/** The whole store: every role, and closing it. */
export interface Store
  extends RowStore, QueryStore, CursorStore, HealthStore, DocumentStore, LeaseStore {
  close(): Promise<void>;
}
