// The conformance queries that fit m365hunt's own tables, run through every store kind (DuckDB, chdb,
// the ClickHouse client path) over the seed records plus a password spray: one test body, each store
// loaded through its own ingest; every store gives the same, non-empty answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLinq } from '../../src/linq/compile.js';
import { createCatalog } from '../../src/store/schema.js';
import { ingestNdjsonFile, ingestRecords, openTestStore, STORE_KINDS } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';
import { storeEngine, type Engine, type ResultRow } from './helpers/engines.js';
import { CONFORMANCE } from './helpers/conformance.js';
import { SEED_FILES, SEED_RANGE, sorted } from './helpers/fixtures.js';

const FITTING = ['7', '8', '9a', '9b', '10'];
const queries = CONFORMANCE.filter((c) => FITTING.includes(c.id));

/** Twelve failed sign-ins on one account within five minutes (for 9.10). */
const SPRAY = Array.from({ length: 12 }, (_, i) => ({
  CreationTime: `2026-03-02T18:0${Math.floor(i / 3)}:${String(10 + i).padStart(2, '0')}`,
  Id: `aa10aa10-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`,
  Operation: 'UserLoginFailed',
  OrganizationId: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
  RecordType: 15,
  UserKey: '10032001A1B2C3D4@contoso.com',
  UserType: 0,
  Version: 1,
  Workload: 'AzureActiveDirectory',
  ResultStatus: 'Failed',
  UserId: 'ana@contoso.com',
  ClientIP: `45.9.148.${i}`,
  ActorIpAddress: `45.9.148.${i}`,
  LogonError: 'InvalidUserNameOrPassword',
}));

const answers = new Map<string, Map<string, ResultRow[]>>();

describe.each(STORE_KINDS)('conformance queries on the %s store', (kind) => {
  let engine: Engine;
  const catalog = createCatalog();
  beforeAll(async () => {
    const store = await openTestStore(kind, tempDir());
    for (const { file, hostchain } of SEED_FILES)
      await ingestNdjsonFile(store, file, { hostchain, client: 'contoso' });
    await ingestRecords(store, SPRAY, { hostchain: 'collector-12345-hunt01', client: 'contoso' });
    engine = storeEngine(kind, store);
  });
  afterAll(async () => {
    await engine?.close();
  });

  it.each(queries.map((q) => [q.id, q.text]))('9.%s', async (id, text) => {
    const rows = sorted(
      await engine.run(compileLinq(text, { dialect: engine.dialect, catalog, ...SEED_RANGE })),
    );
    expect(rows.length).toBeGreaterThan(0);
    if (!answers.has(id)) answers.set(id, new Map());
    answers.get(id)!.set(kind, rows);
  });
});

describe('every store gives the same answers', () => {
  it.each(queries.map((q) => [q.id]))('9.%s', (id) => {
    const byStore = answers.get(id)!;
    const first = byStore.get(STORE_KINDS[0])!;
    for (const kind of STORE_KINDS) expect([kind, byStore.get(kind)]).toEqual([kind, first]);
  });

  it('9.10 finds the spray and carries the last address', () => {
    expect(
      answers
        .get('10')!
        .get('duckdb')!
        .map((r) => [r.UserId, r.failedAttempts, r.entity_sourceIP]),
    ).toEqual([['ana@contoso.com', '12', '45.9.148.11']]);
  });
});
