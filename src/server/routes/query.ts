// Queries: the catalog for completion, compile-only checks, and streamed answers (NDJSON, CSV).
import { z } from 'zod';
import { createCatalog, MANAGEMENT } from '../../store/schema.js';
import type { ServerDeps } from '../deps.js';
import { unavailable } from '../http/errors.js';
import { jsonBody } from '../http/validate.js';
import type { QueryEngine } from '../ports.js';
import { answerQuery } from '../query/run.js';
import type { Routes } from './types.js';

const queryText = z
  .string()
  .min(1, 'the query is empty')
  .max(100_000, 'the query is longer than 100,000 characters');

const runSchema = z
  .object({
    query: queryText,
    from: z.string().max(64).optional(),
    to: z.string().max(64).optional(),
    limit: z.number().int().min(1).optional(),
    format: z.enum(['ndjson', 'csv']).default('ndjson'),
    /** Who asked, for the latency metric: search, dashboard, user, export, script. */
    origin: z.enum(['search', 'dashboard', 'user', 'export', 'script']).default('script'),
  })
  .strict();

export function engineOf(deps: ServerDeps): QueryEngine {
  if (!deps.queries) throw unavailable('The LINQ compiler', 'this build has no src/linq');
  return deps.queries;
}

export function queryRoutes(r: Routes, deps: ServerDeps): void {
  r.add('GET', '/api/catalog', async (c) => {
    const catalog = createCatalog(await deps.store.subtables(MANAGEMENT.id));
    const tables = catalog.names().map((name) => {
      const table = catalog.resolve(name)!;
      return { name, description: table.description };
    });
    const fields = catalog
      .columns(MANAGEMENT)
      .map((col) => ({ name: col.name, type: col.type, doc: col.doc }));
    return c.json({ tables, fields, functions: deps.queries?.functions() ?? [] });
  });

  r.add('POST', '/api/query/check', async (c) => {
    const body = await jsonBody(c, z.object({ query: queryText }).strict());
    await engineOf(deps).check(body.query);
    return c.json({ ok: true });
  });

  r.add('POST', '/api/query', async (c) => {
    const body = await jsonBody(c, runSchema);
    return answerQuery(c, engineOf(deps), deps.metrics, body, {
      maxRows: deps.settings.max_rows,
      format: body.format,
      origin: body.format === 'csv' ? 'export' : body.origin,
      now: deps.now(),
    });
  });
}
