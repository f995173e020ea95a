// Entra ID token endpoints: v1/v2 answers, claims, every AADSTS error path, discovery, MSAL.
import { ConfidentialClientApplication, type INetworkModule } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, createCertificate } from '../../src/simulator/index.js';
import { NOW, api, afCode, claims, feed, small, token, tokenRequest } from './helpers.js';

let sim: SimulatorHandle;
const secretParams = (s: SimulatorHandle) => ({
  grant_type: 'client_credentials',
  client_id: s.clientId,
  client_secret: s.clientSecret,
});

beforeAll(async () => {
  sim = await small({ days: 0, speed: 60, tokenLifetimeSeconds: 3600 });
});
afterAll(async () => {
  await sim.close();
});

function expectEntraError(body: Record<string, unknown>, code: number, error: string): void {
  expect(body.error).toBe(error);
  expect(String(body.error_description)).toMatch(new RegExp(`^AADSTS${code}: `));
  expect(String(body.error_description)).toMatch(
    /Trace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
  );
  expect(body.error_codes).toEqual([code]);
  expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
}

describe('token endpoints', () => {
  it('v1 answers with string numbers and the resource; the JWT carries tenant, app and roles', async () => {
    const t = await tokenRequest(
      sim,
      { ...secretParams(sim), resource: 'https://manage.office.com' },
      'v1',
    );
    expect(t.status).toBe(200);
    expect(t.body.token_type).toBe('Bearer');
    expect(typeof t.body.expires_in).toBe('string');
    expect(typeof t.body.expires_on).toBe('string');
    expect(typeof t.body.not_before).toBe('string');
    expect(t.body.resource).toBe('https://manage.office.com');
    // 3600 sim seconds at 60× are 60 real seconds: what a client's local cache needs.
    expect(t.body.expires_in).toBe('60');
    const c = claims(t.body.access_token as string);
    expect(c.aud).toBe('https://manage.office.com');
    expect(c.iss).toBe(`https://sts.windows.net/${sim.tenantId}/`);
    expect(c.tid).toBe(sim.tenantId);
    expect(c.appid).toBe(sim.clientId);
    expect(c.roles).toEqual(['ActivityFeed.Read', 'ActivityFeed.ReadDlp', 'ServiceHealth.Read']);
    const simNow = Math.floor(sim.now().getTime() / 1000);
    expect(Number(c.exp) - simNow).toBeGreaterThan(3000); // the clock runs at 60×
    expect(Number(c.exp) - simNow).toBeLessThanOrEqual(3600);
    expect(Number(c.nbf)).toBeLessThanOrEqual(simNow);
    const header = JSON.parse(
      Buffer.from((t.body.access_token as string).split('.')[0] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(header.alg).toBe('RS256');
  });

  it('v2 answers with numbers and no resource; Graph tokens carry the Graph roles', async () => {
    const t = await tokenRequest(sim, {
      ...secretParams(sim),
      scope: 'https://graph.microsoft.com/.default',
    });
    expect(t.status).toBe(200);
    expect(typeof t.body.expires_in).toBe('number');
    expect(t.body.expires_in).toBe(60);
    expect(t.body.resource).toBeUndefined();
    const c = claims(t.body.access_token as string);
    expect(c.aud).toBe('https://graph.microsoft.com');
    expect(c.roles).toContain('User.EnableDisableAccount.All');
  });

  it('accepts the tenant by its domain and answers with a Date header in sim time', async () => {
    const res = await fetch(`${sim.url}/contoso.onmicrosoft.com/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        ...secretParams(sim),
        scope: 'https://manage.office.com/.default',
      }),
    });
    expect(res.status).toBe(200);
    const date = Date.parse(res.headers.get('date') ?? '');
    expect(Math.abs(date - sim.now().getTime())).toBeLessThan(900_000); // 60× clock
    expect(Math.abs(date - Date.now())).toBeGreaterThan(86_400_000);
  });

  const cases: Array<[string, () => Promise<void>]> = [
    [
      'AADSTS90002 unknown tenant GUID',
      async () => {
        const t = await tokenRequest(
          sim,
          { ...secretParams(sim), scope: 'https://manage.office.com/.default' },
          'v2',
          '11111111-2222-4333-8444-555555555555',
        );
        expect(t.status).toBe(400);
        expectEntraError(t.body, 90002, 'invalid_tenant');
      },
    ],
    [
      'AADSTS900023 tenant that is no GUID nor domain',
      async () => {
        const t = await tokenRequest(
          sim,
          { ...secretParams(sim), scope: 'https://manage.office.com/.default' },
          'v2',
          'not_a_tenant',
        );
        expectEntraError(t.body, 900023, 'invalid_request');
      },
    ],
    [
      'AADSTS50059 common tenant with client credentials',
      async () => {
        const t = await tokenRequest(
          sim,
          { ...secretParams(sim), scope: 'https://manage.office.com/.default' },
          'v2',
          'common',
        );
        expectEntraError(t.body, 50059, 'invalid_request');
      },
    ],
    [
      'AADSTS900144 missing grant_type',
      async () => {
        const t = await tokenRequest(sim, {
          client_id: sim.clientId,
          client_secret: sim.clientSecret,
          scope: 'x',
        });
        expect(t.status).toBe(400);
        expectEntraError(t.body, 900144, 'invalid_request');
        expect(String(t.body.error_description)).toContain("'grant_type'");
      },
    ],
    [
      'AADSTS70003 unsupported grant',
      async () => {
        const t = await tokenRequest(sim, {
          ...secretParams(sim),
          grant_type: 'password',
          scope: 'https://manage.office.com/.default',
        });
        expectEntraError(t.body, 70003, 'unsupported_grant_type');
      },
    ],
    [
      'AADSTS700016 unknown application',
      async () => {
        const t = await tokenRequest(sim, {
          ...secretParams(sim),
          client_id: '99999999-2222-4333-8444-555555555555',
          scope: 'https://manage.office.com/.default',
        });
        expect(t.status).toBe(400);
        expectEntraError(t.body, 700016, 'unauthorized_client');
        expect(String(t.body.error_description)).toContain('99999999-2222-4333-8444-555555555555');
      },
    ],
    [
      'AADSTS7000215 wrong secret',
      async () => {
        const t = await tokenRequest(sim, {
          ...secretParams(sim),
          client_secret: 'wrong',
          scope: 'https://manage.office.com/.default',
        });
        expect(t.status).toBe(401);
        expectEntraError(t.body, 7000215, 'invalid_client');
        expect(String(t.body.error_description)).not.toContain(sim.clientSecret);
      },
    ],
    [
      'AADSTS7000218 no credential at all',
      async () => {
        const t = await tokenRequest(sim, {
          grant_type: 'client_credentials',
          client_id: sim.clientId,
          scope: 'https://manage.office.com/.default',
        });
        expect(t.status).toBe(401);
        expectEntraError(t.body, 7000218, 'invalid_client');
      },
    ],
    [
      'AADSTS500011 unknown resource (v1)',
      async () => {
        const t = await tokenRequest(
          sim,
          { ...secretParams(sim), resource: 'https://vault.azure.net' },
          'v1',
        );
        expect(t.status).toBe(400);
        expectEntraError(t.body, 500011, 'invalid_resource');
        expect(String(t.body.error_description)).toContain('https://vault.azure.net');
      },
    ],
    [
      'AADSTS500011 unknown resource (v2)',
      async () => {
        const t = await tokenRequest(sim, {
          ...secretParams(sim),
          scope: 'https://vault.azure.net/.default',
        });
        expectEntraError(t.body, 500011, 'invalid_resource');
      },
    ],
    [
      'AADSTS1002012 scope without /.default',
      async () => {
        const t = await tokenRequest(sim, {
          ...secretParams(sim),
          scope: 'https://manage.office.com/ActivityFeed.Read',
        });
        expectEntraError(t.body, 1002012, 'invalid_scope');
      },
    ],
    [
      'AADSTS900144 v1 without resource',
      async () => {
        const t = await tokenRequest(sim, secretParams(sim), 'v1');
        expectEntraError(t.body, 900144, 'invalid_request');
        expect(String(t.body.error_description)).toContain("'resource'");
      },
    ],
  ];
  it('accepts client_secret_basic, which the discovery document advertises (RFC 6749 §2.3.1)', async () => {
    const discovery = (await (
      await fetch(`${sim.url}/${sim.tenantId}/v2.0/.well-known/openid-configuration`)
    ).json()) as { token_endpoint_auth_methods_supported: string[] };
    expect(discovery.token_endpoint_auth_methods_supported).toContain('client_secret_basic');
    const basic = (id: string, secret: string) =>
      `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    const post = (authorization: string, body: Record<string, string>) =>
      fetch(`${sim.url}/${sim.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: authorization,
        },
        body: new URLSearchParams(body),
      });
    const scope = 'https://manage.office.com/.default';
    const ok = await post(basic(sim.clientId, sim.clientSecret), {
      grant_type: 'client_credentials',
      scope,
    });
    expect(ok.status).toBe(200);
    expect(claims(((await ok.json()) as { access_token: string }).access_token).roles).toContain(
      'ActivityFeed.Read',
    );
    const wrong = await post(basic(sim.clientId, 'not-the-secret'), {
      grant_type: 'client_credentials',
      scope,
    });
    expectEntraError((await wrong.json()) as Record<string, unknown>, 7000215, 'invalid_client');
    const mismatch = await post(basic(sim.clientId, sim.clientSecret), {
      grant_type: 'client_credentials',
      client_id: '11111111-2222-4333-8444-555555555555',
      scope,
    });
    expectEntraError((await mismatch.json()) as Record<string, unknown>, 90044, 'invalid_request');
  });

  it('AADSTS901002 for resource on the v2 endpoint, AADSTS900561 for a GET on either endpoint', async () => {
    const t = await tokenRequest(
      sim,
      {
        ...secretParams(sim),
        resource: 'https://manage.office.com',
        scope: 'https://manage.office.com/.default',
      },
      'v2',
    );
    expect(t.status).toBe(400);
    expectEntraError(t.body, 901002, 'invalid_request');
    for (const path of ['oauth2/token', 'oauth2/v2.0/token']) {
      const r = await fetch(`${sim.url}/${sim.tenantId}/${path}`);
      expect(r.status).toBe(400);
      const body = (await r.json()) as Record<string, unknown>;
      expectEntraError(body, 900561, 'invalid_request');
      expect(String(body.error_description)).toMatch(
        /only accepts POST requests. Received a GET request/,
      );
    }
  });

  for (const [name, run] of cases) it(name, run);

  it('AADSTS7000222 for a secret that has expired (sim time), and back with a new secret', async () => {
    const s = await small({ days: 0 });
    try {
      const params = { ...secretParams(s), scope: 'https://manage.office.com/.default' };
      expect((await tokenRequest(s, params)).status).toBe(200);
      s.setApp({
        secrets: [{ value: s.clientSecret, expires: new Date(NOW.getTime() + 3600_000) }],
      });
      expect((await tokenRequest(s, params)).status).toBe(200);
      await s.advance(2 * 3600_000);
      const t = await tokenRequest(s, params);
      expect(t.status).toBe(401);
      expectEntraError(t.body, 7000222, 'invalid_client');
      expect(String(t.body.error_description)).toContain(s.clientId);
      // Another secret that is still valid works, an unknown one is 7000215 (not 7000222).
      s.setApp({
        secrets: [
          { value: s.clientSecret, expires: new Date(0) },
          { value: 'fresh-secret', expires: new Date('2030-01-01') },
        ],
      });
      expect((await tokenRequest(s, { ...params, client_secret: 'fresh-secret' })).status).toBe(
        200,
      );
      expectEntraError(
        (await tokenRequest(s, { ...params, client_secret: 'nope' })).body,
        7000215,
        'invalid_client',
      );
    } finally {
      await s.close();
    }
  });

  it('AADSTS700016 when the app was never consented in the tenant; a token without roles when a permission is missing', async () => {
    const s = await small({ days: 0 });
    try {
      const params = { ...secretParams(s), scope: 'https://manage.office.com/.default' };
      s.setApp({ roles: { manage: [] } });
      const t = await tokenRequest(s, params);
      expect(t.status).toBe(200);
      const c = claims(t.body.access_token as string);
      expect(c.roles).toBeUndefined();
      const r = await api(s, t.body.access_token as string, feed(s, 'subscriptions/list'));
      expect(r.status).toBe(401);
      expect(afCode(r.text)).toBe('AF10001');
      s.setApp({ consented: false });
      const denied = await tokenRequest(s, params);
      expectEntraError(denied.body, 700016, 'unauthorized_client');
    } finally {
      await s.close();
    }
  });

  it('serves OpenID configuration, instance discovery and signing keys; unknown tenants get AADSTS90002', async () => {
    const conf = await fetch(`${sim.url}/${sim.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(conf.status).toBe(200);
    const c = (await conf.json()) as Record<string, string>;
    const host = new URL(sim.url).host;
    expect(c.token_endpoint).toBe(`https://${host}/${sim.tenantId}/oauth2/v2.0/token`);
    expect(c.issuer).toBe(`https://login.microsoftonline.com/${sim.tenantId}/v2.0`);
    const keys = (await (await fetch(`${sim.url}/${sim.tenantId}/discovery/v2.0/keys`)).json()) as {
      keys: Array<Record<string, string>>;
    };
    expect(keys.keys[0]?.kty).toBe('RSA');
    const inst = (await (
      await fetch(
        `${sim.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=https://${host}/${sim.tenantId}/oauth2/v2.0/authorize`,
      )
    ).json()) as Record<string, unknown>;
    expect(inst.tenant_discovery_endpoint).toBe(
      `https://${host}/${sim.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    const bad = await fetch(
      `${sim.url}/11111111-2222-4333-8444-555555555555/v2.0/.well-known/openid-configuration`,
    );
    expect(bad.status).toBe(400);
    expectEntraError((await bad.json()) as Record<string, unknown>, 90002, 'invalid_tenant');
  });

  it('works with MSAL (secret and certificate), as the collector uses it against an http simulator', async () => {
    const cert = createCertificate({
      notBefore: new Date('2026-01-01'),
      notAfter: new Date('2027-01-01'),
    });
    const s = await small({ days: 0, app: { certificates: [cert.certPem] } });
    try {
      const actual = new URL(s.url);
      const authorityBase = `https://${actual.host}`;
      const send = async (
        method: 'GET' | 'POST',
        url: string,
        options?: { headers?: Record<string, string>; body?: string },
      ) => {
        const target = url.startsWith(authorityBase)
          ? s.url + url.slice(authorityBase.length)
          : url;
        const r = await fetch(target, { method, headers: options?.headers, body: options?.body });
        const headers: Record<string, string> = {};
        r.headers.forEach((v, k) => (headers[k] = v));
        return { status: r.status, headers, body: (await r.json()) as never };
      };
      const networkClient: INetworkModule = {
        sendGetRequestAsync: (url, options) => send('GET', url, options),
        sendPostRequestAsync: (url, options) => send('POST', url, options),
      };
      const make = (extra: Record<string, unknown>) =>
        new ConfidentialClientApplication({
          auth: {
            clientId: s.clientId,
            authority: `${authorityBase}/${s.tenantId}`,
            knownAuthorities: [actual.host],
            ...extra,
          },
          system: { networkClient },
        });
      const bySecret = await make({ clientSecret: s.clientSecret }).acquireTokenByClientCredential({
        scopes: ['https://manage.office.com/.default'],
      });
      expect(claims(bySecret?.accessToken ?? '').aud).toBe('https://manage.office.com');
      const byCert = await make({
        clientCertificate: {
          thumbprintSha256: Buffer.from(cert.x5tS256, 'base64url').toString('hex'),
          privateKey: cert.keyPem,
          x5c: cert.certPem,
        },
      }).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
      expect(claims(byCert?.accessToken ?? '').appidacr).toBe('2');
      const r = await api(s, bySecret?.accessToken ?? '', feed(s, 'subscriptions/list'));
      expect(r.status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('refuses an access token once it has expired in sim time (401), and a Graph token on the Management API', async () => {
    const s = await small({ days: 0, tokenLifetimeSeconds: 600 });
    try {
      const manage = await token(s);
      expect((await api(s, manage, feed(s, 'subscriptions/list'))).status).toBe(200);
      const graph = await token(s, 'graph');
      const wrongAudience = await api(s, graph, feed(s, 'subscriptions/list'));
      expect(wrongAudience.status).toBe(401);
      expect(wrongAudience.json()).toEqual({
        Message: 'Authorization has been denied for this request.',
      });
      await s.advance(601_000);
      const expired = await api(s, manage, feed(s, 'subscriptions/list'));
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toBe('Bearer');
      expect((await api(s, null, feed(s, 'subscriptions/list'))).status).toBe(401);
      expect((await api(s, 'not.a.jwt', feed(s, 'subscriptions/list'))).status).toBe(401);
      const forged = `${manage.split('.').slice(0, 2).join('.')}.${Buffer.from('forged').toString('base64url')}`;
      expect((await api(s, forged, feed(s, 'subscriptions/list'))).status).toBe(401);
    } finally {
      await s.close();
    }
  });
});
