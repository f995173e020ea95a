// `m365hunt demo`: the README's first command. A simulated Microsoft 365 tenant with every attack
// scenario, collected, alerted and served, with a guided tour; Ctrl-C stops everything.
import type { Command } from 'commander';
import { startDemo } from '../../app/demo.js';
import { M365HuntError } from '../../util/errors.js';
import { createLogger, setLogLevel } from '../../util/log.js';
import { exitCodeFor, handleStopSignals } from '../../util/stop-signals.js';
import { isStopped } from '../../util/wait.js';

function progressLine(): (p: { fraction: number; records: number; blobs: number }) => void {
  let last = 0;
  let finished = false;
  // Without a terminal: a line at the first news, then each time the backfill passes a quarter
  // (the percentage jumps, so it seldom lands on one).
  let quarter = -1;
  return (p) => {
    const now = Date.now();
    // Later passes only pick up what was published during the first: one bar is enough.
    if (finished || (now - last < 250 && p.fraction < 1)) return;
    if (p.fraction >= 1) finished = true;
    last = now;
    const pct = Math.min(100, Math.round(p.fraction * 100));
    const bar = '█'.repeat(Math.round(pct / 4)).padEnd(25, '░');
    const text = `  backfill ${bar} ${String(pct).padStart(3)}%  ${p.blobs} blobs  ${p.records.toLocaleString('en-US')} records`;
    if (process.stderr.isTTY) process.stderr.write(`\r${text}`);
    else if (Math.floor(pct / 25) > quarter) {
      quarter = Math.floor(pct / 25);
      process.stderr.write(`${text}\n`);
    }
  };
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Start a simulated tenant with every attack scenario, collect it, raise alerts and serve the web app.',
    )
    .option('--port <n>', 'port of the web app (0: chosen by the system)', '8080')
    .option('--users <n>', 'accounts in the simulated tenant', '60')
    .option('--days <n>', 'days of simulated history to collect first (1 to 7)', '1')
    .option('--speed <n>', 'simulated seconds per real second while it runs', '6')
    .option(
      '--now <time>',
      'the simulated present at start, ISO (default: now); the same --now and seed give the same data',
    )
    .option('-v, --verbose', 'debug logging')
    .action(
      async (options: {
        port: string;
        users: string;
        days: string;
        speed: string;
        now?: string;
        verbose?: boolean;
      }) => {
        // From the first moment, through the backfill: see util/stop-signals.ts.
        const stop = handleStopSignals();
        if (options.verbose) setLogLevel('debug');
        // The simulated clock runs behind real time on purpose (see startDemo): its clock warning is noise.
        else setLogLevel('error');
        const port = Number(options.port);
        const users = Number(options.users);
        const speed = Number(options.speed);
        const days = Number(options.days);
        if (!Number.isInteger(days) || days < 1 || days > 7)
          throw new M365HuntError('--days must be a whole number from 1 to 7.');
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new M365HuntError(`--port ${options.port} is not a port number.`);
        if (!Number.isInteger(users) || users < 10 || users > 5000)
          throw new M365HuntError('--users must be a whole number from 10 to 5000.');
        if (!(speed >= 1 && speed <= 600))
          throw new M365HuntError('--speed must be from 1 to 600.');
        const now = options.now === undefined ? undefined : new Date(options.now);
        if (now && Number.isNaN(now.getTime()))
          throw new M365HuntError(`--now ${options.now} is not a time.`, {
            hint: 'Give an ISO time such as 2026-03-02T15:00:00Z.',
          });
        const started = Date.now();
        console.log(
          `Starting the simulated tenant (every attack scenario) and collecting its last ${days === 1 ? 'day' : `${days} days`}…`,
        );
        let demo;
        try {
          demo = await startDemo({
            port,
            users,
            days,
            speed,
            ...(now ? { now } : {}),
            log: createLogger('demo'),
            progress: progressLine(),
            signal: stop.signal,
          });
        } catch (error) {
          if (!isStopped(error, stop.signal)) throw error;
          console.log('\nStopped.');
          process.exitCode = exitCodeFor(stop.received ?? 'SIGTERM');
          return;
        }
        if (process.stderr.isTTY) process.stderr.write('\n');
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(
          [
            '',
            `m365hunt is ready in ${seconds} s: ${demo.records.toLocaleString('en-US')} records of ${demo.days === 1 ? '1 day' : `${demo.days} days`} collected, ${demo.alerts} alerts raised.`,
            '',
            `  Open      ${demo.url}`,
            `  Sign in   ${demo.admin.name} / ${demo.admin.password}   (generated for this run; shown once)`,
            `  Store     ${demo.storeLocation}`,
            '',
            'Hunt from a terminal while it runs (the demo holds the store; the CLI asks the server):',
            `  export M365HUNT_SERVER=${demo.url} M365HUNT_TOKEN=${demo.cliToken}`,
            `  npx m365hunt query 'from cloud.office365.management group by Workload select count() as events' --from now-1d`,
            '',
            'A short tour:',
            ...demo.tour.map((l) => `  ${l}`),
            '',
            `The simulated tenant keeps working (${speed}× real time; the app's "now" is its clock, ${demo.simulator.now().toISOString().slice(0, 16)}Z at start) and the collector polls it every 10 s.`,
            'Ctrl-C stops everything.',
          ].join('\n'),
        );
        await stop.stopped;
        console.log('\nStopping…');
        await demo.close();
      },
    );
}
