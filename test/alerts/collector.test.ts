// The engine inside the collector process: the real collector fills a DuckDB file from the
// simulator over HTTP, its commit hook schedules evaluations (debounced, never awaited by the
// collector), and the alerts of the labelled attacks are stored while collection goes on.
import { describe, expect, it } from 'vitest';
import { AlertRunner } from '../../src/alerts/runner.js';
import { setupAlerting } from '../../src/alerts/setup.js';
import { listAlerts } from '../../src/alerts/store/alert-store.js';
import { Collection } from '../../src/sources/collection.js';
import { openStore } from '../../src/store/open.js';
import { createLogger } from '../../src/util/log.js';
import { simConfig, startTestSimulator } from '../helpers/simulator.js';
import { tempDir } from '../helpers/temp.js';

describe('alerting in the collector', () => {
  it('evaluates after commits through the hook, without the collector waiting', async () => {
    const dir = tempDir();
    const sim = await startTestSimulator({ users: 30, days: 1 });
    const { config } = await simConfig(sim, dir);
    const store = await openStore(config.store.url!);
    try {
      const base = setupAlerting(config);
      const alerting = {
        ...base,
        config: { ...base.config, engine: { ...base.config.engine, debounceMs: 100 } },
      };
      let runs = 0;
      const hookCalls: number[] = [];
      const runner = new AlertRunner(store, alerting, {
        log: createLogger('alerts'),
        now: () => sim.now(),
        onRun: () => runs++,
      });
      const collection = new Collection(config, store, {
        log: createLogger('collect'),
        onCommit: () => {
          const t0 = performance.now();
          runner.onCommit();
          hookCalls.push(performance.now() - t0);
        },
      });
      await collection.once();
      // The hook returns at once: it only sets a timer.
      expect(hookCalls.length).toBeGreaterThan(0);
      expect(Math.max(...hookCalls)).toBeLessThan(5);
      await new Promise((r) => setTimeout(r, 300));
      await runner.stop();
      expect(runs).toBeGreaterThanOrEqual(2);
      const alerts = await listAlerts(store);
      const rules = new Set(alerts.map((a) => a.rule));
      expect(rules.has('exfiltration/collection-mass-download')).toBe(true);
      expect(rules.has('seed/defense-evasion-audit-configuration-removed')).toBe(true);
      // Every row was evaluated: a run now finds nothing new.
      const again = new AlertRunner(store, alerting, { now: () => sim.now() });
      const { summary } = await again.runOnce();
      expect(summary.raised + summary.updated).toBe(0);
    } finally {
      await store.close();
    }
  });
});
