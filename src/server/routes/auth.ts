// Sign-in, sign-out and "who am I". Sign-ins are limited per account and address, per address,
// and slowed down per account (docs/security.md, "Sign-in").
import { z } from 'zod';
import { clearSessionCookie, setSessionCookie } from '../auth/middleware.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../http/errors.js';
import { nameShape } from '../auth/name-shape.js';
import { jsonBody } from '../http/validate.js';
import { caller, type Routes } from './types.js';

const loginSchema = z
  .object({
    username: z.string().min(1, 'give the account name').max(64),
    password: z.string().min(1, 'give the password').max(1024),
  })
  .strict();

export function authRoutes(r: Routes, deps: ServerDeps): void {
  r.add('POST', '/api/auth/login', async (c) => {
    const body = await jsonBody(c, loginSchema);
    const address = c.get('clientAddress');
    // Admitted and counted before the hash (docs/security.md, "Sign-in").
    const admission = deps.limiter.admit(body.username, address);
    if (!admission.ok) {
      deps.metrics.loginFailures.inc({ reason: 'rate_limited' });
      const seconds = Math.ceil(admission.waitMs / 1000);
      throw new HttpError(
        429,
        {
          error:
            admission.reason === 'account'
              ? `too many failed sign-ins for this account; sign-ins to it are slowed down: try again in ${seconds} s`
              : `too many failed sign-ins; try again in ${seconds} s`,
          retryAfterSeconds: seconds,
        },
        { 'Retry-After': String(seconds) },
      );
    }
    let account: Awaited<ReturnType<typeof deps.accounts.verify>> = null;
    try {
      account = await deps.accounts.verify(body.username, body.password);
    } finally {
      if (account) admission.attempt.succeed();
      else admission.attempt.fail();
    }
    if (!account) {
      deps.metrics.loginFailures.inc({ reason: 'bad_credentials' });
      // Never the name as typed: it may be a password typed in the wrong field.
      const known = await deps.accounts.get(body.username);
      deps.log.warn(
        `failed sign-in for ${known ? `account ${known.name}` : `an unknown name (${nameShape(body.username)})`} from ${address}`,
      );
      throw new HttpError(401, {
        error: 'wrong account name or password, or the account is disabled',
      });
    }
    const { id, session } = await deps.sessions.create(account.name);
    setSessionCookie(c, deps, id);
    deps.log.info(`${account.name} signed in from ${address}`);
    return c.json({ user: account.name, role: account.role, csrf: session.csrf });
  });

  r.add('POST', '/api/auth/logout', async (c) => {
    const principal = c.get('principal');
    if (principal?.sessionId) await deps.sessions.destroy(principal.sessionId);
    clearSessionCookie(c);
    return c.json({ ok: true });
  });

  r.add('GET', '/api/auth/me', (c) => {
    const principal = c.get('principal')!;
    const { user, role } = caller(c);
    return c.json({ user, role, via: principal.via, csrf: principal.csrf ?? null });
  });
}
