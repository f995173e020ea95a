// The one-command demo: a simulated tenant with every attack scenario, collected into a fresh
// store (backfill with progress), the rule packs evaluated, the app served with a generated admin
// password, and the tenant kept producing activity in accelerated time until stopped.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listAlerts } from '../alerts/store/alert-store.js';
import { loadConfig } from '../config/load.js';
import { startSimulator, type ScenarioInfo, type SimulatorHandle } from '../simulator/index.js';
import { Collection } from '../sources/collection.js';
import {
  SOURCE as MANAGEMENT,
  type StreamProgress,
} from '../sources/management-activity/collector.js';
import type { Store } from '../store/store.js';
import { M365HuntError } from '../util/errors.js';
import { throwIfStopped } from '../util/wait.js';
import { createLogger, type Logger } from '../util/log.js';
import { startAlerting } from './alerting.js';
import { Accounts } from '../server/auth/accounts.js';
import { generatePassword } from '../server/auth/passwords.js';
import { Tokens } from '../server/auth/tokens.js';
import { openStoreFromOptions } from './store.js';
import { startServer, type RunningServer } from './runtime.js';
import { serverSettings } from '../server/settings.js';

export interface DemoOptions {
  readonly host?: string;
  readonly port?: number;
  readonly users?: number;
  /** Days of history before the simulated now. */
  readonly days?: number;
  /** Simulated seconds per real second once running. */
  readonly speed?: number;
  /**
   * The simulated present at start (default: the real one). The server's "now" (time ranges,
   * collection lag) and the alert and respond clocks follow the simulated clock from there, so
   * that a pinned `now` makes the demo's data and every answer independent of the wall clock.
   */
  readonly now?: Date;
  readonly seed?: number;
  /** Working folder; a new temporary one (removed on close) by default. */
  readonly dir?: string;
  readonly log?: Logger;
  /** Backfill progress, for a terminal. */
  readonly progress?: (p: { fraction: number; records: number; blobs: number }) => void;
  /**
   * A stop request (SIGINT/SIGTERM): during start-up everything started is closed and startDemo
   * rejects with Stopped; once running, the collector stops at once (close() does the rest).
   */
  readonly signal?: AbortSignal;
}

export interface Demo {
  readonly url: string;
  readonly admin: { readonly name: string; readonly password: string };
  /** A viewer API token for the terminal (`query --server`), shown once like the password. */
  readonly cliToken: string;
  readonly scenarios: readonly ScenarioInfo[];
  readonly tour: readonly string[];
  readonly simulator: SimulatorHandle;
  readonly server: RunningServer;
  readonly store: Store;
  readonly dir: string;
  /** The store's location (`duckdb:/tmp/…/m365hunt.duckdb`), for the CLI. */
  readonly storeLocation: string;
  /** Days of history the simulator made and the collector backfilled. */
  readonly days: number;
  readonly records: number;
  readonly alerts: number;
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? createLogger('demo');
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  // A busy port must fail now, not after the whole backfill.
  await assertPortFree(host, port);
  const ownDir = !options.dir;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'm365hunt-demo-')));
  // One day of history: every scenario fits in it, and the backfill stays around 20 s (each
  // blob is one store commit).
  const days = options.days ?? 1;
  const simulator = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    seed: options.seed ?? 7,
    users: options.users ?? 60,
    days,
    scenarios: ['all'],
    speed: options.speed ?? 6,
    now: options.now ?? new Date(),
    // Graph's audit-log limit (5 requests per 10 s) would make the demo's sign-in backfill slow;
    // the demo is about what the data shows, so the simulator lets it through.
    switches: { auditLogThrottlePer10Seconds: 1000 },
  });
  const cleanups: Array<() => Promise<unknown>> = [() => simulator.close()];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    const file = join(dir, 'm365hunt.json');
    // With the Graph sources: they feed the sign-in and mail dashboards and the takeover rules.
    await simulator.writeConfig(file, { graph: true });
    // Poll often and backfill only the simulated history: a demo should feel live.
    const config = JSON.parse(await readFile(file, 'utf8')) as {
      inputs: { office365: Record<string, unknown> };
      server?: Record<string, unknown>;
    };
    config.inputs.office365.poll_interval = '10s';
    // A day more than the history, so that nothing of it is left behind, but never past the
    // 7 days Microsoft keeps content (config/load.ts refuses more; docs/simulator.md, "History").
    // Graph keeps its logs longer (30 and 90 days): its sources take the whole day more.
    config.inputs.office365.backfill = `${Math.min(days + 1, 7)}d`;
    const services = config.inputs.office365.services as Record<string, Record<string, unknown>>;
    for (const graph of ['entra_id', 'message_trace'])
      if (services[graph]) services[graph].backfill = `${days + 1}d`;
    // The simulator answers from memory on loopback: more blobs in flight make the backfill faster.
    config.inputs.office365.concurrency = 16;
    config.server = { host, port };
    await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
    const resolved = loadConfig(file);
    const store = await openStoreFromOptions({}, { config: resolved });
    cleanups.push(() => store.close());

    const password = generatePassword();
    await new Accounts(store).create('admin', 'admin', password);
    const cliToken = (await new Tokens(store).create('admin', 'terminal (demo)', 'viewer')).token;

    const streams = new Map<string, StreamProgress>();
    // The bar follows the Management streams: one blob, one store commit, they take most of the
    // time, while the Graph streams finish their backfill in seconds and would fill half the bar
    // at once. A Management stream reports after its first listing window (a day of content).
    const managementStreams = resolved.instances.reduce((a, i) => a + i.contentTypes.length, 0);
    const collection = new Collection(resolved, store, {
      log: log.child('collect'),
      signal: options.signal,
      progress: {
        update(key, p) {
          streams.set(`${key.source}/${key.tenant}/${key.stream}`, p);
          const all = [...streams.entries()];
          const management = all.filter(([k]) => k.startsWith(`${MANAGEMENT}/`));
          const [followed, count] =
            managementStreams > 0 ? [management, managementStreams] : [all, all.length];
          options.progress?.({
            fraction: followed.reduce((a, [, s]) => a + s.fraction, 0) / Math.max(1, count),
            records: all.reduce((a, [, s]) => a + s.records, 0),
            blobs: all.reduce((a, [, s]) => a + s.blobs, 0),
          });
        },
      },
    });
    const summaries = await collection.once();
    throwIfStopped(options.signal);
    const records = summaries.flatMap((s) => s.results).reduce((a, r) => a + r.inserted, 0);
    for (const s of summaries)
      for (const r of s.results) if (r.error) log.warn(`${r.key.stream}: ${r.error}`);

    // The app lives in the simulated tenant's time: "now" in a range, the lag of collection, and
    // the times of alerts and actions all read the simulator's clock.
    const now = () => simulator.now();
    const engine = startAlerting(store, resolved, { log: log.child('alerts'), now });
    await engine?.trigger();
    const raisedAlerts = await listAlerts(store);
    const raised = raisedAlerts.length;
    throwIfStopped(options.signal);

    const server = await startServer({
      store,
      config: resolved,
      settings: serverSettings(resolved),
      engine,
      collect: true,
      log: log.child('server'),
      now,
      signal: options.signal,
    });
    cleanups.push(() => server.close());
    const scenarios = simulator.scenarios();
    return {
      url: server.url,
      admin: { name: 'admin', password },
      cliToken,
      scenarios,
      tour: guidedTour(server.url, scenarios, raisedAlerts),
      simulator,
      server,
      store,
      dir,
      storeLocation: store.location,
      days,
      records,
      alerts: raised,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

const SEED5 =
  'from cloud.office365.management.onedrive where Operation = "SharingSet" select str(jsonparse(message)["ObjectId"]) as file where weakhas(file,"strategic") select str(jsonparse(message)["ClientIP"]) as ip, str(jsonparse(message)["TargetUserOrGroupName"]) as recipient';

/** What to look at first, with the simulated attackers' names. */
export function guidedTour(
  url: string,
  scenarios: readonly ScenarioInfo[],
  alerts: ReadonlyArray<{
    id: string;
    title: string;
    severity: string;
    entities: { user?: string[] };
  }> = [],
): string[] {
  const insider = scenarios.find((s) => s.name === 'insider-exfiltration');
  const spray = scenarios.find((s) => s.name === 'password-spray');
  const who = insider?.actors[0] ?? 'the insider';
  // The alert to open: the most severe one naming the insider.
  const rank = ['critical', 'high', 'medium', 'low'];
  const alert = alerts
    .filter((a) => a.entities.user?.some((u) => u.toLowerCase() === who.toLowerCase()))
    .sort((a, b) => rank.indexOf(a.severity) - rank.indexOf(b.severity))[0];
  const search = `${url}/search?${new URLSearchParams({ q: SEED5, from: 'now-7d', to: 'now' }).toString()}`;
  const lines = [
    alert
      ? `1. Alerts: open "${alert.title}" (${url}/alerts/${encodeURIComponent(alert.id)}); it names ${who}.`
      : `1. Alerts (${url}/alerts): look for ${who}, who ${insider?.title.toLowerCase() ?? 'shares strategic files outside'}.`,
    `2. Follow ${who} to the user page (${url}/users/${encodeURIComponent(who)}): files shared outside and with whom, sign-in addresses, timeline.`,
    `3. Search: which accounts share strategic files, and with whom (seed use case 5):\n   ${search}`,
    `4. Dashboards (${url}/dashboards): sharing and exfiltration, sign-ins${spray ? ` (the password spray on ${spray.actors.slice(0, 2).join(', ')})` : ''}, Teams, Entra ID sign-ins by country and mail flow, collector health.`,
    `5. Respond: on ${who}'s page, a dry run of the disable shows each change; propose it, and a second person (another responder: add one in Settings) approves it in the action log (four eyes). Then close ${who}'s alerts as handled.`,
  ];
  const others = scenarios.filter((s) => s !== insider && s !== spray);
  if (others.length) {
    lines.push('   Other simulated attacks to find:');
    for (const s of others)
      lines.push(`   - ${s.title} (${s.actors.slice(0, 2).join(', ') || 'no named actor'})`);
  }
  return lines;
}

/** Fails with a clear error when something already listens on host:port (0: any port will do). */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new M365HuntError(
          error.code === 'EADDRINUSE'
            ? `Port ${port} on ${host} is in use by another program.`
            : `Cannot listen on ${host}:${port}: ${error.message}`,
          { hint: 'Stop that program, or give another port: --port 8081 (or --port 0 for any).' },
        ),
      );
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
