// `m365hunt import` end to end: each format through the command's own code path (option parsing,
// the runner, the summary) into every store kind, then the rows, the quarantine and the messages
// read back from the store.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { registerImport } from '../../src/cli/commands/import.js';
import {
  runImport as runImportDirect,
  type ImportSummary,
} from '../../src/ingest/import/runner.js';
import { openStore } from '../../src/store/open.js';
import type { IngestResult, SqlValue, Store } from '../../src/store/store.js';
import { M365HuntError } from '../../src/util/errors.js';
import { openTestStore, STORE_KINDS } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('m365hunt-import-');
const fixture = (name: string) => join(import.meta.dirname, '../fixtures/import', name);
const CONTOSO = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const FABRIKAM = '7e3f9a20-1c4b-4d8e-9f61-2a5b7c8d9e0f';
const HOSTCHAIN = 'collector-10001-testhost';

interface Run {
  summary?: ImportSummary;
  out: string;
  err: string;
  error?: M365HuntError;
}

function sink(): { stream: Writable; text: () => string } {
  const parts: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      parts.push(String(chunk));
      callback();
    },
  });
  return { stream, text: () => parts.join('') };
}

/** The store as the command sees it, except that the command's close leaves it open for the test. */
function keepOpen(store: Store): Store {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'close') return async () => undefined;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

/** `m365hunt import ARGS…`, parsed by commander, into the given store. */
async function runImport(
  store: Store | undefined,
  args: string[],
  progressEverySeconds?: number,
): Promise<Run> {
  const program = new Command('m365hunt').exitOverride();
  const out = sink();
  const err = sink();
  let summary: ImportSummary | undefined;
  registerImport(program, {
    openStore: store ? async () => keepOpen(store) : undefined,
    stdout: out.stream,
    stderr: err.stream,
    hostname: 'testhost',
    progressEverySeconds,
    onSummary: (s) => (summary = s),
  });
  let error: M365HuntError | undefined;
  try {
    await program.parseAsync(['import', ...args], { from: 'user' });
  } catch (e) {
    if (!(e instanceof M365HuntError)) throw e;
    error = e;
  }
  return { summary, out: out.text(), err: err.text(), error };
}

const importFiles = (store: Store, ...files: string[]) =>
  runImport(store, ['--collector-id', '10001', ...files]);

function counts(run: Run, index = 0) {
  const f = run.summary?.files[index];
  return (
    f && {
      read: f.read,
      stored: f.stored,
      duplicates: f.duplicates,
      quarantined: f.quarantined,
      unreadable: f.unreadable,
    }
  );
}

type Row = Record<string, SqlValue>;

async function rows(store: Store): Promise<Row[]> {
  return store.queryAll({
    sql: `SELECT "Id", "Operation", "UserId", "RecordType", "UserType", "Workload", "ClientIP",
            "ClientIPAddress", srcIp, eventdate, hostchain, client, _tenant, _subtable,
            _content_type, message
          FROM management ORDER BY _seq`,
    params: [],
  });
}

function byId(all: Row[], id: string): Row {
  const row = all.find((r) => r.Id === id);
  if (!row) throw new Error(`no row ${id}`);
  return row;
}

async function quarantined(store: Store): Promise<Array<[string, string]>> {
  const q = await store.quarantine(1000);
  return q.map((r) => [r.origin, r.reason] as [string, string]).sort();
}

function linesOf(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n');
}

describe.each(STORE_KINDS)('import into the %s store', (kind) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });

  it('imports raw NDJSON: promoted columns, sub-tables, tenants, text byte for byte, quarantine by line', async () => {
    store = await openTestStore(kind, dir);
    const file = fixture('management-contoso.ndjson');
    const run = await importFiles(store, file);
    expect(run.error).toBeUndefined();
    expect(counts(run)).toEqual({
      read: 11,
      stored: 9,
      duplicates: 0,
      quarantined: 2,
      unreadable: 0,
    });
    const all = await rows(store);
    // Each stored message is its line exactly (line 5 is blank, 11 and 12 are quarantined).
    const lines = linesOf(file);
    const lineOf = new Map(lines.map((text, i) => [text, i + 1]));
    const stored = new Map(all.map((r) => [lineOf.get(String(r.message)), r]));
    expect([...stored.keys()].sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10]);
    const subtables = [1, 2, 3, 4, 6, 7, 8, 9, 10].map((n) => stored.get(n)?._subtable);
    expect(subtables).toEqual([
      'onedrive',
      'sharepoint',
      'exchange',
      'exchange',
      'azureactivedirectory',
      'microsoftteams',
      'onedrive',
      'sharepoint',
      'sharepoint',
    ]);
    expect(stored.get(6)).toMatchObject({ Operation: 'UserLoginFailed', srcIp: '203.0.113.44' });
    expect(new Set(all.map((r) => r.hostchain))).toEqual(new Set([HOSTCHAIN]));
    const inbox = byId(all, 'a7c3e1f0-3d2b-4c1a-9e8f-7d6c5b4a3f21');
    expect(inbox).toMatchObject({ UserId: 'ana@contoso.com', ClientIP: '203.0.113.77:51234' });
    expect(inbox.srcIp).toBe('203.0.113.77');
    expect(inbox.eventdate).toEqual(new Date('2026-03-02T09:31:12Z'));
    expect(Number(inbox.RecordType)).toBe(1);
    expect(byId(all, 'f2b6c9d4-8e1a-4b37-9c50-3d7e2a1f6b84').srcIp).toBe('203.0.113.77');
    expect(byId(all, 'odd-0001-4d5e-8f70-000000000001').srcIp).toBe('2001:db8::7');
    expect(byId(all, '6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a')._content_type).toBe('DLP.All');
    // Tenant and client from each record's own (top-level) OrganizationId.
    expect(byId(all, 'b4a39281-7f6e-4d5c-8b4a-39281706f5e4')).toMatchObject({
      _tenant: FABRIKAM,
      client: FABRIKAM,
    });
    expect(byId(all, 'odd-0001-4d5e-8f70-000000000001')._tenant).toBe(CONTOSO);
    expect(run.summary?.files[0]?.tenants).toEqual(
      new Map([
        [CONTOSO, 9],
        [FABRIKAM, 1],
        ['unknown', 1], // the record cut short: no OrganizationId to read
      ]),
    );
    expect(await quarantined(store)).toEqual([
      [`${file}:11`, 'no Id field'],
      [`${file}:12`, 'not valid JSON'],
    ]);
    expect(run.out).toContain(`${file}:11: no Id field`);
    expect(run.out).toContain('Management Activity API records (NDJSON)');
  });

  it('imports an NDJSON file whose first line is broken: that line is quarantined, the rest stored', async () => {
    store = await openTestStore(kind, dir);
    const file = join(dir, `first-line-broken-${kind}.json`);
    const good = linesOf(fixture('management-contoso.ndjson')).slice(0, 3);
    writeFileSync(file, ['{"Id": "cut-short', ...good].join('\n') + '\n');
    const run = await importFiles(store, file);
    expect(run.error).toBeUndefined();
    expect(counts(run)).toMatchObject({ read: 4, stored: 3, quarantined: 1 });
    expect(await quarantined(store)).toEqual([[`${file}:1`, 'not valid JSON']]);
  });

  it('still refuses pretty-printed JSON, whose lines are no records', async () => {
    const file = join(dir, 'pretty.json');
    const record = JSON.parse(linesOf(fixture('management-contoso.ndjson'))[0]!) as object;
    writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
    const run = await runImport(undefined, [
      '--collector-id',
      '10001',
      '--db',
      join(dir, 'p.duckdb'),
      file,
    ]);
    expect(run.error?.message).toMatch(/not a JSON object on one line/);
  });

  it('imports a JSON array byte for byte, and skips the records an NDJSON file brought already', async () => {
    store = await openTestStore(kind, dir);
    await importFiles(store, fixture('management-contoso.ndjson'));
    const file = fixture('management-contoso.json');
    const run = await importFiles(store, file);
    expect(counts(run)).toEqual({
      read: 4,
      stored: 1,
      duplicates: 3,
      quarantined: 0,
      unreadable: 0,
    });
    const uploaded = byId(await rows(store), '0e1d2c3b-4a59-4687-9a6b-5c4d3e2f1a00');
    const text = readFileSync(file, 'utf8');
    const message = String(uploaded.message);
    expect(message.split('\n').length).toBeGreaterThan(10); // pretty-printed, as in the file
    expect(text).toContain(`  ${message}\n]`);
    expect(JSON.parse(message)).toEqual((JSON.parse(text) as unknown[])[3]);
  });

  it('imports both Purview CSV layouts: AuditData byte for byte, CRLF and BOM, cut cells quarantined', async () => {
    store = await openTestStore(kind, dir);
    const file = fixture('purview-audit-search.csv');
    const run = await importFiles(store, file);
    expect(counts(run)).toEqual({
      read: 6,
      stored: 5,
      duplicates: 0,
      quarantined: 1,
      unreadable: 0,
    });
    // The AuditData cells, read by another parser: each stored message is one of them exactly.
    const cells = (
      parseCsv(readFileSync(file), { bom: true, columns: true }) as Array<Record<string, string>>
    ).map((r) => r.AuditData!);
    const all = await rows(store);
    expect(all.map((r) => r.message)).toEqual(cells.slice(0, 5));
    const forward = byId(all, 'c0ffee00-1d2e-4f30-8a4b-5c6d7e8f9a0b');
    expect(String(forward.message)).toContain('\r\n  "Parameters": [');
    expect(String(forward.message)).toContain('ana.privé@proton.me');
    expect(forward).toMatchObject({
      Operation: 'Set-Mailbox',
      _subtable: 'exchange',
      srcIp: '203.0.113.77',
    });
    expect(Number(forward.UserType)).toBe(2);
    expect(byId(all, 'e5d4c3b2-a190-4f8e-9d7c-6b5a4f3e2d1c').message).toContain(
      'Board, Q1 \\"final\\".pdf',
    );
    expect(byId(all, '91a8b7c6-d5e4-4f32-a1b0-c9d8e7f6a5b4').eventdate).toEqual(
      new Date('2026-03-02T08:01:13Z'),
    );
    expect(await quarantined(store)).toEqual([[`${file}:40`, 'not valid JSON']]);

    const old = fixture('purview-audit-search-old.csv');
    const second = await importFiles(store, old);
    expect(counts(second)).toEqual({
      read: 3,
      stored: 2,
      duplicates: 1,
      quarantined: 0,
      unreadable: 0,
    });
    const after = await rows(store);
    expect(byId(after, 'b4a39281-7f6e-4d5c-8b4a-39281706f5e4')._tenant).toBe(FABRIKAM);
    expect(byId(after, '3e9d2c1b-7a6f-4e5d-8c4b-2a1f0e9d8c7b')._subtable).toBe('microsoftteams');

    // The same records from the API's NDJSON: known ones are duplicates, wherever they came from.
    const third = await importFiles(store, fixture('management-contoso.ndjson'));
    expect(counts(third)).toEqual({
      read: 11,
      stored: 5,
      duplicates: 4,
      quarantined: 2,
      unreadable: 0,
    });
  });

  it('converts a Sentinel CSV export to API records, and finds its NDJSON twin all duplicates', async () => {
    store = await openTestStore(kind, dir);
    const csv = await importFiles(store, fixture('sentinel-office-activity.csv'));
    expect(counts(csv)).toEqual({
      read: 35,
      stored: 35,
      duplicates: 0,
      quarantined: 0,
      unreadable: 0,
    });
    expect(csv.out).toContain('converted to the Management API shape');
    const all = await rows(store);
    const mail = byId(all, '2ad854c0-d9c3-43b5-95d8-826aea0d10ca');
    expect(mail).toMatchObject({
      Operation: 'MailItemsAccessed',
      Workload: 'Exchange',
      _subtable: 'exchange',
      ClientIPAddress: '2603:10b6:5:345::11',
      srcIp: '2603:10b6:5:345::11',
      _tenant: '2ad3fc79-1859-42fa-9011-6f8df2251b22',
    });
    expect(Number(mail.RecordType)).toBe(50);
    expect(mail.eventdate).toEqual(new Date('2021-04-28T14:54:37Z'));
    const record = JSON.parse(String(mail.message)) as Record<string, unknown>;
    expect(record).toMatchObject({
      CreationTime: '2021-04-28T14:54:37',
      Id: '2ad854c0-d9c3-43b5-95d8-826aea0d10ca',
      RecordType: 50,
      UserType: 0,
      LogonType: 0,
      ExternalAccess: false,
    });
    expect(Array.isArray(record.Folders)).toBe(true);
    for (const gone of [
      'TenantId',
      'Type',
      'SourceSystem',
      'SourceRecordId',
      'OfficeTenantId',
      'UserId_',
      'OfficeId',
    ]) {
      expect(record).not.toHaveProperty(gone);
    }
    const types = new Map(all.map((r) => [String(r.Operation), Number(r.RecordType)]));
    expect(types.get('ListColumnCreated')).toBe(56);
    expect(types.get('DLPRuleUndo')).toBe(11);
    expect(types.get('MemberAdded')).toBe(25);
    expect(types.get('New-InboxRule')).toBe(1);
    expect(new Set(all.map((r) => r._subtable))).toEqual(
      new Set(['sharepoint', 'onedrive', 'exchange', 'microsoftteams']),
    );
    const dlp = all.find((r) => r.Operation === 'DLPRuleUndo')!;
    expect(dlp._content_type).toBe('DLP.All');
    expect(Number(dlp.UserType)).toBe(4);

    const ndjson = await importFiles(store, fixture('sentinel-office-activity.ndjson'));
    expect(counts(ndjson)).toEqual({
      read: 35,
      stored: 0,
      duplicates: 35,
      quarantined: 0,
      unreadable: 0,
    });
  });

  it('deduplicates a record exported by Sentinel against the same record from the API', async () => {
    store = await openTestStore(kind, dir);
    await importFiles(store, fixture('management-contoso.ndjson'));
    const run = await importFiles(store, fixture('sentinel-contoso.csv'));
    expect(counts(run)).toEqual({
      read: 3,
      stored: 1,
      duplicates: 2,
      quarantined: 0,
      unreadable: 0,
    });
    const guest = byId(await rows(store), '2d4e6f80-1a3c-4e5f-9b7d-0c2e4f6a8b0d');
    expect(guest).toMatchObject({
      Operation: 'FileDownloaded',
      _subtable: 'onedrive',
      UserId: 'bob_fabrikam.com#EXT#@contoso.onmicrosoft.com',
    });
    expect(Number(guest.UserType)).toBe(10);
    expect(guest.eventdate).toEqual(new Date('2026-03-02T13:05:09Z'));
  });

  it('quarantines Sentinel rows without a time, with their file and line', async () => {
    store = await openTestStore(kind, dir);
    const file = fixture('sentinel-inbox-rule.csv');
    const run = await importFiles(store, file);
    expect(counts(run)).toEqual({
      read: 2,
      stored: 0,
      duplicates: 0,
      quarantined: 2,
      unreadable: 0,
    });
    expect(await quarantined(store)).toEqual([
      [`${file}:2`, 'CreationTime missing or not a time'],
      [`${file}:28`, 'CreationTime missing or not a time'],
    ]);
    const text = (await store.quarantine())[0]!.text;
    expect(JSON.parse(text)).toMatchObject({ Operation: 'New-InboxRule', RecordType: 1 });
    expect(run.out).toContain("kept in the store's quarantine");
  });

  it('imports several files in one run, and the same file twice stores nothing new', async () => {
    store = await openTestStore(kind, dir);
    const panther = fixture('panther-m365-rule-tests.ndjson');
    const otrf = fixture('otrf-golden-saml-office-activity.ndjson');
    const run = await importFiles(store, panther, otrf);
    expect(counts(run, 0)).toEqual({
      read: 19,
      stored: 3,
      duplicates: 6,
      quarantined: 10,
      unreadable: 0,
    });
    expect(counts(run, 1)).toEqual({
      read: 1,
      stored: 1,
      duplicates: 0,
      quarantined: 0,
      unreadable: 0,
    });
    const again = await importFiles(store, panther, otrf);
    expect(counts(again, 0)).toMatchObject({ stored: 0, duplicates: 9, quarantined: 10 });
    expect(counts(again, 1)).toMatchObject({ stored: 0, duplicates: 1 });
    const golden = (await rows(store)).find((r) => r.Operation === 'MailItemsAccessed')!;
    expect(golden).toMatchObject({
      _tenant: '00000000-0000-0000-0000-000000000000',
      srcIp: '1.2.3.4',
    });
  });

  it('gives every row the tenant and client label asked for', async () => {
    store = await openTestStore(kind, dir);
    await runImport(store, [
      fixture('management-contoso.ndjson'),
      '--collector-id',
      '20002',
      '--tenant',
      'AAAA0000-0000-4000-8000-000000000001',
      '--client',
      'Contoso Ltd',
    ]);
    const all = await rows(store);
    expect(
      new Set(all.map((r) => `${String(r._tenant)}|${String(r.client)}|${String(r.hostchain)}`)),
    ).toEqual(
      new Set(['aaaa0000-0000-4000-8000-000000000001|Contoso Ltd|collector-20002-testhost']),
    );
  });

  it('refuses sign-in logs before importing anything', async () => {
    store = await openTestStore(kind, dir);
    const signin = fixture('signin-adelete.csv');
    const run = await importFiles(store, fixture('management-contoso.ndjson'), signin);
    expect(run.error?.position?.source).toBe(signin);
    expect(run.error?.message).toMatch(/Entra ID sign-in logs.*cloud\.azure\.ad\.signin/);
    expect(await rows(store)).toEqual([]);
  });

  it('reports unreadable records by file and line, and stores the rest', async () => {
    store = await openTestStore(kind, dir);
    const lines = linesOf(fixture('sentinel-office-activity.ndjson')).slice(0, 3);
    const file = join(dir, `broken-${kind}.ndjson`);
    writeFileSync(file, `${lines[0]}\n${lines[1]!.slice(0, 200)}\n${lines[2]}\n`);
    const run = await importFiles(store, file);
    expect(counts(run)).toEqual({
      read: 3,
      stored: 2,
      duplicates: 0,
      quarantined: 0,
      unreadable: 1,
    });
    expect(run.err).toMatch(
      new RegExp(`error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: Not valid JSON`),
    );
    expect(run.error?.message).toBe('1 record could not be read; everything else was imported.');

    // A CSV row cut short is unreadable (it swallows the rest of the file); rows before it are stored.
    const csv = join(dir, `cut-${kind}.csv`);
    const purview = readFileSync(fixture('purview-audit-search.csv'), 'utf8');
    writeFileSync(csv, purview.slice(0, purview.indexOf('c0ffee00-1d2e') + 200));
    const cut = await importFiles(store, csv);
    expect(counts(cut)).toEqual({
      read: 4,
      stored: 3,
      duplicates: 0,
      quarantined: 0,
      unreadable: 1,
    });
    expect(cut.err).toContain(
      `error: ${csv}:5: A quoted field of the row starting on this line is never closed`,
    );

    // A JSON array that is not well formed stops its file, with the line.
    const array = join(dir, `array-${kind}.json`);
    writeFileSync(
      array,
      '[\n  {"Id": "a", "CreationTime": "2026-03-02T09:14:05"}\n  {"Id": "b"}\n]\n',
    );
    const stopped = await importFiles(store, array);
    expect(stopped.error?.position).toEqual({ source: array, line: 3 });
    expect(stopped.error?.message).toMatch(/JSON array is malformed/);
    expect(stopped.out).toContain('stopped: The JSON array is malformed');
  });

  it('checks the collector id', async () => {
    store = await openTestStore(kind, dir);
    const run = await runImport(store, [
      fixture('management-contoso.ndjson'),
      '--collector-id',
      '42',
    ]);
    expect(run.error?.message).toMatch(/not five digits/);
  });
});

describe('import into a DuckDB file', () => {
  it('opens the store given by --db, and writes a summary per file', async () => {
    const db = join(dir, 'cli.duckdb');
    const run = await runImport(
      undefined,
      [
        '--db',
        db,
        '--collector-id',
        '10001',
        fixture('purview-audit-search.csv'),
        fixture('sentinel-contoso.csv'),
      ],
      0,
    );
    expect(run.error).toBeUndefined();
    expect(run.out).toMatch(/purview-audit-search\.csv: Purview audit search export/);
    expect(run.out).toMatch(/read 6 \| stored 5 \| duplicates 0 \| quarantined 1/);
    expect(run.out).toMatch(/sentinel-contoso\.csv: Sentinel OfficeActivity export \(CSV\)/);
    expect(run.out).toMatch(/read 3 \| stored 2 \| duplicates 1 \| quarantined 0/);
    expect(run.out).toContain(`into duckdb:${db} as ${HOSTCHAIN}`);
    // Not a terminal: progress comes as plain lines.
    expect(run.err).toMatch(
      /^import: \d+% \| file 2\/2 .*sentinel-contoso\.csv \| 3 records read$/m,
    );
    const store = await openStore(db, { readOnly: true });
    try {
      const n = await store.queryAll({ sql: 'SELECT count(*) AS n FROM management', params: [] });
      expect(Number(n[0]!.n)).toBe(7);
    } finally {
      await store.close();
    }
  });

  it('runs as `m365hunt import` from the command line, with exit codes', async () => {
    const run = promisify(execFile);
    const main = join(import.meta.dirname, '../../src/cli/main.ts');
    const db = join(dir, 'e2e.duckdb');
    const args = ['--import', 'tsx', main, 'import', '--collector-id', '10001', '--db', db];
    const ok = await run(process.execPath, [...args, fixture('management-contoso.json')]);
    expect(ok.stdout).toMatch(/read 4 \| stored 4 \| duplicates 0 \| quarantined 0/);
    const signin = fixture('signin-adelete.ndjson');
    const refused = await run(process.execPath, [...args, signin]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toContain(
      `error: ${signin}:1: This is an export of Entra ID sign-in logs`,
    );
  });
});

describe('import when the store fails', () => {
  it("stops with the store's error, raised while the next batch was being read", async () => {
    let calls = 0;
    const failing: Partial<Store> = {
      async ingest(): Promise<IngestResult> {
        calls++;
        if (calls === 2) throw new Error('disk full');
        return { inserted: 2, duplicates: 0, quarantined: 0, seqRange: null };
      },
    };
    await expect(
      runImportDirect({
        files: [fixture('management-contoso.ndjson')],
        store: failing as Store,
        collectorId: '10001',
        batchSize: 2,
      }),
    ).rejects.toThrow('disk full');
    expect(calls).toBe(2);
  });
});
