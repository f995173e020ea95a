// The simulator's ground truth against a store, for every source: Management Activity records,
// the Graph logs (sign-ins, directory audits, message trace) and the usage reports. Each check
// answers what is missing, what is extra and what is stored twice.
import type { SimulatorHandle } from '../../src/simulator/index.js';
import type { Store } from '../../src/store/store.js';
import { compareIds, storedIds, truthLines } from '../helpers/simulator.js';

export const LOG_TABLES = {
  signIns: 'azure_ad_signin',
  directoryAudits: 'azure_ad_audit',
  messageTraces: 'messagetracing',
} as const;

export interface Difference {
  expected: number;
  missing: string[];
  extra: string[];
  duplicates: number;
}

/** Stored ids of a Graph log against the simulator's truth of what Graph shows now. */
export async function compareLog(
  sim: SimulatorHandle,
  s: Store,
  source: keyof typeof LOG_TABLES,
): Promise<Difference> {
  const expected = new Set<string>();
  for await (const l of sim.truth({ source, availableOnly: true })) expected.add(l.Id);
  const rows = await s.queryAll({ sql: `SELECT id FROM ${LOG_TABLES[source]}`, params: [] });
  const ids = new Set(rows.map((r) => String(r.id)));
  return {
    expected: expected.size,
    missing: [...expected].filter((id) => !ids.has(id)).slice(0, 5),
    extra: [...ids].filter((id) => !expected.has(id)).slice(0, 5),
    duplicates: rows.length - ids.size,
  };
}

/** Stored usage report rows against the rows of today's reports. */
export async function compareReports(
  sim: SimulatorHandle,
  s: Store,
): Promise<{ expected: number; missing: string[]; extra: number }> {
  const expected = new Set<string>();
  for await (const l of sim.truth({ source: 'reports' })) expected.add(l.Id);
  const stored = new Set<string>();
  for (const table of [
    'emailactivity',
    'mailboxusage',
    'onedriveactivity',
    'sharepointactivity',
    'teamsuseractivity',
  ]) {
    const rows = await s.queryAll({
      sql: `SELECT "reportName" AS f, "reportRefreshDate" AS d, "userPrincipalName" AS u FROM reporting_${table}`,
      params: [],
    });
    for (const r of rows) stored.add(`${String(r.f)}|${String(r.d)}|${String(r.u)}`);
  }
  return {
    expected: expected.size,
    missing: [...expected].filter((k) => !stored.has(k)).slice(0, 5),
    extra: [...stored].filter((k) => !expected.has(k)).length,
  };
}

/** Management Activity records against the blobs a collector can list now. */
export async function compareManagement(sim: SimulatorHandle, s: Store): Promise<Difference> {
  const expected = new Set((await truthLines(sim)).map((l) => l.Id));
  return { expected: expected.size, ...compareIds(expected, await storedIds(s)) };
}

/**
 * Every source at once, as one value a test compares with `exactTruth(...)`: the counts of what
 * was expected are kept apart (they must be > 0, and are not part of the equality).
 */
export async function compareAll(
  sim: SimulatorHandle,
  s: Store,
): Promise<{ expected: Record<string, number>; differences: Record<string, unknown> }> {
  const expected: Record<string, number> = {};
  const differences: Record<string, unknown> = {};
  const m = await compareManagement(sim, s);
  expected.management = m.expected;
  differences.management = { missing: m.missing, extra: m.extra, duplicates: m.duplicates };
  for (const source of Object.keys(LOG_TABLES) as Array<keyof typeof LOG_TABLES>) {
    const c = await compareLog(sim, s, source);
    expected[source] = c.expected;
    differences[source] = { missing: c.missing, extra: c.extra, duplicates: c.duplicates };
  }
  const r = await compareReports(sim, s);
  expected.reports = r.expected;
  differences.reports = { missing: r.missing, extra: r.extra };
  return { expected, differences };
}

/** What compareAll answers when the store holds exactly the truth. */
export function exactTruth(): Record<string, unknown> {
  const none = { missing: [], extra: [], duplicates: 0 };
  return {
    management: none,
    signIns: none,
    directoryAudits: none,
    messageTraces: none,
    reports: { missing: [], extra: 0 },
  };
}
