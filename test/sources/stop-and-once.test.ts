// `collect --once` ends on a live tenant, and `collect`, `serve` and `demo` obey SIGINT and
// SIGTERM at every moment (during a backfill, in a retry's backoff, while Microsoft is
// unreachable, while the store closes), as the commands run: spawned processes against the
// simulator over real HTTP, every source on at Microsoft's limits. Waits are bounded and only
// decide by behaviour (the process ends by itself, or not); after each stop, another
// `collect --once` must leave exactly the ground truth (nothing lost, nothing twice).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SimulatorHandle, SimulatorOptions } from '../../src/simulator/index.js';
import { openStore } from '../../src/store/open.js';
import { runCli } from '../helpers/cli.js';
import { startTestSimulator } from '../helpers/simulator.js';
import { tempDir } from '../helpers/temp.js';
import { compareAll, exactTruth } from './ground-truth.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const main = join(repo, 'src/cli/main.ts');
const root = tempDir();
let counter = 0;

/** Longest a stop may take here: generous for a loaded machine (the command's own limit is 8 s). */
const STOP_BOUND_MS = 30_000;

interface Running {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when the output matches, rejects after `ms` or when the process ends first. */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  /** Exit code, or 'running' if it has not ended within `ms`. */
  exit(ms: number): Promise<number | 'running'>;
}

function start(args: readonly string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: repo,
    env: { ...process.env, M365HUNT_LOG: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1))),
  );
  return {
    child,
    output: () => out,
    waitFor: (pattern, ms = 120_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) done(resolve);
        };
        const done = (f: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no ${String(pattern)} in:\n${out.slice(-3000)}`))),
          ms,
        );
        void exited.then(() =>
          done(() => (pattern.test(out) ? resolve() : reject(new Error(`ended:\n${out}`)))),
        );
        listeners.add(check);
        check();
      }),
    exit: async (ms) => {
      const asked = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([
        exited,
        new Promise<'running'>((r) => (timer = setTimeout(() => r('running'), ms))),
      ]);
      clearTimeout(timer);
      if (result === 'running') child.kill('SIGKILL');
      // For the record (not a pass/fail criterion): how long the stop took.
      if (process.env.M365HUNT_STOP_TIMES)
        console.info(`${args.join(' ')}: ended ${Date.now() - asked} ms after being asked`);
      return result;
    },
  };
}

/** A simulator at real speed and a config with every source at Microsoft's limits. */
async function liveTenant(
  options: SimulatorOptions = {},
): Promise<{ sim: SimulatorHandle; dir: string; file: string; store: string }> {
  const sim = await startTestSimulator({
    users: 30,
    days: 1,
    speed: 1,
    now: new Date(),
    ...options,
  });
  const dir = join(root, `run-${++counter}`);
  mkdirSync(dir);
  const file = join(dir, 'config.json');
  await sim.writeConfig(file, { graph: true });
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const store = join(dir, 'store.duckdb');
  json.store = { db: store };
  writeFileSync(file, JSON.stringify(json, null, 2));
  return { sim, dir, file, store };
}

/** Freezes the tenant, collects the rest, and compares the store with the ground truth. */
async function expectExactAfterAnotherRun(
  sim: SimulatorHandle,
  file: string,
  store: string,
): Promise<void> {
  sim.setSwitches({ latencyMs: 0, transientErrorRate: 0, dropConnectionRate: 0 });
  sim.setSpeed(0);
  const again = await runCli(['collect', '--config', file, '--once', '--quiet']);
  expect(again.code, again.stdout + again.stderr).toBe(0);
  const s = await openStore(store);
  try {
    const { expected, differences } = await compareAll(sim, s);
    for (const [source, n] of Object.entries(expected)) expect(n, source).toBeGreaterThan(0);
    expect(differences).toEqual(exactTruth());
  } finally {
    await s.close();
  }
}

describe('collect --once on a live tenant', () => {
  it(
    'ends with every source collected, and then holds exactly the ground truth',
    { timeout: 600_000 },
    async () => {
      const { sim, file, store } = await liveTenant();
      const run = start(['collect', '--config', file, '--once', '--quiet']);
      // It ends by itself (a pass that chased fresh activity would not).
      expect(await run.exit(300_000), run.output()).toBe(0);
      expect(run.output()).toMatch(/signIns: \d+ blobs, [1-9]\d* records stored/);
      expect(run.output()).toMatch(/messageTraces: \d+ blobs, [1-9]\d* records stored/);
      expect(run.output()).toMatch(/Audit\.Exchange: \d+ blobs, [1-9]\d* records stored/);
      await expectExactAfterAnotherRun(sim, file, store);
    },
  );
});

describe('stop requests', () => {
  it('collect stops during its backfill on SIGTERM', { timeout: 600_000 }, async () => {
    // Slow answers: the backfill is still running when the signal comes.
    const { sim, file, store } = await liveTenant({ switches: { latencyMs: 400 } });
    const run = start(['collect', '--config', file]);
    await run.waitFor(/listed through/);
    run.child.kill('SIGTERM');
    expect(await run.exit(STOP_BOUND_MS), run.output()).toBe(0);
    await expectExactAfterAnotherRun(sim, file, store);
  });

  it('collect --once stops in a retry backoff on SIGINT', { timeout: 600_000 }, async () => {
    // Every answer a 500/503: the HTTP client backs off between attempts.
    const { sim, file, store } = await liveTenant({ switches: { transientErrorRate: 1 } });
    const run = start(['collect', '--config', file, '--once', '--verbose']);
    await run.waitFor(/retrying .* in \d+ ms/);
    run.child.kill('SIGINT');
    expect(await run.exit(STOP_BOUND_MS), run.output()).toBe(130);
    expect(run.output()).toMatch(/stopped \(SIGINT\): what was committed is kept/);
    await expectExactAfterAnotherRun(sim, file, store);
  });

  it('collect stops while Microsoft is unreachable', { timeout: 300_000 }, async () => {
    const { sim, file } = await liveTenant();
    await sim.close();
    const run = start(['collect', '--config', file, '--verbose']);
    await run.waitFor(/retrying .* in \d+ ms/);
    run.child.kill('SIGINT');
    expect(await run.exit(STOP_BOUND_MS), run.output()).toBe(0);
  });

  it(
    'collect --once stops while its store closes, and a second signal ends it at once',
    {
      timeout: 600_000,
    },
    async () => {
      const { sim, file, store } = await liveTenant();
      const run = start(['collect', '--config', file, '--once']);
      // The summary is printed just before the store checkpoints and closes.
      await run.waitFor(/Audit\.General: .* records stored/, 300_000);
      run.child.kill('SIGTERM');
      run.child.kill('SIGTERM');
      const code = await run.exit(STOP_BOUND_MS);
      expect([0, 143], run.output()).toContain(code);
      await expectExactAfterAnotherRun(sim, file, store);
    },
  );

  it('serve stops during its first backfill on SIGTERM', { timeout: 600_000 }, async () => {
    const { sim, file, store } = await liveTenant({ switches: { latencyMs: 400 } });
    const run = start(['serve', '--config', file, '--port', '0']);
    await run.waitFor(/m365hunt is serving http/);
    // Collection has begun: Graph or Management requests have reached the tenant.
    const began = Date.now();
    while (Object.entries(sim.counters()).every(([k, v]) => !k.startsWith('graph.') || v === 0)) {
      if (Date.now() - began > 60_000) throw new Error('serve never collected');
      await new Promise((r) => setTimeout(r, 100));
    }
    run.child.kill('SIGTERM');
    expect(await run.exit(STOP_BOUND_MS), run.output()).toBe(0);
    await expectExactAfterAnotherRun(sim, file, store);
  });

  it('demo stops during its backfill on SIGINT', { timeout: 300_000 }, async () => {
    const run = start(['demo', '--port', '0', '--users', '10']);
    await run.waitFor(/backfill .*%/, 180_000);
    run.child.kill('SIGINT');
    expect(await run.exit(STOP_BOUND_MS), run.output()).toBe(130);
  });
});
