// Lookup tables (docs/lookups.md): list them, read a version's rows, load a CSV as a new version
// (1 MiB per request; the CLI loads larger files), choose the version queries read, delete.
import { z } from 'zod';
import { loadLookupCsv } from '../../lookups/load.js';
import {
  checkLookupName,
  deleteLookup,
  getLookup,
  listLookups,
  readLookupRows,
  setCurrentVersion,
} from '../../store/lookups.js';
import type { ServerDeps } from '../deps.js';
import { badRequest, notFound } from '../http/errors.js';
import { jsonBody } from '../http/validate.js';
import { caller, type Routes } from './types.js';

/** Rows a GET answers with at most (the CLI's `lookups show --csv` gives all). */
const MAX_ROWS = 1000;

function lookupName(text: string | undefined): string {
  const name = text ?? '';
  const bad = checkLookupName(name);
  if (bad) throw badRequest(bad, { problems: [{ field: 'name', message: 'not a lookup name' }] });
  return name;
}

const loadSchema = z
  .object({
    csv: z.string().min(1, 'the CSV is empty'),
    key: z.string().min(1).max(200).optional(),
    /** Where it came from: a file name, shown in the version list. */
    source: z.string().max(200).optional(),
  })
  .strict();

export function lookupRoutes(r: Routes, deps: ServerDeps): void {
  r.add('GET', '/api/lookups', async (c) => c.json(await listLookups(deps.store)));

  r.add('GET', '/api/lookups/:name', async (c) => {
    const name = lookupName(c.req.param('name'));
    const doc = await getLookup(deps.store, name);
    if (!doc) throw notFound(`lookup ${name}`);
    const asked = c.req.query('version');
    const n = asked === undefined ? doc.current : Number(asked);
    const version = doc.versions.find((v) => v.version === n);
    if (!version) throw notFound(`version ${asked} of ${name}`);
    const rows = await readLookupRows(deps.store, version, MAX_ROWS);
    return c.json({ ...doc, shown: version.version, rows, truncated: version.rows > rows.length });
  });

  r.add('POST', '/api/lookups/:name', async (c) => {
    const name = lookupName(c.req.param('name'));
    const body = await jsonBody(c, loadSchema);
    const version = await loadLookupCsv(deps.store, {
      name,
      csv: body.csv,
      by: caller(c).user,
      source: body.source ?? 'api',
      ...(body.key !== undefined ? { key: body.key } : {}),
    });
    return c.json(version, 201);
  });

  r.add('PUT', '/api/lookups/:name/current', async (c) => {
    const name = lookupName(c.req.param('name'));
    const body = await jsonBody(c, z.object({ version: z.number().int().min(1) }).strict());
    try {
      return c.json(await setCurrentVersion(deps.store, name, body.version));
    } catch (error) {
      throw badRequest((error as Error).message);
    }
  });

  r.add('DELETE', '/api/lookups/:name', async (c) => {
    const name = lookupName(c.req.param('name'));
    return c.json({ deleted: await deleteLookup(deps.store, name) });
  });
}
