// The HTTP application: security headers, body limit, authentication, then each area's routes,
// each guarded by its role from the policy table; the web app for every other GET.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { authenticate, guard } from './auth/middleware.js';
import type { ServerDeps } from './deps.js';
import type { AppEnv } from './env.js';
import { clientAddress } from './http/client-address.js';
import { errorHandler, HttpError } from './http/errors.js';
import { securityHeaders } from './http/security-headers.js';
import { webApp } from './http/static.js';
import { endpoint, ENDPOINTS } from './policy.js';
import { accountRoutes } from './routes/accounts.js';
import { actionRoutes } from './routes/actions.js';
import { alertRoutes } from './routes/alerts.js';
import { authRoutes } from './routes/auth.js';
import { dashboardRoutes } from './routes/dashboards.js';
import { lookupRoutes } from './routes/lookups.js';
import { opsRoutes } from './routes/ops.js';
import { queryRoutes } from './routes/query.js';
import { savedRoutes } from './routes/saved.js';
import { statusRoutes } from './routes/status.js';
import type { Routes } from './routes/types.js';
import { userRoutes } from './routes/users.js';

export function createApp(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(errorHandler(deps.log));
  app.use('*', securityHeaders());
  // A path whose percent-encoding does not decode is the client's mistake: 400, nothing logged.
  app.use('*', async (c, next) => {
    if (!decodes(rawPath(c.req.url))) {
      throw new HttpError(400, { error: 'the request path has malformed percent-encoding' });
    }
    await next();
  });
  app.use('*', async (c, next) => {
    c.set('clientAddress', clientAddress(c, deps.settings.trust_proxy));
    await next();
    deps.metrics.requests.inc({
      method: c.req.method,
      route: c.req.routePath,
      status: String(c.res.status),
    });
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: 1024 * 1024,
      onError: () => {
        throw new HttpError(413, { error: 'the request body is larger than 1 MiB' });
      },
    }),
  );
  app.use('/api/*', authenticate(deps));
  app.use('/metrics', authenticate(deps));

  const registered = new Set<string>();
  const routes: Routes = {
    add(method, path, handler) {
      const info = endpoint(method, path);
      registered.add(`${method} ${path}`);
      app.on(method, path, guard(info, deps.settings), handler);
    },
  };
  opsRoutes(routes, deps);
  authRoutes(routes, deps);
  queryRoutes(routes, deps);
  savedRoutes(routes, deps);
  dashboardRoutes(routes, deps);
  lookupRoutes(routes, deps);
  alertRoutes(routes, deps);
  userRoutes(routes, deps);
  statusRoutes(routes, deps);
  actionRoutes(routes, deps);
  accountRoutes(routes, deps);
  const missing = ENDPOINTS.filter((e) => !registered.has(`${e.method} ${e.path}`));
  if (missing.length > 0)
    throw new Error(`endpoints without a route: ${missing.map((e) => e.path).join(', ')}`);

  app.all('/api/*', (c) => {
    if (!c.get('principal'))
      return c.json(
        {
          error: 'sign in first (session cookie or Authorization: Bearer token)',
          code: 'unauthorized',
        },
        401,
      );
    return c.json(
      { error: `no such endpoint: ${c.req.method} ${c.req.path}`, code: 'not-found' },
      404,
    );
  });
  if (deps.webRoot) app.use('*', webApp(deps.webRoot));
  app.notFound((c) => c.json({ error: `not found: ${c.req.path}`, code: 'not-found' }, 404));
  return app;
}

/** The path as sent, before any decoding. */
function rawPath(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const end = url.slice(start).search(/[?#]/);
  return end < 0 ? url.slice(start) : url.slice(start, start + end);
}

function decodes(text: string): boolean {
  if (!text.includes('%')) return true;
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
