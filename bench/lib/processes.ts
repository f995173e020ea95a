// The benchmarks' child processes: the simulator in its own process (so a collector's memory is
// its own) and a node child timed from outside with its own peak memory (bench/lib/peak-rss.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildRun {
  seconds: number;
  peakRssMiB: number;
  stdout: string;
}

/** A node child process, timed from outside, with its own peak memory; files go in `work`. */
export function nodeChild(work: string, args: string[]): ChildRun {
  const rss = join(work, `rss-${Date.now()}.json`);
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [join(repo, 'bench/lib/peak-rss.mjs'), rss, ...args], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr}`);
  const { peakRssMiB } = JSON.parse(readFileSync(rss, 'utf8')) as { peakRssMiB: number };
  return { seconds, peakRssMiB, stdout: run.stdout };
}

export interface SimProcess {
  config: string;
  stop(): Promise<void>;
}

/**
 * `m365hunt simulate` as its own process at speed 0 with the clock at `now`; resolves when it
 * listens, with the collector configuration it wrote.
 */
export function simulatorProcess(options: {
  work: string;
  now: Date;
  users: number;
  days: number;
  extra?: readonly string[];
}): Promise<SimProcess> {
  const { work, now, users, days, extra = [] } = options;
  const config = join(work, `sim-${users}-${days}-${Date.now()}.json`);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repo, 'src/cli/main.ts'),
      'simulate',
      '--users',
      String(users),
      '--days',
      String(days),
      '--speed',
      '0',
      '--now',
      now.toISOString(),
      '--write-config',
      config,
      ...extra,
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Press Ctrl+C')) {
        resolve({
          config,
          stop: () =>
            new Promise((r) => {
              child.once('exit', () => r());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${out}`)));
  });
}
