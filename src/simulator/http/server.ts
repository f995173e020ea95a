// The HTTP(S) server: one origin serves login, manage, graph and the /_sim control surface.
// Faults that happen before any application logic (latency, dropped connections, transient
// 5xx, throttling) are applied here, on the raw Node request, to Management API and Graph paths
// only; the token endpoint and the control surface are never faulted.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomUUID } from 'node:crypto';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { AF, afBody } from '../manage/af-errors.js';
import type { Simulator } from '../simulator.js';
import { httpDate } from './common.js';
import { registerControl } from './control.js';
import { registerReportDownloads } from '../graph/reports.js';
import { registerGraph } from './graph.js';
import { registerLogin } from './login.js';
import { MANAGE_PREFIXES, manageMethod, registerManage } from './manage.js';
import { WebhookClient } from './webhooks.js';

export type PathKind = 'control' | 'manage' | 'graph' | 'login' | 'other';

export function classify(path: string): PathKind {
  if (path === '/_sim' || path.startsWith('/_sim/')) return 'control';
  if (MANAGE_PREFIXES.some((p) => path.startsWith(p))) return 'manage';
  if (path.startsWith('/v1.0/') || path === '/v1.0' || path.startsWith('/beta/')) return 'graph';
  return /^\/[^/]+\/(oauth2|v2\.0|\.well-known|discovery)/.test(path) || path.startsWith('/common/')
    ? 'login'
    : 'other';
}

export function buildApp(sim: Simulator, webhooks: WebhookClient): Hono {
  const app = new Hono();
  registerControl(app, sim);
  registerManage(app, sim, webhooks);
  registerGraph(app, sim);
  registerReportDownloads(app, sim);
  registerLogin(app, sim);
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    return c.json(
      { error: { code: 'NotFound', message: `No route for ${c.req.method} ${path}` } },
      404,
      {
        Date: httpDate(sim.now()),
      },
    );
  });
  return app;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

export interface StartedServer {
  server: Server;
  url: string;
  webhooks: WebhookClient;
  close(): Promise<void>;
}

export async function startServer(
  sim: Simulator,
  host: string,
  port: number,
  tls: { cert: string; key: string } | null,
): Promise<StartedServer> {
  const webhooks = new WebhookClient(sim);
  sim.publishListeners.push((b) => webhooks.published(b));
  const app = buildApp(sim, webhooks);
  const hono = getRequestListener(app.fetch);
  const sockets = new Set<import('node:net').Socket>();

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const kind = classify(url.pathname);
    sim.counters.inc(`http.${kind}`);
    if (kind === 'manage' || kind === 'graph') {
      const sw = sim.switches;
      if (sw.latencyMs > 0) await new Promise((r) => setTimeout(r, sw.latencyMs));
      const fault = sim.faults.random(sw);
      const now = sim.now();
      if (fault === 'drop') {
        sim.counters.inc('fault.dropped');
        req.socket.destroy();
        return;
      }
      if (fault === 'error500' || fault === 'error503') {
        sim.counters.inc(`fault.${fault}`);
        const status = fault === 'error500' ? 500 : 503;
        const body =
          kind === 'manage'
            ? status === 500
              ? afBody(AF.internal())
              : {
                  error: {
                    code: 'ServiceUnavailable',
                    message: 'The service is temporarily unavailable. Retry the request.',
                  },
                }
            : {
                error: {
                  code: status === 500 ? 'generalException' : 'serviceNotAvailable',
                  message:
                    status === 500
                      ? 'An internal server error occurred.'
                      : 'The service is temporarily unavailable.',
                  innerError: {
                    date: new Date(now).toISOString().slice(0, 19),
                    'request-id': randomUUID(),
                  },
                },
              };
        send(res, status, body, { Date: httpDate(now) });
        return;
      }
      const retry: Record<string, string> =
        sw.retryAfterSeconds === null
          ? {}
          : { 'Retry-After': String(Math.ceil(sw.retryAfterSeconds)) };
      if (kind === 'manage') {
        const segment = url.pathname.split('/')[3] ?? '';
        let publisher = '';
        for (const [k, v] of url.searchParams)
          if (k.toLowerCase() === 'publisheridentifier') publisher = v;
        const key = `manage:${segment.toLowerCase()}:${publisher ? 'tenant' : 'shared'}`;
        if (sim.faults.throttled(key, sw.throttlePerMinute, Date.now())) {
          sim.counters.inc('fault.throttled');
          const e = AF.throttled(sw.throttleStatus, manageMethod(url.pathname), publisher);
          send(res, e.status, afBody(e), { Date: httpDate(now), ...retry });
          return;
        }
      } else if (
        // Each step of a JSON batch is throttled on its own (in the batch handler).
        !/^\/v1\.0\/(\$|%24)batch$/i.test(url.pathname) &&
        sim.faults.throttled('graph', sw.graphThrottlePerMinute, Date.now())
      ) {
        sim.counters.inc('fault.graphThrottled');
        send(
          res,
          429,
          {
            error: {
              code: 'TooManyRequests',
              message: 'Too many requests, please try again later.',
              innerError: {
                date: new Date(now).toISOString().slice(0, 19),
                'request-id': randomUUID(),
                'client-request-id': req.headers['client-request-id'] ?? randomUUID(),
              },
            },
          },
          { Date: httpDate(now), ...retry },
        );
        return;
      }
    }
    await hono(req, res);
  };

  const server: Server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key }, listener)
    : createServer(listener);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('simulator: no TCP address');
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${tls ? 'https' : 'http'}://${hostPart}:${address.port}`;
  webhooks.start(url);
  return {
    server,
    url,
    webhooks,
    close: async () => {
      await webhooks.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
