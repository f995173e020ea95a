// `m365hunt simulate`: prints the address and the default (simulator) secret, writes the collector
// config and a 0600 secret file, appends the truth, stops cleanly on SIGTERM; bad flags exit 2.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionsFrom } from '../../src/cli/commands/simulate.js';
import { DEFAULT_CLIENT_SECRET } from '../../src/simulator/index.js';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', main, 'simulate', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function waitFor(child: ChildProcess, pattern: RegExp): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout; output so far:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!pattern.test(out)) reject(new Error(`exited ${code}:\n${out}`));
    });
  });
}

function exit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'm365hunt-sim-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('m365hunt simulate', () => {
  it('serves, prints the address and the simulator secret, writes config, secret and truth, and stops on SIGTERM', async () => {
    const config = join(dir, 'collector.json');
    const truth = join(dir, 'truth.ndjson');
    const child = run([
      '--port',
      '0',
      '--days',
      '1',
      '--users',
      '12',
      '--scenario',
      'password-spray',
      '--write-config',
      config,
      '--truth',
      truth,
      '--speed',
      '0',
      '--now',
      '2026-03-04T12:00:00Z',
      '--duplicate-rate',
      '0.05',
      '--throttle-per-minute',
      '100',
      '--retry-after',
      'none',
      '--publication-delay',
      '5..60',
    ]);
    try {
      const out = await waitFor(child, /Press Ctrl\+C/);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      expect(url).toBeTruthy();
      expect(out).toContain(DEFAULT_CLIENT_SECRET);
      expect(out).toContain('password-spray');
      const time = (await (await fetch(`${url}/_sim/time`)).json()) as { now: string };
      expect(time.now).toBe('2026-03-04T12:00:00.000Z');
      const switches = (await (await fetch(`${url}/_sim/switches`)).json()) as Record<
        string,
        unknown
      >;
      expect(switches).toMatchObject({
        duplicateRate: 0.05,
        throttlePerMinute: 100,
        retryAfterSeconds: null,
        publicationDelayMinutes: { min: 5, max: 60 },
      });
      const cfg = JSON.parse(await readFile(config, 'utf8')) as {
        inputs: {
          office365: Record<string, unknown> & {
            credentials: Record<string, string>;
            endpoints: Record<string, string>;
          };
        };
        store: { db: string };
      };
      const o = cfg.inputs.office365;
      expect(o.id).toBe('10001');
      expect(o.enabled).toBe(true);
      expect(o.cloud).toBe('commercial');
      expect(o.services).toEqual({
        azure_active_directory: {},
        general_audit: {},
        exchange: {},
        sharepoint: {},
        dlp: {},
      });
      expect(o.endpoints).toEqual({ login: url, manage: url, graph: url });
      expect(o.credentials.client_secret_file).toBe(`${config}.secret`);
      expect(JSON.stringify(cfg)).not.toContain(DEFAULT_CLIENT_SECRET);
      expect(cfg.store.db).toBe('./m365hunt.duckdb');
      expect((await readFile(`${config}.secret`, 'utf8')).trim()).toBe(DEFAULT_CLIENT_SECRET);
      expect((await stat(`${config}.secret`)).mode & 0o777).toBe(0o600);
      const lines = (await readFile(truth, 'utf8')).trim().split('\n');
      expect(lines.length).toBeGreaterThan(100);
      expect(lines.some((l) => l.includes('"label":"password-spray"'))).toBe(true);
      child.kill('SIGTERM');
      expect(await exit(child)).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('never prints a secret given on the command line', async () => {
    const child = run([
      '--port',
      '0',
      '--days',
      '0',
      '--users',
      '10',
      '--client-secret',
      'my-private-secret-123',
    ]);
    try {
      const out = await waitFor(child, /Press Ctrl\+C/);
      expect(out).not.toContain('my-private-secret-123');
      expect(out).not.toContain(DEFAULT_CLIENT_SECRET);
      child.kill('SIGINT');
      expect(await exit(child)).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with a clear message for bad flags', async () => {
    const child = run(['--days', '9']);
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    expect(await exit(child)).toBe(2);
    expect(err).toContain('--days must be an integer from 0 to 7');
    const flags = {
      port: '0',
      host: '127.0.0.1',
      seed: '1',
      users: '50',
      days: '2',
      scenario: [],
      speed: '1',
      subscriptions: true,
    };
    for (const [extra, message] of [
      [{ scenario: ['ransomware'] }, 'unknown scenario "ransomware"'],
      [{ duplicateRate: '3' }, '--duplicate-rate must be a number from 0 to 1'],
      [{ publicationDelay: '60..5' }, '--publication-delay must look like MIN..MAX'],
      [{ throttleStatus: '500' }, '--throttle-status must be 403 or 429'],
      [{ users: '5' }, '--users must be an integer from 10 to 20000'],
      [{ now: 'tomorrow' }, '--now must be an ISO date'],
    ] as const) {
      expect(() =>
        optionsFrom({ ...flags, ...extra } as Parameters<typeof optionsFrom>[0]),
      ).toThrow(message);
    }
    expect(optionsFrom({ ...flags, retryAfter: 'none', inOrder: true }).switches).toEqual({
      retryAfterSeconds: null,
      outOfOrder: false,
    });
  });
});
