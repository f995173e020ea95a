// The parts of the import that need no store: recognising formats (and refusing what is not an
// audit record), the Sentinel mapping, time forms, the JSON peeks and CSV line numbers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/ingest/import/detect.js';
import { topLevelString, endOfJsonValue } from '../../src/ingest/import/json-scan.js';
import { readerFor } from '../../src/ingest/import/readers/index.js';
import { convertSentinelRow } from '../../src/ingest/import/sentinel/convert.js';
import { toCreationTime } from '../../src/ingest/import/sentinel/time.js';
import { openTextSource } from '../../src/ingest/import/text-source.js';
import { describeError, M365HuntError } from '../../src/util/errors.js';
import { tempDir } from '../helpers/temp.js';

const fixtures = join(import.meta.dirname, '../fixtures/import');
const fixture = (name: string) => join(fixtures, name);
const dir = tempDir('m365hunt-import-formats-');
let counter = 0;
function file(text: string | Buffer, name = `f${++counter}.txt`): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function detect(path: string) {
  return (await detectFormat(openTextSource(path))).format;
}

async function detectError(path: string): Promise<M365HuntError> {
  const error = await detectFormat(openTextSource(path)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(M365HuntError);
  return error as M365HuntError;
}

async function readAll(path: string) {
  const source = openTextSource(path);
  const { format } = await detectFormat(source);
  const records: Array<{ text: string; line: number }> = [];
  const problems: Array<{ line: number; message: string }> = [];
  for await (const batch of readerFor(format, source)) {
    records.push(...batch.records);
    problems.push(...batch.problems);
  }
  return { records, problems };
}

describe('format detection', () => {
  it.each([
    ['management-contoso.ndjson', 'ndjson', 'management'],
    ['panther-m365-rule-tests.ndjson', 'ndjson', 'management'],
    ['management-contoso.json', 'json-array', 'management'],
    ['purview-audit-search.csv', 'csv', 'purview'],
    ['purview-audit-search-old.csv', 'csv', 'purview'],
    ['sentinel-office-activity.csv', 'csv', 'sentinel'],
    ['sentinel-contoso.csv', 'csv', 'sentinel'],
    ['sentinel-inbox-rule.csv', 'csv', 'sentinel'],
    ['sentinel-office-activity.ndjson', 'ndjson', 'sentinel'],
    ['otrf-golden-saml-office-activity.ndjson', 'ndjson', 'sentinel'],
  ])('%s is %s of %s records', async (name, container, schema) => {
    expect(await detect(fixture(name))).toEqual({ container, schema });
  });

  it('reads a JSON array of Sentinel rows as Sentinel rows', async () => {
    const path = file(
      '[{"TenantId":"w","OfficeId":"a","OfficeWorkload":"Exchange","RecordType":"ExchangeItem",' +
        '"TimeGenerated":"2021-08-02T13:32:07Z","Type":"OfficeActivity"}]',
    );
    expect(await detect(path)).toEqual({ container: 'json-array', schema: 'sentinel' });
    const { records } = await readAll(path);
    expect(records.map((r) => JSON.parse(r.text) as unknown)).toEqual([
      { CreationTime: '2021-08-02T13:32:07', Id: 'a', RecordType: 2, Workload: 'Exchange' },
    ]);
  });

  it('goes by the content, not the name, and reads gzip as it is', async () => {
    const ndjson = file(
      '\n\n{"Id":"a","CreationTime":"2026-03-02T09:14:05","Workload":"Exchange"}\n',
      'looks.csv',
    );
    expect(await detect(ndjson)).toEqual({ container: 'ndjson', schema: 'management' });
    const gz = file(
      gzipSync(Buffer.from('RecordId,CreationDate,AuditData\r\n1,2,"{}"\r\n')),
      'x.json',
    );
    expect(await detect(gz)).toEqual({ container: 'csv', schema: 'purview' });
  });

  it('refuses Entra sign-in logs, naming the file and where they go', async () => {
    for (const name of ['signin-adelete.csv', 'signin-adelete.ndjson']) {
      const error = await detectError(fixture(name));
      const text = describeError(error);
      expect(text.startsWith(`${fixture(name)}`)).toBe(true);
      expect(text).toMatch(/Entra ID sign-in logs \(the SigninLogs table\)/);
      expect(text).toMatch(/cloud\.azure\.ad\.signin/);
    }
  });

  it('refuses Entra audit logs and other Log Analytics tables', async () => {
    const audit = await detectError(fixture('otrf-golden-saml-aad-audit.ndjson'));
    expect(audit.message).toMatch(/Entra ID audit logs \(the AuditLogs table\)/);
    const other = await detectError(
      file('{"TenantId":"w","Type":"SecurityEvent","TimeGenerated":"2026-03-02T09:14:05Z"}\n'),
    );
    expect(other.message).toMatch(/Log Analytics table SecurityEvent/);
  });

  it('says what is wrong with files it cannot read', async () => {
    expect((await detectError(file(''))).message).toBe('The file is empty.');
    expect((await detectError(file('a,b,c\n1,2,3\n'))).message).toMatch(
      /neither a Purview audit search export .* its header is: a, b, c/,
    );
    const pretty = await detectError(
      file('{\n  "Id": "x",\n  "CreationTime": "2026-03-02T09:14:05"\n}\n'),
    );
    expect(pretty.position).toEqual({ source: expect.any(String), line: 1 });
    expect(pretty.hint).toMatch(/one record per line/);
    expect((await detectError(file('{"foo":1}\n'))).message).toMatch(/none of the Management/);
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]);
    expect(() => openTextSource(file(zip))).toThrow(/ZIP archive/);
    expect(() => openTextSource(join(dir, 'missing.csv'))).toThrow(/does not exist/);
  });

  it('sends a line that is not UTF-8 to the quarantine, and reads the others', async () => {
    const path = file(
      Buffer.concat([
        Buffer.from('{"Id":"a"}\n{"Id":"b'),
        Buffer.from([0xe9]),
        Buffer.from('"}\r\n{"Id":"c"}\n'),
      ]),
    );
    const source = openTextSource(path);
    const records = [];
    for await (const batch of readerFor({ container: 'ndjson', schema: 'management' }, source)) {
      records.push(...batch.records);
    }
    expect(records.map((r) => [r.text, r.line, r.rejection === undefined])).toEqual([
      ['{"Id":"a"}', 1, true],
      ['{"Id":"b\ufffd"}', 2, false],
      ['{"Id":"c"}', 3, true],
    ]);
    expect(records[1]!.rejection).toMatch(
      /^not valid UTF-8 \(11 bytes.*sha256 of the bytes: [0-9a-f]{64}$/,
    );
  });
});

describe('reading', () => {
  it('numbers NDJSON lines as an editor does, blank lines included, CRLF removed', async () => {
    const path = file('{"Id":"a"}\r\n\r\n  \r\n{"Id":"b"}\r\n{"Id":"c"}');
    const { records } = await readAll(path);
    expect(records.map((r) => [r.text, r.line])).toEqual([
      ['{"Id":"a"}', 1],
      ['{"Id":"b"}', 4],
      ['{"Id":"c"}', 5],
    ]);
  });

  it('numbers CSV rows by the line they start on, across quoted line breaks', async () => {
    const { records, problems } = await readAll(fixture('purview-audit-search.csv'));
    expect(records.map((r) => r.line)).toEqual([2, 3, 4, 5, 39, 40]);
    expect(problems).toEqual([]);
    const sentinel = await readAll(fixture('sentinel-contoso.csv'));
    expect(sentinel.records.map((r) => r.line)).toEqual([2, 3, 34]);
  });

  it('reports CSV rows it cannot read, by line, and goes on with the next', async () => {
    const header = 'CreationDate,UserIds,Operations,AuditData\r\n';
    const ok = '"d","u","o","{""Id"":""1""}"\r\n';
    const multiLine = '"d","u","o","{\r\n""Id"":""2""\r\n}"\r\n';
    const { records, problems } = await readAll(
      file(
        header +
          ok +
          '"d","u","o"\r\n' +
          '"d","u","o",""\r\n' +
          multiLine +
          '"d","u","o","{""Id"":""x"" "stray"}"\r\n' +
          ok +
          '"d","u","o","{""Id"":""3\r\n',
      ),
    );
    expect(records.map((r) => r.line)).toEqual([2, 5, 9]);
    // Problems come in file order; the row cut short swallows the rest of the file.
    expect(problems).toEqual([
      { line: 3, message: 'The row has 3 fields where the header has 4.' },
      { line: 4, message: 'The AuditData column is empty.' },
      { line: 8, message: expect.stringMatching(/stray quote/) },
      { line: 10, message: expect.stringMatching(/never closed: the rest of the file/) },
    ]);
  });

  it('gives each JSON array element its text byte for byte and its line', async () => {
    const text = '[ {"Id":"a", "x" : [1,2]},\n\n  {"Id":"b","s":"]}\\""}\n]';
    const { records } = await readAll(file(text));
    expect(records).toEqual([
      { text: '{"Id":"a", "x" : [1,2]}', line: 1 },
      { text: '{"Id":"b","s":"]}\\""}', line: 3 },
    ]);
    const broken = await readAll(file('[{"Id":"a"},\n{"Id":"b"\n')).then(
      () => undefined,
      (e: unknown) => e as M365HuntError,
    );
    expect(broken?.message).toMatch(/JSON array is malformed/);
  });
});

describe('Sentinel OfficeActivity rows back to API records', () => {
  const row = {
    TenantId: '7c759f10-811c-4db8-ad6d-f07d8ae3f8ea',
    RecordType: 'ExchangeAdmin',
    'TimeGenerated [UTC]': '4/28/2021, 3:05:26.000 PM',
    Operation: 'New-InboxRule',
    OrganizationId: '2ad3fc79-1859-42fa-9011-6f8df2251b22',
    OrganizationId_: '2ad3fc79-1859-42fa-9011-6f8df2251b22',
    UserType: 'Admin',
    UserKey: '10032000C757D25F',
    OfficeWorkload: 'Exchange',
    ResultStatus: 'TRUE',
    ResultReasonType: 'TRUE',
    OfficeObjectId: 'contoso.onmicrosoft.com/AdeleV\\rule2',
    UserId: 'AdeleV@contoso.OnMicrosoft.com',
    UserId_: 'AdeleV@contoso.OnMicrosoft.com',
    ClientIP: '[2a01:110:8068:7:9bf8:aa87:e00a:5f1f]:36185',
    Site_: '',
    Parameters: '[\n  {\n    "Name": "MoveToFolder",\n    "Value": "Junk Email"\n  }\n]',
    ExternalAccess: 'FALSE',
    Logon_Type: 'Owner',
    InternalLogonType: '0',
    Client_IPAddress: '2603:10b6:5:345::11',
    Site_Url: 'https://contoso.sharepoint.com/',
    Event_Data: '<Type>Edit</Type>',
    Source_Name: 'SharePoint',
    AzureActiveDirectory_EventType: 'AzureApplicationAuditEvent',
    Members: '[{"DisplayName":"JohnS","Role":2,"UPN":"JohnS@contoso.com"}]',
    'ElevationTime [UTC]': '4/28/2021, 3:13:17.000 PM',
    'Start_Time [UTC]': '4/28/2021, 3:13:17.000 PM',
    SourceSystem: 'OfficeActivityManager',
    OfficeId: '84365963-570a-4424-38da-08d90a570e02',
    SourceRecordId: '84365963-570a-4424-38da-08d90a570e02',
    OfficeTenantId: '$RestApiTenantId$',
    OfficeTenantId_: '$RestApiTenantId$',
    Type: 'OfficeActivity',
    _ResourceId: '',
    _TimeGenerated_iso: '2021-04-28T15:05:26Z',
    NewColumnFromMicrosoft: 'kept',
  };

  it('renames, converts and drops as the mapping table says, common fields first', () => {
    const { record, notices } = convertSentinelRow(row);
    expect(notices).toEqual([]);
    expect(record).toEqual({
      CreationTime: '2021-04-28T15:05:26',
      Id: '84365963-570a-4424-38da-08d90a570e02',
      Operation: 'New-InboxRule',
      OrganizationId: '2ad3fc79-1859-42fa-9011-6f8df2251b22',
      RecordType: 1,
      ResultStatus: 'True',
      UserKey: '10032000C757D25F',
      UserType: 2,
      Workload: 'Exchange',
      ClientIP: '[2a01:110:8068:7:9bf8:aa87:e00a:5f1f]:36185',
      ObjectId: 'contoso.onmicrosoft.com/AdeleV\\rule2',
      UserId: 'AdeleV@contoso.OnMicrosoft.com',
      Parameters: [{ Name: 'MoveToFolder', Value: 'Junk Email' }],
      ExternalAccess: false,
      LogonType: 0,
      InternalLogonType: 0,
      ClientIPAddress: '2603:10b6:5:345::11',
      SiteUrl: 'https://contoso.sharepoint.com/',
      EventData: '<Type>Edit</Type>',
      SourceName: 'SharePoint',
      AzureActiveDirectoryEventType: 1,
      Members: [{ DisplayName: 'JohnS', Role: 2, UPN: 'JohnS@contoso.com' }],
      NewColumnFromMicrosoft: 'kept',
    });
    expect(Object.keys(record).slice(0, 4)).toEqual([
      'CreationTime',
      'Id',
      'Operation',
      'OrganizationId',
    ]);
  });

  it('maps every enum name of the brief, and numbers written as text', () => {
    const types: Record<string, number> = {
      SharePoint: 4,
      SharePointFileOperation: 6,
      ExchangeAdmin: 1,
      ExchangeItem: 2,
      ExchangeItemGroup: 3,
      SharePointSharingOperation: 14,
      AzureActiveDirectoryStsLogon: 15,
      MicrosoftTeams: 25,
      ComplianceDLPSharePoint: 11,
      '50': 50,
      '56': 56,
    };
    for (const [name, value] of Object.entries(types)) {
      expect(convertSentinelRow({ RecordType: name }).record.RecordType).toBe(value);
    }
    const users = [
      'Regular',
      'Reserved',
      'Admin',
      'DcAdmin',
      'System',
      'Application',
      'ServicePrincipal',
      'CustomPolicy',
      'SystemPolicy',
      'PartnerTechnician',
      'Guest',
    ];
    users.forEach((name, value) => {
      expect(convertSentinelRow({ UserType: name }).record.UserType).toBe(value);
    });
    expect(convertSentinelRow({ UserType: '4' }).record.UserType).toBe(4);
  });

  it('keeps what it cannot convert, and says so', () => {
    const { record, notices } = convertSentinelRow({
      RecordType: 'SomethingNew',
      TimeGenerated: 'yesterday',
      ExternalAccess: 'maybe',
      Item: '{broken',
      'Start_Time [UTC]': '4/28/2021, 3:13:17.000 PM',
    });
    expect(record).toEqual({
      CreationTime: 'yesterday',
      RecordType: 'SomethingNew',
      ExternalAccess: 'maybe',
      Item: '{broken',
      StartTime: '2021-04-28T15:13:17',
    });
    expect(notices).toEqual([
      {
        text: 'TimeGenerated is not a time: the store quarantines these rows',
        example: 'yesterday',
      },
      { text: 'RecordType "SomethingNew" is not a name this version knows: kept as text' },
      { text: 'ExternalAccess is not true or false: kept as text', example: 'maybe' },
      { text: 'Item is not valid JSON: kept as text' },
    ]);
  });

  it('takes a copy column for its original when the original is missing, keeps it when different', () => {
    expect(convertSentinelRow({ UserId_: 'a@x', ClientIP: '1', ClientIP_: '2' }).record).toEqual({
      ClientIP: '1',
      UserId: 'a@x',
      ClientIP_: '2',
    });
  });

  it('reads the times Sentinel exports', () => {
    expect(toCreationTime('4/28/2021, 3:05:26.000 PM')).toBe('2021-04-28T15:05:26');
    expect(toCreationTime('4/28/2021, 12:05:26.000 AM')).toBe('2021-04-28T00:05:26');
    expect(toCreationTime('4/28/2021, 12:05:26.999 PM')).toBe('2021-04-28T12:05:26');
    expect(toCreationTime('12/31/2021 23:59:59')).toBe('2021-12-31T23:59:59');
    expect(toCreationTime('2021-08-02T13:32:07Z')).toBe('2021-08-02T13:32:07');
    expect(toCreationTime('2021-08-02T13:32:07.1234567Z')).toBe('2021-08-02T13:32:07');
    expect(toCreationTime('2021-08-02 15:32:07+02:00')).toBe('2021-08-02T13:32:07');
    expect(toCreationTime('2/30/2021, 1:00:00 PM')).toBeUndefined();
    expect(toCreationTime('13/1/2021, 1:00:00 PM')).toBeUndefined();
    expect(toCreationTime('4/28/2021, 13:05:26 PM')).toBeUndefined();
  });
});

describe('JSON peeks', () => {
  it('finds a top-level string field, not a nested one, escapes decoded', () => {
    const text =
      '{"A":{"OrganizationId":"nested"},"B":"x\\"OrganizationId\\":","OrganizationId":"t\\u0031"}';
    expect(topLevelString(text, 'OrganizationId')).toBe('t1');
    expect(topLevelString('{"OrganizationId":5}', 'OrganizationId')).toBeUndefined();
    expect(topLevelString('{"a":"b"}', 'OrganizationId')).toBeUndefined();
    expect(topLevelString('{"OrganizationId":"cut', 'OrganizationId')).toBeUndefined();
    expect(topLevelString('[{"OrganizationId":"x"}]', 'OrganizationId')).toBeUndefined();
  });

  it('finds where a value ends', () => {
    expect(endOfJsonValue('  {"a":"}"} ,', 2)).toBe(11);
    expect(endOfJsonValue('{"a":[1,2', 0)).toBe(-1);
  });
});
