// Notifications over real sockets on 127.0.0.1 (OS-chosen ports): a webhook that fails and is
// retried from the persisted outbox with backoff, Slack and Teams message formats, a permanent
// failure recorded as given up, e-mail through a local SMTP server with authentication, secrets
// never in logs or stored events, and evaluation never waiting for a slow target.
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsConfigFrom, type AlertsConfig } from '../../src/alerts/config.js';
import { deliverDue, OUTBOX, type OutboxDoc } from '../../src/alerts/notify/outbox.js';
import { loadPacks } from '../../src/alerts/rules/packs.js';
import { planRules } from '../../src/alerts/rules/profiles.js';
import { AlertRunner } from '../../src/alerts/runner.js';
import { listAlerts, readEvents } from '../../src/alerts/store/alert-store.js';
import type { ResolvedConfig } from '../../src/config/load.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { createLogger, setLogSink } from '../../src/util/log.js';
import { tempDir } from '../helpers/temp.js';
import { engineFor, ingest, planOf, rule, series } from './helpers.js';

const exfil = rule(
  'exfiltration-anon',
  `title: Anyone link created
description: Someone created an Anyone link.
severity: high
mitre: [T1567]
kind: each
query: |
  from cloud.office365.management
  where Operation = "AnonymousLinkCreated"
entities: { user: UserId, ip: srcIp, file: ObjectId }
response: [{ action: remove-sharing-links, entity: user }]
`,
);

interface Received {
  path: string;
  body: Record<string, unknown>;
}

/** An HTTP receiver whose answers the test scripts: a status per request, or no answer at all. */
async function receiver(
  script: Array<number | 'hang'>,
): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  let n = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const answer = script[Math.min(n++, script.length - 1)]!;
      if (answer === 'hang') return;
      got.push({ path: req.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(answer, { 'content-type': 'text/plain' });
      res.end(answer >= 400 ? 'no' : 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, got, server };
}

function configWith(
  dir: string,
  alerts: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): AlertsConfig {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ inputs: { office365: {} }, alerts }, null, 2));
  const resolved: ResolvedConfig = {
    file,
    instances: [],
    store: {},
    alerts,
    server: {},
    respond: {},
    warnings: [],
  };
  return alertsConfigFrom(resolved, env);
}

const TOKEN = 'XoXb-Secret-Token-123456';

describe('notifications', () => {
  const dir = tempDir();
  let store: Store;
  let now = new Date('2026-03-02T12:00:00Z');
  const logs: string[] = [];
  let restoreSink: () => void;

  beforeAll(async () => {
    store = await openStore(join(dir, 'notify.duckdb'));
    restoreSink = setLogSink((line) => logs.push(line));
  });
  afterAll(async () => {
    restoreSink();
    await store.close();
  });

  async function raise(user: string, config: AlertsConfig) {
    await ingest(
      store,
      series('2026-03-02T09:00:00', 2, 10, (i, t) => ({
        CreationTime: t,
        Operation: 'AnonymousLinkCreated',
        RecordType: 14,
        Workload: 'OneDrive',
        UserId: user,
        ClientIP: '192.0.2.33',
        ObjectId: `https://contoso-my.sharepoint.com/personal/x/Documents/${user}-${i}.docx`,
      })),
    );
    const engine = engineFor(store, [planOf(exfil)], () => now, { config });
    const summary = await engine.run();
    expect(summary.raised).toBe(1);
    return (await listAlerts(store, { rules: [exfil.id] })).find((a) =>
      a.entities.user?.includes(user),
    )!;
  }

  it('retries a failing webhook from the persisted outbox with backoff, then records the delivery', async () => {
    const hook = await receiver([500, 503, 200]);
    const config = configWith(
      dir,
      {
        notify: [{ name: 'soc', type: 'webhook', url_env: 'HOOK_URL' }],
        notify_retry: { attempts: 5, delay: '1m' },
      },
      { HOOK_URL: `${hook.url}/hooks/${TOKEN}` },
    );
    const alert = await raise('ana@contoso.com', config);
    const log = createLogger('test');
    const clock = { now: () => now };
    expect((await deliverDue(store, config, log, clock)).retried).toBe(1);
    const [doc] = await store.listState<OutboxDoc>(OUTBOX);
    expect(doc!.doc.attempts).toBe(1);
    expect(Date.parse(doc!.doc.due) - now.getTime()).toBeGreaterThan(50_000);
    // Not due yet: nothing is sent.
    expect(await deliverDue(store, config, log, clock)).toMatchObject({
      sent: 0,
      retried: 0,
      pending: 1,
    });
    expect(hook.got).toHaveLength(1);
    now = new Date(now.getTime() + 2 * 60_000);
    expect((await deliverDue(store, config, log, clock)).retried).toBe(1);
    const second = (await store.listState<OutboxDoc>(OUTBOX))[0]!;
    expect(Date.parse(second.doc.due) - now.getTime()).toBeGreaterThan(100_000);
    now = new Date(now.getTime() + 10 * 60_000);
    expect((await deliverDue(store, config, log, clock)).sent).toBe(1);
    expect(await store.listState(OUTBOX)).toEqual([]);
    expect(hook.got).toHaveLength(3);
    expect(hook.got[2]!.path).toBe(`/hooks/${TOKEN}`);
    expect(hook.got[2]!.body).toMatchObject({
      id: alert.id,
      rule: exfil.id,
      title: 'Anyone link created',
      severity: 'high',
      entities: { user: ['ana@contoso.com'], ip: ['192.0.2.33'] },
    });
    const history = (await listAlerts(store, { alertIds: [alert.id] }))[0]!.history;
    expect(history.map((h) => h.event)).toEqual(['raised', 'notified']);
    expect(history[1]).toMatchObject({ by: 'm365hunt', target: 'soc' });
    hook.server.close();
  });

  it('formats Slack and Teams messages, and gives up at once on a permanent error', async () => {
    const slack = await receiver([200]);
    const teams = await receiver([200]);
    const broken = await receiver([404]);
    writeFileSync(join(dir, 'teams-url.txt'), `${teams.url}/workflows/${TOKEN}\n`);
    const withTeams = configWith(
      dir,
      {
        notify: [
          { name: 'slack', type: 'slack', url_env: 'SLACK_URL', min_severity: 'medium' },
          { name: 'teams', type: 'teams', url_file: join(dir, 'teams-url.txt') },
          { name: 'broken', type: 'webhook', url_env: 'BROKEN_URL' },
          {
            name: 'critical-only',
            type: 'webhook',
            url_env: 'BROKEN_URL',
            min_severity: 'critical',
          },
        ],
      },
      { SLACK_URL: `${slack.url}/services/${TOKEN}`, BROKEN_URL: `${broken.url}/x/${TOKEN}` },
    );
    const alert = await raise('bob@contoso.com', withTeams);
    const result = await deliverDue(store, withTeams, createLogger('test'), { now: () => now });
    expect(result).toMatchObject({ sent: 2, failed: 1, retried: 0 });
    const blocks = slack.got[0]!.body.blocks as Array<{ type: string }>;
    expect(slack.got[0]!.body.text).toContain('bob@contoso.com');
    expect(blocks.map((b) => b.type)).toContain('header');
    const attachments = teams.got[0]!.body.attachments as Array<{
      contentType: string;
      content: { type: string };
    }>;
    expect(attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachments[0]!.content.type).toBe('AdaptiveCard');
    const history = (await listAlerts(store, { alertIds: [alert.id] }))[0]!.history;
    const failed = history.find((h) => h.event === 'notify_failed')!;
    expect(failed.target).toBe('broken');
    expect(failed.reason).toMatch(/HTTP 404/);
    expect(history.filter((h) => h.target === 'critical-only')).toEqual([]);
    for (const s of [slack, teams, broken]) s.server.close();
  });

  it('sends e-mail through an SMTP server with authentication', async () => {
    const mails: Array<{ from: string; to: string[]; data: string; user: string }> = [];
    const smtp = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, callback) {
        if (auth.username === 'alerts@contoso.com' && auth.password === 'smtp-Pa55word!')
          callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (d: Buffer) => (data += d.toString()));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
            user: String(session.user),
          });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const port = (smtp.server.address() as AddressInfo).port;
    const config = configWith(
      dir,
      {
        notify: [
          {
            name: 'mail',
            type: 'email',
            host: '127.0.0.1',
            port,
            user: 'alerts@contoso.com',
            password_env: 'SMTP_PASSWORD',
            from: 'm365hunt <alerts@contoso.com>',
            to: ['soc@contoso.com'],
          },
        ],
      },
      { SMTP_PASSWORD: 'smtp-Pa55word!' },
    );
    await raise('carol@contoso.com', config);
    expect((await deliverDue(store, config, createLogger('test'), { now: () => now })).sent).toBe(
      1,
    );
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['soc@contoso.com']);
    expect(mails[0]!.user).toBe('alerts@contoso.com');
    expect(mails[0]!.data).toMatch(
      /Subject: \[m365hunt\] HIGH: Anyone link created - carol@contoso\.com/,
    );
    expect(mails[0]!.data).toContain('carol@contoso.com');
    // A wrong password is not retried for ever: SMTP 535 is permanent.
    const wrong = configWith(
      dir,
      {
        notify: [
          {
            type: 'email',
            name: 'mail',
            host: '127.0.0.1',
            port,
            user: 'alerts@contoso.com',
            password_env: 'SMTP_PASSWORD',
            from: 'a@contoso.com',
            to: ['soc@contoso.com'],
          },
        ],
      },
      { SMTP_PASSWORD: 'wrong-Pa55' },
    );
    await raise('dan@contoso.com', wrong);
    expect(await deliverDue(store, wrong, createLogger('test'), { now: () => now })).toMatchObject({
      failed: 1,
    });
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it('evaluation does not wait for a target that does not answer', async () => {
    const slow = await receiver(['hang']);
    const config = configWith(
      dir,
      {
        notify: [{ name: 'slow', type: 'webhook', url_env: 'SLOW_URL', timeout: '3s' }],
        engine: { debounce: '1s', interval: '1h' },
      },
      { SLOW_URL: `${slow.url}/slow/${TOKEN}` },
    );
    const packs = { packs: [], rules: new Map([[exfil.id, exfil]]), problems: [] };
    const runner = new AlertRunner(
      store,
      { config, packs, plans: [planOf(exfil)] },
      { now: () => now },
    );
    await ingest(store, [
      {
        CreationTime: '2026-03-03T09:00:00',
        Operation: 'AnonymousLinkCreated',
        RecordType: 14,
        Workload: 'OneDrive',
        UserId: 'erin@contoso.com',
        ClientIP: '192.0.2.9',
        ObjectId: 'https://x/erin.docx',
      },
    ]);
    const t0 = performance.now();
    await runner.trigger();
    expect(performance.now() - t0).toBeLessThan(2500);
    expect(
      (await listAlerts(store, { rules: [exfil.id] })).some((a) =>
        a.entities.user?.includes('erin@contoso.com'),
      ),
    ).toBe(true);
    await runner.stop(false);
    expect(
      (await store.listState<OutboxDoc>(OUTBOX)).find((d) => d.doc.target === 'slow')?.doc
        .lastError,
    ).toMatch(/no answer within 3000 ms/);
    slow.server.closeAllConnections();
    slow.server.close();
  });

  it('never writes a secret to the log, the outbox or the alert history', async () => {
    const stored = JSON.stringify(await readEvents(store));
    const outbox = JSON.stringify(await store.listState(OUTBOX));
    for (const text of [logs.join('\n'), stored, outbox]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('smtp-Pa55word!');
      expect(text).not.toContain('wrong-Pa55');
    }
    expect(logs.some((l) => l.includes('notification'))).toBe(true);
  });
});

describe('alerts configuration', () => {
  const dir = tempDir();

  it('says where a notification target is wrong', () => {
    expect(() => configWith(dir, { notify: [{ type: 'pager', url_env: 'X' }] }, {})).toThrow(
      /alerts\.notify\.0\.type/,
    );
    let position: unknown;
    try {
      configWith(dir, { notify: [{ type: 'slack', url_env: 'MISSING_SLACK' }] }, {});
    } catch (error) {
      position = (error as { position?: unknown }).position;
      expect((error as Error).message).toMatch(/MISSING_SLACK is not set/);
    }
    expect(position).toMatchObject({ line: expect.any(Number) as number });
    expect(() => configWith(dir, { notify: [{ type: 'webhook' }] }, {})).toThrow(
      /url_env or url_file is required/,
    );
  });

  it('warns about a secret written in the file, and keeps it out of printing', () => {
    const config = configWith(
      dir,
      { notify: [{ type: 'webhook', url: `https://hooks.example/${TOKEN}` }] },
      {},
    );
    expect(config.warnings.join('\n')).toMatch(/sits in the configuration file/);
    expect(JSON.stringify(config)).not.toContain(TOKEN);
  });
});

describe('rule overrides in the configuration', () => {
  const dir = tempDir();
  const packs = loadPacks();
  const massDownload = 'exfiltration/collection-mass-download';

  it('refuses an unknown rule, a wrong tunable, and an unknown tenant, saying which', () => {
    const typo = configWith(
      dir,
      { rules: { 'exfiltration/collection-mass-donwload': { enabled: false } } },
      {},
    );
    expect(() => planRules(packs, typo)).toThrow(
      /no rule exfiltration\/collection-mass-donwload \(did you mean exfiltration\/collection-mass-download\?\)/,
    );
    const badType = configWith(
      dir,
      { rules: { [massDownload]: { tuning: { min_files: 'many' } } } },
      {},
    );
    expect(() => planRules(packs, badType)).toThrow(
      /alerts\.rules\.exfiltration\/collection-mass-download\.tuning: min_files must be a number/,
    );
    const unknown = configWith(
      dir,
      { rules: { [massDownload]: { tuning: { min_filez: 3 } } } },
      {},
    );
    expect(() => planRules(packs, unknown)).toThrow(/unknown tunable "min_filez"/);
  });

  it('tunes one rule for every tenant without copying it', () => {
    const tuned = configWith(
      dir,
      { rules: { [massDownload]: { tuning: { min_files: 40 }, severity: 'critical' } } },
      {},
    );
    const plan = planRules(packs, tuned).find((p) => p.rule.id === massDownload)!;
    expect(plan.profiles).toHaveLength(1);
    expect(plan.profiles[0]!.tuning.get('min_files')).toBe(40);
    expect(plan.profiles[0]!.severity).toBe('critical');
    const off = configWith(dir, { packs: ['seed'] }, {});
    expect(planRules(packs, off).every((p) => p.rule.pack === 'seed')).toBe(true);
  });
});
