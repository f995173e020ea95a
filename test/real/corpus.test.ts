// The real-record corpus (test/fixtures/real/, SOURCES.md) through the real import and store, and
// the rule packs over it: every record is stored or quarantined with its reason; rows land in
// the sub-table of their workload with their event time, promoted columns and a bare client
// address; the rules whose situation a real record shows fire on it, and no rule fires on the
// rest (real benign activity of a demo tenant, Microsoft's documentation examples).
import { isIP } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertView } from '../../src/alerts/store/model.js';
import { runImport, type ImportSummary } from '../../src/ingest/import/runner.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { ingestRecords } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';
import { REAL, corpusFiles, readNdjson, runAllRules } from './helpers.js';

const dir = tempDir('m365hunt-real-');
let store: Store;
let summary: ImportSummary;
let alerts: AlertView[];
let allowListed: AlertView[];

const PANTHER_TENANT = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

/** What each file of the corpus must give, and why what is not stored is not. */
const EXPECTED: Record<
  string,
  { stored: number; quarantined?: number; duplicates?: number; reason?: RegExp }
> = {
  'microsoft-learn-activity-api-reference.ndjson': { stored: 3 },
  // AipFileDeleted is published as invalid JSON (unescaped backslashes in a path).
  'microsoft-learn-aip.ndjson': { stored: 5, quarantined: 1, reason: /not valid JSON/ },
  'microsoft-learn-copilot.ndjson': { stored: 2 },
  'microsoft-learn-omeportal.ndjson': { stored: 2 },
  // Panther's hand-written test logs: the Exchange ones have no Id (and Panther's lower-cased
  // keys); the sharing ones share one Id, so all but one are duplicates.
  'panther-m365-rule-tests.ndjson': {
    stored: 3,
    quarantined: 10,
    duplicates: 6,
    reason: /no Id field/,
  },
  'otrf-golden-saml-office-activity.ndjson': { stored: 1 },
  // This export has no TimeGenerated column: nothing says when the rules were made.
  'sentinel-training-lab-inbox-rule.ndjson': {
    stored: 0,
    quarantined: 2,
    reason: /CreationTime missing or not a time/,
  },
  'sentinel-training-lab-office-activity.ndjson': { stored: 266 },
};

beforeAll(async () => {
  store = await openStore(join(dir, 'real.duckdb'));
  summary = await runImport({
    files: [...corpusFiles('management'), ...corpusFiles('sentinel')],
    store,
    collectorId: '10001',
  });
  // The rule records as the rules read them: Panther's labelled cases each with an Id of its own
  // and Microsoft's time format, in a tenant of their own (only those in Microsoft's field names).
  const panther = readNdjson(join(REAL, 'management', 'panther-m365-rule-tests.ndjson'))
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => typeof r.Operation === 'string')
    .map(({ r, i }) => ({
      ...r,
      Id: `7a000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
      CreationTime: String(r.CreationTime).replace(' ', 'T'),
    }));
  await ingestRecords(store, panther, { tenant: PANTHER_TENANT, client: 'panther' });
  // The inbox-rule export with Sentinel's own Start_Time as TimeGenerated (its ingestion time,
  // minutes after the event): the closest to an event time the rows have.
  const timed = readNdjson(join(REAL, 'sentinel', 'sentinel-training-lab-inbox-rule.ndjson')).map(
    (r) => JSON.stringify({ TimeGenerated: r._Start_Time_iso, ...r }),
  );
  const file = join(dir, 'inbox-rule-timed.ndjson');
  writeFileSync(file, `${timed.join('\n')}\n`);
  const more = await runImport({ files: [file], store, collectorId: '10001' });
  expect(more.files[0]).toMatchObject({ stored: 2, quarantined: 0 });
  alerts = await runAllRules(store, new Map(), new Date('2030-01-01T00:00:00Z'), {
    // Panther's allow-lists of these cases (a domain, a folder, a user, the company's own
    // domain), as the domains our rule takes.
    'exfiltration/exfiltration-specific-people-link-to-outsider': {
      allowed_domains: ['alloweddomain.com', 'saas.com', 'outsider.com', 'mycompany.com'],
    },
  });
  // The same store, Anyone links expected in OneDrive's Documents folder.
  const again = await openStore(join(dir, 'again.duckdb'));
  await runImport({
    files: [join(REAL, 'sentinel', 'sentinel-training-lab-office-activity.ndjson')],
    store: again,
    collectorId: '10001',
  });
  allowListed = await runAllRules(again, new Map(), new Date('2030-01-01T00:00:00Z'), {
    'exfiltration/exfiltration-anonymous-link-created': { allowed_folders: ['documents'] },
  });
  await again.close();
}, 120_000);

afterAll(async () => {
  await store.close();
});

const rows = async (sql: string) => store.queryAll({ sql, params: [] });

describe('the real records through the import', () => {
  it('stores each record or quarantines it with its reason', async () => {
    const quarantine = await store.quarantine(1000);
    for (const f of summary.files) {
      const name = f.file.split('/').pop()!;
      const want = EXPECTED[name];
      expect(want, `${name} has no expectation`).toBeDefined();
      expect(
        {
          stored: f.stored,
          quarantined: f.quarantined,
          duplicates: f.duplicates,
          unreadable: f.unreadable,
        },
        name,
      ).toEqual({
        stored: want!.stored,
        quarantined: want!.quarantined ?? 0,
        duplicates: want!.duplicates ?? 0,
        unreadable: 0,
      });
      expect(f.read).toBe(f.stored + f.quarantined + f.duplicates);
      if (want!.reason) {
        const reasons = quarantine.filter((q) => q.origin.includes(name)).map((q) => q.reason);
        expect(reasons.length, name).toBe(want!.quarantined);
        for (const r of reasons) expect(r).toMatch(want!.reason);
      }
    }
  });

  it('routes each row to the sub-table of its workload, also for workloads the simulator never writes', async () => {
    const wrong = await rows(
      `SELECT "Id", "Workload", _subtable FROM management WHERE _subtable IS DISTINCT FROM lower(coalesce("Workload", 'unknown'))`,
    );
    expect(wrong).toEqual([]);
    const subtables = (await rows(`SELECT DISTINCT _subtable FROM management ORDER BY 1`)).map(
      (r) => r._subtable,
    );
    expect(subtables).toEqual(
      expect.arrayContaining(['aip', 'copilot', 'exchange', 'onedrive', 'sharepoint']),
    );
  });

  it('gives every row its event time: CreationTime, read as UTC', async () => {
    const all = await rows(`SELECT message, epoch_ms(eventdate) AS t FROM management`);
    expect(all.length).toBeGreaterThan(280);
    for (const r of all) {
      const m = JSON.parse(String(r.message)) as { CreationTime: string };
      expect(Number(r.t), m.CreationTime).toBe(Date.parse(`${m.CreationTime.replace(' ', 'T')}Z`));
    }
  });

  it('promotes the common fields as the record has them', async () => {
    const all = await rows(
      `SELECT message, "Operation", "UserId", "Workload", "RecordType", "OrganizationId" FROM management`,
    );
    for (const r of all) {
      const m = JSON.parse(String(r.message)) as Record<string, unknown>;
      expect([r.Operation, r.UserId, r.Workload, r.OrganizationId]).toEqual([
        m.Operation ?? null,
        m.UserId ?? null,
        m.Workload ?? null,
        m.OrganizationId ?? null,
      ]);
      expect(Number(r.RecordType)).toBe(Number(m.RecordType));
    }
  });

  it('takes srcIp bare from every form real records write (port, brackets, IPv6, IPv4 in IPv6)', async () => {
    const all = await rows(`SELECT "Id", "ClientIP", srcIp FROM management`);
    const bad = all.filter((r) => r.srcIp !== null && isIP(String(r.srcIp)) === 0);
    expect(bad).toEqual([]);
    const byClientIp = new Map(all.map((r) => [String(r.ClientIP), r.srcIp]));
    // Microsoft's own Copilot examples, and the lab's Exchange admin records.
    expect(byClientIp.get('ffff:10.11.0.229')).toBe('10.11.0.229');
    expect(byClientIp.get('2401:4900:60d2:179b:c004:b6f:b678:b148')).toBe(
      '2401:4900:60d2:179b:c004:b6f:b678:b148',
    );
    expect(byClientIp.get('175.45.176.99:17362')).toBe('175.45.176.99');
    expect(byClientIp.get('[2a01:110:8068:7:9bf8:aa87:e00a:5f1f]:36185')).toBe(
      '2a01:110:8068:7:9bf8:aa87:e00a:5f1f',
    );
  });
});

describe("Graph's sign-ins as Microsoft documents them", () => {
  it('store with their event time (seven fraction digits or none), address and interactivity', async () => {
    const signIns = await openStore(join(dir, 'signins.duckdb'));
    try {
      const records = corpusFiles('graph').flatMap(readNdjson);
      const result = await signIns.ingest({
        sets: [
          {
            family: 'azure_ad_signin',
            tenant: PANTHER_TENANT,
            client: 'docs',
            hostchain: 'collector-10001-test',
            contentType: 'signIns',
            origin: 'microsoft-learn',
            records: records.map((r) => JSON.stringify(r)),
          },
        ],
      });
      expect(result).toMatchObject({ inserted: 2, quarantined: 0 });
      const stored = await signIns.queryAll({
        sql: `SELECT id, epoch_ms(eventdate) AS t, srcIp, isInteractive FROM azure_ad_signin ORDER BY id`,
        params: [],
      });
      expect(stored.map((r) => [r.id, Number(r.t), r.srcIp, r.isInteractive])).toEqual([
        [
          '66ea54eb-6301-4ee5-be62-ff5a759b0100',
          Date.parse('2020-03-13T19:15:41.619Z'),
          '131.107.159.37',
          true,
        ],
        [
          'ef1e1fcc-80bd-489b-82c5-16ad80770e00',
          Date.parse('2022-03-18T18:13:37Z'),
          '197.178.9.154',
          false,
        ],
      ]);
    } finally {
      await signIns.close();
    }
  });
});

describe('the rules over real records', () => {
  const fired = (rule: string) => alerts.filter((a) => a.rule === `exfiltration/${rule}`);

  it('fire where a real record shows their situation', () => {
    // The lab: johns@ opens his OneDrive to guests and Anyone links, makes himself its admin;
    // adelev@ makes an Anyone edit link; DLP matches undone; mail read through an app.
    expect(fired('defense-evasion-sharing-policy-weakened')[0]?.entities.user).toEqual([
      'johns@m365x816222.onmicrosoft.com',
    ]);
    expect(fired('privilege-escalation-site-admin-added')).toHaveLength(1);
    const anyone = fired('exfiltration-anonymous-link-created');
    expect(anyone).toHaveLength(1);
    expect(anyone[0]!.entities.file?.[0]).toMatch(/Contoso Purchasing Data - Q1\.xlsx$/);
    expect(fired('defense-evasion-dlp-override')).toHaveLength(1);
    // OTRF's Golden SAML: mail read through Graph by an app.
    expect(fired('collection-mailbox-read-by-app').flatMap((a) => a.entities.user ?? [])).toContain(
      'pgustavo@simulandlabs.com',
    );
    // The inbox rules that hide mail ("do not open" to Junk Email, "covid-19" deleted); the
    // lab's own "junk" rule pins mail and is not among them.
    const hiding = fired('defense-evasion-inbox-rule-hides-mail');
    expect(hiding.flatMap((a) => a.entities.user ?? [])).toEqual(
      hiding.map(() => 'AdeleV@contoso.OnMicrosoft.com'),
    );
    expect(hiding.reduce((n, a) => n + a.count, 0)).toBe(2);
    // Panther's labelled cases: the MFA removal, the specific-people link to an outsider.
    expect(fired('defense-evasion-mfa-disabled').map((a) => a.client)).toEqual(['panther']);
    const outsider = fired('exfiltration-specific-people-link-to-outsider');
    expect(outsider.map((a) => a.client)).toEqual(['panther']);
    expect(JSON.stringify(outsider[0]!.evidence)).toContain('OUTSIDER@EXTERNAL.IO');
    expect(JSON.stringify(outsider[0]!.evidence)).not.toMatch(/MYCOMPANY|ALLOWEDDOMAIN|SAAS\.COM/);
  });

  it('fire on nothing else: the rest is benign activity or documentation examples', () => {
    const expected = new Set([
      'defense-evasion-sharing-policy-weakened',
      'privilege-escalation-site-admin-added',
      'exfiltration-anonymous-link-created',
      'defense-evasion-dlp-override',
      'collection-mailbox-read-by-app',
      'defense-evasion-inbox-rule-hides-mail',
      'defense-evasion-mfa-disabled',
      'exfiltration-specific-people-link-to-outsider',
    ]);
    const others = alerts
      .filter((a) => !expected.has(a.rule.replace(/^exfiltration\//, '')))
      .map((a) => `${a.rule}: ${a.title} (${JSON.stringify(a.entities)})`);
    expect(others).toEqual([]);
  });

  it('leave out Anyone links in an allowed folder, in the form sharing records name it', () => {
    expect(allowListed.filter((a) => a.rule.endsWith('anonymous-link-created'))).toEqual([]);
    expect(allowListed.some((a) => a.rule.endsWith('sharing-policy-weakened'))).toBe(true);
  });
});
