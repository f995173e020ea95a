// The authorization matrix: every route of the policy table (src/server/policy.ts) × every kind of
// credential the model has — none, malformed and unknown bearer values, revoked tokens, tokens and
// sessions of disabled or deleted accounts, an expired session, a forged cookie, a session and a
// token per role (a session write with and without its CSRF token), and a token whose account
// was demoted after it was made. Each answer must be what the table says: 401 without a valid
// identity, 403 below the route's role, neither above it, never a 500; then no secret in any
// answer or log line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/server/auth/accounts.js';
import { Tokens } from '../../src/server/auth/tokens.js';
import { ENDPOINTS, type Endpoint } from '../../src/server/policy.js';
import { atLeast, ROLES, type Role } from '../../src/server/roles.js';
import { tempDir } from '../helpers/temp.js';
import {
  expiredSession,
  leaks,
  startSecureServer,
  type Credential,
  type SecureServer,
} from './server-harness.js';

interface Kind {
  readonly name: string;
  readonly credential: Credential;
  /** The role it acts with, or null: no valid identity. */
  readonly role: Role | null;
  /** A bearer value the server must refuse outright (401 even on public API routes). */
  readonly badBearer?: boolean;
  /** A cookie session that sends no CSRF token on writes. */
  readonly noCsrf?: boolean;
}

let t: SecureServer;
const kinds: Kind[] = [];
const dir = tempDir();
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const bearer = (token: string): Credential => ({ headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  t = await startSecureServer(dir);
  const accounts = new Accounts(t.store);
  const tokens = new Tokens(t.store);
  const made = async (name: string, role: Role) => {
    const password = `${name}-password-123456`;
    await accounts.create(name, role, password);
    const token = (await tokens.create(name, `${name} token`, role)).token;
    const session = await t.signIn(name, password);
    return { token, session };
  };
  const disabled = await made('disabled-admin', 'admin');
  await accounts.update('disabled-admin', { disabled: true });
  const deleted = await made('deleted-admin', 'admin');
  await accounts.remove('deleted-admin');
  const demoted = await made('demoted', 'admin');
  await accounts.update('demoted', { role: 'viewer' });
  const revoked = await tokens.create('admin', 'revoked', 'admin');
  await tokens.revoke(revoked.info.id);

  kinds.push(
    { name: 'no credential', credential: { headers: {} }, role: null },
    {
      name: 'malformed bearer',
      credential: bearer('not-a-token'),
      role: null,
      badBearer: true,
    },
    {
      name: 'unknown token',
      credential: bearer(`m365h_aaaaaaaaaaaa_${'b'.repeat(43)}`),
      role: null,
      badBearer: true,
    },
    {
      name: 'token with a wrong secret',
      credential: bearer(`${t.tokens.admin.slice(0, 19)}${'c'.repeat(43)}`),
      role: null,
      badBearer: true,
    },
    { name: 'revoked token', credential: bearer(revoked.token), role: null, badBearer: true },
    {
      name: 'token of a disabled account',
      credential: bearer(disabled.token),
      role: null,
      badBearer: true,
    },
    {
      name: 'token of a deleted account',
      credential: bearer(deleted.token),
      role: null,
      badBearer: true,
    },
    { name: 'session of a disabled account', credential: disabled.session, role: null },
    { name: 'session of a deleted account', credential: deleted.session, role: null },
    { name: 'expired session', credential: await expiredSession(t, 'admin'), role: null },
    {
      name: 'forged session cookie',
      credential: { headers: { cookie: `m365hunt_session=${'A'.repeat(43)}` } },
      role: null,
    },
    {
      name: 'admin token of an account demoted to viewer',
      credential: bearer(demoted.token),
      role: 'viewer',
    },
    { name: 'session of the demoted account', credential: demoted.session, role: 'viewer' },
    ...ROLES.map((role): Kind => ({
      name: `${role} token`,
      credential: bearer(t.tokens[role]),
      role,
    })),
    ...ROLES.map((role): Kind => ({ name: `${role} session`, credential: t.sessions[role], role })),
    ...ROLES.map((role): Kind => ({
      name: `${role} session without CSRF token`,
      credential: t.sessions[role],
      role,
      noCsrf: true,
    })),
  );
});
afterAll(async () => {
  await t?.close();
});

/**
 * The route with its parameters filled in. The user page gets an empty time range: its role
 * check is the same, and its five queries per request would make the matrix take minutes
 * (test/server/api.test.ts runs a real one).
 */
const concrete = (e: Endpoint) =>
  e.path.replace(/:(\w+)/g, (_m, name: string) =>
    name === 'upn' ? 'ana@contoso.com' : `does-not-exist-${name}`,
  ) + (e.path === '/api/users/:upn' ? '?from=now&to=now-1d' : '');

/** What the table says the answer must be: a status, or 'allowed' (anything but 401, 403, 5xx). */
function expected(e: Endpoint, k: Kind): number | 'allowed' {
  const api = e.path.startsWith('/api/') || e.path === '/metrics';
  if (k.badBearer && api) return 401;
  if (e.role === 'public') return 'allowed';
  if (!k.role) return 401;
  if (!atLeast(k.role, e.role)) return 403;
  if (k.noCsrf && UNSAFE.has(e.method)) return 403;
  return 'allowed';
}

// Sign-out ends the session it is sent with: it goes last.
const routes = [...ENDPOINTS].sort(
  (a, b) => Number(a.path === '/api/auth/logout') - Number(b.path === '/api/auth/logout'),
);

/** One request of the matrix; a problem, or null. */
async function check(e: Endpoint, k: Kind): Promise<string | null> {
  const headers: Record<string, string> = { ...k.credential.headers };
  if (k.credential.csrf && !k.noCsrf && UNSAFE.has(e.method))
    headers['x-csrf-token'] = k.credential.csrf;
  const answer = await t.send(e.method, concrete(e), {
    headers,
    ...(e.method === 'GET' ? {} : { body: {} }),
  });
  const want = expected(e, k);
  const ok =
    want === 'allowed'
      ? ![401, 403].includes(answer.status) && answer.status < 500
      : answer.status === want;
  const where = `${e.method} ${e.path} with ${k.name}`;
  if (!ok) return `${where}: ${answer.status} (want ${want}) ${answer.text.slice(0, 160)}`;
  if (answer.status === 403 && k.role && !k.noCsrf && !/needs the \w+ role/.test(answer.text))
    return `${where}: 403 without naming the role`;
  return null;
}

let checked = 0;

describe('authorization matrix', () => {
  it.each(routes)('$method $path × every kind of credential', async (e) => {
    let problems: Array<string | null>;
    if (e.path === '/api/auth/logout') {
      // Sign-out ends the session it is sent with: the refusals (no CSRF token) go first, one by one.
      problems = [];
      for (const k of [...kinds].sort((a, b) => Number(!a.noCsrf) - Number(!b.noCsrf)))
        problems.push(await check(e, k));
    } else problems = await Promise.all(kinds.map((k) => check(e, k)));
    checked += kinds.length;
    expect(problems.filter((p) => p !== null)).toEqual([]);
  });

  it('covered every route and kind', () => {
    expect(checked).toBe(ENDPOINTS.length * kinds.length);
    console.log(
      `authorization matrix: ${ENDPOINTS.length} routes × ${kinds.length} kinds of credential = ${checked} requests, 0 violations`,
    );
  });

  it('the signed-out sessions are over', async () => {
    for (const role of ROLES) {
      const me = await t.send('GET', '/api/auth/me', { headers: t.sessions[role].headers });
      expect(me.status).toBe(401);
    }
  });

  it('no secret in any answer or log line', () => {
    const { found, bytes } = leaks(t);
    expect(found).toEqual([]);
    expect(bytes).toBeGreaterThan(10_000);
    console.log(
      `secrets grep: ${t.requests} requests, ${t.logs.length} log lines, ${bytes} bytes searched, 0 secrets`,
    );
  });
});
