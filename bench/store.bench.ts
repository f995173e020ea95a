// Store benchmark: ingest of generated raw Management API records into DuckDB and into ClickHouse
// (chdb, in-process) in the same run, then the eight seed queries of ../shared/seed-use-cases.md
// compiled by LINQ for each dialect, and two plain scans. Default 1 million records;
// BENCH_SCALE=10 for 10 million. BENCH_BATCH sets the records per commit (default 5,000: a large
// content blob). Ratios: ingest against DuckDB and against plain JSON.parse of the same bytes;
// query times as ClickHouse ÷ DuckDB (below 1: ClickHouse is faster).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLinq } from '../src/linq/index.js';
import { openStore } from '../src/store/open.js';
import type { IngestBatch, Store } from '../src/store/store.js';
import { bestOf, peakRssMiB, printTable, scale, type BenchRow } from './lib/report.js';

const TOTAL = scale(1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 5_000);
const DAYS = 7;
const START = Date.parse('2026-03-01T00:00:00Z');
const RANGE = { from: new Date(START), to: new Date(START + DAYS * 86_400_000) };

const SEEDS = [
  'from cloud.office365.management where Operation = "UserLoggedIn" or Operation = "UserLoginFailed" group by Operation, ActorIpAddress, UserId, split(hostchain,"-",1) as collector_id',
  'from cloud.office365.management.exchange where eq(Operation,"AttachmentDownload") group by UserId, jsonparse(message)["AttachmentName"]',
  'from cloud.office365.management.exchange where eq(Operation,"Remove-AuditConfigurationPolicy")',
  'from cloud.office365.management.securitycompliancecenter where has(Operation,"InsiderRiskPolicy"), not has(Operation,"Get")',
  'from cloud.office365.management.onedrive where Operation = "SharingSet" select str(jsonparse(message)["ObjectId"]) as file where weakhas(file,"strategic") select str(jsonparse(message)["ClientIP"]) as ip, str(jsonparse(message)["TargetUserOrGroupName"]) as recipient',
  'from cloud.office365.management.microsoftteams select jqeval(jqcompile(".ParticipantInfo.HasForeignTenantUsers"),jsonparse(message)) as foreign where isnotnull(foreign)',
  'from cloud.office365.management.sharepoint where Operation = "FileVersionsAllDeleted"',
  'from cloud.office365.management where toktains(hostchain,"collector-") select split(hostchain,"-",1) as collector_id where eq(Workload,"Exchange") or eq(Workload,"AzureActiveDirectory") or eq(Workload,"MicrosoftTeams")',
];

/** Plain SQL per dialect (the same in both here): the shape of a dashboard's aggregations. */
const SCANS: Array<[string, string]> = [
  [
    'scan: rows per sub-table',
    'SELECT _subtable, count(*) AS n FROM management GROUP BY _subtable',
  ],
  [
    'scan: users per operation, one day',
    `SELECT "Operation", count(DISTINCT "UserId") AS users FROM management
     WHERE eventdate >= TIMESTAMP '2026-03-03 00:00:00' AND eventdate < TIMESTAMP '2026-03-04 00:00:00'
     GROUP BY "Operation"`,
  ],
];

// ---------------------------------------------------------------------------------------------
// Records: deterministic, shaped like the API's (common schema plus workload fields), ~0.8 KB.

let state = 0x9e3779b9;
function rand(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const hex = (n: number) =>
  Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const guid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;

const USERS = Array.from({ length: 500 }, (_, i) => `user${i}@contoso.com`);
const IPS = Array.from({ length: 300 }, (_, i) => `198.51.${100 + (i % 50)}.${i % 250}`);
const ORG = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

/**
 * A record made available at `at` (ms since START). Like the API's, records come in availability
 * order and are older than that by up to a few hours (Microsoft's delay), never from the future.
 */
function record(at: number): string {
  const time = new Date(START + Math.max(0, at - Math.floor(rand() * 3 * 3_600_000)))
    .toISOString()
    .slice(0, 19);
  const user = pick(USERS);
  const ip = pick(IPS);
  const base = {
    CreationTime: time,
    Id: guid(),
    OrganizationId: ORG,
    UserKey: `i:0h.f|membership|1003${hex(12)}@live.com`,
    UserType: 0,
    Version: 1,
    UserId: user,
  };
  const r = rand();
  if (r < 0.3) {
    const op = pick(['FileAccessed', 'FileDownloaded', 'FileModified', 'FileUploaded']);
    const workload = rand() < 0.5 ? 'SharePoint' : 'OneDrive';
    const file = `${pick(['Q1 report', 'Strategic plan', 'notes', 'budget', 'roadmap'])}-${hex(4)}.docx`;
    return JSON.stringify({
      ...base,
      Operation: rand() < 0.001 ? 'FileVersionsAllDeleted' : op,
      RecordType: 6,
      Workload: workload,
      ClientIP: ip,
      ObjectId: `https://contoso-my.sharepoint.com/personal/${user.split('@')[0]}/Documents/${file}`,
      UserAgent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
      SiteUrl: `https://contoso-my.sharepoint.com/personal/${user.split('@')[0]}/`,
      SourceRelativeUrl: 'Documents',
      SourceFileName: file,
      SourceFileExtension: 'docx',
      ItemType: 'File',
      EventSource: 'SharePoint',
      CorrelationId: guid(),
    });
  }
  if (r < 0.35) {
    return JSON.stringify({
      ...base,
      Operation: 'SharingSet',
      RecordType: 14,
      Workload: 'OneDrive',
      ClientIP: `${ip}:${1024 + Math.floor(rand() * 60000)}`,
      ObjectId: `https://contoso-my.sharepoint.com/personal/${user.split('@')[0]}/Documents/${pick(['Strategic', 'Budget', 'Team'])} ${hex(4)}.docx`,
      TargetUserOrGroupName: pick(['partner@fabrikam.com', 'Everyone', 'guest@gmail.com']),
      TargetUserOrGroupType: pick(['Guest', 'Member', 'SharePointGroup']),
      ItemType: 'File',
      EventSource: 'SharePoint',
    });
  }
  if (r < 0.6) {
    const op =
      rand() < 0.01
        ? 'AttachmentDownload'
        : pick(['MailItemsAccessed', 'Send', 'MoveToDeletedItems']);
    return JSON.stringify({
      ...base,
      Operation: rand() < 0.0005 ? 'Remove-AuditConfigurationPolicy' : op,
      RecordType: 2,
      Workload: 'Exchange',
      ResultStatus: 'Succeeded',
      ClientIPAddress: ip,
      ClientInfoString: 'Client=OWA;Mozilla/5.0',
      MailboxOwnerUPN: user,
      LogonType: 0,
      ExternalAccess: false,
      OrganizationName: 'contoso.onmicrosoft.com',
      AttachmentName: `invoice_${hex(4)}.pdf`,
      Folders: [
        { Path: '\\Inbox', FolderItems: [{ InternetMessageId: `<${hex(16)}@contoso.com>` }] },
      ],
    });
  }
  if (r < 0.85) {
    return JSON.stringify({
      ...base,
      Operation: rand() < 0.9 ? 'UserLoggedIn' : 'UserLoginFailed',
      RecordType: 15,
      Workload: 'AzureActiveDirectory',
      ResultStatus: 'Success',
      ActorIpAddress: ip,
      ClientIP: ip,
      ApplicationId: '00000002-0000-0ff1-ce00-000000000000',
      ExtendedProperties: [
        { Name: 'UserAgent', Value: 'Mozilla/5.0' },
        { Name: 'RequestType', Value: 'OAuth2:Authorize' },
      ],
      Actor: [{ ID: user, Type: 5 }],
    });
  }
  if (r < 0.95) {
    return JSON.stringify({
      ...base,
      Operation: pick(['MessageSent', 'ChatCreated', 'MemberAdded']),
      RecordType: 25,
      Workload: 'MicrosoftTeams',
      TeamName: pick(['Deals', 'Engineering', 'Board']),
      ParticipantInfo: { HasForeignTenantUsers: rand() < 0.05, HasGuestUsers: false },
    });
  }
  return JSON.stringify({
    ...base,
    Operation: pick([
      'New-InsiderRiskPolicy',
      'Get-InsiderRiskPolicy',
      'Set-InsiderRiskPolicy',
      'Get-ComplianceCase',
    ]),
    RecordType: 18,
    Workload: 'SecurityComplianceCenter',
    ResultStatus: 'True',
    ClientIP: ip,
    Parameters: '-Identity "policy"',
  });
}

/** The batches of the run, identical for every store (the generator restarts from its seed). */
function* batches(): Generator<{ batch: IngestBatch; bytes: number; texts: string[] }> {
  state = 0x9e3779b9;
  for (let done = 0; done < TOTAL; done += BATCH) {
    const texts = Array.from({ length: Math.min(BATCH, TOTAL - done) }, (_, i) =>
      record(((done + i) / TOTAL) * DAYS * 86_400_000),
    );
    const collector = done % (2 * BATCH) === 0 ? '12345' : '67890';
    yield {
      texts,
      bytes: texts.reduce((a, t) => a + t.length, 0),
      batch: {
        sets: [
          {
            family: 'management',
            tenant: ORG,
            client: 'contoso',
            hostchain: `collector-${collector}-bench`,
            contentType: null,
            origin: `bench-${done}`,
            records: texts,
          },
        ],
      },
    };
  }
}

function progress(label: string, done: number): void {
  const step = Math.max(1, Math.round(TOTAL / 10));
  if (done % step < BATCH)
    process.stderr.write(
      `${label}: ${done.toLocaleString('en-US')} / ${TOTAL.toLocaleString('en-US')}\n`,
    );
}

async function ingestAll(store: Store, label: string): Promise<{ seconds: number; bytes: number }> {
  let seconds = 0;
  let bytes = 0;
  let done = 0;
  for (const { batch, bytes: b, texts } of batches()) {
    const start = process.hrtime.bigint();
    await store.ingest(batch);
    seconds += Number(process.hrtime.bigint() - start) / 1e9;
    bytes += b;
    done += texts.length;
    progress(label, done);
  }
  return { seconds, bytes };
}

function parseAll(): number {
  let seconds = 0;
  let done = 0;
  for (const { texts } of batches()) {
    const start = process.hrtime.bigint();
    for (const t of texts) JSON.parse(t);
    seconds += Number(process.hrtime.bigint() - start) / 1e9;
    done += texts.length;
    progress('JSON.parse', done);
  }
  return seconds;
}

async function drain(store: Store, linq: string): Promise<number> {
  const result = await runLinq(store, linq, RANGE);
  let rows = 0;
  for await (const chunk of result.chunks()) rows += chunk.length;
  return rows;
}

async function scanRows(store: Store, sql: string): Promise<number> {
  return (await store.queryAll({ sql, params: [] })).length;
}

const dir = mkdtempSync(join(tmpdir(), 'm365hunt-bench-store-'));
try {
  console.log(
    `store bench: ${TOTAL.toLocaleString('en-US')} records in batches of ${BATCH.toLocaleString('en-US')}, ${DAYS} days`,
  );
  const parseSeconds = parseAll();
  const duck = await openStore(join(dir, 'bench.duckdb'));
  const ch = await openStore(`chdb:${join(dir, 'chdb')}`);
  const stores: Array<[string, Store]> = [
    ['duckdb', duck],
    ['chdb', ch],
  ];
  const ingest = new Map<string, { seconds: number; bytes: number }>();
  for (const [name, store] of stores) ingest.set(name, await ingestAll(store, `ingest ${name}`));
  const mib = ingest.get('duckdb')!.bytes / 1024 / 1024;
  const rate = (s: number) => TOTAL / s;
  const rows: BenchRow[] = [
    {
      name: 'JSON.parse of the same records',
      value: rate(parseSeconds),
      unit: 'records/s',
      note: `${mib.toFixed(0)} MiB`,
    },
  ];
  for (const [name] of stores) {
    const r = ingest.get(name)!;
    rows.push({
      name: `ingest ${name}`,
      value: rate(r.seconds),
      unit: 'records/s',
      ratio:
        name === 'duckdb' ? parseSeconds / r.seconds : ingest.get('duckdb')!.seconds / r.seconds,
      note: name === 'duckdb' ? 'ratio: vs JSON.parse' : 'ratio: vs DuckDB (above 1: faster)',
    });
  }
  printTable('Ingest (raw records → committed rows, dedup by Id, one commit per batch)', rows);

  const queries: BenchRow[] = [];
  const measure = async (name: string, run: (s: Store) => Promise<number>) => {
    const times = new Map<string, number>();
    const counts = new Map<string, number>();
    for (const [storeName, store] of stores) {
      counts.set(storeName, await run(store));
      times.set(storeName, await bestOf(3, () => run(store)));
    }
    const [d, c] = [times.get('duckdb')!, times.get('chdb')!];
    const same = counts.get('duckdb') === counts.get('chdb');
    queries.push({
      name: `${name} duckdb`,
      value: d * 1000,
      unit: 'ms',
      note: `${counts.get('duckdb')} rows`,
    });
    queries.push({
      name: `${name} chdb`,
      value: c * 1000,
      unit: 'ms',
      ratio: c / d,
      note: `${counts.get('chdb')} rows${same ? '' : ' (DIFFERENT ROW COUNT)'}`,
    });
  };
  for (const [i, linq] of SEEDS.entries()) await measure(`seed #${i + 1}`, (s) => drain(s, linq));
  for (const [name, sql] of SCANS) await measure(name, (s) => scanRows(s, sql));
  printTable('Queries (best of 3; ratio = ClickHouse time ÷ DuckDB time)', queries);
  printTable('Memory', [{ name: 'peak RSS of the run', value: peakRssMiB(), unit: 'MiB' }]);
  for (const [, store] of stores) await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
