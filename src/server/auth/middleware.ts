// Who is calling (a bearer API token or the session cookie), whether their role allows the
// endpoint, and, for cookie-authenticated writes, whether the request carries the session's CSRF
// token and comes from our own origin.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv, Principal } from '../env.js';
import { HttpError } from '../http/errors.js';
import { isHttps } from '../http/client-address.js';
import type { Endpoint } from '../policy.js';
import { atLeast, ROLES, type Role } from '../roles.js';
import type { ServerSettings } from '../settings.js';
import type { Accounts } from './accounts.js';
import { safeEqual, type Sessions } from './sessions.js';
import type { Tokens } from './tokens.js';

/** `__Host-` cookies must be Secure; over plain http (a laptop) the plain name is used. */
const SECURE_COOKIE = '__Host-m365hunt';
const PLAIN_COOKIE = 'm365hunt_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface AuthDeps {
  readonly accounts: Accounts;
  readonly sessions: Sessions;
  readonly tokens: Tokens;
  readonly settings: ServerSettings;
}

function secureCookies(c: Context, settings: ServerSettings): boolean {
  return settings.secure_cookies === 'auto'
    ? isHttps(c, settings.trust_proxy)
    : settings.secure_cookies;
}

export function setSessionCookie(c: Context, deps: AuthDeps, id: string): void {
  const secure = secureCookies(c, deps.settings);
  setCookie(c, secure ? SECURE_COOKIE : PLAIN_COOKIE, id, {
    httpOnly: true,
    sameSite: 'Strict',
    secure,
    path: '/',
    maxAge: Math.floor(deps.settings.session_max / 1000),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SECURE_COOKIE, { path: '/', secure: true });
  deleteCookie(c, PLAIN_COOKIE, { path: '/' });
}

const lower = (a: Role, b: Role): Role => (atLeast(a, b) ? b : a);

/** Sets `principal` when the request proves an identity; never refuses by itself. */
export function authenticate(deps: AuthDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('principal', await identify(c, deps));
    await next();
  };
}

async function identify(c: Context<AppEnv>, deps: AuthDeps): Promise<Principal | undefined> {
  const authorization = c.req.header('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const token = match ? await deps.tokens.verify(match[1]!) : null;
    if (!token) {
      throw new HttpError(
        401,
        { error: 'the API token is not valid (revoked, mistyped or not a token)' },
        {
          'WWW-Authenticate': 'Bearer',
        },
      );
    }
    const account = await deps.accounts.get(token.user);
    if (!account || account.disabled) {
      throw new HttpError(401, { error: "the API token's account is disabled or deleted" });
    }
    // A token never has more rights than its account has now.
    return {
      user: account.name,
      role: lower(token.role, account.role),
      via: 'token',
      tokenId: token.id,
    };
  }
  const id = getCookie(c, SECURE_COOKIE) ?? getCookie(c, PLAIN_COOKIE);
  if (!id) return undefined;
  const session = await deps.sessions.get(id);
  if (!session) return undefined;
  const account = await deps.accounts.get(session.user);
  if (!account || account.disabled) {
    await deps.sessions.destroy(id);
    return undefined;
  }
  return {
    user: account.name,
    role: account.role,
    via: 'session',
    csrf: session.csrf,
    sessionId: id,
  };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses a write (sign-in included) that a browser says comes from another site, or from an
 * opaque origin (`Origin: null`: sandboxed frames, files, cross-site redirects). The host we
 * compare with is the Host header, or X-Forwarded-Host only when the proxy is trusted (a client
 * could send it otherwise). A request without Origin is not a browser's write (scripts, curl):
 * bearer tokens and the CSRF token protect those. See docs/security.md, "HTTP".
 */
function checkOrigin(c: Context, trustProxy: boolean): void {
  if (c.req.header('sec-fetch-site')?.toLowerCase() === 'cross-site') {
    throw new HttpError(403, { error: 'cross-site request refused (Sec-Fetch-Site: cross-site)' });
  }
  const origin = c.req.header('origin');
  if (origin === undefined) return;
  if (origin.trim().toLowerCase() === 'null') {
    throw new HttpError(403, {
      error: 'a request from an opaque origin (Origin: null) is refused',
    });
  }
  const forwarded = trustProxy
    ? c.req.header('x-forwarded-host')?.split(',')[0]?.trim()
    : undefined;
  const host = (forwarded || c.req.header('host'))?.toLowerCase();
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    originHost = '';
  }
  if (!host || originHost !== host) {
    throw new HttpError(403, {
      error: `cross-origin request from ${origin.slice(0, 200)} refused`,
    });
  }
}

/** The role check (401 when nobody is signed in, 403 when the role is too low) and CSRF. */
export function guard(
  endpointInfo: Endpoint,
  settings: Pick<ServerSettings, 'trust_proxy'>,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (UNSAFE.has(c.req.method)) checkOrigin(c, settings.trust_proxy);
    if (endpointInfo.role !== 'public') {
      const principal = c.get('principal');
      if (!principal) {
        throw new HttpError(401, {
          error: 'sign in first (session cookie or Authorization: Bearer token)',
        });
      }
      if (!atLeast(principal.role, endpointInfo.role)) {
        throw new HttpError(403, {
          error: `${endpointInfo.method} ${endpointInfo.path} needs the ${endpointInfo.role} role; ${principal.user} has ${principal.role}`,
          required: endpointInfo.role,
          role: principal.role,
        });
      }
      if (UNSAFE.has(c.req.method) && principal.via === 'session') {
        const sent = c.req.header(CSRF_HEADER) ?? '';
        if (!principal.csrf || !safeEqual(sent, principal.csrf)) {
          throw new HttpError(403, {
            error: `missing or wrong CSRF token: send the ${CSRF_HEADER} header given by GET /api/auth/me`,
          });
        }
      }
    }
    await next();
  };
}

export { ROLES };
