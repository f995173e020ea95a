// The eight seed queries of docs/seed-queries.md, unchanged, over realistic raw records from
// two collectors (test/fixtures/linq/seed-*.ndjson), each against its hand-computed answer.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLinq } from '../../src/linq/compile.js';
import { createCatalog, MANAGEMENT } from '../../src/store/schema.js';
import { ingestNdjsonFile, openTestStore, STORE_KINDS } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';
import { storeEngine, type Engine, type ResultRow } from './helpers/engines.js';
import { SEED_FILES, SEED_RANGE, sorted } from './helpers/fixtures.js';
import { ndjsonLines } from './helpers/rows.js';
import { SEEDS } from './helpers/seeds.js';

/** Other suites import the seed queries from here. */
export { SEEDS };

// One test body, every store kind: DuckDB, ClickHouse in process (chdb), and the ClickHouse client
// path over chdb; each loaded through its own ingest (routing, promoted fields, dedup by Id).
const ENGINES = STORE_KINDS.map(
  (kind) =>
    [
      kind,
      async (): Promise<Engine> => {
        const store = await openTestStore(kind, tempDir());
        for (const { file, hostchain } of SEED_FILES) {
          await ingestNdjsonFile(store, file, { hostchain, client: 'contoso' });
        }
        return storeEngine(kind, store);
      },
    ] as const,
);

const MY = 'https://contoso-my.sharepoint.com/personal/ana_contoso_com';
const raw12345 = ndjsonLines(readFileSync(SEED_FILES[0].file, 'utf8'));
const recordText = (id: string): string => raw12345.find((l) => l.includes(`"Id":"${id}"`))!;
const TABLE_COLUMNS = createCatalog()
  .columns(MANAGEMENT)
  .map((c) => c.name);
const pick = (rows: readonly ResultRow[], keys: readonly string[]): ResultRow[] =>
  rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k] ?? null])));

describe.each(ENGINES)('seed queries on %s', (_name, open) => {
  let engine: Engine;
  const catalog = createCatalog();
  beforeAll(async () => {
    engine = await open();
  });
  afterAll(async () => {
    await engine?.close();
  });

  const run = async (n: keyof typeof SEEDS): Promise<ResultRow[]> =>
    engine.run(compileLinq(SEEDS[n], { dialect: engine.dialect, catalog, ...SEED_RANGE }));

  it('#1 sign-ins by operation, address, user and collector (distinct groups, split 0-based)', async () => {
    const rows = await run(1);
    expect(Object.keys(rows[0]!)).toEqual([
      'Operation',
      'ActorIpAddress',
      'UserId',
      'collector_id',
    ]);
    expect(sorted(rows)).toEqual(
      sorted([
        {
          Operation: 'UserLoggedIn',
          ActorIpAddress: '203.0.113.44',
          UserId: 'ana@contoso.com',
          collector_id: '12345',
        },
        {
          Operation: 'UserLoginFailed',
          ActorIpAddress: '198.51.100.7',
          UserId: 'ana@contoso.com',
          collector_id: '12345',
        },
        {
          Operation: 'UserLoginFailed',
          ActorIpAddress: '198.51.100.7',
          UserId: 'bob@contoso.com',
          collector_id: '12345',
        },
        {
          Operation: 'UserLoggedIn',
          ActorIpAddress: '203.0.113.44',
          UserId: 'ana@contoso.com',
          collector_id: '67890',
        },
        {
          Operation: 'UserLoggedIn',
          ActorIpAddress: '192.0.2.10',
          UserId: 'carol@contoso.com',
          collector_id: '67890',
        },
      ]),
    );
  });

  it('#2 attachment downloads by user and attachment (quotes and backslashes kept)', async () => {
    const rows = await run(2);
    expect(Object.keys(rows[0]!)).toEqual(['UserId', 'jsonparse(message)["AttachmentName"]']);
    const a = 'jsonparse(message)["AttachmentName"]';
    expect(sorted(rows)).toEqual(
      sorted([
        { UserId: 'carol@contoso.com', [a]: 'invoice_2026.pdf.exe' },
        { UserId: 'dave@contoso.com', [a]: 'invoice_2026.pdf.exe' },
        { UserId: 'erin@contoso.com', [a]: 'Q1 "final" \\\\fs01\\share\\payroll.xlsm' },
        { UserId: 'frank@contoso.com', [a]: null },
      ]),
    );
  });

  it('#3 audit configuration removed, in the Exchange sub-table only, every column', async () => {
    const rows = await run(3);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(Object.keys(row)).toEqual(catalog.columns(MANAGEMENT).map((c) => c.name));
    const id = 'c7a1e5b3-2d4f-4a6b-8c9d-0e1f2a3b4c01';
    const expected: ResultRow = {
      eventdate: '2026-03-02 11:02:17.000',
      hostchain: 'collector-12345-hunt01',
      client: 'contoso',
      Id: id,
      RecordType: '1',
      CreationTime: '2026-03-02T11:02:17',
      Operation: 'Remove-AuditConfigurationPolicy',
      OrganizationId: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
      UserType: '0',
      UserKey: '10032001A1B2C3D4',
      Workload: 'Exchange',
      ResultStatus: 'True',
      ObjectId: 'a7f4c3d2-9b8e-4f1a-b2c3-d4e5f6a7b8c9',
      UserId: 'mallory@contoso.com',
      ClientIP: '203.0.113.77:51234',
      srcIp: '203.0.113.77',
      ExternalAccess: false,
      OrganizationName: 'contoso.onmicrosoft.com',
      message: recordText(id),
    };
    for (const [k, v] of Object.entries(row)) expect([k, v]).toEqual([k, expected[k] ?? null]);
  });

  it('#4 insider-risk policy history without Get- cmdlets (case-sensitive has)', async () => {
    const rows = await run(4);
    expect(sorted(rows.map((r) => [r.eventdate, r.Operation, r.UserId]))).toEqual(
      sorted([
        ['2026-03-02 12:00:01.000', 'New-InsiderRiskPolicy', 'irm-admin@contoso.com'],
        ['2026-03-02 12:05:00.000', 'Set-InsiderRiskPolicy', 'irm-admin@contoso.com'],
        ['2026-03-02 12:07:30.000', 'Remove-InsiderRiskPolicy', 'mallory@contoso.com'],
        ['2026-03-02 12:09:00.000', 'Set-InsiderRiskPolicyLite', 'irm-admin@contoso.com'],
      ]),
    );
    expect(rows.every((r) => r.Workload === 'SecurityComplianceCenter')).toBe(true);
  });

  it('#5 strategic files shared from OneDrive (weakhas ignores case, ClientIP raw with its port, duplicate once)', async () => {
    const rows = await run(5);
    // the selected and created columns first, then every column of the table (Devo's answer)
    expect(Object.keys(rows[0]!)).toEqual(['file', 'ip', 'recipient', ...TABLE_COLUMNS]);
    // in event-time order, oldest first: no sort needed
    expect(pick(rows, ['eventdate', 'file', 'ip', 'recipient', 'UserId', 'Operation'])).toEqual([
      {
        eventdate: '2026-03-02 13:00:00.000',
        file: `${MY}/Documents/Strategic Plan 2026.docx`,
        ip: '198.51.100.23:4455',
        recipient: 'bob_fabrikam.com#ext#@contoso.onmicrosoft.com',
        UserId: 'ana@contoso.com',
        Operation: 'SharingSet',
      },
      {
        eventdate: '2026-03-02 13:04:10.000',
        file: `${MY}/Documents/strategic-roadmap.pptx`,
        ip: '198.51.100.23',
        recipient: 'eve_gmail.com#ext#@contoso.onmicrosoft.com',
        UserId: 'ana@contoso.com',
        Operation: 'SharingSet',
      },
      {
        eventdate: '2026-03-02 13:20:30.000',
        file: `${MY}/Documents/Board "STRATEGIC" notes\\draft.docx`,
        ip: '[2001:db8::5]:443',
        recipient: 'mallory.ext@proton.me',
        UserId: 'ana@contoso.com',
        Operation: 'SharingSet',
      },
    ]);
    expect(rows.every((r) => r.Workload === 'OneDrive' && typeof r.message === 'string')).toBe(
      true,
    );
  });

  it('#6 Teams activity open to foreign tenants: which activity, by whom (false is not null)', async () => {
    const rows = await run(6);
    expect(Object.keys(rows[0]!)).toEqual(['foreign', ...TABLE_COLUMNS]);
    expect(pick(rows, ['eventdate', 'foreign', 'Operation', 'UserId', 'TeamName'])).toEqual([
      {
        eventdate: '2026-03-02 14:00:00.000',
        foreign: true,
        Operation: 'MessageSent',
        UserId: 'ana@contoso.com',
        TeamName: 'Deal Room',
      },
      {
        eventdate: '2026-03-02 14:05:00.000',
        foreign: false,
        Operation: 'ChatCreated',
        UserId: 'bob@contoso.com',
        TeamName: 'Deal Room',
      },
      {
        eventdate: '2026-03-02 16:00:00.000',
        foreign: false,
        Operation: 'MeetingParticipantDetail',
        UserId: 'dave@contoso.com',
        TeamName: 'Deal Room',
      },
    ]);
  });

  it('#7 all versions deleted, SharePoint only (not OneDrive), stored once', async () => {
    const rows = await run(7);
    expect(rows.map((r) => [r.Id, r.Workload, r.SourceFileName, r.UserId])).toEqual([
      [
        '9c0d1e2f-0004-4a3b-8c4d-5e6f7a8b9c01',
        'SharePoint',
        'Payroll 2026.xlsx',
        'mallory@contoso.com',
      ],
    ]);
  });

  it('#8 records per collector and workload for the inactivity alert (toktains with a separator)', async () => {
    const rows = await run(8);
    expect(Object.keys(rows[0]!)).toEqual(['collector_id', ...TABLE_COLUMNS]);
    const at = (t: string, c: string, w: string) => ({
      eventdate: `2026-03-02 ${t}.000`,
      collector_id: c,
      Workload: w,
    });
    const [aad, exo, teams] = ['AzureActiveDirectory', 'Exchange', 'MicrosoftTeams'];
    const rows12345 = [
      ['07:59:56', aad],
      ['08:30:12', aad],
      ['09:00:03', aad],
      ['09:01:44', aad], // Entra ID sign-ins (02-20 is out of range)
      ['10:12:30', exo],
      ['10:14:02', exo],
      ['10:20:45', exo],
      ['10:31:09', exo],
      ['10:40:00', exo],
      ['10:41:00', exo],
      ['10:45:00', exo], // Exchange mailbox
      ['11:02:17', exo],
      ['11:05:00', exo],
      ['12:12:00', exo], // Exchange admin (11:03:40 is Security & Compliance)
      ['14:00:00', teams],
      ['14:05:00', teams],
      ['14:06:00', teams],
      ['14:07:00', teams],
      ['14:08:00', teams], // Teams
      ['14:09:00', exo], // Exchange Send
    ].map(([t, w]) => at(t!, '12345', w!));
    const rows67890 = [
      ['08:15:00', aad],
      ['08:16:30', aad],
      ['16:00:00', teams],
      ['16:30:00', exo],
    ].map(([t, w]) => at(t!, '67890', w!));
    // event-time order; rows of the same time keep their ingest order
    const expected = [...rows12345, ...rows67890].sort((a, b) =>
      a.eventdate.localeCompare(b.eventdate),
    );
    expect(pick(rows, ['eventdate', 'collector_id', 'Workload'])).toEqual(expected);
  });
});
