// Collector health: per tenant and stream, the same rows as `m365hunt status`, plus skipped
// content and the latest quarantined records (their origin and reason, not their text).
import { statusRows } from '../../sources/status.js';
import type { ServerDeps } from '../deps.js';
import type { Routes } from './types.js';

export function statusRoutes(r: Routes, deps: ServerDeps): void {
  r.add('GET', '/api/status', async (c) => {
    const streams = statusRows(await deps.store.streamStatus(), deps.config, deps.now().getTime());
    const skipped = (await deps.store.skippedContent()).slice(0, 100).map((s) => ({
      tenant: s.key.tenant,
      stream: s.key.stream,
      contentId: s.contentId,
      created: s.contentCreated,
      attempts: s.attempts,
      error: s.error ?? null,
    }));
    const quarantined = (await deps.store.quarantine(20)).map((q) => ({
      at: q.at.toISOString(),
      origin: q.origin,
      reason: q.reason,
    }));
    return c.json({
      location: deps.store.location.replace(/\/\/[^@/]*@/, '//'),
      collecting: deps.settings.collect && (deps.config?.instances.length ?? 0) > 0,
      streams,
      skipped,
      quarantined,
      warnings: deps.config?.warnings ?? [],
    });
  });
}
