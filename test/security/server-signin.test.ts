// Sign-in limits (docs/security.md, "Sign-in"): the attempt is counted before the password is
// hashed, so concurrent attempts cannot slip past the limit; the limits are per account+address,
// per address, and per account as a slow-down that spares the addresses the real user signs in
// from. The failed name is never logged as typed. Limits are checked on a fake clock; over real
// HTTP, concurrency is decided by the answers (401 = the password was checked, 429 = refused first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginRateLimiter, type LoginLimits } from '../../src/server/auth/rate-limit.js';
import { nameShape } from '../../src/server/auth/name-shape.js';
import { tempDir } from '../helpers/temp.js';
import { leaks, startSecureServer, type Answer, type SecureServer } from './server-harness.js';

const LIMITS: LoginLimits = {
  windowMs: 15 * 60_000,
  perAccountAddress: 5,
  perAddress: 20,
  perAccount: 10,
  backoffMaxMs: 60_000,
};

function clock(start = Date.parse('2026-03-01T00:00:00Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** n failed attempts in a row. */
function failMany(limiter: LoginRateLimiter, account: string, address: string, n: number) {
  for (let i = 0; i < n; i++) {
    const a = limiter.admit(account, address);
    if (!a.ok) throw new Error(`attempt ${i} refused: ${a.reason}`);
    a.attempt.fail();
  }
}

describe('the limiter (fake clock)', () => {
  it('counts an attempt when it is admitted, before it is settled', () => {
    const limiter = new LoginRateLimiter(LIMITS, clock().now);
    const pending = Array.from({ length: 60 }, () => limiter.admit('alice', '10.0.0.1'));
    expect(pending.filter((a) => a.ok)).toHaveLength(5);
    const refused = pending.find((a) => !a.ok);
    expect(refused).toMatchObject({ ok: false, reason: 'account+address' });
  });

  it('a success takes its own attempt back and clears the pair', () => {
    const c = clock();
    const limiter = new LoginRateLimiter(LIMITS, c.now);
    failMany(limiter, 'alice', '10.0.0.1', 4);
    const ok = limiter.admit('alice', '10.0.0.1');
    expect(ok.ok).toBe(true);
    if (ok.ok) ok.attempt.succeed();
    failMany(limiter, 'alice', '10.0.0.1', 5);
    expect(limiter.admit('alice', '10.0.0.1')).toMatchObject({ ok: false });
  });

  it('locks the pair for the window, not the account from elsewhere', () => {
    const c = clock();
    const limiter = new LoginRateLimiter(LIMITS, c.now);
    failMany(limiter, 'alice', '203.0.113.9', 5);
    const refused = limiter.admit('alice', '203.0.113.9');
    expect(refused).toMatchObject({ ok: false, reason: 'account+address' });
    expect(!refused.ok && refused.waitMs).toBe(LIMITS.windowMs);
    expect(limiter.admit('alice', '10.0.0.1').ok).toBe(true);
    c.advance(LIMITS.windowMs);
    expect(limiter.admit('alice', '203.0.113.9').ok).toBe(true);
  });

  it('limits one address over many names', () => {
    const limiter = new LoginRateLimiter(LIMITS, clock().now);
    for (let i = 0; i < 20; i++) failMany(limiter, `name${i}`, '203.0.113.9', 1);
    expect(limiter.admit('someone-else', '203.0.113.9')).toMatchObject({
      ok: false,
      reason: 'address',
    });
    expect(limiter.admit('someone-else', '203.0.113.10').ok).toBe(true);
  });

  it('slows an account down (1 s, 2 s, 4 s … at most the maximum), never locks it', () => {
    const c = clock();
    const limiter = new LoginRateLimiter(LIMITS, c.now);
    // Ten failures from ten addresses: no pair and no address is at its limit.
    for (let i = 0; i < 10; i++) failMany(limiter, 'alice', `198.51.100.${i}`, 1);
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const a = limiter.admit('alice', `192.0.2.${i}`);
      expect(a).toMatchObject({ ok: false, reason: 'account' });
      if (!a.ok) waits.push(a.waitMs);
      c.advance(a.ok ? 0 : a.waitMs);
      failMany(limiter, 'alice', `192.0.2.${i}`, 1);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it('spares an address that signed in to the account before', () => {
    const c = clock();
    const limiter = new LoginRateLimiter(LIMITS, c.now);
    const first = limiter.admit('alice', '10.0.0.1');
    if (first.ok) first.attempt.succeed();
    for (let i = 0; i < 10; i++) failMany(limiter, 'alice', `198.51.100.${i}`, 1);
    expect(limiter.admit('alice', '198.51.100.200').ok).toBe(false);
    expect(limiter.admit('alice', '10.0.0.1').ok).toBe(true);
  });

  it('treats names case-insensitively', () => {
    const limiter = new LoginRateLimiter(LIMITS, clock().now);
    failMany(limiter, 'Alice', '10.0.0.1', 5);
    expect(limiter.admit('ALICE', '10.0.0.1').ok).toBe(false);
  });
});

describe('a failed name is logged by its shape', () => {
  it('never as typed', () => {
    const shape = nameShape('Tr0ub4dor&3-horse');
    expect(shape).not.toContain('Tr0ub4dor');
    expect(shape).toMatch(/^17 characters: lower, upper, digit, symbol; tag [0-9a-f]{8}$/);
    expect(nameShape('Tr0ub4dor&3-horse')).toBe(shape);
    expect(nameShape('Tr0ub4dor&3-horsf')).not.toBe(shape);
  });
});

describe('over HTTP, concurrently', () => {
  let t: SecureServer;
  const dir = tempDir();
  beforeAll(async () => {
    // Addresses come from X-Forwarded-For here (trusted proxy), so one test can be many clients.
    t = await startSecureServer(dir, { settings: { trust_proxy: true } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const login = (username: string, password: string, address: string): Promise<Answer> =>
    t.send('POST', '/api/auth/login', {
      body: { username, password },
      headers: { 'x-forwarded-for': address },
    });
  const statuses = (answers: Answer[]) => {
    const counts: Record<number, number> = {};
    for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
    return counts;
  };

  it('60 concurrent wrong passwords for one account: 5 checked, 55 refused before the hash', async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => login('analyst', `wrong-password-${i}`, '203.0.113.1')),
    );
    expect(statuses(answers)).toEqual({ 401: 5, 429: 55 });
    const refused = answers.find((a) => a.status === 429)!;
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json().error).toMatch(/too many failed sign-ins/);
  });

  it('the real user still signs in from their own address', async () => {
    expect((await login('analyst', t.canaries.passwords.analyst, '10.1.1.1')).status).toBe(200);
    // …but not from the attacker's, until the window ends.
    expect((await login('analyst', t.canaries.passwords.analyst, '203.0.113.1')).status).toBe(429);
  });

  it('80 concurrent names from one address: 20 checked, 60 refused', async () => {
    const answers = await Promise.all(
      Array.from({ length: 80 }, (_, i) => login(`name${i}`, 'wrong-password-123', '203.0.113.2')),
    );
    expect(statuses(answers)).toEqual({ 401: 20, 429: 60 });
  });

  it('failures from many addresses slow the account down for new addresses only', async () => {
    const known = await login('responder', t.canaries.passwords.responder, '10.2.2.2');
    expect(known.status).toBe(200);
    const attacks = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        login('responder', `wrong-password-${i}`, `198.51.100.${i}`),
      ),
    );
    // Ten failures are checked; then attempts are admitted 1 s, 2 s, 4 s … apart: however slowly
    // this machine runs the burst (up to a minute), no more than six more get through.
    const counts = statuses(attacks);
    expect(counts[401]).toBeGreaterThanOrEqual(10);
    expect(counts[401]).toBeLessThanOrEqual(16);
    expect(counts[429]).toBe(40 - counts[401]!);
    const slowed = attacks.find((a) => a.status === 429)!;
    expect(slowed.json().error).toMatch(/slowed down/);
    expect(Number(slowed.headers['retry-after'])).toBeLessThanOrEqual(60);
    // The address the user signed in from is not slowed down (the fake-clock test above shows
    // that a new address is).
    expect((await login('responder', t.canaries.passwords.responder, '10.2.2.2')).status).toBe(200);
  });

  it('behind the proxy, the address is the one the proxy appended, not what the client sent', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        login('admin', `wrong-password-${i}`, `198.51.100.${i}, 203.0.113.77`),
      ),
    );
    expect(statuses(answers)).toEqual({ 401: 5, 429: 5 });
  });

  it('without a trusted proxy, X-Forwarded-For does not make a new address', async () => {
    const local = await startSecureServer(tempDir());
    try {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          local.send('POST', '/api/auth/login', {
            body: { username: 'viewer', password: `wrong-password-${i}` },
            headers: { 'x-forwarded-for': `198.51.100.${i}` },
          }),
        ),
      );
      expect(statuses(answers)).toEqual({ 401: 5, 429: 5 });
    } finally {
      await local.close();
    }
  });

  it('logs no password typed as a name, and no secret at all', async () => {
    const typed = 'Correct-Horse-Battery-Staple-42';
    expect((await login(typed, 'whatever-password', '10.9.9.9')).status).toBe(401);
    expect((await login('admin', 'not-the-password', '10.9.9.9')).status).toBe(401);
    const lines = t.logs.filter((l) => l.includes('failed sign-in'));
    expect(
      lines.some((l) =>
        /an unknown name \(31 characters: lower, upper, digit, symbol; tag /.test(l),
      ),
    ).toBe(true);
    expect(lines.some((l) => l.includes('failed sign-in for account admin from 10.9.9.9'))).toBe(
      true,
    );
    expect(lines.join('\n')).not.toContain(typed);
    const { found, bytes } = leaks(t, [typed, 'whatever-password', 'not-the-password']);
    expect(found).toEqual([]);
    console.log(
      `sign-in suite: ${t.requests} requests, ${bytes} bytes of answers and logs, 0 secrets`,
    );
  });
});
