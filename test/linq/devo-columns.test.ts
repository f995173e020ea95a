// Devo's column names for the Microsoft 365 tables, resolved from the raw record: the flattened
// Exchange `Parameters`, fields of Microsoft's schema that are not columns, `rawMessage`, the
// `cloud.office365` table and the message-trace names; the same answers on DuckDB and ClickHouse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLinq } from '../../src/linq/compile.js';
import { LinqError } from '../../src/linq/errors.js';
import { createCatalog, MANAGEMENT } from '../../src/store/schema.js';
import { chdbEngine, duckdbEngine, type RawEngine } from './helpers/engines.js';
import { SEED_RANGE, seedRows } from './helpers/fixtures.js';

const catalog = createCatalog();

describe.each([
  ['duckdb', duckdbEngine],
  ['clickhouse', chdbEngine],
] as const)("Devo's column names on %s", (_n, open) => {
  let engine: RawEngine;
  beforeAll(async () => {
    engine = await open();
    await engine.load(MANAGEMENT, seedRows());
  });
  afterAll(async () => {
    await engine?.close();
  });
  const run = (text: string) =>
    engine.run(
      compileLinq(text, { dialect: engine.dialect, catalog, ...SEED_RANGE, tableColumns: false }),
    );

  it('Parameters_<Name> is the Value of the parameter of that name; absent or not a list: null', async () => {
    const rows = await run(
      'from cloud.office365.management.exchange where Operation in {"Remove-AuditConfigurationPolicy", "Set-Mailbox"} select Operation, Parameters_Identity, Parameters_AuditEnabled, Parameters_Nope',
    );
    expect(
      rows.map((r) => [r.Operation, r.Parameters_Identity, r.Parameters_AuditEnabled]),
    ).toEqual([
      ['Remove-AuditConfigurationPolicy', 'a7f4c3d2-9b8e-4f1a-b2c3-d4e5f6a7b8c9', null],
      ['Set-Mailbox', 'ana@contoso.com', 'False'],
    ]);
    expect(rows.every((r) => r.Parameters_Nope === null)).toBe(true);
    // a Security & Compliance cmdlet's Parameters is a string, not a list
    const scc = await run(
      'from cloud.office365.management.securitycompliancecenter where Operation = "New-InsiderRiskPolicy" select Parameters_Name',
    );
    expect(scc.map((r) => r.Parameters_Name)).toEqual([null]);
  });

  it('Parameters_Raw is the list as JSON text with ", " and ": "; Parameters_Name_str the names', async () => {
    const rows = await run(
      'from cloud.office365.management where Operation = "Set-Mailbox" select Parameters_Raw, Parameters_Name_str, split(split(split(Parameters_Raw,"AuditEnabled")[1],": ")[1],"\\"")[1] as v',
    );
    expect(rows).toEqual([
      {
        Parameters_Raw:
          '[{"Name": "Identity", "Value": "ana@contoso.com"}, {"Name": "AuditEnabled", "Value": "False"}]',
        Parameters_Name_str: '["Identity","AuditEnabled"]',
        v: 'False',
        eventdate: '2026-03-02 11:05:00.000',
      },
    ]);
  });

  it("fields of Microsoft's schema that are not columns, typed; objects flattened with _", async () => {
    const rows = await run(
      'from cloud.office365.management.exchange where Operation = "MailItemsAccessed" select OriginatingServer, OperationCount, OperationCount + 1 as n, OperationProperties_MailAccessType',
    );
    expect(rows.map((r) => [r.OriginatingServer, r.OperationCount, r.n])).toEqual([
      ['AM0PR06MB1234 (15.20.7400.020)', '2', '3'],
      ['AM0PR06MB1234 (15.20.7400.020)', '1', '2'],
    ]);
    const teams = await run(
      'from cloud.office365.management.microsoftteams where Operation = "MessageSent" select ParticipantInfo_HasForeignTenantUsers as f',
    );
    expect(teams.map((r) => r.f)).toEqual(['true', null]);
  });

  it('rawMessage is the raw record; cloud.office365 is the management table', async () => {
    const a = await run(
      'from cloud.office365 where Operation = "UserLoginFailed" select rawMessage',
    );
    const b = await run(
      'from cloud.office365.management where Operation = "UserLoginFailed" select message',
    );
    expect(a.map((r) => r.rawMessage)).toEqual(b.map((r) => r.message));
    expect(a).toHaveLength(2);
  });
});

describe("Devo's names at compile time", () => {
  const compile = (text: string) =>
    compileLinq(text, { dialect: 'duckdb', catalog, ...SEED_RANGE });

  it('message trace: Devo’s names (Subject, RecipientAddress, FromIP …) are the table’s columns', () => {
    const c = compile(
      'from cloud.office365.messagetracing group every 5m by Subject, RecipientAddress, FromIP, ToIP, Status, SenderAddress, client',
    );
    expect(c.columns.map((x) => x.name)).toEqual([
      'eventdate',
      'Subject',
      'RecipientAddress',
      'FromIP',
      'ToIP',
      'Status',
      'SenderAddress',
      'client',
    ]);
    expect(c.sql).toContain('"recipientAddress"');
  });

  it('a name that is neither a column nor a Devo name is still an error, with a way out', () => {
    try {
      compile('from cloud.office365.management select OriginatingServr');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LinqError);
      expect((e as LinqError).message).toContain('Unknown identifier `OriginatingServr`');
      expect((e as LinqError).hint).toContain('OriginatingServer');
    }
    try {
      compile('from cloud.office365.management select Whatever');
      expect.unreachable();
    } catch (e) {
      expect((e as LinqError).hint).toContain('jsonparse(message)["Whatever"]');
    }
  });

  it('after group only keys exist: Devo names are not read from records there', () => {
    expect(() =>
      compile('from cloud.office365.management group by UserId select OriginatingServer'),
    ).toThrow(/Unknown identifier `OriginatingServer`/);
  });
});
