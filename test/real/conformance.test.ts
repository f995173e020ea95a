// The simulator against real records: for every Operation that both the simulator and the corpus
// (test/fixtures/real/) have, each field the simulator writes must be in a real record of that
// Operation with the same value shapes, or be named in Microsoft's schema page
// (microsoft-schema-fields.json, taken from it), or be listed in src/simulator/unverified.ts with
// the reason. An UNVERIFIED entry that nothing needs any more fails the test: the list only
// shrinks. Panther's hand-written test logs are left out: they are not records of a tenant.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSentinelRow } from '../../src/ingest/import/sentinel/convert.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { UNVERIFIED, type Unverified } from '../../src/simulator/unverified.js';
import { collectAll, small, token } from '../simulator/helpers.js';
import { REAL, corpusFiles, readNdjson } from './helpers.js';
import { addShapes, type FieldShapes } from './shapes.js';

/** The list's length when it was last reviewed: it may go down, never up without a review. */
const MOST_UNVERIFIED = 14;

const documented = new Set(
  JSON.parse(readFileSync(join(REAL, 'microsoft-schema-fields.json'), 'utf8')) as string[],
);

let sim: SimulatorHandle;
const real = new Map<string, FieldShapes>();
const simulated = new Map<string, FieldShapes>();

function add(into: Map<string, FieldShapes>, record: Record<string, unknown>): void {
  const op = String(record.Operation);
  let shapes = into.get(op);
  if (!shapes) into.set(op, (shapes = new Map()));
  addShapes(shapes, record);
}

/** What the simulator writes that the evidence does not show: `op field [shape]`. */
interface Gap {
  readonly op: string;
  readonly field: string;
  readonly shape?: string;
}

function gaps(): Gap[] {
  const out: Gap[] = [];
  for (const [op, sim] of simulated) {
    const seen = real.get(op);
    if (!seen) continue;
    for (const [field, shapes] of sim) {
      const realShapes = seen.get(field);
      if (realShapes) {
        for (const shape of shapes) if (!realShapes.has(shape)) out.push({ op, field, shape });
      } else if (!documented.has(field.split('.').pop()!)) {
        out.push({ op, field });
      }
    }
  }
  return out;
}

function covers(u: Unverified, g: Gap): boolean {
  if (!u.fields?.includes(g.field)) return false;
  if (u.operations && !u.operations.includes(g.op)) return false;
  if (g.shape === undefined) return u.shapes === undefined;
  return u.shapes === undefined || u.shapes.includes(g.shape);
}

beforeAll(async () => {
  for (const file of corpusFiles('management')) {
    if (file.includes('panther')) continue;
    for (const r of readNdjson(file)) add(real, r);
  }
  for (const file of corpusFiles('sentinel')) {
    for (const r of readNdjson(file))
      add(real, convertSentinelRow(r).record as Record<string, unknown>);
  }
  sim = await small({ users: 40, days: 1, scenarios: ['all'] });
  const bearer = await token(sim);
  for (const blob of await collectAll(sim, bearer)) for (const r of blob.records) add(simulated, r);
}, 120_000);

afterAll(async () => {
  await sim.close();
});

describe('the simulator against real records', () => {
  it('compares a good part of what both have', () => {
    const common = [...simulated.keys()].filter((op) => real.has(op));
    expect(common).toEqual(
      expect.arrayContaining([
        'AnonymousLinkCreated',
        'SharingSet',
        'FileAccessed',
        'FileDownloaded',
        'MailItemsAccessed',
        'New-InboxRule',
        'Send',
      ]),
    );
  });

  it('writes no field or value shape without evidence, unless it is listed as UNVERIFIED', () => {
    const unexplained = gaps()
      .filter((g) => !UNVERIFIED.some((u) => covers(u, g)))
      .map((g) => `${g.op}: ${g.field}${g.shape ? ` as ${g.shape}` : ''}`);
    expect(unexplained).toEqual([]);
  });

  it('lists nothing that real records now show (the list only shrinks)', () => {
    const all = gaps();
    const stale = UNVERIFIED.filter((u) => u.fields && !all.some((g) => covers(u, g))).map(
      (u) => u.what,
    );
    expect(stale).toEqual([]);
    expect(UNVERIFIED.length).toBeLessThanOrEqual(MOST_UNVERIFIED);
  });
});
