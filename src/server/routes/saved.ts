// Saved queries, shared by the team: a name, the LINQ text and a time range.
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { badRequest } from '../http/errors.js';
import { jsonBody } from '../http/validate.js';
import { caller, type Routes } from './types.js';

const COLLECTION = 'server.saved-queries';
const ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface SavedQuery {
  readonly id: string;
  readonly name: string;
  readonly query: string;
  readonly from: string;
  readonly to: string;
  readonly owner: string;
  readonly updated: string;
}

const savedSchema = z
  .object({
    name: z.string().trim().min(1, 'give the query a name').max(200),
    query: z.string().min(1, 'the query is empty').max(100_000),
    from: z.string().max(64).default('now-1d'),
    to: z.string().max(64).default('now'),
  })
  .strict();

function checkId(id: string): string {
  if (!ID_RE.test(id)) {
    throw badRequest('a saved query id has 1 to 64 lower-case letters, digits and dashes', {
      problems: [{ field: 'id', message: 'not a valid id' }],
    });
  }
  return id;
}

export function savedRoutes(r: Routes, deps: ServerDeps): void {
  r.add('GET', '/api/saved-queries', async (c) => {
    const docs = await deps.store.listState<SavedQuery>(COLLECTION);
    return c.json(docs.map((d) => d.doc).sort((a, b) => a.name.localeCompare(b.name)));
  });
  r.add('PUT', '/api/saved-queries/:id', async (c) => {
    const id = checkId(c.req.param('id') ?? '');
    const body = await jsonBody(c, savedSchema);
    const doc: SavedQuery = {
      id,
      ...body,
      owner: caller(c).user,
      updated: new Date().toISOString(),
    };
    await deps.store.putState(COLLECTION, id, doc);
    return c.json(doc);
  });
  r.add('DELETE', '/api/saved-queries/:id', async (c) => {
    const id = checkId(c.req.param('id') ?? '');
    const existed = await deps.store.deleteState(COLLECTION, id);
    return c.json({ deleted: existed });
  });
}
