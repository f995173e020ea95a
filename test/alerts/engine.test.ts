// The engine's semantics on every store kind: one burst is one alert, each row is evaluated once
// (re-runs and crashes raise nothing twice), threshold and sequence windows on event time see
// late rows, inactivity raises and recovers, tenants get their own settings, and the stored
// alerts can be triaged and queried with LINQ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSITIONS } from '../../src/alerts/engine/engine.js';
import { planRules } from '../../src/alerts/rules/profiles.js';
import { changeStatus, listAlerts, readEvents } from '../../src/alerts/store/alert-store.js';
import { defaultAlertsConfig, type AlertsConfig } from '../../src/alerts/config.js';
import { runLinq } from '../../src/linq/index.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore, STORE_KINDS } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';
import { engineFor, ingest, planOf, rule, series } from './helpers.js';

const anonymousLinks = rule(
  'exfiltration-anon',
  `title: Anyone link
description: An Anyone link.
severity: medium
mitre: [T1567]
kind: each
query: |
  from cloud.office365.management
  where Operation = "AnonymousLinkCreated"
entities: { user: UserId, ip: srcIp, file: ObjectId }
group: { window: 1h }
evidence: 5
response: [{ action: remove-sharing-links, entity: user }]
`,
);

const massDownload = rule(
  'collection-mass',
  `title: Mass download
description: Many files.
severity: high
mitre: [T1530]
kind: threshold
query: |
  from cloud.office365.management
  where Operation = "FileDownloaded"
threshold: { by: [UserId], distinct: ObjectId, min: $min_files, window: 10m }
tunables:
  min_files: { default: 10, description: files }
entities: { user: UserId }
`,
);

const sprayThenLogin = rule(
  'credential-access-seq',
  `title: Failures then success
description: A then B.
severity: high
mitre: [T1110]
kind: sequence
sequence:
  within: 1h
  steps:
    - name: fail
      query: |
        from cloud.office365.management
        where Operation = "UserLoginFailed"
      by: [srcIp]
      min: 3
    - name: ok
      query: |
        from cloud.office365.management
        where Operation = "UserLoggedIn"
      by: [srcIp]
entities: { user: UserId, ip: srcIp }
`,
);

const silence = rule(
  'health-silent',
  `title: Silent workload
description: No data.
severity: medium
mitre: [T1562.008]
kind: inactivity
query: |
  from cloud.office365.management
  select split(hostchain, "-", 1) as collector_id
inactivity: { by: [collector_id, Workload], period: 2h }
`,
);

const anon = (i: number, t: string, user = 'ana@contoso.com') => ({
  CreationTime: t,
  Operation: 'AnonymousLinkCreated',
  RecordType: 14,
  Workload: 'OneDrive',
  UserId: user,
  ClientIP: '192.0.2.33',
  ObjectId: `https://contoso-my.sharepoint.com/personal/ana/Documents/f${i}.docx`,
});

const download = (i: number, t: string, user = 'ana@contoso.com') => ({
  CreationTime: t,
  Operation: 'FileDownloaded',
  RecordType: 6,
  Workload: 'SharePoint',
  UserId: user,
  ClientIP: '192.0.2.33',
  ObjectId: `https://contoso.sharepoint.com/sites/Deals/Shared Documents/d${i}.docx`,
});

const login = (op: string, t: string, ip: string, user = 'ana@contoso.com') => ({
  CreationTime: t,
  Operation: op,
  RecordType: 15,
  Workload: 'AzureActiveDirectory',
  UserId: user,
  ClientIP: ip,
});

describe.each(STORE_KINDS)('alert engine on %s', (kind) => {
  const dir = tempDir();
  let store: Store;
  let now = new Date('2026-03-02T12:00:00Z');
  const clock = () => now;

  beforeAll(async () => {
    store = await openTestStore(kind, dir);
  });
  afterAll(async () => {
    await store.close();
  });

  it('raises one alert for a burst, bounded evidence, and nothing more on a re-run', async () => {
    await ingest(
      store,
      series('2026-03-02T09:00:00', 100, 5, (i, t) => anon(i, t)),
    );
    const engine = engineFor(store, [planOf(anonymousLinks)], clock);
    const first = await engine.run();
    expect(first.raised).toBe(1);
    expect(first.errors).toEqual([]);
    const again = await engine.run();
    expect(again.raised + again.updated).toBe(0);
    const [alert, ...more] = await listAlerts(store, { rules: [anonymousLinks.id] });
    expect(more).toHaveLength(0);
    expect(alert!.count).toBe(100);
    expect(alert!.evidence).toHaveLength(5);
    expect(alert!.entities.user).toEqual(['ana@contoso.com']);
    expect(alert!.entities.ip).toEqual(['192.0.2.33']);
    expect(alert!.response[0]).toMatchObject({
      action: 'remove-sharing-links',
      targets: ['ana@contoso.com'],
    });
    const record = alert!.evidence[0]!.record as Record<string, unknown>;
    expect(record.Operation).toBe('AnonymousLinkCreated');
  });

  it('updates the alert when a late row falls in its window, and raises another for a later burst', async () => {
    await ingest(store, [anon(500, '2026-03-02T08:30:00'), anon(501, '2026-03-02T15:00:00')]);
    const summary = await engineFor(store, [planOf(anonymousLinks)], clock).run();
    expect(summary.updated).toBe(1);
    expect(summary.raised).toBe(1);
    const alerts = await listAlerts(store, { rules: [anonymousLinks.id] });
    expect(alerts).toHaveLength(2);
    const burst = alerts.find((a) => a.count > 1)!;
    expect(burst.count).toBe(101);
    expect(burst.first_seen).toBe('2026-03-02T08:30:00.000Z');
  });

  it('commits alerts and position together: a crash before the commit raises nothing twice', async () => {
    await ingest(
      store,
      series('2026-03-03T09:00:00', 3, 10, (i, t) => anon(1000 + i, t, 'bob@contoso.com')),
    );
    const before = await store.getState<{ rules: Record<string, string> }>(POSITIONS, 'positions');
    const crashing = engineFor(store, [planOf(anonymousLinks)], clock, {
      beforeCommit: () => {
        throw new Error('simulated crash');
      },
    });
    await expect(crashing.run()).rejects.toThrow('simulated crash');
    const after = await store.getState<{ rules: Record<string, string> }>(POSITIONS, 'positions');
    expect(after?.doc.rules[anonymousLinks.id]).toBe(before?.doc.rules[anonymousLinks.id]);
    expect(
      (await listAlerts(store, { rules: [anonymousLinks.id] })).filter((a) =>
        a.entities.user?.includes('bob@contoso.com'),
      ),
    ).toHaveLength(0);
    // The restarted engine evaluates the same range once.
    const restarted = engineFor(store, [planOf(anonymousLinks)], clock);
    expect((await restarted.run()).raised).toBe(1);
    expect((await restarted.run()).raised).toBe(0);
    const bobs = (await listAlerts(store, { rules: [anonymousLinks.id] })).filter((a) =>
      a.entities.user?.includes('bob@contoso.com'),
    );
    expect(bobs).toHaveLength(1);
    expect(bobs[0]!.count).toBe(3);
    const positions = await store.getState<{ rules: Record<string, string> }>(
      POSITIONS,
      'positions',
    );
    expect(BigInt(positions!.doc.rules[anonymousLinks.id]!)).toBeGreaterThan(0n);
  });

  it('threshold: a late row completes a window; late rows in a fired window update it', async () => {
    const engine = engineFor(store, [planOf(massDownload)], clock);
    // 9 downloads: one short of the threshold.
    await ingest(
      store,
      series('2026-03-04T09:00:30', 9, 20, (i, t) => download(i, t)),
    );
    expect((await engine.run()).raised).toBe(0);
    // A row from before them arrives hours later: now 10 distinct files within 10 minutes.
    await ingest(store, [download(99, '2026-03-04T09:00:00')]);
    expect((await engine.run()).raised).toBe(1);
    // More late rows in the same window: the same alert grows.
    await ingest(
      store,
      series('2026-03-04T09:01:00', 3, 10, (i, t) => download(200 + i, t)),
    );
    const third = await engine.run();
    expect(third.raised).toBe(0);
    expect(third.updated).toBe(1);
    const alerts = await listAlerts(store, { rules: [massDownload.id] });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.count).toBe(13);
  });

  it('threshold: a burst across a bucket boundary is one alert (sliding window)', async () => {
    const engine = engineFor(store, [planOf(massDownload)], clock);
    await ingest(
      store,
      series('2026-03-04T12:57:00', 12, 30, (i, t) => download(300 + i, t, 'carl@contoso.com')),
    );
    expect((await engine.run()).raised).toBe(1);
  });

  it('sequence: A then B fires, also when A arrives late; B before A does not', async () => {
    const engine = engineFor(store, [planOf(sprayThenLogin)], clock);
    await ingest(store, [login('UserLoggedIn', '2026-03-05T09:30:00', '192.0.2.66')]);
    expect((await engine.run()).raised).toBe(0);
    await ingest(
      store,
      series('2026-03-05T09:00:00', 3, 60, (_i, t) => login('UserLoginFailed', t, '192.0.2.66')),
    );
    expect((await engine.run()).raised).toBe(1);
    await ingest(store, [login('UserLoggedIn', '2026-03-05T12:00:00', '198.51.100.1')]);
    await ingest(
      store,
      series('2026-03-05T12:10:00', 3, 60, (_i, t) => login('UserLoginFailed', t, '198.51.100.1')),
    );
    expect((await engine.run()).raised).toBe(0);
    const [alert] = await listAlerts(store, { rules: [sprayThenLogin.id] });
    expect(alert!.entities.ip).toEqual(['192.0.2.66']);
    expect(alert!.evidence.map((e) => e.step)).toEqual(['fail', 'fail', 'fail', 'ok']);
  });

  it('inactivity: a silent key raises once, then records its recovery', async () => {
    now = new Date('2026-03-06T09:05:00Z');
    const engine = engineFor(store, [planOf(silence)], clock);
    await ingest(store, [
      {
        CreationTime: '2026-03-06T09:00:00',
        Operation: 'MessageSent',
        RecordType: 25,
        Workload: 'MicrosoftTeams',
        UserId: 'a@contoso.com',
      },
    ]);
    await engine.run();
    now = new Date('2026-03-06T10:00:00Z');
    expect((await engine.run()).raised).toBe(0);
    now = new Date('2026-03-06T12:00:00Z');
    const silentRun = await engine.run();
    expect(silentRun.raised).toBeGreaterThanOrEqual(1);
    now = new Date('2026-03-06T13:00:00Z');
    expect((await engine.run()).raised).toBe(0);
    await ingest(store, [
      {
        CreationTime: '2026-03-06T12:59:00',
        Operation: 'MessageSent',
        RecordType: 25,
        Workload: 'MicrosoftTeams',
        UserId: 'a@contoso.com',
      },
    ]);
    expect((await engine.run()).recovered).toBe(1);
    const teams = (await listAlerts(store, { rules: [silence.id] })).filter(
      (a) => a.group_key === '12345 | MicrosoftTeams',
    );
    expect(teams).toHaveLength(1);
    expect(teams[0]!.recovered).not.toBeNull();
  });

  it('applies per-tenant packs and tuning without copying the rule', async () => {
    const packs = {
      packs: [
        {
          name: 't',
          dir: '/virtual/t',
          manifest: { name: 't', title: 't', description: 't' },
          rules: [massDownload],
        },
      ],
      rules: new Map([[massDownload.id, massDownload]]),
      problems: [],
    };
    const base = defaultAlertsConfig(
      new Map([
        ['north', 'tenant-north'],
        ['south', 'tenant-south'],
        ['west', 'tenant-west'],
      ]),
    );
    const config: AlertsConfig = {
      ...base,
      tenants: [
        {
          client: 'south',
          tenantId: 'tenant-south',
          enabled: true,
          rules: { [massDownload.id]: { tuning: { min_files: 50 } } },
        },
        {
          client: 'west',
          tenantId: 'tenant-west',
          enabled: true,
          rules: { [massDownload.id]: { enabled: false } },
        },
      ],
    };
    const plans = planRules(packs as never, config);
    expect(plans[0]!.profiles.map((p) => p.scope)).toEqual([
      { except: ['south', 'west'] },
      { only: ['south'] },
    ]);
    for (const [client, tenant] of [
      ['north', 'tenant-north'],
      ['south', 'tenant-south'],
      ['west', 'tenant-west'],
    ] as const) {
      await ingest(
        store,
        series('2026-03-07T09:00:00', 20, 5, (i, t) => download(i, t, `dl@${client}.com`)),
        { client, tenant },
      );
    }
    await engineFor(store, plans, clock, { config }).run();
    const clients = (await listAlerts(store, { rules: [massDownload.id] })).map((a) => a.client);
    expect(clients.filter((c) => c === 'north')).toHaveLength(1);
    expect(clients).not.toContain('south');
    expect(clients).not.toContain('west');
  });

  it('triage records who and when; alerts are a LINQ table', async () => {
    const [alert] = await listAlerts(store, { rules: [anonymousLinks.id] });
    await changeStatus(
      store,
      alert!.id,
      'acknowledged',
      'alice',
      undefined,
      new Date('2026-03-08T10:00:00Z'),
    );
    await expect(changeStatus(store, alert!.id, 'acknowledged', 'alice')).rejects.toThrow(
      /acknowledged/,
    );
    await expect(changeStatus(store, alert!.id, 'closed', 'bob')).rejects.toThrow(/reason/);
    const closed = await changeStatus(
      store,
      alert!.id.slice(0, 6),
      'closed',
      'bob',
      'benign: marketing kit',
      new Date('2026-03-08T11:00:00Z'),
    );
    expect(closed.status).toBe('closed');
    expect(closed.history.slice(-2)).toEqual([
      { event: 'acknowledged', at: '2026-03-08T10:00:00.000Z', by: 'alice' },
      {
        event: 'closed',
        at: '2026-03-08T11:00:00.000Z',
        by: 'bob',
        reason: 'benign: marketing kit',
      },
    ]);
    const events = await readEvents(store, { alertIds: [alert!.id] });
    expect(events.map((e) => e.Event)).toEqual(
      expect.arrayContaining(['raised', 'acknowledged', 'closed']),
    );
    const result = await runLinq(
      store,
      `from m365hunt.alerts where AlertId = "${alert!.id}", Event = "closed" select Actor, Reason, Status`,
      { from: new Date('2026-01-01'), to: new Date('2027-01-01') },
    );
    const rows = [];
    for await (const chunk of result.chunks()) rows.push(...chunk);
    expect(rows).toHaveLength(1);
    // the selected columns first, then the table's
    expect(result.columns.slice(0, 4).map((c) => c.name)).toEqual([
      'Actor',
      'Reason',
      'Status',
      'eventdate',
    ]);
    expect(rows[0]!.slice(0, 3)).toEqual(['bob', 'benign: marketing kit', 'closed']);
  });
});
