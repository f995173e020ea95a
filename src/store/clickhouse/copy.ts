// Copies one store into another, typically an existing DuckDB file into ClickHouse when a
// deployment outgrows one machine (`m365hunt store copy --from duckdb:PATH --to chdb:DIR`).
//
// Rows are read in ingest order and go through the target's own ingest, as raw records: the same
// Id, event time, raw message byte for byte, tenant, client, hostchain and feed; every column the
// target derives comes out of the same text. Ingest deduplicates, so an interrupted copy is simply
// run again. Sequence numbers are the target's own (in the source's order). Bookkeeping follows the
// rows, the cursors last: a collector pointed at a half-copied target re-reads what was not copied
// rather than skipping it.
import { FAMILIES, type TableFamily } from '../schema.js';
import type {
  ContentMark,
  IngestResult,
  RawRecordSet,
  SqlValue,
  StatePut,
  Store,
  StreamKey,
} from '../store.js';

export type CopyPhase = 'rows' | 'quarantine' | 'documents' | 'contents' | 'cursors';

export interface CopyProgress {
  readonly phase: CopyPhase;
  readonly done: number;
  readonly total: number;
}

export interface CopyOptions {
  /** Records per ingest batch (default 10,000). */
  readonly batchSize?: number;
  readonly onProgress?: (progress: CopyProgress) => void;
}

export interface CopySummary {
  readonly rows: { read: number; inserted: number; duplicates: number; quarantined: number };
  readonly quarantine: number;
  readonly documents: number;
  readonly contents: number;
  readonly cursors: number;
  readonly ms: number;
}

const str = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));

/** The SQL that reads a source's bookkeeping: its tables differ by engine. */
function bookkeepingSql(dialect: Store['dialect']): {
  contents: string;
  cursors: string;
  collections: string;
} {
  return dialect === 'duckdb'
    ? {
        contents: `SELECT source, tenant, stream, content_id, content_uri, content_created,
                     content_expiration, status, error, attempts FROM _contents ORDER BY content_created`,
        cursors: 'SELECT source, tenant, stream, state FROM _cursors',
        collections: 'SELECT DISTINCT collection FROM _state ORDER BY collection',
      }
    : {
        contents: `SELECT source, tenant, stream, name AS content_id, value FROM _journal FINAL
                   WHERE kind = 'content' ORDER BY JSONExtractString(value, 'created')`,
        cursors: `SELECT source, tenant, stream, value AS state FROM _journal FINAL WHERE kind = 'cursor'`,
        collections: `SELECT DISTINCT source AS collection FROM _journal FINAL
                      WHERE kind = 'doc' AND value != '' ORDER BY collection`,
      };
}

function contentMark(row: Record<string, SqlValue>): ContentMark {
  const key: StreamKey = {
    source: str(row.source),
    tenant: str(row.tenant),
    stream: str(row.stream),
  };
  if (row.value !== undefined) {
    const v = JSON.parse(str(row.value)) as {
      uri?: string;
      created: string;
      expiration?: string;
      status: 'done' | 'skipped';
      error?: string;
      attempts?: number;
    };
    return {
      key,
      contentId: str(row.content_id),
      contentUri: v.uri,
      contentCreated: v.created,
      contentExpiration: v.expiration,
      status: v.status,
      error: v.error,
      attempts: v.attempts,
    };
  }
  const optional = (v: SqlValue | undefined) =>
    v === null || v === undefined ? undefined : str(v);
  return {
    key,
    contentId: str(row.content_id),
    contentUri: optional(row.content_uri),
    contentCreated: str(row.content_created),
    contentExpiration: optional(row.content_expiration),
    status: row.status === 'skipped' ? 'skipped' : 'done',
    error: optional(row.error),
    attempts: row.attempts === null || row.attempts === undefined ? 1 : Number(row.attempts),
  };
}

async function count(store: Store, family: TableFamily): Promise<number> {
  const rows = await store.queryAll({ sql: `SELECT count(*) AS n FROM ${family.id}`, params: [] });
  return Number(rows[0]?.n ?? 0);
}

/** The columns a family's rows are re-ingested from, by what they are. */
function sourceColumns(family: TableFamily): Record<string, string | undefined> {
  const by = (d: string) => family.columns.find((c) => c.derived === d)?.name;
  return {
    tenant: by('tenant'),
    client: by('client'),
    hostchain: by('hostchain'),
    contentType: by('contentType'),
    message: by('message'),
    seq: by('seq'),
  };
}

export async function copyStore(
  from: Store,
  to: Store,
  options: CopyOptions = {},
): Promise<CopySummary> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 10_000;
  const progress = options.onProgress ?? (() => undefined);
  const rows = { read: 0, inserted: 0, duplicates: 0, quarantined: 0 };
  const add = (r: IngestResult) => {
    rows.inserted += r.inserted;
    rows.duplicates += r.duplicates;
    rows.quarantined += r.quarantined;
  };

  // Rows, in the source's ingest order.
  const families = FAMILIES.filter((f) => sourceColumns(f).message && sourceColumns(f).tenant);
  let total = 0;
  for (const family of families) total += await count(from, family);
  progress({ phase: 'rows', done: 0, total });
  for (const family of families) {
    const c = sourceColumns(family);
    const pick = (name: string | undefined, as: string) =>
      name ? `${name} AS ${as}` : `'' AS ${as}`;
    const stream = await from.query({
      sql: `SELECT ${pick(c.tenant, 'tenant')}, ${pick(c.client, 'client')}, ${pick(c.hostchain, 'hostchain')},
              ${c.contentType ? `${c.contentType} AS content_type` : 'NULL AS content_type'}, ${c.message} AS message
            FROM ${family.id}${c.seq ? ` ORDER BY ${c.seq}` : ''}`,
      params: [],
    });
    let sets: RawRecordSet[] = [];
    let current: (RawRecordSet & { records: string[] }) | undefined;
    let pending = 0;
    const flush = async () => {
      if (pending === 0) return;
      add(await to.ingest({ sets }));
      rows.read += pending;
      progress({ phase: 'rows', done: rows.read, total });
      sets = [];
      current = undefined;
      pending = 0;
    };
    for await (const chunk of stream.chunks()) {
      for (const [tenant, client, hostchain, contentType, message] of chunk) {
        const set = {
          family: family.id,
          tenant: str(tenant),
          client: str(client),
          hostchain: str(hostchain),
          contentType: contentType === null || contentType === undefined ? null : str(contentType),
        };
        if (
          !current ||
          current.tenant !== set.tenant ||
          current.client !== set.client ||
          current.hostchain !== set.hostchain ||
          current.contentType !== set.contentType
        ) {
          current = { ...set, origin: `copy of ${from.location}`, records: [] };
          sets.push(current);
        }
        current.records.push(str(message));
        if (++pending >= batchSize) await flush();
      }
    }
    await flush();
  }

  // Quarantined records: ingested again with their origin, they are quarantined again for the
  // same reason (those the target holds already are left out: a DuckDB quarantine keeps repeats).
  const quarantineKey = (q: { tenant: string; origin: string; text: string }) =>
    JSON.stringify([q.tenant, q.origin, q.text]);
  const held = new Set((await to.quarantine(1_000_000_000)).map(quarantineKey));
  const quarantined = (await from.quarantine(1_000_000_000)).filter(
    (q) => !held.has(quarantineKey(q)),
  );
  progress({ phase: 'quarantine', done: 0, total: quarantined.length });
  for (let i = 0; i < quarantined.length; i += batchSize) {
    const part = quarantined.slice(i, i + batchSize).reverse();
    await to.ingest({
      sets: part.map((q) => ({
        family: q.family,
        tenant: q.tenant,
        client: '',
        hostchain: '',
        contentType: null,
        origin: q.origin,
        records: [q.text],
      })),
    });
    progress({
      phase: 'quarantine',
      done: Math.min(i + batchSize, quarantined.length),
      total: quarantined.length,
    });
  }

  const sql = bookkeepingSql(from.dialect);

  // Application documents (a new version history starts in the target).
  // A store written before documents existed has no table of them.
  const collections = (
    await from.queryAll({ sql: sql.collections, params: [] }).catch(() => [])
  ).map((r) => str(r.collection));
  const puts: StatePut[] = [];
  for (const collection of collections) {
    for (const doc of await from.listState(collection)) {
      puts.push({ collection, id: doc.id, doc: doc.doc });
    }
  }
  progress({ phase: 'documents', done: 0, total: puts.length });
  for (let i = 0; i < puts.length; i += 1000) {
    await to.ingest({ sets: [], states: puts.slice(i, i + 1000) });
  }
  progress({ phase: 'documents', done: puts.length, total: puts.length });

  // Content marks, then cursors.
  const marks = (await from.queryAll({ sql: sql.contents, params: [] })).map(contentMark);
  progress({ phase: 'contents', done: 0, total: marks.length });
  for (let i = 0; i < marks.length; i += 1000) {
    await to.ingest({ sets: [], contents: marks.slice(i, i + 1000) });
    progress({ phase: 'contents', done: Math.min(i + 1000, marks.length), total: marks.length });
  }
  const cursors = await from.queryAll({ sql: sql.cursors, params: [] });
  for (const [i, r] of cursors.entries()) {
    await to.ingest({
      sets: [],
      cursor: {
        key: { source: str(r.source), tenant: str(r.tenant), stream: str(r.stream) },
        state: JSON.parse(str(r.state)) as unknown,
      },
    });
    progress({ phase: 'cursors', done: i + 1, total: cursors.length });
  }

  return {
    rows,
    quarantine: quarantined.length,
    documents: puts.length,
    contents: marks.length,
    cursors: cursors.length,
    ms: Date.now() - started,
  };
}
