// Stores for tests: every store kind the suite runs against, on real files in a temporary folder,
// and loaders of NDJSON fixtures (raw Management API records, one per line) through the real ingest.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open.js';
import type { IngestResult, Store } from '../../src/store/store.js';

/** The store kinds a parameterised test runs against. */
export const STORE_KINDS = ['duckdb', 'chdb', 'chdb-client'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

let counter = 0;

/**
 * chdb binds one data directory per process: every chdb store of a test process lives in this
 * one, each in a database of its own that is dropped when the store closes. A test that opens a
 * chdb `Session` of its own must open it here too (`new Session(sharedChdbDir())`).
 */
let chdbDir: string | undefined;
export function sharedChdbDir(): string {
  if (!chdbDir) {
    const dir = mkdtempSync(join(tmpdir(), `m365hunt-chdb-${process.pid}-`));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    chdbDir = dir;
  }
  return chdbDir;
}

export async function openTestStore(kind: StoreKind, dir: string): Promise<Store> {
  counter++;
  switch (kind) {
    case 'duckdb':
      return openStore(join(dir, `test-${process.pid}-${counter}.duckdb`));
    case 'chdb': {
      // Loaded here, so that DuckDB-only runs never load chdb's library.
      const { openChdbStore } = await import('../../src/store/clickhouse/open.js');
      return openChdbStore(`${sharedChdbDir()}?database=test_${counter}`, {
        clickhouse: { dropOnClose: true },
      });
    }
    case 'chdb-client':
      return openClientOverChdb(sharedChdbDir(), `test_${counter}`);
  }
}

/**
 * The server path (HttpExecutor on the official @clickhouse/client) with chdb's in-process
 * `Connection` in place of HTTP: the same requests, settings, parameters and formats a server gets.
 */
async function openClientOverChdb(dir: string, database: string): Promise<Store> {
  const [{ createClient }, { createChdbConnection }, { HttpExecutor }, { ClickHouseStore }] =
    await Promise.all([
      import('@clickhouse/client'),
      import('chdb/connection'),
      import('../../src/store/clickhouse/http-executor.js'),
      import('../../src/store/clickhouse/clickhouse-store.js'),
    ]);
  const { clientConfig } = await import('../../src/store/clickhouse/http-executor.js');
  const target = { url: 'http://localhost:8123', username: 'default', password: '', database };
  const client = (sessionId?: string) =>
    createClient({
      ...clientConfig(target, { sessionId }),
      // chdb's Connection is typed against its own copy of the client's internal contract.
      connection: createChdbConnection({ path: dir }) as never,
    });
  const bootstrap = client();
  await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await bootstrap.close();
  // A server selects the database from the request; chdb's Connection needs it selected.
  const writer = client('writer');
  const reader = client();
  for (const c of [writer, reader]) await c.command({ query: `USE ${database}` });
  const executor = new HttpExecutor({ writer, reader });
  return ClickHouseStore.open(
    executor,
    { database },
    { location: `chdb-client:${dir}#${database}`, leases: 'local', dropOnClose: true },
  );
}

export interface FixtureOptions {
  tenant?: string;
  client?: string;
  /** Defaults to `collector-12345-testhost`. */
  hostchain?: string;
  /** The feed's content type; null (the default) infers it from each record, as imports do. */
  contentType?: string | null;
}

/** Ingests raw records (objects or JSON texts) as one batch. */
export function ingestRecords(
  store: Store,
  records: ReadonlyArray<string | object>,
  options: FixtureOptions = {},
): Promise<IngestResult> {
  return store.ingest({
    sets: [
      {
        family: 'management',
        tenant: options.tenant ?? '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
        client: options.client ?? 'contoso',
        hostchain: options.hostchain ?? 'collector-12345-testhost',
        contentType: options.contentType ?? null,
        origin: 'test',
        records: records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))),
      },
    ],
  });
}

/** Ingests an NDJSON file of raw records (blank lines and `//` comment lines skipped). */
export function ingestNdjsonFile(
  store: Store,
  file: string,
  options: FixtureOptions = {},
): Promise<IngestResult> {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('//'));
  return ingestRecords(store, lines, options);
}
