// The composition of `serve` (src/app/runtime.ts): given a store and a configuration, startServer
// runs the collectors and starts alerting itself (app/alerting.ts), so that the command line only
// opens the store and waits for a signal. The simulator over HTTP on loopback, a real DuckDB file.
import { describe, expect, it } from 'vitest';
import { listAlerts } from '../../src/alerts/store/alert-store.js';
import { startServer } from '../../src/app/runtime.js';
import { DEFAULT_SETTINGS } from '../../src/server/settings.js';
import { openStore } from '../../src/store/open.js';
import { simConfig, startTestSimulator } from '../helpers/simulator.js';
import { tempDir } from '../helpers/temp.js';

describe('startServer', () => {
  it('collects and raises the alerts of the simulated attacks with no runner given', async () => {
    const dir = tempDir();
    const sim = await startTestSimulator({ users: 30, days: 1 });
    const { config } = await simConfig(sim, dir);
    const store = await openStore(config.store.url!);
    try {
      const server = await startServer({
        store,
        config,
        settings: DEFAULT_SETTINGS,
        host: '127.0.0.1',
        port: 0,
        webRoot: null,
        now: () => sim.now(),
      });
      let rules = new Set<string>();
      try {
        // A generous bound: the alert decides, not the time it takes.
        for (let i = 0; i < 600 && !rules.has('exfiltration/collection-mass-download'); i++) {
          await new Promise((r) => setTimeout(r, 250));
          rules = new Set((await listAlerts(store)).map((a) => a.rule));
        }
      } finally {
        await server.close();
      }
      expect(rules.has('exfiltration/collection-mass-download')).toBe(true);
      expect(server.collection?.tenants.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
