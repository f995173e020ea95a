// Operations: liveness for load balancers, Prometheus metrics.
import type { ServerDeps } from '../deps.js';
import type { Routes } from './types.js';

export function opsRoutes(r: Routes, deps: ServerDeps): void {
  r.add('GET', '/healthz', async (c) => {
    try {
      await deps.store.maxSeq();
      return c.json({ ok: true });
    } catch {
      return c.json({ ok: false, error: 'the store does not answer' }, 503);
    }
  });
  r.add('GET', '/metrics', async (c) => {
    c.header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
    return c.body(await deps.metrics.render());
  });
}
