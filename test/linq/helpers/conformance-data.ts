// Tables for the conformance set (docs/linq.md, "The conformance set"): the Devo tables its queries
// read, with the columns they use, and deterministic data that gives each query something to
// return. The management family here also has the flattened fields Devo's library queries use
// (Parameters_Raw, …).
import type {
  Catalog,
  ColumnDef,
  ColumnType,
  LogicalTable,
  TableFamily,
} from '../../../src/store/schema.js';
import { MANAGEMENT } from '../../../src/store/schema.js';
import { KNOWN_SUBTABLES } from '../../../src/records/subtable.js';
import { rowsOf, type Row } from './rows.js';
import { seedRows } from './fixtures.js';

const col = (name: string, type: ColumnType): ColumnDef => ({ name, type, paths: [name], doc: '' });

function family(id: string, columns: Array<[string, ColumnType]>): TableFamily {
  return {
    id,
    idPath: 'Id',
    timePath: 'eventdate',
    ipPaths: [],
    columns: [
      { name: 'eventdate', type: 'timestamp', derived: 'eventdate', doc: '' },
      ...columns.map(([n, t]) => col(n, t)),
    ],
  };
}

export const MANAGEMENT_EXT: TableFamily = {
  ...MANAGEMENT,
  id: 'management_ext',
  columns: [
    ...MANAGEMENT.columns,
    col('Parameters_Name_str', 'string'),
    col('Parameters_Raw', 'string'),
    col('Parameters_AccessRights', 'string'),
    col('FileSizeBytes', 'int'),
    {
      name: 'rawMessage',
      type: 'string',
      derived: 'message',
      doc: 'The raw record (the name Devo uses in cloud.office365).',
    },
  ],
};

const TABLES: Record<string, TableFamily> = {
  'siem.logtrust.web.activity': family('web_activity', [
    ['username', 'string'],
    ['url', 'string'],
    ['method', 'string'],
  ]),
  'siem.logtrust.web.navigation': family('web_navigation', [['userEmail', 'string']]),
  'demo.ecommerce.data': family('ecommerce', [
    ['clientIpAddress', 'string'],
    ['method', 'string'],
    ['statusCode', 'int'],
  ]),
  'firewall.cisco.asa': family('cisco_asa', [
    ['action', 'string'],
    ['ifaceIn', 'string'],
    ['eventId', 'int'],
    ['protocol', 'string'],
    ['srcIp', 'string'],
  ]),
  sourcetable: family('sourcetable', [
    ['fieldname1', 'string'],
    ['fieldname2', 'string'],
    ['raw', 'string'],
  ]),
  'box.unix': family('box_unix', [
    ['properties_ipAddress', 'string'],
    ['f', 'string'],
    ['raw', 'string'],
  ]),
  'cloud.office365': family('office365', [
    ['Operation', 'string'],
    ['ClientIP', 'string'],
    ['UserId', 'string'],
    ['ObjectId', 'string'],
    ['Workload', 'string'],
    ['OrganizationId', 'string'],
    ['client', 'string'],
    ['rawMessage', 'string'],
  ]),
  'box.win_nxlog.security': family('nxlog', [
    ['EventID', 'int'],
    ['TargetUserName', 'string'],
    ['Message', 'string'],
    ['host', 'string'],
    ['LogonType', 'int'],
  ]),
  'firewall.fortinet.traffic.forward': family('fortinet', [
    ['srcIp', 'string'],
    ['dstIp', 'string'],
    ['dstPort', 'int'],
  ]),
  'siem.logtrust.alert.info': family('alert_info', [
    ['alertId', 'string'],
    ['context', 'string'],
    ['priority', 'int'],
    ['username', 'string'],
    ['srcIp', 'string'],
    ['extraData', 'string'],
  ]),
  'firewall.all.traffic': family('all_traffic', [
    ['srcIp', 'string'],
    ['dstPort', 'int'],
    ['bytes', 'int'],
  ]),
  'auth.all': family('auth_all', [
    ['action', 'string'],
    ['user', 'string'],
    ['message', 'string'],
    ['machine', 'string'],
    ['client', 'string'],
  ]),
};

export const CONFORMANCE_FAMILIES: readonly TableFamily[] = [
  MANAGEMENT_EXT,
  ...Object.values(TABLES),
];

/** A catalog of the conformance tables (the management ones read the extended family). */
export function conformanceCatalog(): Catalog {
  const tables = new Map<string, LogicalTable>();
  for (const [name, f] of Object.entries(TABLES))
    tables.set(name, { name, family: f, description: '' });
  tables.set('cloud.office365.management', {
    name: 'cloud.office365.management',
    family: MANAGEMENT_EXT,
    description: '',
  });
  for (const sub of KNOWN_SUBTABLES) {
    const name = `cloud.office365.management.${sub}`;
    tables.set(name, {
      name,
      family: MANAGEMENT_EXT,
      filter: { column: '_subtable', value: sub },
      description: '',
    });
  }
  return {
    resolve: (name) => tables.get(name),
    names: () => [...tables.keys()],
    columns: (f) => f.columns.filter((c) => !c.internal),
  };
}

/** A small deterministic random source (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const at = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const DAY0 = Date.UTC(2024, 8, 10);

/** The conformance data: table family id → rows. */
export function conformanceRows(): Map<string, Row[]> {
  const rnd = random(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out = new Map<string, Row[]>();
  const series = (n: number, stepMs: number, make: (i: number) => Row, start = DAY0): Row[] =>
    Array.from({ length: n }, (_, i) => ({ eventdate: at(start + i * stepMs), ...make(i) }));

  out.set(
    'web_activity',
    series(400, 9 * 60_000, () => ({
      username: pick(['alice', 'bob', 'carol', 'dave', 'erin']),
      url: pick(['/home', '/login', '/admin']),
      method: pick(['GET', 'POST']),
    })),
  );
  out.set('web_navigation', [
    { eventdate: at(DAY0 + 8 * 3_600_000), userEmail: 'alice' },
    { eventdate: at(DAY0 + 20 * 3_600_000), userEmail: 'carol' },
    { eventdate: at(DAY0 + 3 * 3_600_000), userEmail: 'bob' }, // before 07:21:35 on the 10th
    { eventdate: at(DAY0 + 70 * 3_600_000), userEmail: 'dave' }, // after 12:21:35 on the 12th
    { eventdate: at(DAY0 + 9 * 3_600_000), userEmail: 'alice' },
  ]);
  out.set(
    'ecommerce',
    series(300, 60_000, () => ({
      clientIpAddress: pick([
        '87.153.102.201',
        '58.14.227.52',
        '48.126.91.202',
        '10.0.0.1',
        '87.153.102.20',
        null,
      ]),
      method: pick(['GET', 'POST', 'PUT']),
      statusCode: BigInt(pick([200, 200, 404, 500])),
    })),
  );
  out.set(
    'cisco_asa',
    series(400, 7_000, () => ({
      action: pick(['Built', 'permitted', 'est-allowed', 'Deny', 'Teardown', null]),
      ifaceIn: pick(['outside', 'outside', 'inside']),
      eventId: BigInt(
        pick([302013, 302014, 302015, 302016, 302020, 302021, 106023, 313005, 419002, 999999]),
      ),
      protocol: pick(['TCP', 'UDP', null]),
      srcIp: pick(['198.51.100.1', '198.51.100.2', '198.51.100.3', '203.0.113.9', null]),
    })),
  );
  out.set(
    'sourcetable',
    series(120, 60_000, () => ({
      fieldname1: pick([
        'value1',
        'value1x',
        'xvalue1',
        'value2',
        'value3',
        'value12',
        '7',
        '99',
        '150',
        '499',
        '500',
        'abc',
        null,
      ]),
      fieldname2: pick(['value5', 'value6', null]),
      raw: pick([
        'login VALUE2 from host',
        'prefixvalue2suffix',
        'value3',
        'other text',
        'v a l u e 3',
        null,
      ]),
    })),
  );
  out.set(
    'nxlog',
    series(200, 5 * 60_000, (i) => ({
      EventID: BigInt(pick([4624, 4625, 4634])),
      TargetUserName: pick(['alice', 'ALICE.admin', 'bob', 'malice', null]),
      Message: pick([
        `An account was logged on.\r\nSource Network Address:\t10.1.1.${i % 5}\r\nSource Port: 5000`,
        `Logon failed.\r\nClient Address: ::ffff:192.0.2.${i % 3}\r\n`,
        'No address here',
      ]),
      host: pick(['dc01', 'dc02']),
      LogonType: BigInt(pick([2, 3, 10])),
    })),
  );
  const fortinet: Row[] = [];
  let scan = 0;
  for (let i = 0; i < 900; i++) {
    // a scanner (10.0.0.66) among ordinary traffic, one row a second: 300 targets in 15 minutes
    const hot = i % 3 === 0;
    if (hot) scan++;
    fortinet.push({
      eventdate: at(DAY0 + 3_600_000 + i * 1_000),
      srcIp: hot
        ? '10.0.0.66'
        : pick(['10.0.0.5', '192.168.1.7', '172.16.4.4', '8.8.8.8', '172.32.0.1']),
      dstIp: hot
        ? `198.51.${100 + (scan % 2)}.${scan % 250}`
        : pick(['203.0.113.1', '203.0.113.2']),
      dstPort: BigInt(hot ? 1000 + (scan % 40) : pick([80, 443])),
    });
  }
  out.set('fortinet', fortinet);
  out.set(
    'alert_info',
    series(40, 30 * 60_000, (i) => ({
      alertId: `A-${1000 + i}`,
      context: pick([
        'my.alert.contoso.SentinelOne_Threat',
        'my.alert.contoso.sentinelone_lower',
        'my.alert.contoso.Other',
      ]),
      priority: BigInt(pick([3, 5, 7])),
      username: pick(['analyst1', 'analyst2']),
      srcIp: pick(['10.0.0.5', '203.0.113.5']),
      extraData: '{"a":"b%20c"}',
    })),
  );
  out.set(
    'all_traffic',
    series(300, 4 * 60_000, () => ({
      srcIp: pick([
        '203.0.113.4',
        '203.0.113.200',
        '203.0.114.1',
        '10.0.0.8',
        '203.0.113.4:443',
        null,
      ]),
      dstPort: BigInt(pick([22, 443, 3389])),
      bytes: BigInt(Math.floor(rnd() * 100_000)),
    })),
  );
  out.set(
    'auth_all',
    series(200, 6 * 60_000, () => ({
      action: pick(['LOGIN', 'LOGIN', 'LOGOUT']),
      user: pick(['alice', 'bob', 'SYSTEM', 'LOCAL SERVICE', null]),
      message: pick([
        "<Event><Data Name='LogonType'>3</Data><Data Name='IP'>10.0.0.1</Data></Event>",
        "<Event><Data Name='LogonType'>10</Data></Event>",
        '<Event><Data Name="Other">x</Data></Event>',
      ]),
      machine: pick(['srv1', 'srv2', 'srv3', 'srv4']),
      client: pick(['contoso', 'fabrikam']),
    })),
  );
  out.set('office365', []);
  out.set('management_ext', managementExtRows());
  return out;
}

function managementExtRows(): Row[] {
  const base: Row[] = seedRows().map((r) => ({ ...r, rawMessage: r.message ?? null }));
  const records: string[] = [];
  const rec = (t: string, id: string, fields: Record<string, unknown>) =>
    records.push(
      JSON.stringify({
        CreationTime: t,
        Id: id,
        OrganizationId: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
        UserType: 0,
        Version: 1,
        ...fields,
      }),
    );
  // #10: a password spray on one account, 12 failures within five minutes
  for (let i = 0; i < 12; i++) {
    rec(
      `2026-03-02T18:0${Math.floor(i / 3)}:${String(10 + i).padStart(2, '0')}`,
      `aa10aa10-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`,
      {
        Operation: 'UserLoginFailed',
        RecordType: 15,
        Workload: 'AzureActiveDirectory',
        UserId: 'ana@contoso.com',
        ClientIP: `45.9.148.${i}`,
        ResultStatus: 'Failed',
        LogonError: 'InvalidUserNameOrPassword',
      },
    );
  }
  // #13: MFA trusted IPs widened
  const policy = (ips: string[]) =>
    JSON.stringify([
      {
        RelyingPartyStrongAuthenticationPolicies: [
          { Rules: [{ SelectionConditions: [{ Values: ips }] }] },
        ],
      },
    ]);
  rec('2026-03-02T19:00:00', 'bb13bb13-0000-4000-8000-000000000001', {
    Operation: 'Set Company Information.',
    RecordType: 8,
    Workload: 'AzureActiveDirectory',
    UserId: 'admin@contoso.com',
    ResultStatus: 'Success',
    ModifiedProperties: [
      {
        Name: 'StrongAuthenticationPolicy',
        OldValue: policy(['203.0.113.0/24']),
        NewValue: policy(['203.0.113.0/24', '45.9.148.0/24']),
      },
    ],
  });
  rec('2026-03-02T19:05:00', 'bb13bb13-0000-4000-8000-000000000002', {
    Operation: 'Set Company Information.',
    RecordType: 8,
    Workload: 'AzureActiveDirectory',
    UserId: 'admin@contoso.com',
    ResultStatus: 'Success',
    ModifiedProperties: [
      {
        Name: 'StrongAuthenticationPolicy',
        OldValue: policy(['203.0.113.0/24', '198.51.100.0/24']),
        NewValue: policy(['203.0.113.0/24']),
      },
    ],
  });
  // #14: mailbox forwarding set by an admin, twice in five minutes
  for (let i = 0; i < 3; i++) {
    rec(`2026-03-02T20:0${i}:00`, `cc14cc14-0000-4000-8000-00000000000${i}`, {
      Operation: 'Set-Mailbox',
      RecordType: 1,
      Workload: 'Exchange',
      UserId: 'admin@contoso.com',
      ObjectId: `user${i}@contoso.com`,
      Parameters_Name_str: 'Identity ForwardingAddress DeliverToMailboxAndForward',
      Parameters_Raw: `Identity: "user${i}@contoso.com" ForwardingAddress: "exfil@proton.me" DeliverToMailboxAndForward: "True"`,
    });
  }
  // #15: large OneDrive downloads
  for (let i = 0; i < 4; i++) {
    rec(`2026-03-02T21:0${i}:00`, `dd15dd15-0000-4000-8000-00000000000${i}`, {
      Operation: 'FileDownloaded',
      RecordType: 6,
      Workload: 'OneDrive',
      UserId: i === 3 ? 'app@sharepoint' : 'dave@contoso.com',
      ClientIP: '203.0.113.62',
      SourceFileName: `export-${i % 2}.zip`,
      FileSizeBytes: [512, 20480, 20480, 99999][i],
    });
  }
  // #16: mailbox delegation
  for (const [i, u] of [
    'admin@contoso.com',
    'NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)',
    'admin@contoso.com',
  ].entries()) {
    rec(`2026-03-02T22:0${i}:00`, `ee16ee16-0000-4000-8000-00000000000${i}`, {
      Operation: 'Add-MailboxPermission',
      RecordType: 1,
      Workload: 'Exchange',
      UserId: u,
      ObjectId: 'ceo@contoso.com',
      Parameters_AccessRights: 'FullAccess',
    });
  }
  const extra = rowsOf(
    MANAGEMENT_EXT,
    records,
    { hostchain: 'collector-12345-hunt01', client: 'contoso' },
    1000,
  );
  return [...base, ...extra];
}

/** The range the conformance queries run over. */
export const CONFORMANCE_RANGE = {
  management: {
    from: new Date('2026-03-01T00:00:00Z'),
    to: new Date('2026-03-03T00:00:00Z'),
    now: new Date('2026-03-03T00:00:00Z'),
  },
  other: {
    from: new Date('2024-09-09T00:00:00Z'),
    to: new Date('2024-09-13T00:00:00Z'),
    now: new Date('2024-09-13T00:00:00Z'),
  },
};
