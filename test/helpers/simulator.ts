// The simulator for collector tests: started on 127.0.0.1 with an OS-chosen port, its collector
// config written next to a store, and the ground truth read back as sets of record ids.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { loadConfig, type ResolvedConfig } from '../../src/config/load.js';
import type { TruthLine } from '../../src/records/audit-record.js';
import {
  startSimulator,
  type SimulatorHandle,
  type SimulatorOptions,
} from '../../src/simulator/index.js';
import type { Store } from '../../src/store/store.js';

/** A fixed start for the sim clock, so that runs are reproducible. */
export const SIM_NOW = new Date('2026-11-20T12:00:00Z');

export async function startTestSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const sim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    seed: 7,
    users: 30,
    days: 2,
    scenarios: ['all'],
    now: SIM_NOW,
    speed: 0,
    ...options,
  });
  afterAll(() => sim.close());
  return sim;
}

/**
 * Writes the simulator's collector config into `dir` (with test-friendly overrides) and loads it.
 * `requests_per_minute` is raised unless given: throttling is tested on purpose, not by accident.
 */
export async function simConfig(
  sim: SimulatorHandle,
  dir: string,
  overrides: Record<string, unknown> = {},
  name = 'config.json',
): Promise<{ file: string; config: ResolvedConfig }> {
  const file = join(dir, name);
  await sim.writeConfig(file);
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    inputs: { office365: Record<string, unknown> };
    store?: Record<string, unknown>;
  };
  Object.assign(json.inputs.office365, { requests_per_minute: 1_000_000, ...overrides });
  json.store = { db: join(dir, 'store.duckdb') };
  writeFileSync(file, JSON.stringify(json, null, 2));
  return { file, config: loadConfig(file) };
}

export async function truthLines(sim: SimulatorHandle, availableOnly = true): Promise<TruthLine[]> {
  const lines: TruthLine[] = [];
  for await (const line of sim.truth({ availableOnly })) lines.push(line);
  return lines;
}

export async function storedIds(store: Store): Promise<{ ids: Set<string>; rows: number }> {
  const rows = await store.queryAll({ sql: 'SELECT "Id" FROM management', params: [] });
  return { ids: new Set(rows.map((r) => String(r.Id))), rows: rows.length };
}

/** Differences between the stored ids and the expected ones, small enough to print. */
export function compareIds(
  expected: ReadonlySet<string>,
  stored: { ids: Set<string>; rows: number },
): { missing: string[]; extra: string[]; duplicates: number } {
  const missing = [...expected].filter((id) => !stored.ids.has(id));
  const extra = [...stored.ids].filter((id) => !expected.has(id));
  return {
    missing: missing.slice(0, 5).concat(missing.length > 5 ? [`… ${missing.length} in all`] : []),
    extra: extra.slice(0, 5).concat(extra.length > 5 ? [`… ${extra.length} in all`] : []),
    duplicates: stored.rows - stored.ids.size,
  };
}
