// The collector as its own process (the CLI from source), for the crash tests: it can be killed
// with SIGKILL at any instant, which an in-process collector cannot.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const main = join(repo, 'src/cli/main.ts');

export interface CollectRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs `collect --once`; with `killAfterMs`, kills it with SIGKILL then (if still running). */
export function collectOnce(config: string, killAfterMs?: number): Promise<CollectRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', main, 'collect', '--config', config, '--once', '--quiet'],
      { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

/** A seeded sequence of kill delays, so a failure can be replayed. */
export function killDelays(seed: number, n: number, min: number, max: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return Math.round(min + (x / 2147483648) * (max - min));
  });
}
