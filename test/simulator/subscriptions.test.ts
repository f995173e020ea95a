// Subscriptions: list, start (AF20024 on a no-op), stop, content lost while stopped, admin-disabled
// (AF20023), never started (AF20022), and webhook mode (validation, notifications, history).
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, createCertificate } from '../../src/simulator/index.js';
import { NOW, afCode, api, at, control, feed, small, token } from './helpers.js';

const HOUR = 3600_000;

describe('subscriptions', () => {
  let sim: SimulatorHandle;
  let bearer: string;
  beforeAll(async () => {
    sim = await small({ days: 1 });
    bearer = await token(sim);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('all five content types are enabled at start; a no-op start is 400 AF20024', async () => {
    const list = await api(sim, bearer, feed(sim, 'subscriptions/list'));
    expect(list.json()).toEqual(
      [
        'Audit.AzureActiveDirectory',
        'Audit.Exchange',
        'Audit.SharePoint',
        'Audit.General',
        'DLP.All',
      ].map((contentType) => ({
        contentType,
        status: 'enabled',
        webhook: null,
      })),
    );
    const again = await api(
      sim,
      bearer,
      `${feed(sim, 'subscriptions/start')}?contentType=Audit.Exchange`,
      { method: 'POST' },
    );
    expect(again.status).toBe(400);
    expect(afCode(again.text)).toBe('AF20024');
  });

  it('stop answers 200 with an empty body; listing then fails with AF20022; content published while stopped never returns', async () => {
    const stop = await api(
      sim,
      bearer,
      `${feed(sim, 'subscriptions/stop')}?contentType=Audit.General`,
      { method: 'POST' },
    );
    expect(stop.status).toBe(200);
    expect(stop.text).toBe('');
    const listing = await api(
      sim,
      bearer,
      `${feed(sim, 'subscriptions/content')}?contentType=Audit.General`,
    );
    expect(listing.status).toBe(400);
    expect(afCode(listing.text)).toBe('AF20022');
    const stoppedAt = sim.now().getTime();
    await sim.advance(3 * HOUR);
    bearer = await token(sim); // the old one expired in sim time
    const start = await api(
      sim,
      bearer,
      `${feed(sim, 'subscriptions/start')}?contentType=Audit.General`,
      { method: 'POST' },
    );
    expect(start.status).toBe(200);
    expect(start.json()).toEqual({
      contentType: 'Audit.General',
      status: 'enabled',
      webhook: null,
    });
    const after = await api(
      sim,
      bearer,
      `${feed(sim, 'subscriptions/content')}?contentType=Audit.General&startTime=${at(stoppedAt)}&endTime=${at(sim.now().getTime())}`,
    );
    expect(after.status).toBe(200);
    expect(after.json()).toEqual([]);
    // …while other content types published in the same period are there.
    const other = await api(
      sim,
      bearer,
      `${feed(sim, 'subscriptions/content')}?contentType=Audit.SharePoint&startTime=${at(stoppedAt)}&endTime=${at(sim.now().getTime())}`,
    );
    expect((other.json() as unknown[]).length).toBeGreaterThan(0);
    // New content after the restart is listed again.
    await sim.advance(4 * HOUR);
    bearer = await token(sim);
    const later = await api(
      sim,
      bearer,
      `${feed(sim, 'subscriptions/content')}?contentType=Audit.General&startTime=${at(sim.now().getTime() - 3 * HOUR)}&endTime=${at(sim.now().getTime())}`,
    );
    expect((later.json() as unknown[]).length).toBeGreaterThan(0);
  });

  it('AF20023 when an admin disabled the subscription, until /start', async () => {
    await control(sim, 'tenant', {
      method: 'PUT',
      body: JSON.stringify({
        disableSubscription: { contentType: 'Audit.Exchange', by: 'a service admin' },
      }),
    });
    const r = await api(
      sim,
      bearer,
      `${feed(sim, 'subscriptions/content')}?contentType=Audit.Exchange`,
    );
    expect(afCode(r.text)).toBe('AF20023');
    expect(r.text).toContain('a service admin');
    expect(
      (
        await api(sim, bearer, `${feed(sim, 'subscriptions/start')}?contentType=Audit.Exchange`, {
          method: 'POST',
        })
      ).status,
    ).toBe(200);
    expect(
      (await api(sim, bearer, `${feed(sim, 'subscriptions/content')}?contentType=Audit.Exchange`))
        .status,
    ).toBe(200);
  });

  it('AF20001 / AF20020 on start without or with a bad content type', async () => {
    expect(
      afCode((await api(sim, bearer, feed(sim, 'subscriptions/start'), { method: 'POST' })).text),
    ).toBe('AF20001');
    expect(
      afCode(
        (
          await api(sim, bearer, `${feed(sim, 'subscriptions/start')}?contentType=Audit.All`, {
            method: 'POST',
          })
        ).text,
      ),
    ).toBe('AF20020');
  });

  it('starts with nothing subscribed when asked to: AF20022 until the collector starts each type', async () => {
    const s = await small({ days: 1, startWithSubscriptions: false });
    try {
      const b = await token(s);
      expect((await api(s, b, feed(s, 'subscriptions/list'))).json()).toEqual([]);
      expect(
        afCode(
          (await api(s, b, `${feed(s, 'subscriptions/content')}?contentType=Audit.Exchange`)).text,
        ),
      ).toBe('AF20022');
      expect(
        (
          await api(s, b, `${feed(s, 'subscriptions/start')}?contentType=Audit.Exchange`, {
            method: 'POST',
          })
        ).status,
      ).toBe(200);
      const listed = await api(
        s,
        b,
        `${feed(s, 'subscriptions/content')}?contentType=Audit.Exchange`,
      );
      expect((listed.json() as unknown[]).length).toBeGreaterThan(0);
      expect((await api(s, b, feed(s, 'subscriptions/list'))).json()).toEqual([
        { contentType: 'Audit.Exchange', status: 'enabled', webhook: null },
      ]);
    } finally {
      await s.close();
    }
  });
});

describe('webhooks', () => {
  let sim: SimulatorHandle;
  let bearer: string;
  let hook: Server;
  let hookUrl: string;
  const received: Array<{ headers: Record<string, unknown>; body: unknown }> = [];
  let answer = 200;

  beforeAll(async () => {
    sim = await small({ days: 0, speed: 0 });
    bearer = await token(sim);
    const cert = createCertificate({ altNames: ['127.0.0.1'] });
    hook = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(data) as unknown });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    hookUrl = `https://127.0.0.1:${(hook.address() as AddressInfo).port}/o365`;
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((r) => hook.close(r));
  });

  const startWith = (webhook: Record<string, unknown>) =>
    api(sim, bearer, `${feed(sim, 'subscriptions/start')}?contentType=Audit.SharePoint`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ webhook }),
    });

  it('AF20021 for a non-HTTPS address or an endpoint that does not answer 200; AF20003 for an expiration in the past', async () => {
    const http = await startWith({ address: 'http://127.0.0.1:9/x', authId: 'a' });
    expect(afCode(http.text)).toBe('AF20021');
    expect(http.text).toContain('The address must begin with HTTPS.');
    answer = 500;
    const refused = await startWith({ address: hookUrl, authId: 'a' });
    expect(afCode(refused.text)).toBe('AF20021');
    expect(refused.text).toContain('The endpoint did not return HTTP 200.');
    answer = 200;
    const past = await startWith({
      address: hookUrl,
      authId: 'a',
      expiration: '2020-01-01T00:00:00Z',
    });
    expect(afCode(past.text)).toBe('AF20003');
  });

  it('validates the endpoint, then notifies it as blobs are published, and lists the attempts', async () => {
    received.length = 0;
    const r = await startWith({ address: hookUrl, authId: 'o365-hook-secret-1', expiration: '' });
    expect(r.status, r.text).toBe(200);
    expect(r.json()).toEqual({
      contentType: 'Audit.SharePoint',
      status: 'enabled',
      webhook: {
        address: hookUrl,
        authId: 'o365-hook-secret-1',
        expiration: null,
        status: 'enabled',
      },
    });
    const validation = received[0];
    expect(validation?.headers['webhook-validationcode']).toBeTruthy();
    expect(validation?.headers['webhook-authid']).toBe('o365-hook-secret-1');
    expect(validation?.body).toEqual({
      validationCode: validation?.headers['webhook-validationcode'],
    });

    await sim.advance(4 * HOUR);
    const deadline = Date.now() + 10_000;
    while (received.length < 2 && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 100));
    const note = received[1];
    expect(note, 'a notification arrives').toBeDefined();
    expect(note?.headers['webhook-authid']).toBe('o365-hook-secret-1');
    const items = note?.body as Array<Record<string, string>>;
    expect(items[0]?.tenantId).toBe(sim.tenantId);
    expect(items[0]?.clientId).toBe(sim.clientId);
    expect(items[0]?.contentType).toBe('Audit.SharePoint');
    expect(items[0]?.contentUri).toContain('/activity/feed/audit/');

    bearer = await token(sim);
    const history = await api(
      sim,
      bearer,
      `${feed(sim, 'subscriptions/notifications')}?contentType=Audit.SharePoint`,
    );
    expect(history.status).toBe(200);
    const attempts = history.json() as Array<Record<string, string>>;
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts[0]?.notificationStatus).toBe('success');
    expect(attempts[0]?.notificationSent).toMatch(/Z$/);
    expect(NOW.getTime()).toBeLessThan(Date.parse(attempts[0]?.notificationSent ?? ''));
  });
});
