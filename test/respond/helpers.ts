// A tenant to respond in: the simulator on 127.0.0.1 (OS-chosen port), its records collected by the
// real collector into a DuckDB file, and responders built on the same configuration. The Graph
// client retries with short back-offs (Retry-After is still honoured as Graph gives it).
import { readFileSync, writeFileSync } from 'node:fs';
import { Collection } from '../../src/sources/collection.js';
import { openStore } from '../../src/store/open.js';
import type { SqlValue, Store } from '../../src/store/store.js';
import { loadConfig, type ResolvedConfig } from '../../src/config/load.js';
import { runLinq } from '../../src/linq/index.js';
import { Responder } from '../../src/respond/index.js';
import type { SimulatorHandle, SimulatorOptions } from '../../src/simulator/index.js';
import { createLogger } from '../../src/util/log.js';
import { simConfig, startTestSimulator } from '../helpers/simulator.js';
import { tempDir } from '../helpers/temp.js';

export interface RespondWorld {
  readonly sim: SimulatorHandle;
  readonly dir: string;
  readonly file: string;
  readonly config: ResolvedConfig;
  readonly store: Store;
  /** The insider of the insider-exfiltration scenario. */
  readonly insider: string;
  /** A new responder (a new token: permissions changed with setApp show in it). */
  responder(options?: { respond?: Record<string, unknown> }): Responder;
  collect(): Promise<number>;
}

export const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 200 };

export async function respondWorld(options: SimulatorOptions = {}): Promise<RespondWorld> {
  const dir = tempDir('m365hunt-respond-');
  const sim = await startTestSimulator({
    users: 20,
    days: 1,
    scenarios: ['insider-exfiltration'],
    ...options,
  });
  const { file, config } = await simConfig(sim, dir);
  const store = await openStore(config.store.url!);
  const log = createLogger('test');
  const collection = new Collection(config, store, { log, retry: FAST_RETRY });
  const insider = sim.scenarios().find((s) => s.name === 'insider-exfiltration')?.actors[0] ?? '';
  const world: RespondWorld = {
    sim,
    dir,
    file,
    config,
    store,
    insider,
    responder: (o = {}) => {
      const c = o.respond ? withRespond(file, o.respond) : config;
      return new Responder({ store, config: c, log, retry: FAST_RETRY });
    },
    async collect() {
      const summaries = await collection.once();
      return summaries.flatMap((s) => s.results).reduce((n, r) => n + r.inserted, 0);
    },
  };
  await world.collect();
  return world;
}

/** The configuration with a `respond` section (written next to it, so positions still work). */
export function withRespond(file: string, respond: Record<string, unknown>): ResolvedConfig {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const other = file.replace(/\.json$/, `.respond-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(other, JSON.stringify({ ...json, respond }, null, 2));
  return loadConfig(other);
}

/** Rows of a LINQ query over all time, as objects. */
export async function linq(store: Store, text: string): Promise<Array<Record<string, SqlValue>>> {
  const result = await runLinq(store, text, {
    from: new Date('2000-01-01T00:00:00Z'),
    to: new Date('2100-01-01T00:00:00Z'),
  });
  const rows: Array<Record<string, SqlValue>> = [];
  for await (const chunk of result.chunks()) {
    for (const values of chunk) {
      const row: Record<string, SqlValue> = {};
      result.columns.forEach((c, i) => (row[c.name] = values[i] ?? null));
      rows.push(row);
    }
  }
  return rows;
}

/** The tenant's users as the simulator's control surface lists them. */
export async function tenantUsers(
  sim: SimulatorHandle,
): Promise<Array<{ userPrincipalName: string; adminRoles: string[]; department?: string }>> {
  const tenant = (await (await fetch(`${sim.url}/_sim/tenant`)).json()) as {
    users: Array<{ userPrincipalName: string; adminRoles: string[]; department?: string }>;
  };
  return tenant.users;
}

export const operator = { name: 'ana.analyst', via: 'cli' as const };
export const responderActor = { name: 'rui.responder', via: 'server' as const };
