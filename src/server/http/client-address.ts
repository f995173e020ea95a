// The caller's address, for login rate limiting and logs: the socket's peer, or the first hop of
// X-Forwarded-For when the server is configured to trust its reverse proxy.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
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
