// The bundled Microsoft 365 simulator: public API. Start it, point a collector at `url`, read the
// ground truth, turn the realism switches, advance the clock. See docs/simulator.md.
import { chmod, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { M365HuntConfig, ServiceConfig } from '../config/types.js';
import type { TruthLine } from '../records/audit-record.js';
import type { AppPatch } from './auth/app-registry.js';
import { createCertificate } from './auth/x509.js';
import { graphTruth, type GraphTruthSource } from './graph/truth.js';
import { startServer } from './http/server.js';
import { type RealismSwitches, type SimulatorOptions, resolveOptions } from './options.js';
import type { ScenarioInfo } from './scenarios/index.js';
import { Simulator, type TenantState } from './simulator.js';

export type { RealismSwitches, SimulatorOptions, AppSettings } from './options.js';
export {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_SWITCHES,
  DEFAULT_TENANT_ID,
  DEFAULT_GRAPH_ROLES,
  DEFAULT_MANAGE_ROLES,
} from './options.js';
export type { TruthLine } from '../records/audit-record.js';
export type { ScenarioInfo } from './scenarios/index.js';
export { SCENARIO_NAMES } from './scenarios/index.js';
export { GRAPH_TRUTH_SOURCES, type GraphTruthSource } from './graph/truth.js';
export type { AppPatch } from './auth/app-registry.js';
export { createCertificate, type Certificate, type CertificateSpec } from './auth/x509.js';

export interface SimulatorHandle {
  /** Base URL serving login, manage, graph and /_sim, e.g. http://127.0.0.1:41234 */
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** PEM of the self-signed certificate when started with `https: true` (trust it in the client). */
  caCertificate: string | null;
  /** Current sim time. */
  now(): Date;
  /** Moves the sim clock forward: finished slices are generated, due blobs published. */
  advance(ms: number): Promise<void>;
  /** Sim seconds per real second from now on (0 freezes the clock). */
  setSpeed(speed: number): void;
  setSwitches(s: Partial<RealismSwitches>): void;
  switches(): RealismSwitches;
  /**
   * Ground truth as an async iterable of TruthLine (one line per published record copy; a
   * duplicated record appears once per blob). `availableOnly`: only blobs a collector can list
   * and download right now; otherwise everything planned so far, published or pending.
   * `source`: the truth of a Graph source instead (`signIns`, `directoryAudits`, `messageTraces`:
   * availableOnly = visible in Graph now; `reports`: the rows of today's reports), with
   * contentType `Graph.SignIns`, … (see graph/truth.ts).
   */
  truth(opts?: { availableOnly?: boolean; source?: GraphTruthSource }): AsyncIterable<TruthLine>;
  counters(): Record<string, number>;
  scenarios(): ScenarioInfo[];
  /**
   * Writes a collector config (src/config/types.ts format) and `<file>.secret` (mode 0600).
   * `graph`: the Graph sources too (Entra ID, message trace, usage reports), at request rates
   * within the simulator's own audit-log limit.
   */
  writeConfig(file: string, options?: { graph?: boolean }): Promise<void>;
  /** Changes the registered app (roles, secrets, certificates, consent). */
  setApp(patch: AppPatch): void;
  /** Tenant lifecycle errors: 'deleted' → AF20011, 'misconfigured' → AF20012. */
  setTenantState(state: TenantState): void;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const opts = resolveOptions(options);
  const sim = new Simulator(opts);
  let tls: { cert: string; key: string } | null = null;
  if (opts.https === true) {
    const cert = createCertificate({
      commonName: opts.host,
      altNames: [...new Set([opts.host, '127.0.0.1', 'localhost', '::1'])],
    });
    tls = { cert: cert.certPem, key: cert.keyPem };
  } else if (opts.https) {
    tls = opts.https;
  }
  const server = await startServer(sim, opts.host, opts.port, tls);
  const ticker = setInterval(() => {
    try {
      sim.sync();
    } catch (error) {
      process.emitWarning(`simulator: ${(error as Error).message}`);
    }
  }, 1000);
  ticker.unref();
  let closed = false;

  return {
    url: server.url,
    tenantId: opts.tenantId,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    caCertificate: tls ? tls.cert : null,
    now: () => new Date(sim.now()),
    advance: async (ms) => {
      sim.advance(ms);
      await new Promise((r) => setImmediate(r));
    },
    setSpeed: (speed) => {
      sim.sync();
      sim.clock.setSpeed(speed);
    },
    setSwitches: (s) => void sim.setSwitches(s),
    switches: () => structuredClone(sim.switches),
    truth: ({ availableOnly = false, source } = {}) => ({
      async *[Symbol.asyncIterator]() {
        let n = 0;
        const lines = source ? graphTruth(sim, source, availableOnly) : sim.truth(availableOnly);
        for (const line of lines) {
          yield line;
          if (++n % 5000 === 0) await new Promise((r) => setImmediate(r));
        }
      },
    }),
    counters: () => {
      sim.sync();
      const stats = Object.fromEntries(
        Object.entries(sim.catalog.stats).map(([k, v]) => [`catalog.${k}`, v]),
      );
      return { ...sim.counters.snapshot(), ...stats };
    },
    scenarios: () => sim.scenarios.infos(),
    writeConfig: async (file, options = {}) => {
      const secretFile = `${resolve(file)}.secret`;
      // The collector's budgets are the simulator's limits (Microsoft's, unless switched).
      const auditLimit = sim.switches.auditLogThrottlePer10Seconds;
      const traceLimit = sim.switches.messageTraceThrottlePer5Minutes;
      const graph: Record<string, ServiceConfig> = options.graph
        ? {
            entra_id: { requests_per_10s: auditLimit > 0 ? Math.min(100, auditLimit) : 100 },
            message_trace: { requests_per_5min: traceLimit > 0 ? traceLimit : 100_000 },
            reports: {},
          }
        : {};
      const config: M365HuntConfig = {
        inputs: {
          office365: {
            id: '10001',
            enabled: true,
            name: `${sim.tenant.name} (simulated)`,
            credentials: {
              tenant_id: opts.tenantId,
              client_id: opts.clientId,
              client_secret_file: secretFile,
            },
            services: {
              azure_active_directory: {},
              general_audit: {},
              exchange: {},
              sharepoint: {},
              dlp: {},
              ...graph,
            },
            cloud: 'commercial',
            endpoints: { login: server.url, manage: server.url, graph: server.url },
          },
        },
        store: { db: './m365hunt.duckdb' },
      };
      await writeFile(secretFile, `${opts.clientSecret}\n`, { mode: 0o600 });
      await chmod(secretFile, 0o600);
      await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
    },
    setApp: (patch) => sim.updateApp(patch),
    setTenantState: (state) => {
      sim.tenantState = state;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(ticker);
      await server.close();
      sim.sync();
    },
  };
}
