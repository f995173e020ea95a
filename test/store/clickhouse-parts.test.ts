// The ClickHouse store's parts that need no data: store URLs, the cluster DDL (checked by the
// engine's own parser), value conversion, and the requests the server path sends.
import { Readable } from 'node:stream';
import { Session } from 'chdb';
import { afterAll, describe, expect, it } from 'vitest';
import {
  allDdl,
  keeperLeasesDdl,
  retentionSql,
  createDatabaseSql,
} from '../../src/store/clickhouse/ddl.js';
import {
  clientConfig,
  HttpExecutor,
  type ClientLike,
} from '../../src/store/clickhouse/http-executor.js';
import { parseChdbLocation, parseServerUrl } from '../../src/store/clickhouse/url.js';
import {
  CompactRowReader,
  converterFor,
  namedParams,
  parseType,
} from '../../src/store/clickhouse/values.js';
import { MANAGEMENT } from '../../src/store/schema.js';
import { parseStoreUrl } from '../../src/store/open.js';
import { openChdbStore } from '../../src/store/clickhouse/open.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { tempDir } from '../helpers/temp.js';

/** chdb binds one data directory per process: every part of this file uses this one. */
const chdbDir = tempDir('m365hunt-chdb-parts-');

describe('ClickHouse store URLs', () => {
  it('reads chdb:DIR with a database and retention', () => {
    expect(parseChdbLocation('/data/ch')).toMatchObject({
      dir: '/data/ch',
      database: 'm365hunt',
      layout: { leases: 'local' },
    });
    expect(parseChdbLocation('./ch?database=tenant_a&retention_days=90')).toMatchObject({
      dir: './ch',
      database: 'tenant_a',
      layout: { retentionDays: 90 },
    });
    expect(parseStoreUrl('chdb:/data/ch?database=x')).toEqual({
      scheme: 'chdb',
      location: '/data/ch?database=x',
    });
  });

  it('reads server URLs, keeping the password out of every message', () => {
    const env = { M365HUNT_CLICKHOUSE_PASSWORD: 's3cret' };
    const plain = parseServerUrl('clickhouse://ch1.internal/hunt?cluster=prod', env);
    expect(plain.target).toEqual({
      url: 'http://ch1.internal:8123',
      username: 'default',
      password: 's3cret',
      database: 'hunt',
      requestTimeoutMs: undefined,
    });
    expect(plain.layout).toEqual({ cluster: 'prod', retentionDays: undefined, leases: 'auto' });
    const tls = parseServerUrl('clickhouses://ana:p%40ss@ch2:9443?retention_days=30&leases=keeper');
    expect(tls.target).toMatchObject({
      url: 'https://ch2:9443',
      username: 'ana',
      password: 'p@ss',
      database: 'm365hunt',
    });
    expect(tls.display).toBe('clickhouses://ana@ch2:9443/m365hunt?retention_days=30&leases=keeper');
    expect(tls.display).not.toContain('p@ss');
  });

  it('names the mistake in a bad URL', () => {
    expect(() => parseChdbLocation('/d?databse=x')).toThrow(/unknown parameter "databse"/);
    expect(() => parseChdbLocation('/d?database=a-b')).toThrow(/letters, digits and _/);
    expect(() => parseServerUrl('clickhouse://h/db?retention_days=-1')).toThrow(/whole number/);
    expect(() => parseServerUrl('clickhouse://h/db?leases=zk')).toThrow(/auto, keeper or local/);
    expect(() => parseServerUrl('clickhouse://u:pw@h/db?x=1')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('pw') }),
    );
  });
});

describe('ClickHouse DDL', () => {
  const session = new Session(chdbDir);
  afterAll(() => session.close());
  /** The engine's parser: throws on a syntax error, without running the statement. */
  const parses = async (sql: string) =>
    (await session.queryBindAsync('SELECT formatQuery({q:String})', { q: sql }, { format: 'TSV' }))
      .text()
      .trim();

  it('creates MergeTree tables partitioned by day, ordered for the common filters', async () => {
    const [family] = allDdl({ database: 'hunt' });
    expect(family).toContain('ENGINE = MergeTree()');
    expect(family).toContain('PARTITION BY toDate(eventdate)');
    expect(family).toContain('ORDER BY (`_tenant`, `_subtable`, `eventdate`)');
    expect(family).toContain('`_subtable` LowCardinality(String)');
    expect(family).toContain('`UserId` Nullable(String)');
    expect(family).toContain("`eventdate` DateTime64(3, 'UTC')");
    expect(family).toContain('INDEX `ix_id` `Id` TYPE bloom_filter');
    expect(family).not.toContain('ON CLUSTER');
  });

  it('in cluster mode, replicates each shard and distributes by record Id, ON CLUSTER', async () => {
    const layout = { database: 'hunt', cluster: 'prod' };
    const ddl = [createDatabaseSql(layout), ...allDdl(layout), keeperLeasesDdl(layout)];
    for (const sql of ddl) {
      expect(sql).toContain('ON CLUSTER `prod`');
      await parses(sql);
    }
    const local = ddl.find((s) => s.includes('`management_local`'))!;
    expect(local).toContain(
      "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')",
    );
    const distributed = ddl.find((s) => s.includes('ENGINE = Distributed'))!;
    expect(distributed).toContain(
      '`hunt`.`management` ON CLUSTER `prod` AS `hunt`.`management_local`',
    );
    expect(distributed).toContain(
      "Distributed('prod', 'hunt', 'management_local', sipHash64(`Id`))",
    );
    const journal = ddl.find((s) => s.includes('`_journal`'))!;
    expect(journal).toContain(
      "ReplicatedReplacingMergeTree('/clickhouse/tables/m365hunt-all/{database}/{table}', '{replica}', version)",
    );
    expect(keeperLeasesDdl(layout)).toContain("KeeperMap('/m365hunt/hunt/leases')");
  });

  it('keeps data for the retention given, dropping whole days', async () => {
    const sql = retentionSql(MANAGEMENT, { database: 'hunt', cluster: 'prod' }, 90);
    expect(sql).toBe(
      'ALTER TABLE `hunt`.`management_local` ON CLUSTER `prod` MODIFY TTL toDateTime(eventdate) + INTERVAL 90 DAY',
    );
    await parses(sql);
    await parses(retentionSql(MANAGEMENT, { database: 'hunt' }, 0));
  });
});

describe('ClickHouse values', () => {
  it('parses nested type names', () => {
    expect(parseType("Nullable(DateTime64(3, 'UTC'))")).toEqual({
      name: 'Nullable',
      args: [
        {
          type: {
            name: 'DateTime64',
            args: [{ type: { name: '3', args: [] } }, { type: { name: "'UTC'", args: [] } }],
          },
        },
      ],
    });
    const tuple = parseType('Tuple(a Int64, `b c` Array(LowCardinality(String)))');
    expect(tuple.args.map((a) => a.field)).toEqual(['a', 'b c']);
    expect(parseType("Enum8('a' = 1, 'b,c' = 2)").args).toHaveLength(2);
  });

  it('converts results to the values the DuckDB store returns', () => {
    const convert = (type: string, value: unknown) => converterFor(parseType(type))(value);
    expect(convert('Int64', '9007199254740993')).toBe(9007199254740993n);
    expect(convert('UInt64', '18446744073709551615')).toBe(18446744073709551615n);
    expect(convert('Int32', 7)).toBe(7);
    expect(convert('Nullable(Int64)', null)).toBeNull();
    expect(convert("DateTime64(3, 'UTC')", '1772442845.123')).toEqual(
      new Date('2026-03-02T09:14:05.123Z'),
    );
    expect(convert("DateTime64(6, 'UTC')", '1772442845.123456')).toEqual(
      new Date('2026-03-02T09:14:05.123Z'),
    );
    expect(convert("DateTime('UTC')", '1772442845')).toEqual(new Date('2026-03-02T09:14:05Z'));
    expect(convert('DateTime64(3)', '-310315554.877')).toEqual(
      new Date('1960-03-02T09:14:05.123Z'),
    );
    expect(convert('Date', '2026-03-02')).toEqual(new Date('2026-03-02T00:00:00Z'));
    expect(convert('Array(Int64)', ['1', '2'])).toEqual([1n, 2n]);
    expect(convert('Tuple(a Int64, b String)', { a: '1', b: 'x' })).toEqual({ a: 1n, b: 'x' });
    expect(convert('Tuple(Int64, String)', ['1', 'x'])).toEqual([1n, 'x']);
    expect(convert('Map(String, UInt64)', { k: '5' })).toEqual({ k: 5n });
    expect(convert('LowCardinality(Nullable(String))', 'z')).toBe('z');
    expect(convert('Bool', true)).toBe(true);
    expect(convert('Decimal(18, 2)', 1.5)).toBe(1.5);
    expect(convert('UUID', '00000000-0000-0000-0000-000000000001')).toBe(
      '00000000-0000-0000-0000-000000000001',
    );
  });

  it('binds positional parameters as p1, p2, … in the same text on both paths', () => {
    expect(
      namedParams([
        'x',
        5,
        9007199254740993n,
        true,
        null,
        new Date(Date.UTC(2026, 2, 2, 9, 14, 5, 7)),
        ['a', 'b'],
      ]),
    ).toEqual({
      p1: 'x',
      p2: '5',
      p3: '9007199254740993',
      p4: 'true',
      p5: null,
      p6: '2026-03-02 09:14:05.007',
      p7: ['a', 'b'],
    });
    expect(() => namedParams([{ a: 1 }])).toThrow(/Structs/);
  });

  it('reads documents that repeat their names and types (chdb streams each chunk so)', () => {
    const reader = new CompactRowReader();
    const rows = reader.push('["n"]\n["Int64"]\n["1"]\n');
    reader.startDocument();
    rows.push(...reader.push('["n"]\n["Int64"]\n["2"]\n'));
    expect(rows).toEqual([[1n], [2n]]);
  });

  it('reads rows split anywhere across chunks', () => {
    const text = '["n","t"]\n["UInt64","String"]\n["1","a\\nb"]\n["2","c"]\n';
    for (let cut = 0; cut < text.length; cut++) {
      const reader = new CompactRowReader();
      const rows = [
        ...reader.push(text.slice(0, cut)),
        ...reader.push(text.slice(cut)),
        ...reader.finish(),
      ];
      expect(rows).toEqual([
        [1n, 'a\nb'],
        [2n, 'c'],
      ]);
      expect(reader.columns).toEqual([
        { name: 'n', type: 'UInt64' },
        { name: 't', type: 'String' },
      ]);
    }
  });
});

describe('ClickHouse results', () => {
  it('streams a large result in chunks, every row once, converted by type', async () => {
    const store = await openChdbStore(`${chdbDir}?database=s`, {
      clickhouse: { dropOnClose: true },
    });
    try {
      const stream = await store.query({
        sql: 'SELECT number AS n, toString(number) AS s FROM numbers({p1:UInt64})',
        params: [150_000],
      });
      expect(stream.columns).toEqual([
        { name: 'n', type: 'UInt64' },
        { name: 's', type: 'String' },
      ]);
      let count = 0;
      let chunks = 0;
      let sum = 0n;
      for await (const chunk of stream.chunks()) {
        if (chunks++ === 1) {
          // Statements run while the stream is open: it holds a connection of its own.
          const all = await store.queryAll({ sql: 'SELECT 1 AS one', params: [] });
          expect(all).toEqual([{ one: 1 }]);
        }
        for (const [n, text] of chunk) {
          expect(typeof n).toBe('bigint');
          expect(text).toBe(String(n));
          sum += n as bigint;
          count++;
        }
      }
      expect(count).toBe(150_000);
      expect(chunks).toBeGreaterThan(1);
      expect(sum).toBe((149_999n * 150_000n) / 2n);
    } finally {
      await store.close();
    }
  });
});

describe('ClickHouse server requests', () => {
  type Call = { method: string; params: Record<string, unknown> };
  function fakeClient(calls: Call[], response = ''): ClientLike {
    const record = (method: string) => async (params: Record<string, unknown>) => {
      calls.push({ method, params });
      return { text: async () => response, close: () => undefined } as never;
    };
    return {
      command: record('command'),
      query: record('query'),
      insert: record('insert'),
      close: async () => undefined,
    } as unknown as ClientLike;
  }

  it('configures the writer with a session (for its temporary tables) and both with the output settings', () => {
    const target = { url: 'https://ch:8443', username: 'u', password: 'p', database: 'hunt' };
    const writer = clientConfig(target, { sessionId: 'm365hunt-1' });
    expect(writer).toMatchObject({
      url: 'https://ch:8443',
      database: 'hunt',
      session_id: 'm365hunt-1',
      application: 'm365hunt',
      clickhouse_settings: {
        output_format_json_quote_64bit_integers: 1,
        date_time_output_format: 'unix_timestamp',
      },
    });
    expect(clientConfig(target)).not.toHaveProperty('session_id');
    expect(clientConfig(target, { database: null })).not.toHaveProperty('database');
  });

  it('sends parameters, settings, the result format and TabSeparated payloads', async () => {
    const writerCalls: Call[] = [];
    const readerCalls: Call[] = [];
    const executor = new HttpExecutor({
      writer: fakeClient(writerCalls),
      reader: fakeClient(readerCalls, '["x"]\n["Int64"]\n["42"]\n'),
    });
    const result = await executor.select('SELECT {p1:Int64} AS x', {
      params: { p1: '42' },
      settings: { select_sequential_consistency: 1 },
    });
    expect(result.rows).toEqual([[42n]]);
    expect(readerCalls[0]).toEqual({
      method: 'query',
      params: {
        query: 'SELECT {p1:Int64} AS x',
        format: 'JSONCompactEachRowWithNamesAndTypes',
        query_params: { p1: '42' },
        clickhouse_settings: { select_sequential_consistency: 1 },
      },
    });
    await executor.writer.command('TRUNCATE TABLE IF EXISTS _stage');
    await executor.writer.insertTsv('hunt._journal', ['kind', 'value'], 'meta\ta\\tb\n');
    expect(writerCalls.map((c) => c.method)).toEqual(['command', 'insert']);
    const insert = writerCalls[1]!.params;
    expect(insert).toMatchObject({
      table: 'hunt._journal',
      columns: ['kind', 'value'],
      format: 'TabSeparated',
    });
    const stream = insert.values as Readable;
    expect(stream.readableObjectMode).toBe(false);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('meta\ta\\tb\n');
    expect(readerCalls).toHaveLength(1);
  });

  it("tags ingest writes, and fences a dead collector's writes before the first commit", async () => {
    const sent: Array<{ query?: string; table?: string; query_id?: string }> = [];
    const client = () => {
      const c = createClient({
        ...clientConfig({ url: 'http://x:8123', username: 'u', password: '', database: 'fence' }),
        connection: createChdbConnection({ path: chdbDir }) as never,
      });
      const record =
        <A extends { query?: string; table?: string; query_id?: string }, R>(
          f: (a: A) => Promise<R>,
        ) =>
        (a: A) => {
          sent.push({ query: a.query, table: a.table, query_id: a.query_id });
          return f(a);
        };
      c.command = record(c.command.bind(c)) as typeof c.command;
      c.insert = record(c.insert.bind(c)) as typeof c.insert;
      return c;
    };
    const writer = client();
    const reader = client();
    await reader.command({ query: 'CREATE DATABASE IF NOT EXISTS fence' });
    for (const c of [writer, reader]) await c.command({ query: 'USE fence' });
    const store = await ClickHouseStore.open(
      new HttpExecutor({ writer, reader }),
      { database: 'fence' },
      { location: 'fence', leases: 'local', dropOnClose: true },
    );
    try {
      sent.length = 0;
      const record = (id: string) =>
        JSON.stringify({ Id: id, CreationTime: '2026-03-02T09:14:05', Workload: 'Exchange' });
      await store.ingest({
        sets: [
          {
            family: 'management',
            tenant: 't',
            client: 'c',
            hostchain: 'h',
            contentType: null,
            origin: 'o',
            records: [record('a'), '{bad'],
          },
        ],
      });
      const kills = sent.filter((r) => r.query?.startsWith('KILL QUERY'));
      expect(kills.map((r) => r.query)).toEqual([
        "KILL QUERY WHERE startsWith(initial_query_id, 'm365hunt-ingest-fence-') SYNC",
      ]);
      // The fence comes before the watermarks are read, hence before any write of the commit.
      const writes = sent.filter(
        (r) => r.query?.startsWith('INSERT') || r.table?.endsWith('_journal'),
      );
      expect(writes.length).toBe(3);
      for (const w of writes) expect(w.query_id).toMatch(/^m365hunt-ingest-fence-/);
      expect(sent.indexOf(kills[0]!)).toBeLessThan(sent.indexOf(writes[0]!));
      // Once fenced, later commits of this store do not fence again.
      sent.length = 0;
      await store.ingest({
        sets: [],
        cursor: { key: { source: 's', tenant: 't', stream: 'x' }, state: 1 },
      });
      expect(sent.some((r) => r.query?.startsWith('KILL QUERY'))).toBe(false);
    } finally {
      await store.close();
    }
  });
});
