// Microsoft Graph subset under /v1.0 (reference Part C): users and account state, sign-in session
// revocation, drives, items and permissions, JSON batching. Same token checks as the rest
// (Graph audience, roles); throttling and transient faults come from the server layer.
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { checkAccessToken } from '../auth/access-token.js';
import type { GraphRequest } from '../graph/context.js';
import { graphError } from '../graph/errors.js';
import { batch, dispatch } from '../graph/router.js';
import type { Simulator } from '../simulator.js';
import { httpDate } from './common.js';

const GRAPH_AUDIENCES = ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'];

const TOKEN_MESSAGES: Record<string, string> = {
  missing: 'Access token is empty.',
  malformed: 'IDX14100: JWT is not well formed.',
  signature: 'Access token validation failure.',
  expired: 'Lifetime validation failed, the token is expired.',
  audience: 'Access token validation failure. Invalid audience.',
};

export function registerGraph(app: Hono, sim: Simulator): void {
  const serve = (version: 'v1.0' | 'beta') => async (c: Context) => {
    const now = sim.sync();
    sim.counters.inc('graph.requests');
    const clientRequestId = c.req.header('client-request-id');
    const respond = (a: { status: number; headers: Record<string, string>; body: unknown }) =>
      new Response(a.body === null || a.status === 204 ? null : JSON.stringify(a.body), {
        status: a.status,
        headers: {
          ...a.headers,
          Date: httpDate(now),
          'request-id': a.headers['request-id'] ?? randomUUID(),
          'client-request-id': clientRequestId ?? randomUUID(),
        },
      });
    const check = checkAccessToken(
      c.req.header('authorization'),
      GRAPH_AUDIENCES,
      sim.verifyKey,
      now,
    );
    if (!check.ok || check.claims.tid !== sim.opts.tenantId) {
      const reason = check.ok ? 'audience' : check.reason;
      sim.counters.inc(`graph.unauthorized.${reason}`);
      return respond(
        graphError(
          401,
          'InvalidAuthenticationToken',
          TOKEN_MESSAGES[reason] ?? 'Access token validation failure.',
          now,
          clientRequestId,
          {
            'WWW-Authenticate':
              'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
          },
        ),
      );
    }
    const url = new URL(c.req.url);
    let body: unknown = null;
    if (['POST', 'PATCH', 'PUT'].includes(c.req.method)) {
      const text = await c.req.text();
      if (text.trim()) {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          return respond(
            graphError(
              400,
              'BadRequest',
              'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
              now,
              clientRequestId,
            ),
          );
        }
      }
    }
    const req: GraphRequest = {
      method: c.req.method,
      version,
      path: url.pathname.slice(version.length + 1),
      query: url.searchParams,
      body,
      origin: url.origin,
      roles: check.claims.roles,
      appId: check.claims.appid,
      now,
      clientRequestId,
      headers: Object.fromEntries(Object.entries(c.req.header())),
    };
    if (req.path === '/$batch' || req.path === '/%24batch') {
      if (req.method !== 'POST')
        return respond(
          graphError(405, 'BadRequest', 'Batch requests must be POSTed.', now, clientRequestId),
        );
      const sw = sim.switches;
      return respond(
        batch(sim, req, () =>
          sim.faults.throttled('graph', sw.graphThrottlePerMinute, Date.now())
            ? (sw.retryAfterSeconds ?? 0)
            : null,
        ),
      );
    }
    return respond(dispatch(sim, req));
  };
  app.all('/v1.0/*', serve('v1.0'));
  app.all('/beta/*', serve('beta'));
}
