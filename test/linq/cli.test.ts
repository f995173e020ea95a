// `m365hunt query` as an analyst runs it: formats, time ranges, --explain, errors with a caret; and
// the result writer streaming a million rows without holding them.
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  csvField,
  writeResult,
  type OutputFormat,
  type ResultSource,
} from '../../src/linq/format.js';
import { runLinq } from '../../src/linq/run.js';
import { registerLinqFunctions } from '../../src/linq/udf.js';
import { openStore } from '../../src/store/open.js';
import type { SqlValue } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { ingestNdjsonFile, openTestStore } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';
import { SEED_FILES, SEED_RANGE } from './helpers/fixtures.js';
import { SEEDS } from './helpers/seeds.js';

const dir = tempDir();
const db = join(dir, 'hunt.duckdb');
const RANGE = ['--from', '2026-03-01', '--to', '2026-03-03'];

/** Runs a query on the test store and writes it in a format, in process (as the command does). */
async function output(
  text: string,
  format: OutputFormat,
  extra: { limit?: number } = {},
  allColumns = false,
): Promise<string> {
  const store = await openStore(db, {
    readOnly: true,
    duckdb: { onConnect: registerLinqFunctions },
  });
  try {
    const result = await runLinq(store, text, { ...SEED_RANGE, ...extra });
    let out = '';
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        out += chunk.toString();
        done();
      },
    });
    await writeResult(
      { columns: result.compiled.columns, chunks: () => result.chunks() },
      format,
      sink,
      { width: 120, allColumns },
    );
    return out;
  } finally {
    await store.close();
  }
}

describe('m365hunt query', () => {
  beforeAll(async () => {
    const store = await openTestStore('duckdb', dir);
    for (const { file, hostchain } of SEED_FILES)
      await ingestNdjsonFile(store, file, { hostchain });
    const location = store.location.replace(/^duckdb:/, '');
    await store.close();
    copyFileSync(location, db);
  });

  it('runs from the command line: ndjson, one object per row keyed by column name', async () => {
    const r = await runCli(['query', SEEDS[6], '--db', db, ...RANGE, '--format', 'ndjson']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // every column of the table, after the created one, in event-time order
    expect(Object.keys(rows[0]!).slice(0, 3)).toEqual(['foreign', 'eventdate', 'hostchain']);
    expect(rows.map((r) => [r.eventdate, r.foreign, r.Operation, r.UserId])).toEqual([
      ['2026-03-02T14:00:00.000Z', true, 'MessageSent', 'ana@contoso.com'],
      ['2026-03-02T14:05:00.000Z', false, 'ChatCreated', 'bob@contoso.com'],
      ['2026-03-02T16:00:00.000Z', false, 'MeetingParticipantDetail', 'dave@contoso.com'],
    ]);
  });

  it('json: an array; csv: RFC 4180 with quotes doubled', async () => {
    const rows = JSON.parse(await output(SEEDS[5], 'json')) as Array<Record<string, string>>;
    expect(rows.map((r) => r.ip).sort()).toEqual([
      '198.51.100.23',
      '198.51.100.23:4455',
      '[2001:db8::5]:443',
    ]);
    expect(JSON.parse(await output('from cloud.office365.management.yammer', 'json'))).toEqual([]);
    const csv = await output(SEEDS[5], 'csv');
    const lines = csv.split('\r\n');
    expect(lines[0]).toMatch(/^file,ip,recipient,eventdate,hostchain,client,Id,/);
    expect(lines[0]!.endsWith(',message')).toBe(true);
    expect(csv).toContain(
      '"https://contoso-my.sharepoint.com/personal/ana_contoso_com/Documents/Board ""STRATEGIC"" notes\\draft.docx"',
    );
    expect(lines.filter((l) => l !== '')).toHaveLength(4);
  });

  it('table: a grid that fits the width, long cells cut, with a row count', async () => {
    const lines = (await output(SEEDS[5], 'table')).trim().split('\n');
    // the grid shows the query's own columns and the time; --all-columns shows them all
    expect(lines[0]).toMatch(/^eventdate\s+file\s+ip\s+recipient$/);
    expect(lines[1]).toMatch(/^-+ {2}-+/);
    expect(lines.at(-1)).toBe('(3 rows)');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(120);
    expect(lines[2]).toContain('…');
    // Every column does not fit 160 characters: the rows print as blocks (psql's expanded
    // display), the query's columns first, then the table's.
    const wide = (await output(SEEDS[5], 'table', {}, true)).trim().split('\n');
    expect(wide[0]).toMatch(/^-\[ row 1 \]-+$/);
    expect(wide.slice(1, 6).map((l) => l.split(/\s+\|/)[0]!.trim())).toEqual([
      'file',
      'ip',
      'recipient',
      'eventdate',
      'hostchain',
    ]);
  });

  it('lookups: load a CSV, list it, query with it, refuse an unknown one where it is', async () => {
    const csv = join(dir, 'vip.csv');
    writeFileSync(csv, 'user,title\nana@contoso.com,CFO\n');
    const load = await runCli(['lookups', 'load', 'VIP', csv, '--db', db]);
    expect(load.code, load.stderr).toBe(0);
    expect(load.stdout).toContain(
      'Loaded VIP version 1: 1 rows, key user; columns user (str), title (str)',
    );
    const list = await runCli(['lookups', 'list', '--db', db]);
    expect(list.stdout).toMatch(/VIP\s+1 of 1\s+1\s+user\s+user, title/);
    const q = await runCli([
      'query',
      'from cloud.office365.management where isnotnull(lu("VIP", "title", UserId)) group by UserId select lu("VIP", "title", UserId) as title, count() as n',
      '--db',
      db,
      ...RANGE,
      '--format',
      'csv',
    ]);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout.split('\r\n')[1]).toBe('ana@contoso.com,CFO,16');
    const bad = await runCli([
      'query',
      'from cloud.office365.management select lu("VIPs", "title", UserId) as t',
      '--db',
      db,
      ...RANGE,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown lookup `VIPs`');
    expect(bad.stderr).toContain('did you mean `VIP`?');
  });

  it('runs jq programs that are not paths on the DuckDB store', async () => {
    const text =
      'from cloud.office365.management.microsoftteams where Operation = "MessageSent" select jqeval(jqcompile(".ParticipantInfo.ParticipatingDomains | join(\\",\\")"), jsonparse(message)) as domains';
    const rows = (await output(text, 'ndjson'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { domains: string });
    expect(rows.map((r) => r.domains)).toEqual([
      'contoso.com,fabrikam.com',
      'contoso.com,fabrikam.com',
    ]);
  });

  it('--limit caps the rows', async () => {
    expect(
      (await output('from cloud.office365.management', 'ndjson', { limit: 3 })).trim().split('\n'),
    ).toHaveLength(3);
  });

  it('--explain prints the SQL and its parameters without running', async () => {
    const r = await runCli([
      'query',
      SEEDS[2],
      '--explain',
      '--dialect',
      'clickhouse',
      '--db',
      join(dir, 'absent.duckdb'),
      ...RANGE,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('-- clickhouse SQL');
    expect(r.stdout).toContain('JSONExtractRaw("message", {p5:String})');
    expect(r.stdout).toContain('{p4} = "AttachmentDownload"');
    expect(existsSync(join(dir, 'absent.duckdb'))).toBe(false);
  });

  it('a mistake prints the query with a caret and exits with 2; so does a bad time', async () => {
    const r = await runCli([
      'query',
      'from cloud.office365.management where weakhass(UserId, "x")',
      '--db',
      db,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No function named `weakhass`');
    expect(r.stderr).toContain('                                      ^^^^^^^^');
    expect(r.stderr).toContain('hint: did you mean `weakhas`?');
    const bad = await runCli([
      'query',
      'from cloud.office365.management',
      '--db',
      db,
      '--from',
      'last week',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Cannot read --from `last week`');
  });
});

describe('writing results', () => {
  it('quotes CSV fields that need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('streams a million rows: written while produced, memory flat', async () => {
    const CHUNKS = 1000;
    const SIZE = 1000;
    let produced = 0;
    let producedAtFirstWrite = -1;
    let bytes = 0;
    let peak = 0;
    const base = process.memoryUsage().heapUsed;
    const source: ResultSource = {
      columns: [
        { name: 'eventdate', type: 'timestamp' },
        { name: 'UserId', type: 'str' },
        { name: 'n', type: 'int' },
        { name: 'j', type: 'json' },
      ],
      async *chunks() {
        for (let c = 0; c < CHUNKS; c++) {
          const rows: SqlValue[][] = [];
          for (let i = 0; i < SIZE; i++) {
            rows.push([
              new Date(Date.UTC(2026, 2, 2) + i),
              `user${i}@contoso.com`,
              BigInt(c * SIZE + i),
              '{"a":[1,2]}',
            ]);
          }
          produced++;
          if (c % 50 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - base);
          yield rows;
        }
      },
    };
    const sink = new Writable({
      highWaterMark: 1 << 16,
      write(chunk: Buffer, _enc, done) {
        if (producedAtFirstWrite < 0) producedAtFirstWrite = produced;
        bytes += chunk.length;
        setImmediate(done);
      },
    });
    const rows = await writeResult(source, 'ndjson', sink);
    expect(rows).toBe(CHUNKS * SIZE);
    expect(bytes).toBeGreaterThan(CHUNKS * SIZE * 50);
    expect(producedAtFirstWrite).toBeLessThanOrEqual(2);
    // the whole answer is ~90 MB of NDJSON; the heap never holds more than a few chunks of it
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  });
});
