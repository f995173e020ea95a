// The entra pack on the simulator over real HTTP: the Management API and the Graph sources
// collected into one store, the pack's rules evaluated by the engine. Each rule must raise an
// alert that holds records of the account-takeover scenario and names its victim, and none on
// benign activity.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultAlertsConfig } from '../../src/alerts/config.js';
import { AlertEngine } from '../../src/alerts/engine/engine.js';
import { judge } from '../../src/alerts/eval/evaluate.js';
import { setupAlerting } from '../../src/alerts/setup.js';
import { listAlerts } from '../../src/alerts/store/alert-store.js';
import { Collection } from '../../src/sources/collection.js';
import { openStore } from '../../src/store/open.js';
import { createLogger, setLogLevel } from '../../src/util/log.js';
import { simConfig, startTestSimulator } from '../helpers/simulator.js';
import { tempDir } from '../helpers/temp.js';

setLogLevel('error');

describe('entra pack on the simulator', () => {
  it(
    'every rule fires on the takeover scenario, names the victim, and stays quiet otherwise',
    { timeout: 300_000 },
    async () => {
      const sim = await startTestSimulator({
        users: 40,
        days: 2,
        seed: 3,
        scenarios: ['account-takeover', 'insider-exfiltration', 'password-spray'],
        switches: { auditLogThrottlePer10Seconds: 0, reportThrottlePer10Minutes: 0 },
      });
      const dir = join(tempDir(), 'entra-rules');
      mkdirSync(dir);
      const { config } = await simConfig(sim, dir, {
        services: {
          azure_active_directory: {},
          exchange: {},
          sharepoint: {},
          entra_id: { backfill: '3d', requests_per_10s: 100 },
          message_trace: { backfill: '3d', requests_per_5min: 100_000 },
        },
      });
      const store = await openStore(join(dir, 'store.duckdb'));
      try {
        const log = createLogger('test');
        const summaries = await new Collection(config, store, { log }).once();
        expect(summaries.flatMap((s) => s.results).filter((r) => r.error)).toEqual([]);
        const plans = setupAlerting(undefined).plans.filter((p) => p.rule.id.startsWith('entra/'));
        expect(plans).toHaveLength(4);
        const engine = new AlertEngine({
          store,
          plans,
          config: defaultAlertsConfig(new Map(config.instances.map((i) => [i.name, i.tenantId]))),
          log,
          now: () => sim.now(),
        });
        const run = await engine.run();
        expect(run.errors).toEqual([]);
        const labels = new Map<string, string>();
        for await (const l of sim.truth({ availableOnly: true })) labels.set(l.Id, l.label);
        for (const source of ['signIns', 'messageTraces'] as const)
          for await (const l of sim.truth({ source, availableOnly: true }))
            labels.set(l.Id, l.label);
        const takeover = sim.scenarios().filter((s) => s.name === 'account-takeover');
        const result = judge(plans, await listAlerts(store), labels, takeover, {
          users: 40,
          days: 2,
          seed: 3,
          records: 0,
          collectSeconds: 0,
          evaluateSeconds: 0,
        });
        expect(result.scenarios[0]!.detected).toBe(true);
        for (const rule of result.perRule) {
          expect(rule.scenarios, rule.id).toEqual(['account-takeover']);
          expect(rule.falsePositives, rule.id).toBe(0);
        }
        expect(result.scenarios[0]!.rules.sort()).toEqual(plans.map((p) => p.rule.id).sort());
      } finally {
        await store.close();
      }
    },
  );
});
