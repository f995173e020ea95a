// Dashboards: the built-in boards (src/server/dashboards.ts) and the team's own, editable —
// a panel added from a search, panels reordered or removed, a board made or reset. Edited and new
// boards are documents of the store (`server.dashboards`); a built-in board edited is kept as a
// copy of the same id, and resetting it deletes the copy.
import { z } from 'zod';
import { DASHBOARDS, type Dashboard } from '../dashboards.js';
import type { ServerDeps } from '../deps.js';
import { badRequest, notFound } from '../http/errors.js';
import { jsonBody } from '../http/validate.js';
import { M365HuntError } from '../../util/errors.js';
import { caller, type Routes } from './types.js';

const COLLECTION = 'server.dashboards';
const ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** A board as the API gives it: whether it is built in, and whether the team changed it. */
export interface BoardAnswer extends Dashboard {
  readonly builtin: boolean;
  readonly edited: boolean;
  readonly owner?: string;
  readonly updated?: string;
}

interface StoredBoard extends Dashboard {
  readonly owner: string;
  readonly updated: string;
}

const panelSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a panel id has letters, digits, - and _'),
    title: z.string().trim().min(1, 'give the panel a title').max(200),
    kind: z.enum(['timeseries', 'bar', 'table', 'status', 'alerts']),
    query: z.string().min(1).max(20_000).optional(),
    label: z.string().max(200).optional(),
    value: z.string().max(200).optional(),
    series: z.string().max(200).optional(),
    rule: z.string().max(200).optional(),
    description: z.string().max(2000).default(''),
  })
  .strict();

const boardSchema = z
  .object({
    title: z.string().trim().min(1, 'give the board a title').max(200),
    description: z.string().max(2000).default(''),
    range: z.string().max(64).default('now-2d'),
    panels: z.array(panelSchema).max(40, 'a board holds at most 40 panels'),
  })
  .strict();

function checkId(id: string): string {
  if (!ID_RE.test(id)) {
    throw badRequest('a dashboard id has 1 to 64 lower-case letters, digits and dashes', {
      problems: [{ field: 'id', message: 'not a valid id' }],
    });
  }
  return id;
}

export async function listBoards(deps: ServerDeps): Promise<BoardAnswer[]> {
  const stored = new Map(
    (await deps.store.listState<StoredBoard>(COLLECTION)).map((d) => [d.id, d.doc]),
  );
  const builtins: BoardAnswer[] = DASHBOARDS.map((b) => {
    const own = stored.get(b.id);
    return own ? { ...own, builtin: true, edited: true } : { ...b, builtin: true, edited: false };
  });
  const own: BoardAnswer[] = [...stored.values()]
    .filter((b) => !DASHBOARDS.some((d) => d.id === b.id))
    .sort((a, b) => a.title.localeCompare(b.title))
    .map((b) => ({ ...b, builtin: false, edited: true }));
  return [...builtins, ...own];
}

export function dashboardRoutes(r: Routes, deps: ServerDeps): void {
  r.add('GET', '/api/dashboards', async (c) => c.json(await listBoards(deps)));
  r.add('PUT', '/api/dashboards/:id', async (c) => {
    const id = checkId(c.req.param('id') ?? '');
    const body = await jsonBody(c, boardSchema);
    const problems: Array<{ field: string; message: string }> = [];
    const ids = new Set<string>();
    for (const [i, p] of body.panels.entries()) {
      if (ids.has(p.id)) problems.push({ field: `panels.${i}.id`, message: 'used twice' });
      ids.add(p.id);
      if (p.kind !== 'status' && p.kind !== 'alerts') {
        if (!p.query) problems.push({ field: `panels.${i}.query`, message: 'a query is needed' });
        else if (deps.queries) {
          try {
            await deps.queries.check(p.query);
          } catch (error) {
            if (!(error instanceof M365HuntError)) throw error;
            problems.push({ field: `panels.${i}.query`, message: error.message });
          }
        }
      }
      if (p.kind === 'bar' && (!p.label || !p.value))
        problems.push({
          field: `panels.${i}`,
          message: 'a bar panel names its label and value columns',
        });
    }
    if (problems.length) throw badRequest('the dashboard is not valid', { problems });
    const doc: StoredBoard = {
      id,
      ...body,
      owner: caller(c).user,
      updated: new Date().toISOString(),
    };
    await deps.store.putState(COLLECTION, id, doc);
    const answer = (await listBoards(deps)).find((b) => b.id === id);
    return c.json(answer);
  });
  r.add('DELETE', '/api/dashboards/:id', async (c) => {
    const id = checkId(c.req.param('id') ?? '');
    const existed = await deps.store.deleteState(COLLECTION, id);
    if (!existed && !DASHBOARDS.some((d) => d.id === id)) throw notFound(`dashboard ${id}`);
    // A built-in board is back to its shipped panels; one of the team's own is gone.
    return c.json({ deleted: existed, builtin: DASHBOARDS.some((d) => d.id === id) });
  });
}
