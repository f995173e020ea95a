// The caller's address, for sign-in limits and logs: the socket's peer, or, when the server is
// configured to trust its reverse proxy, the address that proxy saw: the last entry of
// X-Forwarded-For, the one the proxy appended. Earlier entries are whatever the client sent and
// would let it pick a new address per attempt (docs/security.md, "Sign-in").
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req
      .header('x-forwarded-for')
      ?.split(',')
      .map((hop) => hop.trim())
      .filter((hop) => hop !== '')
      .pop();
    if (forwarded) return forwarded.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Whether the request reached us (or the trusted proxy) over https. */
export function isHttps(c: Context, trustProxy: boolean): boolean {
  if (trustProxy && c.req.header('x-forwarded-proto')?.toLowerCase() === 'https') return true;
  return new URL(c.req.url).protocol === 'https:';
}
