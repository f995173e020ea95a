// The default demo tenant (50 users, 2 days, all scenarios): every seed query of
// docs/seed-queries.md finds its data, near-misses exist, records follow the real schemas, and
// scenario records are labelled in the truth with actors that appear in them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorHandle, TruthLine } from '../../src/simulator/index.js';
import { SCENARIO_NAMES } from '../../src/simulator/index.js';
import { NOW, api, listAll, small, token } from './helpers.js';

type Rec = Record<string, unknown> & {
  Operation: string;
  Workload: string;
  UserId: string;
  Id: string;
};

let sim: SimulatorHandle;
const records: Array<{ record: Rec; contentType: string }> = [];
const truth = new Map<string, string>();

beforeAll(async () => {
  sim = await small({ users: 50, days: 2, scenarios: ['all'] });
  const bearer = await token(sim);
  const now = NOW.getTime();
  for (const ct of [
    'Audit.AzureActiveDirectory',
    'Audit.Exchange',
    'Audit.SharePoint',
    'Audit.General',
    'DLP.All',
  ]) {
    for (const [start, end] of [
      [now - 48 * 3600_000, now - 24 * 3600_000],
      [now - 24 * 3600_000, now],
    ] as const) {
      const { entries } = await listAll(sim, bearer, ct, start, end);
      for (const e of entries) {
        const r = await api(sim, bearer, `${e.contentUri}?PublisherIdentifier=${sim.tenantId}`);
        for (const rec of r.json() as Rec[]) records.push({ record: rec, contentType: ct });
      }
    }
  }
  for await (const l of sim.truth({ availableOnly: true }) as AsyncIterable<TruthLine>)
    truth.set(l.Id, l.label);
}, 120_000);
afterAll(async () => {
  await sim.close();
});

const table = (workload?: string) =>
  records
    .map((r) => r.record)
    .filter((r) => workload === undefined || r.Workload.toLowerCase() === workload);
const json = (r: Rec) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>;

describe('the seed use cases find their data', () => {
  it('1: sign-ins, successful and failed, with ActorIpAddress and UserId', () => {
    const logins = table().filter(
      (r) => r.Operation === 'UserLoggedIn' || r.Operation === 'UserLoginFailed',
    );
    const ops = new Set(logins.map((r) => r.Operation));
    expect(ops).toEqual(new Set(['UserLoggedIn', 'UserLoginFailed']));
    for (const r of logins) {
      expect(r.ActorIpAddress).toBeTruthy();
      expect(r.UserId).toMatch(/@/);
    }
  });

  it('2: AttachmentDownload in the exchange table, with AttachmentName', () => {
    const hits = table('exchange').filter((r) => r.Operation === 'AttachmentDownload');
    expect(hits.length).toBeGreaterThan(1);
    for (const r of hits) expect(json(r).AttachmentName).toBe('Invoice_2291.docm');
    expect(new Set(hits.map((r) => r.UserId)).size).toBeGreaterThan(1);
  });

  it('3: Remove-AuditConfigurationPolicy in the exchange table', () => {
    expect(
      table('exchange').filter((r) => r.Operation === 'Remove-AuditConfigurationPolicy'),
    ).toHaveLength(1);
  });

  it('4: insider-risk policy changes in securitycompliancecenter, besides Get- noise', () => {
    const irm = table('securitycompliancecenter').filter((r) =>
      r.Operation.includes('InsiderRiskPolicy'),
    );
    const changes = irm.filter((r) => !r.Operation.includes('Get'));
    expect(new Set(changes.map((r) => r.Operation))).toEqual(
      new Set(['Set-InsiderRiskPolicy', 'Remove-InsiderRiskPolicy', 'New-InsiderRiskPolicy']),
    );
    expect(irm.some((r) => r.Operation === 'Get-InsiderRiskPolicy')).toBe(true);
    for (const r of irm) expect(typeof r.Parameters).toBe('string');
  });

  it('5: OneDrive SharingSet of strategic files, with ClientIP and recipient', () => {
    const shares = table('onedrive').filter((r) => r.Operation === 'SharingSet');
    const strategic = shares.filter((r) => /strategic/i.test(String(r.ObjectId)));
    expect(strategic.length).toBeGreaterThan(0);
    for (const r of strategic) {
      expect(r.ClientIP).toBeTruthy();
      expect(r.TargetUserOrGroupName).toBeTruthy();
    }
    const external = strategic.filter((r) => r.TargetUserOrGroupType === 'Guest');
    const internal = shares.filter((r) => r.TargetUserOrGroupType === 'Member');
    expect(external.length).toBeGreaterThan(0);
    // Near-miss: colleagues share files internally too (some of them strategic ones).
    expect(internal.length).toBeGreaterThan(external.length);
    // Names with quotes travel through ObjectId.
    expect(table('onedrive').some((r) => String(r.ObjectId).includes('"Tier 1"'))).toBe(true);
  });

  it('6: Teams records with ParticipantInfo.HasForeignTenantUsers both true and false (and records without)', () => {
    const teams = table('microsoftteams');
    const values = teams.map(
      (r) =>
        (r.ParticipantInfo as { HasForeignTenantUsers?: boolean } | undefined)
          ?.HasForeignTenantUsers,
    );
    expect(values).toContain(true);
    expect(values).toContain(false);
    expect(values).toContain(undefined);
  });

  it('7: FileVersionsAllDeleted in the sharepoint table', () => {
    const hits = table('sharepoint').filter((r) => r.Operation === 'FileVersionsAllDeleted');
    expect(hits.length).toBeGreaterThan(3);
    expect(hits.some((r) => truth.get(r.Id) === 'data-destruction')).toBe(true);
  });

  it('8: Exchange, AzureActiveDirectory and MicrosoftTeams all flow', () => {
    const workloads = new Set(table().map((r) => r.Workload));
    for (const w of [
      'Exchange',
      'AzureActiveDirectory',
      'MicrosoftTeams',
      'SharePoint',
      'OneDrive',
      'SecurityComplianceCenter',
    ]) {
      expect(workloads).toContain(w);
    }
  });
});

describe('scenarios', () => {
  it('lists all ten with techniques and actors, and labels their records in the truth', () => {
    const infos = sim.scenarios();
    expect(infos.map((s) => s.name).sort()).toEqual([...SCENARIO_NAMES].sort());
    for (const s of infos) {
      expect(s.techniques.length).toBeGreaterThan(0);
      for (const t of s.techniques) expect(t).toMatch(/^T\d{4}(\.\d{3})?$/);
      expect(s.actors.length).toBeGreaterThan(0);
      const labelled = records.filter((r) => truth.get(r.record.Id) === s.name);
      expect(labelled.length, s.name).toBeGreaterThan(0);
      const users = new Set(labelled.map((r) => r.record.UserId.toLowerCase()));
      for (const a of s.actors) expect(users, `${s.name} names ${a}`).toContain(a.toLowerCase());
    }
  });

  it('every record is in the truth with a known label', () => {
    const labels = new Set(['benign', ...SCENARIO_NAMES]);
    for (const r of records) expect(labels).toContain(truth.get(r.record.Id));
  });

  it('insider exfiltration: anonymous link used by outsiders, mass download and sync, sharing to personal mail', () => {
    const mine = records
      .filter((r) => truth.get(r.record.Id) === 'insider-exfiltration')
      .map((r) => r.record);
    const ops = new Map<string, number>();
    for (const r of mine) ops.set(r.Operation, (ops.get(r.Operation) ?? 0) + 1);
    for (const op of [
      'AnonymousLinkCreated',
      'AnonymousLinkUsed',
      'SharingInvitationCreated',
      'AddedToSecureLink',
      'FileSyncDownloadedFull',
    ]) {
      expect(ops.get(op), op).toBeGreaterThan(0);
    }
    expect(ops.get('FileDownloaded')).toBeGreaterThan(50);
    // Microsoft writes the redemption of an Anyone link with UserId and UserKey `anonymous`.
    expect(
      mine
        .filter((r) => r.Operation === 'AnonymousLinkUsed')
        .every((r) => r.UserId === 'anonymous' && r.UserKey === 'anonymous'),
    ).toBe(true);
    expect(
      mine.some((r) => /@(gmail|outlook|proton|yahoo)\./.test(String(r.TargetUserOrGroupName))),
    ).toBe(true);
  });

  it('password spray: one IP, many users, 50126, then success from the same IP', () => {
    const mine = records
      .filter((r) => truth.get(r.record.Id) === 'password-spray')
      .map((r) => r.record);
    const failed = mine.filter((r) => r.Operation === 'UserLoginFailed');
    expect(new Set(failed.map((r) => r.ClientIP)).size).toBe(1);
    expect(new Set(failed.map((r) => r.UserId)).size).toBeGreaterThan(10);
    expect(
      failed.some((r) => r.ErrorNumber === '50126' && r.LogonError === 'InvalidUserNameOrPassword'),
    ).toBe(true);
    const success = mine.filter((r) => r.Operation === 'UserLoggedIn');
    expect(success[0]?.ClientIP).toBe(failed[0]?.ClientIP);
    const victim = sim.scenarios().find((s) => s.name === 'password-spray')?.actors[0];
    expect(success[0]?.UserId).toBe(victim);
  });

  it('mail forwarding and app consent carry what detections read', () => {
    const fwd = records
      .filter((r) => truth.get(r.record.Id) === 'mail-forwarding')
      .map((r) => r.record);
    const params = (r: Rec) =>
      Object.fromEntries(
        (r.Parameters as Array<{ Name: string; Value: string }>).map((p) => [p.Name, p.Value]),
      );
    expect(params(fwd.find((r) => r.Operation === 'New-InboxRule') as Rec).ForwardTo).toMatch(/@/);
    expect(
      params(fwd.find((r) => r.Operation === 'Set-Mailbox') as Rec).ForwardingSmtpAddress,
    ).toMatch(/^smtp:/);
    expect(params(fwd.find((r) => r.Operation === 'New-TransportRule') as Rec).BlindCopyTo).toMatch(
      /@/,
    );
    const consent = records
      .filter((r) => truth.get(r.record.Id) === 'mail-app-consent')
      .map((r) => r.record);
    const grant = consent.find((r) => r.Operation === 'Consent to application.') as Rec;
    expect(JSON.stringify(grant.ModifiedProperties)).toContain('Mail.Read');
    const reads = consent.filter((r) => r.Operation === 'MailItemsAccessed');
    expect(reads.length).toBeGreaterThan(3);
    expect(new Set(reads.map((r) => r.AppId))).toEqual(new Set([grant.ObjectId]));
  });
});

describe('record schemas', () => {
  it('common fields: CreationTime without zone, GUID Id, integer RecordType and UserType, Version 1', () => {
    for (const { record: r } of records) {
      expect(r.CreationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      expect(r.Id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(Number.isInteger(r.RecordType)).toBe(true);
      expect(Number.isInteger(r.UserType)).toBe(true);
      expect(r.Version).toBe(1);
      expect(r.OrganizationId).toBe(sim.tenantId);
    }
  });

  it('content types follow workloads (OneDrive and SharePoint in Audit.SharePoint, Teams and S&C in Audit.General)', () => {
    const expected: Record<string, string> = {
      AzureActiveDirectory: 'Audit.AzureActiveDirectory',
      Exchange: 'Audit.Exchange',
      SharePoint: 'Audit.SharePoint',
      OneDrive: 'Audit.SharePoint',
      MicrosoftTeams: 'Audit.General',
      SecurityComplianceCenter: 'Audit.General',
    };
    for (const { record: r, contentType } of records) {
      if (r.Operation === 'DLPRuleMatch') expect(contentType).toBe('DLP.All');
      else expect(contentType, `${r.Workload} ${r.Operation}`).toBe(expected[r.Workload]);
    }
  });

  it('Exchange admin records: Parameters as {Name, Value} strings, ClientIP with a port (IPv4:port and [IPv6]:port)', () => {
    const admin = table('exchange').filter((r) => r.RecordType === 1);
    expect(admin.length).toBeGreaterThan(5);
    for (const r of admin) {
      for (const p of r.Parameters as Array<Record<string, unknown>>) {
        expect(Object.keys(p).sort()).toEqual(['Name', 'Value']);
        expect(typeof p.Value).toBe('string');
      }
      expect(String(r.ClientIP)).toMatch(/^(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:]+\]):\d+$/);
    }
    expect(admin.some((r) => String(r.ClientIP).startsWith('['))).toBe(true);
    expect(admin.some((r) => /^\d/.test(String(r.ClientIP)))).toBe(true);
  });

  it('mailbox records use ClientIPAddress; MailItemsAccessed has OperationProperties and Folders', () => {
    const mia = table('exchange').filter((r) => r.Operation === 'MailItemsAccessed');
    expect(mia.length).toBeGreaterThan(10);
    for (const r of mia) {
      expect(r.ClientIPAddress).toBeTruthy();
      expect(r.RecordType).toBe(50);
      expect((r.OperationProperties as Array<{ Name: string }>).map((p) => p.Name)).toContain(
        'MailAccessType',
      );
      expect(Array.isArray(r.Folders)).toBe(true);
    }
  });

  it('sign-ins carry ErrorNumber, LogonError on failures, Actor/Target and ExtendedProperties', () => {
    for (const r of table('azureactivedirectory').filter((x) => x.RecordType === 15)) {
      expect(r.ErrorNumber).toMatch(/^\d+$/);
      if (r.Operation === 'UserLoginFailed') expect(r.LogonError).toBeTruthy();
      expect(Array.isArray(r.ExtendedProperties)).toBe(true);
      expect((r.Actor as Array<{ Type: number }>).some((a) => a.Type === 5)).toBe(true);
    }
  });

  it('guests are x_domain#EXT#@tenant; DLP matches carry policy details', () => {
    const guests = table().filter((r) => String(r.TargetUserOrGroupName).includes('#ext#@'));
    expect(guests.length).toBeGreaterThan(0);
    for (const g of guests)
      expect(String(g.TargetUserOrGroupName)).toMatch(
        /^[^@]+_[a-z0-9.-]+#ext#@contoso\.onmicrosoft\.com$/,
      );
    const dlp = records.filter((r) => r.contentType === 'DLP.All').map((r) => r.record);
    expect(dlp.length).toBeGreaterThan(0);
    for (const r of dlp) expect((r.PolicyDetails as unknown[]).length).toBe(1);
  });

  it('near-misses: benign inbox rules without outside forwarding, Get- cmdlets, internal forwards', () => {
    const rules = records.filter(
      (r) => r.record.Operation === 'New-InboxRule' && truth.get(r.record.Id) === 'benign',
    );
    for (const { record } of rules) {
      const fwd = (record.Parameters as Array<{ Name: string; Value: string }>).find(
        (p) => p.Name === 'ForwardTo',
      );
      if (fwd) expect(fwd.Value).toMatch(/@contoso\.com$/);
    }
    expect(
      records.some(
        (r) =>
          r.record.Operation === 'Get-InsiderRiskPolicy' && truth.get(r.record.Id) === 'benign',
      ),
    ).toBe(true);
  });
});
