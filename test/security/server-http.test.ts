// HTTP-level defences of the server (docs/security.md, "HTTP"), over real HTTP: CSRF tokens and
// the origin check (X-Forwarded-Host trusted only behind a trusted proxy, Origin: null and
// Sec-Fetch-Site: cross-site refused), path traversal on the web app's files, malformed
// percent-encoding (a 400, no error logged), body and header size limits, and no secret in any
// answer or log line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { leaks, rawRequest, startSecureServer, type SecureServer } from './server-harness.js';

let t: SecureServer;
const dir = tempDir();
beforeAll(async () => {
  t = await startSecureServer(dir);
});
afterAll(async () => {
  await t?.close();
});

const host = () => `127.0.0.1:${t.port}`;
const login = (headers: Record<string, string>) =>
  t.send('POST', '/api/auth/login', {
    body: { username: 'viewer', password: t.canaries.passwords.viewer },
    headers,
  });

describe('CSRF and origin', () => {
  it('a cookie write needs its own session’s CSRF token', async () => {
    const body = { name: 'Logins', query: 'from cloud.office365.management select Operation' };
    const analyst = t.sessions.analyst;
    const path = '/api/saved-queries/logins';
    const without = await t.send('PUT', path, { headers: analyst.headers, body });
    expect(without.status).toBe(403);
    expect(without.json().error).toMatch(/CSRF/);
    const other = await t.send('PUT', path, {
      headers: { ...analyst.headers, 'x-csrf-token': t.sessions.admin.csrf! },
      body,
    });
    expect(other.status).toBe(403);
    const right = await t.send('PUT', path, {
      headers: { ...analyst.headers, 'x-csrf-token': analyst.csrf! },
      body,
    });
    expect(right.status).toBe(200);
  });

  it('X-Forwarded-Host does not make another origin ours when the proxy is not trusted', async () => {
    const answer = await login({
      origin: 'http://evil.example',
      'x-forwarded-host': 'evil.example',
    });
    expect(answer.status).toBe(403);
    expect(answer.json().error).toMatch(/cross-origin request from http:\/\/evil\.example refused/);
  });

  it('refuses Origin: null, another origin, another port, and Sec-Fetch-Site: cross-site', async () => {
    const refused: Array<Record<string, string>> = [
      { origin: 'null' },
      { origin: 'http://evil.example' },
      { origin: `http://127.0.0.1:${t.port + 1}` },
      { origin: 'not a url' },
      { origin: `http://${host()}`, 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of refused) {
      const answer = await login(headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
    }
    // A cookie write with its CSRF token is refused from an opaque origin too.
    const admin = t.sessions.admin;
    const write = await t.send('DELETE', '/api/saved-queries/logins', {
      headers: { ...admin.headers, 'x-csrf-token': admin.csrf!, origin: 'null' },
    });
    expect(write.status).toBe(403);
  });

  it('accepts our own origin, and a request without Origin (scripts)', async () => {
    expect((await login({ origin: `http://${host()}` })).status).toBe(200);
    expect(
      (await login({ origin: `http://${host()}`, 'sec-fetch-site': 'same-origin' })).status,
    ).toBe(200);
    expect((await login({})).status).toBe(200);
  });

  it('behind a trusted proxy, X-Forwarded-Host names our host', async () => {
    const proxied = await startSecureServer(tempDir(), { settings: { trust_proxy: true } });
    try {
      const send = (headers: Record<string, string>) =>
        proxied.send('POST', '/api/auth/login', {
          body: { username: 'viewer', password: proxied.canaries.passwords.viewer },
          headers,
        });
      expect(
        (
          await send({
            origin: 'https://hunt.contoso.example',
            'x-forwarded-host': 'hunt.contoso.example',
          })
        ).status,
      ).toBe(200);
      expect(
        (await send({ origin: 'https://evil.example', 'x-forwarded-host': 'hunt.contoso.example' }))
          .status,
      ).toBe(403);
    } finally {
      await proxied.close();
    }
  });
});

describe('path traversal on the web app', () => {
  const paths = [
    '/../secret.txt',
    '/../../../../etc/passwd',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/%2E%2E/etc/passwd',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fweb-secret.txt',
    '/%252e%252e/secret.txt',
    '/..%5csecret.txt',
    '/..\\secret.txt',
    '/../web-secret.txt',
    '//etc/passwd',
    '/%2fetc%2fpasswd',
    '/index.html%00.js',
    '/%00',
    '/assets/%00/../../secret.txt',
  ];

  it.each(paths)('%s serves nothing from outside the web root', async (path) => {
    const answer = await t.send('GET', path);
    expect(answer.text).not.toContain(t.canaries.outsideFile);
    expect(answer.text).not.toMatch(/root:x?:0:0/);
    // The app's page (its own route), a 404, or a 400 for a path that does not decode.
    expect([200, 400, 404]).toContain(answer.status);
    if (answer.status === 200) expect(answer.text).toContain('<title>m365hunt</title>');
  });

  it('still serves the app and its assets', async () => {
    const asset = await t.send('GET', '/assets/app-1234.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect((await t.send('GET', '/assets/missing.js')).status).toBe(404);
    const page = await t.send('GET', '/users/ana@contoso.com');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
  });
});

describe('malformed percent-encoding', () => {
  it.each(['/%zz', '/%E0%A4%A', '/assets/%zz.js', '/api/users/%zz', '/api/users/%E0%A4%A'])(
    '%s is a 400 and logs no error',
    async (path) => {
      const before = t.logs.length;
      const answer = await t.send('GET', path, {
        headers: { authorization: `Bearer ${t.tokens.viewer}` },
      });
      expect(answer.status).toBe(400);
      expect(answer.json().error).toMatch(/malformed percent-encoding/);
      expect(t.logs.slice(before).filter((l) => / error /.test(l))).toEqual([]);
    },
  );

  it('decodes a user’s name once', async () => {
    const answer = await t.send('GET', '/api/users/a%2540contoso.com?from=now-1h', {
      headers: { authorization: `Bearer ${t.tokens.viewer}` },
    });
    expect(answer.status).toBe(200);
    expect(answer.json().user).toBe('a%40contoso.com');
  });
});

describe('size limits', () => {
  const token = () => ({ authorization: `Bearer ${t.tokens.analyst}` });

  it('refuses a body over 1 MiB, with a length or chunked', async () => {
    const big = JSON.stringify({ query: 'x'.repeat(1024 * 1024) });
    const sized = await t.send('POST', '/api/query/check', { headers: token(), body: big });
    expect(sized.status).toBe(413);
    expect(sized.json().error).toMatch(/larger than 1 MiB/);
    const chunked = await t.send('POST', '/api/query/check', {
      headers: token(),
      body: big + ' '.repeat(1024 * 1024),
      chunked: true,
    });
    expect(chunked.status).toBe(413);
    // Just under the limit is read (and then judged on its content).
    const under = await t.send('POST', '/api/query/check', {
      headers: token(),
      body: JSON.stringify({ nothing: 'y'.repeat(1000 * 1000) }),
    });
    expect(under.status).toBe(400);
  });

  it('a deeply nested body is a 400, and the server goes on', async () => {
    const answer = await t.send('POST', '/api/query/check', {
      headers: token(),
      body: '['.repeat(500_000) + ']'.repeat(500_000),
    });
    expect(answer.status).toBe(400);
    expect((await t.send('GET', '/healthz')).status).toBe(200);
  });

  it('refuses headers and URLs over 16 KiB (431), and the server goes on', async () => {
    const header = await rawRequest(t.port, 'GET', '/healthz', {
      headers: { 'x-filler': 'a'.repeat(20 * 1024) },
    });
    expect(header.status).toBe(431);
    const url = await rawRequest(t.port, 'GET', `/healthz?${'a'.repeat(20 * 1024)}`);
    expect(url.status).toBe(431);
    const cookie = await rawRequest(t.port, 'GET', '/api/auth/me', {
      headers: { cookie: `m365hunt_session=${'A'.repeat(20 * 1024)}` },
    });
    expect(cookie.status).toBe(431);
    expect((await t.send('GET', '/healthz')).status).toBe(200);
  });

  it('an over-long session cookie or token within the limit is just not valid', async () => {
    const cookie = await t.send('GET', '/api/auth/me', {
      headers: { cookie: `m365hunt_session=${'A'.repeat(8 * 1024)}` },
    });
    expect(cookie.status).toBe(401);
    const bearer = await t.send('GET', '/api/auth/me', {
      headers: { authorization: `Bearer m365h_${'A'.repeat(8 * 1024)}` },
    });
    expect(bearer.status).toBe(401);
  });
});

describe('secrets', () => {
  it('no secret in any answer or log line', () => {
    const { found, bytes } = leaks(t);
    expect(found).toEqual([]);
    console.log(
      `http suite: ${t.requests} requests, ${bytes} bytes of answers and logs, 0 secrets`,
    );
  });
});
