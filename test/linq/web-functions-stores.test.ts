// `ip <- net6(…)` and Devo's URL operations through every store kind (DuckDB opened as m365hunt opens it, with LINQ's
// functions registered on each connection; chdb; the ClickHouse client path), each loaded through
// its own ingest with real records: every store finds the same records (docs/linq.md, "IPv6
// networks", "URL and user-agent operations"). Apart from web-functions.test.ts because chdb allows one data directory per process.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLinq } from '../../src/linq/compile.js';
import { registerLinqFunctions } from '../../src/linq/udf.js';
import { openStore } from '../../src/store/open.js';
import { createCatalog } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import { ingestRecords, openTestStore, STORE_KINDS, type StoreKind } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';
import { storeEngine, type Engine } from './helpers/engines.js';
import { idWhere, LINES, records } from './helpers/web-records.js';

const catalog = createCatalog();
const RANGE = {
  from: new Date('2019-01-01T00:00:00Z'),
  to: new Date('2027-01-01T00:00:00Z'),
  now: new Date('2026-12-08T00:00:00Z'),
};

function open(kind: StoreKind): Promise<Store> {
  const dir = tempDir();
  return kind === 'duckdb'
    ? openStore(join(dir, 'web.duckdb'), { duckdb: { onConnect: registerLinqFunctions } })
    : openTestStore(kind, dir);
}

describe.each(STORE_KINDS)('IPv6 networks through the %s store', (kind) => {
  let engine: Engine;
  beforeAll(async () => {
    const store = await open(kind);
    await ingestRecords(store, LINES);
    engine = storeEngine(kind, store);
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('finds the records whose address is in the networks', async () => {
    const text =
      'from cloud.office365.management where srcIp <- net6("2000::/3") or srcIp <- net6("::ffff:10.0.0.0/104") or srcIp <- net6("::1/128") select Id';
    const rows = await engine.run(
      compileLinq(text, { dialect: engine.dialect, catalog, ...RANGE }),
    );
    const expected = idWhere((r) => {
      const ip = String(r.ClientIP);
      return /^\[?2[0-9a-f]{3}:/i.test(ip) || /^(::)?ffff:10\./.test(ip) || ip === '::1';
    });
    expect(expected.length).toBeGreaterThan(4);
    expect(rows.map((r) => String(r.Id)).sort()).toEqual(expected);
  });

  it('takes the hosts and paths of the real SharePoint URLs', async () => {
    const text =
      'from cloud.office365.management where ObjectId -> "://" select urihost(ObjectId) as host, uripath(ObjectId) as path, uriquery(ObjectId) as query';
    const rows = await engine.run(
      compileLinq(text, { dialect: engine.dialect, catalog, ...RANGE }),
    );
    const expected = records
      .filter((r) => /^https:\/\//.test(String(r.ObjectId)))
      .map((r) => {
        const m = /^https:\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/.exec(String(r.ObjectId))!;
        return [m[1], m[2] || null, m[3] || null].join(' | ');
      })
      .sort();
    expect(expected.length).toBeGreaterThan(100);
    expect(rows.map((r) => [r.host, r.path, r.query].join(' | ')).sort()).toEqual(expected);
  });
});
