// The HTTP API over real HTTP on 127.0.0.1: every endpoint's role check, CSRF, the login rate
// limit, clear 4xx answers to bad input, streamed query answers, metrics, and no secret in any
// answer or log line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, type Endpoint } from '../../src/server/policy.js';
import { atLeast, ROLES } from '../../src/server/roles.js';
import { ingestRecords } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';
import { SEEDS } from '../linq/helpers/seeds.js';
import {
  answerRows,
  Client,
  PASSWORDS,
  SEED_FROM,
  SEED_TO,
  startTestServer,
  type TestServer,
} from './helpers.js';

let t: TestServer;
const dir = tempDir();

beforeAll(async () => {
  t = await startTestServer(dir);
});
afterAll(async () => {
  await t?.close();
});

/** The secret part of `m365h_<12-char id>_<secret>` (the secret may itself hold `_`). */
const secretOf = (token: string) => token.slice('m365h_'.length + 13);

const concrete = (e: Endpoint) =>
  e.path.replace(/:(\w+)/g, (_m, name: string) => (name === 'upn' ? 'ana@contoso.com' : 'x'));

describe('role checks on every endpoint', () => {
  it.each(ENDPOINTS.filter((e) => e.role !== 'public'))('$method $path needs $role', async (e) => {
    const anonymous = await new Client(t).request(
      e.method,
      concrete(e),
      e.method === 'GET' ? undefined : {},
    );
    expect(anonymous.status, `anonymous ${e.method} ${e.path}`).toBe(401);
    for (const role of ROLES) {
      // Deleting one's own test token would break the next checks: skip DELETE /api/tokens/:id's body.
      const answer = await new Client(t, t.tokens[role]).request(
        e.method,
        concrete(e),
        e.method === 'GET' ? undefined : {},
      );
      if (atLeast(role, e.role as typeof role)) {
        expect([401, 403], `${role} ${e.method} ${e.path}: ${answer.text}`).not.toContain(
          answer.status,
        );
      } else {
        expect(answer.status, `${role} ${e.method} ${e.path}`).toBe(403);
        expect(answer.json().error).toMatch(new RegExp(`needs the ${e.role} role`));
      }
    }
  });

  it('public endpoints answer without sign-in', async () => {
    expect((await new Client(t).request('GET', '/healthz')).status).toBe(200);
    expect(
      (await new Client(t).request('POST', '/api/auth/login', { username: 'x', password: 'y' }))
        .status,
    ).toBe(401);
  });

  it('an unknown API path is 401 before sign-in and 404 after', async () => {
    expect((await new Client(t).request('GET', '/api/nope')).status).toBe(401);
    expect((await new Client(t, t.tokens.viewer).request('GET', '/api/nope')).status).toBe(404);
  });

  it('refuses a token that is not valid, with a clear message', async () => {
    const answer = await new Client(
      t,
      'm365h_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
    ).request('GET', '/api/auth/me');
    expect(answer.status).toBe(401);
    expect(answer.json().error).toMatch(/API token is not valid/);
  });
});

describe('sessions and CSRF', () => {
  it('signs in with a cookie that is HttpOnly and SameSite=Strict', async () => {
    const c = new Client(t);
    const answer = await c.login('analyst', PASSWORDS.analyst);
    expect(answer.status).toBe(200);
    const cookie = answer.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(answer.json()).toMatchObject({ user: 'analyst', role: 'analyst' });
    const me = await c.request('GET', '/api/auth/me');
    expect(me.json()).toMatchObject({ user: 'analyst', role: 'analyst', csrf: c.csrf });
  });

  it('refuses a cookie-authenticated write without the CSRF token, or with a wrong one', async () => {
    const c = new Client(t);
    await c.login('analyst', PASSWORDS.analyst);
    const body = { name: 'Logins', query: SEEDS[1] };
    const missing = await c.request('PUT', '/api/saved-queries/logins', body, {
      'x-csrf-token': '',
    });
    expect(missing.status).toBe(403);
    expect(missing.json().error).toMatch(/CSRF/);
    const wrong = await c.request('PUT', '/api/saved-queries/logins', body, {
      'x-csrf-token': 'x'.repeat(32),
    });
    expect(wrong.status).toBe(403);
    const right = await c.request('PUT', '/api/saved-queries/logins', body);
    expect(right.status).toBe(200);
    expect(
      (await c.request('GET', '/api/saved-queries')).json<Array<{ id: string }>>().map((s) => s.id),
    ).toContain('logins');
  });

  it('refuses a write from another origin even with the token', async () => {
    const c = new Client(t);
    await c.login('analyst', PASSWORDS.analyst);
    const answer = await c.request('DELETE', '/api/saved-queries/logins', undefined, {
      origin: 'https://evil.example',
    });
    expect(answer.status).toBe(403);
    expect(answer.json().error).toMatch(/cross-origin/);
  });

  it('sign-out ends the session', async () => {
    const c = new Client(t);
    await c.login('viewer', PASSWORDS.viewer);
    expect((await c.request('POST', '/api/auth/logout')).status).toBe(200);
    expect((await c.request('GET', '/api/auth/me')).status).toBe(401);
  });
});

describe('login rate limit', () => {
  it('locks an account after 5 failures, even for the right password', async () => {
    const c = new Client(t);
    for (let i = 0; i < 5; i++)
      expect((await c.login('responder', 'wrong-password-123')).status).toBe(401);
    const locked = await c.login('responder', PASSWORDS.responder);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.json().error).toMatch(/too many failed sign-ins/);
  });

  it('limits one address trying many accounts', async () => {
    const local = await startTestServer(tempDir(), {
      seed: false,
      settings: {
        login: {
          window: 60_000,
          per_account_address: 5,
          per_address: 8,
          per_account: 10,
          backoff_max: 60_000,
        },
      },
    });
    try {
      const c = new Client(local);
      for (let i = 0; i < 8; i++)
        expect((await c.login(`nobody${i}`, 'wrong-password-123')).status).toBe(401);
      expect((await c.login('admin', PASSWORDS.admin)).status).toBe(429);
    } finally {
      await local.close();
    }
  });
});

describe('bad requests get clear 4xx answers', () => {
  const analyst = () => new Client(t, t.tokens.analyst);

  it('names a body that is not JSON', async () => {
    const answer = await analyst().request('POST', '/api/query', '{"query": ', {
      'content-type': 'application/json',
    });
    expect(answer.status).toBe(400);
    expect(answer.json().error).toMatch(/not valid JSON/);
  });

  it('refuses another content type', async () => {
    const answer = await analyst().request('POST', '/api/query', 'query=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(answer.status).toBe(415);
  });

  it('names missing and unknown fields', async () => {
    const answer = await analyst().request('POST', '/api/query', { qurey: 'from x' });
    expect(answer.status).toBe(400);
    const body = answer.json<{ error: string; problems: Array<{ field: string }> }>();
    expect(body.problems.map((p) => p.field)).toContain('query');
    expect(body.error).toMatch(/qurey/);
  });

  it('gives the position of a LINQ error', async () => {
    const answer = await analyst().request('POST', '/api/query', {
      query: 'from cloud.office365.management\nwhere Operation = "x" group by UserIdd',
      from: SEED_FROM,
      to: SEED_TO,
    });
    expect(answer.status).toBe(400);
    const body = answer.json<{
      error: string;
      position: { line: number; column: number };
      hint?: string;
    }>();
    expect(body.position.line).toBe(2);
    expect(body.position.column).toBeGreaterThan(20);
    expect(body.hint ?? body.error).toMatch(/UserId/);
  });

  it('compile-checks without running', async () => {
    expect(
      (await analyst().request('POST', '/api/query/check', { query: SEEDS[5] })).json(),
    ).toEqual({ ok: true });
    const bad = await analyst().request('POST', '/api/query/check', {
      query: 'form cloud.office365.management',
    });
    expect(bad.status).toBe(400);
    expect(bad.json().position).toMatchObject({ line: 1, column: 1 });
  });

  it('names a time it cannot read, and an empty range', async () => {
    const bad = await analyst().request('POST', '/api/query', {
      query: SEEDS[3],
      from: 'the day before',
    });
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatch(/the day before/);
    const empty = await analyst().request('POST', '/api/query', {
      query: SEEDS[3],
      from: SEED_TO,
      to: SEED_FROM,
    });
    expect(empty.status).toBe(400);
    expect(empty.json().error).toMatch(/time range is empty/);
  });

  it('validates query strings, ids and account fields', async () => {
    expect((await analyst().request('GET', '/api/users/not%20a%20upn')).status).toBe(400);
    expect(
      (
        await analyst().request('PUT', '/api/saved-queries/Bad%20Id', {
          name: 'x',
          query: 'from x',
        })
      ).status,
    ).toBe(400);
    const weak = await new Client(t, t.tokens.admin).request('POST', '/api/accounts', {
      name: 'bob',
      role: 'viewer',
      password: 'short',
    });
    expect(weak.status).toBe(400);
    expect(weak.json().error).toMatch(/12 to 1024 characters/);
    const role = await new Client(t, t.tokens.admin).request('POST', '/api/accounts', {
      name: 'bob',
      role: 'god',
      password: 'long-enough-password',
    });
    expect(role.status).toBe(400);
    expect(role.json<{ problems: Array<{ field: string }> }>().problems[0]!.field).toBe('role');
  });

  it('refuses a token with more rights than its account', async () => {
    const answer = await new Client(t, t.tokens.viewer).request('POST', '/api/tokens', {
      name: 'x',
      role: 'admin',
    });
    expect(answer.status).toBe(400);
    expect(answer.json().error).toMatch(/more rights than its account/);
  });

  it('keeps the last admin', async () => {
    const answer = await new Client(t, t.tokens.admin).request('PATCH', '/api/accounts/admin', {
      role: 'viewer',
    });
    expect(answer.status).toBe(409);
  });
});

describe('queries', () => {
  it.each(Object.entries(SEEDS))('seed query %s streams its rows as NDJSON', async (_n, query) => {
    const answer = await new Client(t, t.tokens.viewer).request('POST', '/api/query', {
      query,
      from: SEED_FROM,
      to: SEED_TO,
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const { columns, rows, done } = answerRows(answer.text);
    expect(columns.length).toBeGreaterThan(0);
    expect(rows.length).toBeGreaterThan(0);
    expect(done).toMatchObject({ done: true, rows: rows.length, truncated: false });
  });

  it('exports CSV', async () => {
    const answer = await new Client(t, t.tokens.viewer).request('POST', '/api/query', {
      query: SEEDS[1],
      from: SEED_FROM,
      to: SEED_TO,
      format: 'csv',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toMatch(/attachment/);
    expect(answer.text.split('\r\n')[0]).toBe('Operation,ActorIpAddress,UserId,collector_id');
  });

  it('applies the row limit and says the answer was truncated', async () => {
    const answer = await new Client(t, t.tokens.viewer).request('POST', '/api/query', {
      query: 'from cloud.office365.management',
      from: SEED_FROM,
      to: SEED_TO,
      limit: 3,
    });
    const { rows, done } = answerRows(answer.text);
    expect(rows).toHaveLength(3);
    expect(done).toMatchObject({ truncated: true });
  });

  it('serves the catalog for completion', async () => {
    const catalog = (await new Client(t, t.tokens.viewer).request('GET', '/api/catalog')).json<{
      tables: Array<{ name: string }>;
      fields: Array<{ name: string }>;
      functions: Array<{ name: string }>;
    }>();
    expect(catalog.tables.map((x) => x.name)).toContain('cloud.office365.management.onedrive');
    expect(catalog.fields.map((x) => x.name)).toContain('ActorIpAddress');
    expect(catalog.functions.map((x) => x.name)).toEqual(
      expect.arrayContaining(['jqeval', 'split', 'count']),
    );
  });

  it("answers a user's page", async () => {
    const answer = await new Client(t, t.tokens.viewer).request(
      'GET',
      `/api/users/ana@contoso.com?from=${SEED_FROM}&to=${SEED_TO}`,
    );
    expect(answer.status, answer.text).toBe(200);
    const page = answer.json<{
      sections: Array<{ id: string; rows: unknown[]; columns: Array<{ name: string }> }>;
    }>();
    expect(page.sections.map((s) => s.id)).toEqual([
      'signins',
      'shared',
      'workloads',
      'activity',
      'timeline',
    ]);
    const timeline = page.sections.find((s) => s.id === 'timeline')!;
    expect(timeline.rows.length).toBeGreaterThan(0);
    // The page shows a few columns of each record, not the record whole (a LINQ select keeps
    // every column after the selected ones; "Open in search" has them).
    expect(timeline.columns.map((c) => c.name)).toEqual([
      'eventdate',
      'Workload',
      'Operation',
      'ObjectId',
      'srcIp',
      'country',
      'network',
    ]);
    expect(answer.text).not.toContain('"message"');
  });

  it('runs every dashboard panel query', async () => {
    const dashboards = (
      await new Client(t, t.tokens.viewer).request('GET', '/api/dashboards')
    ).json<Array<{ panels: Array<{ id: string; query?: string }> }>>();
    for (const panel of dashboards.flatMap((d) => d.panels)) {
      if (!panel.query) continue;
      const answer = await new Client(t, t.tokens.viewer).request('POST', '/api/query', {
        query: panel.query,
        from: SEED_FROM,
        to: SEED_TO,
      });
      expect(answer.status, `${panel.id}: ${answer.text}`).toBe(200);
      expect(answerRows(answer.text).done, `${panel.id}: ${answer.text.slice(-300)}`).toBeDefined();
    }
  });
});

describe('operations', () => {
  it('exposes Prometheus metrics to a token', async () => {
    const text = (await new Client(t, t.tokens.viewer).request('GET', '/metrics')).text;
    expect(text).toMatch(/# TYPE m365hunt_query_duration_seconds histogram/);
    expect(text).toMatch(/m365hunt_query_duration_seconds_count\{origin="script"\} \d+/);
    expect(text).toMatch(/m365hunt_login_failures_total\{reason="bad_credentials"\} \d+/);
    expect(text).toMatch(/m365hunt_ingest_sequence \d+/);
  });

  it('sets the security headers', async () => {
    const answer = await new Client(t).request('GET', '/healthz');
    expect(answer.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
  });

  it('answers 503 naming a module that is not there', async () => {
    const answer = await new Client(t, t.tokens.responder).request('POST', '/api/actions', {
      action: 'disable-user',
      user: 'ana@contoso.com',
      dryRun: true,
    });
    expect([200, 503]).toContain(answer.status);
  });
});

describe('no secret leaves the server', () => {
  it('shows a new API token once and never again', async () => {
    const created = await new Client(t, t.tokens.analyst).request('POST', '/api/tokens', {
      name: 'script',
    });
    expect(created.status).toBe(201);
    const token = created.json<{ token: string; id: string }>().token;
    const secret = secretOf(token);
    const list = await new Client(t, t.tokens.analyst).request('GET', '/api/tokens');
    expect(list.text).not.toContain(secret);
    expect(list.text).not.toMatch(/secretHash|hash/i);
    // The new token works, and stops working once revoked.
    const id = created.json<{ id: string }>().id;
    expect((await new Client(t, token).request('GET', '/api/auth/me')).status).toBe(200);
    expect((await new Client(t, token).request('DELETE', `/api/tokens/${id}`)).status).toBe(200);
    expect((await new Client(t, token).request('GET', '/api/auth/me')).status).toBe(401);
  });

  it('never sends a password, hash or other token in any answer, nor logs one', async () => {
    const accounts = await new Client(t, t.tokens.admin).request('GET', '/api/accounts');
    expect(accounts.status).toBe(200);
    const all = [...t.bodies, ...t.logs].join('\n');
    for (const password of Object.values(PASSWORDS)) expect(all).not.toContain(password);
    expect(all).not.toContain('scrypt$');
    for (const token of Object.values(t.tokens)) expect(all).not.toContain(secretOf(token));
    expect(all).not.toMatch(/at \S+ \(.*\.ts:\d+:\d+\)/); // no stack trace
  });
});

describe('a large answer streams', () => {
  it('sends 100,000 rows in batches as they are read, with the limit noted', async () => {
    const local = await startTestServer(tempDir(), { seed: false });
    try {
      const base = Date.parse('2026-03-01T00:00:00Z');
      const record = (i: number) =>
        JSON.stringify({
          Id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          RecordType: 15,
          CreationTime: new Date(base + i * 1000).toISOString().slice(0, 19),
          Operation: 'UserLoggedIn',
          OrganizationId: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
          UserType: 0,
          UserKey: `key-${i}`,
          Workload: 'AzureActiveDirectory',
          ResultStatus: 'Success',
          UserId: `user${i % 500}@contoso.com`,
          ActorIpAddress: `198.51.100.${i % 250}`,
        });
      for (let start = 0; start < 100_500; start += 33_500) {
        await ingestRecords(
          local.store,
          Array.from({ length: 33_500 }, (_, k) => record(start + k)),
        );
      }
      const started = performance.now();
      const response = await fetch(`${local.url}/api/query`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${local.tokens.viewer}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          query: 'from cloud.office365.management select UserId, ActorIpAddress',
          from: '2026-03-01',
          to: '2026-03-03',
        }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBeNull();
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let firstRowAt: number | undefined;
      let rows = 0;
      let lines = 0;
      let done: Record<string, unknown> | undefined;
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buffer += value;
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
          const line = JSON.parse(buffer.slice(0, nl)) as { rows?: unknown[]; done?: boolean };
          buffer = buffer.slice(nl + 1);
          nl = buffer.indexOf('\n');
          lines++;
          if (Array.isArray(line.rows)) {
            firstRowAt ??= performance.now();
            expect(line.rows.length).toBeLessThanOrEqual(1000);
            rows += line.rows.length;
          } else if (line.done) done = line as Record<string, unknown>;
        }
      }
      const finished = performance.now();
      expect(rows).toBe(100_000);
      expect(done).toMatchObject({ done: true, rows: 100_000, truncated: true });
      expect(lines).toBeGreaterThan(100);
      // The first rows arrive long before the last: nothing waits for the whole answer.
      expect(firstRowAt! - started).toBeLessThan((finished - started) / 2);
    } finally {
      await local.close();
    }
  });
});
