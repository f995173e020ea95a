// Sign-in, sign-out and "who am I". Failed sign-ins are rate limited per account and address.
import { z } from 'zod';
import { clearSessionCookie, setSessionCookie } from '../auth/middleware.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../http/errors.js';
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
    const wait = deps.limiter.retryAfter(body.username, address);
    if (wait > 0) {
      deps.metrics.loginFailures.inc({ reason: 'rate_limited' });
      const seconds = Math.ceil(wait / 1000);
      throw new HttpError(
        429,
        {
          error: `too many failed sign-ins; try again in ${seconds} s`,
          retryAfterSeconds: seconds,
        },
        { 'Retry-After': String(seconds) },
      );
    }
    const account = await deps.accounts.verify(body.username, body.password);
    if (!account) {
      deps.limiter.fail(body.username, address);
      deps.metrics.loginFailures.inc({ reason: 'bad_credentials' });
      deps.log.warn(`failed sign-in for "${body.username.slice(0, 64)}" from ${address}`);
      throw new HttpError(401, {
        error: 'wrong account name or password, or the account is disabled',
      });
    }
    deps.limiter.succeed(body.username);
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
