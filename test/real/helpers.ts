// The real-record corpus (test/fixtures/real/, provenance in its SOURCES.md): its files, and the
// rule packs run over a store that holds them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultAlertsConfig } from '../../src/alerts/config.js';
import { AlertEngine } from '../../src/alerts/engine/engine.js';
import { loadPacks } from '../../src/alerts/rules/packs.js';
import type { RulePlan } from '../../src/alerts/rules/profiles.js';
import { resolveTunables, type TunableValue } from '../../src/alerts/rules/tunables.js';
import { listAlerts } from '../../src/alerts/store/alert-store.js';
import type { AlertView } from '../../src/alerts/store/model.js';
import type { Store } from '../../src/store/store.js';
import { createLogger } from '../../src/util/log.js';

export const REAL = join(import.meta.dirname, '..', 'fixtures', 'real');

/** The corpus's record files of a kind (`management`, `sentinel`, `graph`), labels left out. */
export function corpusFiles(kind: 'management' | 'sentinel' | 'graph'): string[] {
  return readdirSync(join(REAL, kind))
    .filter((f) => f.endsWith('.ndjson') && !f.endsWith('.labels.ndjson'))
    .sort()
    .map((f) => join(REAL, kind, f));
}

/** The JSON objects of an NDJSON file (lines that are not JSON are left out). */
export function readNdjson(file: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A record published as invalid JSON: the import test expects it quarantined.
    }
  }
  return out;
}

/**
 * Every rule of the packs over everything stored, as the engine runs them (tunables as given,
 * defaults otherwise), with the clock after the last record. Returns the alerts raised.
 */
export async function runAllRules(
  store: Store,
  clients: ReadonlyMap<string, string>,
  now: Date,
  tuning: Readonly<Record<string, Readonly<Record<string, TunableValue>>>> = {},
): Promise<AlertView[]> {
  const plans: RulePlan[] = [...loadPacks().rules.values()].map((rule) => ({
    rule,
    profiles: [
      {
        rule,
        scope: { except: [] },
        severity: rule.def.severity,
        tuning: resolveTunables(rule.def.tunables, tuning[rule.id] ?? {}),
      },
    ],
  }));
  const engine = new AlertEngine({
    store,
    plans,
    config: defaultAlertsConfig(new Map(clients)),
    log: createLogger('real records'),
    now: () => now,
  });
  const summary = await engine.run();
  if (summary.errors.length > 0) {
    throw new Error(summary.errors.map((e) => `${e.rule}: ${e.message}`).join('\n'));
  }
  return listAlerts(store);
}
