// `m365hunt simulate`: the bundled Microsoft 365 simulator on loopback, until SIGINT/SIGTERM.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  DEFAULT_CLIENT_SECRET,
  SCENARIO_NAMES,
  type RealismSwitches,
  type SimulatorOptions,
  startSimulator,
} from '../../simulator/index.js';
import { M365HuntError } from '../../util/errors.js';

interface SimulateFlags {
  port: string;
  host: string;
  seed: string;
  users: string;
  days: string;
  scenario: string[];
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  truth?: string;
  writeConfig?: string;
  speed: string;
  now?: string;
  https?: boolean;
  caFile?: string;
  subscriptions: boolean;
  publicationDelay?: string;
  inOrder?: boolean;
  duplicateRate?: string;
  throttlePerMinute?: string;
  throttleStatus?: string;
  retryAfter?: string;
  transientErrorRate?: string;
  dropConnectionRate?: string;
  brokenBlobRate?: string;
  contentExpiryMinutes?: string;
  pageSize?: string;
  latencyMs?: string;
  graphThrottlePerMinute?: string;
}

function num(flag: string, value: string, check: (n: number) => boolean, what: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) {
    throw new M365HuntError(`--${flag} must be ${what} (got "${value}")`, { exitCode: 2 });
  }
  return n;
}

const int = (flag: string, value: string, min: number, max: number) =>
  num(
    flag,
    value,
    (n) => Number.isInteger(n) && n >= min && n <= max,
    `an integer from ${min} to ${max}`,
  );
const fraction = (flag: string, value: string) =>
  num(flag, value, (n) => n >= 0 && n <= 1, 'a number from 0 to 1');

function switchesFrom(f: SimulateFlags): Partial<RealismSwitches> {
  const s: Partial<RealismSwitches> = {};
  if (f.publicationDelay !== undefined) {
    const m = /^(\d+(?:\.\d+)?)\.\.(\d+(?:\.\d+)?)$/.exec(f.publicationDelay);
    if (!m || Number(m[1]) > Number(m[2])) {
      throw new M365HuntError(
        `--publication-delay must look like MIN..MAX in minutes, e.g. 5..180 (got "${f.publicationDelay}")`,
        {
          exitCode: 2,
        },
      );
    }
    s.publicationDelayMinutes = { min: Number(m[1]), max: Number(m[2]) };
  }
  if (f.inOrder) s.outOfOrder = false;
  if (f.duplicateRate !== undefined) s.duplicateRate = fraction('duplicate-rate', f.duplicateRate);
  if (f.throttlePerMinute !== undefined)
    s.throttlePerMinute = int('throttle-per-minute', f.throttlePerMinute, 0, 1e9);
  if (f.throttleStatus !== undefined) {
    if (f.throttleStatus !== '403' && f.throttleStatus !== '429') {
      throw new M365HuntError(`--throttle-status must be 403 or 429 (got "${f.throttleStatus}")`, {
        exitCode: 2,
      });
    }
    s.throttleStatus = Number(f.throttleStatus) as 403 | 429;
  }
  if (f.retryAfter !== undefined) {
    s.retryAfterSeconds =
      f.retryAfter === 'none'
        ? null
        : num('retry-after', f.retryAfter, (n) => n >= 0, 'seconds or "none"');
  }
  if (f.transientErrorRate !== undefined)
    s.transientErrorRate = fraction('transient-error-rate', f.transientErrorRate);
  if (f.dropConnectionRate !== undefined)
    s.dropConnectionRate = fraction('drop-connection-rate', f.dropConnectionRate);
  if (f.brokenBlobRate !== undefined)
    s.brokenBlobRate = fraction('broken-blob-rate', f.brokenBlobRate);
  if (f.contentExpiryMinutes !== undefined) {
    s.contentExpiryMinutes = num(
      'content-expiry-minutes',
      f.contentExpiryMinutes,
      (n) => n >= 1,
      'at least 1',
    );
  }
  if (f.pageSize !== undefined) s.pageSize = int('page-size', f.pageSize, 1, 100000);
  if (f.latencyMs !== undefined)
    s.latencyMs = num('latency-ms', f.latencyMs, (n) => n >= 0 && n <= 60000, '0..60000');
  if (f.graphThrottlePerMinute !== undefined) {
    s.graphThrottlePerMinute = int('graph-throttle-per-minute', f.graphThrottlePerMinute, 0, 1e9);
  }
  return s;
}

export function optionsFrom(f: SimulateFlags): SimulatorOptions {
  const scenarios = f.scenario.length === 0 ? ['all'] : f.scenario;
  for (const s of scenarios) {
    if (s !== 'all' && !SCENARIO_NAMES.includes(s)) {
      throw new M365HuntError(`unknown scenario "${s}"`, {
        hint: `known scenarios: ${SCENARIO_NAMES.join(', ')}, or all`,
        exitCode: 2,
      });
    }
  }
  let now: Date | undefined;
  if (f.now !== undefined) {
    now = new Date(f.now);
    if (Number.isNaN(now.getTime())) {
      throw new M365HuntError(
        `--now must be an ISO date such as 2026-03-02T12:00:00Z (got "${f.now}")`,
        { exitCode: 2 },
      );
    }
  }
  return {
    host: f.host,
    port: int('port', f.port, 0, 65535),
    seed: int('seed', f.seed, -2147483648, 2147483647),
    users: int('users', f.users, 10, 20000),
    days: int('days', f.days, 0, 7),
    scenarios,
    tenantId: f.tenantId,
    clientId: f.clientId,
    clientSecret: f.clientSecret,
    truthFile: f.truth,
    speed: num('speed', f.speed, (n) => n >= 0, 'a number ≥ 0'),
    now,
    https: f.https === true,
    startWithSubscriptions: f.subscriptions,
    switches: switchesFrom(f),
  };
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      'Run a local Microsoft 365 (Entra ID tokens, Management Activity API, Graph subset) with a simulated tenant, benign activity and labelled attack scenarios.',
    )
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--host <addr>', 'interface to listen on', '127.0.0.1')
    .option('--seed <n>', 'random seed: the same seed and --now give the same records', '1')
    .option('--users <n>', 'member accounts in the tenant', '50')
    .option('--days <n>', 'days of history to pre-generate (0..7)', '2')
    .option(
      '--scenario <name>',
      `attack scenario to include (repeatable, or "all"; default all): ${SCENARIO_NAMES.join(', ')}`,
      collect,
      [],
    )
    .option('--tenant-id <guid>', 'tenant id (default: a fixed simulator GUID)')
    .option(
      '--client-id <guid>',
      'client id of the registered app (default: a fixed simulator GUID)',
    )
    .option(
      '--client-secret <secret>',
      'client secret of the registered app (default: the simulator secret)',
    )
    .option(
      '--truth <file>',
      'append ground truth NDJSON ({Id, contentType, contentId, label}) as records are published',
    )
    .option(
      '--write-config <file>',
      'write a collector config pointing here (and <file>.secret, mode 0600)',
    )
    .option('--speed <x>', 'sim seconds per real second (0 freezes the clock)', '1')
    .option('--now <iso>', 'sim clock start (default: now)')
    .option('--https', 'serve HTTPS with a self-signed certificate (see --ca-file)')
    .option(
      '--ca-file <file>',
      'with --https: write the certificate to trust (e.g. NODE_EXTRA_CA_CERTS)',
    )
    .option(
      '--no-subscriptions',
      'start with no content type subscribed (the collector must /start)',
    )
    .option(
      '--publication-delay <min..max>',
      'minutes from activity to blob availability (default 5..180)',
    )
    .option('--in-order', 'publish records in event order (default: out of order, like Microsoft)')
    .option('--duplicate-rate <f>', 'fraction of records published twice (default 0.01)')
    .option(
      '--throttle-per-minute <n>',
      'Management API requests per minute before AF429 (default 2000, 0 = off)',
    )
    .option('--throttle-status <403|429>', 'HTTP status of AF429 answers (default 403)')
    .option('--retry-after <seconds|none>', 'Retry-After on throttled answers (default 5)')
    .option(
      '--transient-error-rate <f>',
      'fraction of requests answered 500 AF50000 or 503 (default 0)',
    )
    .option(
      '--drop-connection-rate <f>',
      'fraction of requests whose connection is dropped (default 0)',
    )
    .option('--broken-blob-rate <f>', 'fraction of blobs whose body is not valid JSON (default 0)')
    .option(
      '--content-expiry-minutes <n>',
      'how long blobs stay downloadable (default 10080 = 7 days)',
    )
    .option('--page-size <n>', 'content entries per listing page before NextPageUri (default 1000)')
    .option('--latency-ms <n>', 'added latency per Management/Graph request (default 0)')
    .option(
      '--graph-throttle-per-minute <n>',
      'Graph requests per minute before 429 (default 0 = off)',
    )
    .action(async (flags: SimulateFlags) => {
      const options = optionsFrom(flags);
      if (flags.caFile && !options.https) {
        throw new M365HuntError('--ca-file needs --https', { exitCode: 2 });
      }
      // Signal handlers first (before anything is printed), and attached until the simulator is
      // closed, so that a signal at any moment stops it cleanly.
      let stop: () => void = () => undefined;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      const sim = await startSimulator(options);
      if (flags.caFile && sim.caCertificate) await writeFile(flags.caFile, sim.caCertificate);
      if (flags.writeConfig) await sim.writeConfig(flags.writeConfig);
      const secretShown =
        sim.clientSecret === DEFAULT_CLIENT_SECRET
          ? `${sim.clientSecret}   (the simulator's built-in secret: it opens nothing but this simulator)`
          : '(as given with --client-secret; not printed)';
      const lines = [
        `m365hunt simulator listening on ${sim.url}`,
        `  tenant id      ${sim.tenantId}`,
        `  client id      ${sim.clientId}`,
        `  client secret  ${secretShown}`,
        `  endpoints      login = manage = graph = ${sim.url}   control: ${sim.url}/_sim/`,
        `  sim time       ${sim.now().toISOString()} (speed ${options.speed ?? 1}×), ${options.users} users, ${options.days} day(s) of history`,
        `  scenarios      ${
          sim
            .scenarios()
            .map((s) => s.name)
            .join(', ') || '(none)'
        }`,
      ];
      if (flags.writeConfig)
        lines.push(`  config         ${flags.writeConfig} (secret in ${flags.writeConfig}.secret)`);
      if (flags.truth) lines.push(`  ground truth   ${flags.truth}`);
      if (flags.caFile)
        lines.push(
          `  certificate    ${flags.caFile} (trust it: NODE_EXTRA_CA_CERTS=${flags.caFile})`,
        );
      lines.push('Press Ctrl+C to stop.');
      console.log(lines.join('\n'));
      await stopped;
      await sim.close();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      console.log('simulator stopped');
    });
}
