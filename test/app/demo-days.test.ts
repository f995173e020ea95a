// The demo's history: `demo --days N` makes N days of simulated activity and the collector
// backfills all of them (docs/simulator.md, "History"). Once a plain flag that never reached
// startDemo made every demo one day long, whatever --days said.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../src/app/demo.js';
import type { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { startTestSimulator, truthLines } from '../helpers/simulator.js';
import { tempDir } from '../helpers/temp.js';
import { compareAll, exactTruth, LOG_TABLES } from '../sources/ground-truth.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const main = join(repo, 'src/cli/main.ts');

/** A pinned Friday noon: the three days before it are weekdays, busy in every source. */
const NOW = new Date('2026-11-20T12:00:00Z');
const DAY_MS = 86_400_000;
/** The UTC days a 3-day history (from NOW − 3 days) touches. */
const DAYS_3 = ['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];
/** The UTC days of a 7-day history: Friday 13 noon to Friday 20 noon, a quiet weekend inside. */
const DAYS_7 = [13, 14, 15, 16, 17, 18, 19, 20].map((d) => `2026-11-${d}`);
const WEEKDAYS_7 = DAYS_7.filter((d) => !['2026-11-14', '2026-11-15'].includes(d));

/** The sources whose records must show on each day, and the days they must show on. */
const EVERY_DAY = [
  { table: 'management', days: DAYS_7 },
  { table: LOG_TABLES.signIns, days: WEEKDAYS_7 },
  { table: LOG_TABLES.messageTraces, days: WEEKDAYS_7 },
] as const;

async function perDay(store: Store, table: string): Promise<Map<string, number>> {
  const rows = await store.queryAll({
    sql: `SELECT strftime(eventdate, '%Y-%m-%d') AS d, count(*) AS n FROM ${table} GROUP BY 1`,
    params: [],
  });
  return new Map(rows.map((r) => [String(r.d), Number(r.n)]));
}

describe('demo --days', () => {
  let demo: Demo | undefined;
  afterAll(async () => {
    await demo?.close();
  });

  it(
    'backfills every day of a 7-day history, in every source, into exactly the ground truth',
    { timeout: 300_000 },
    async () => {
      // Speed 0: the tenant stands still, so the store can equal the truth at one instant. Seven
      // days: the most Microsoft keeps, and the backfill must not ask for more.
      demo = await startDemo({ port: 0, users: 10, days: 7, now: NOW, speed: 0, dir: tempDir() });
      expect(demo.days).toBe(7);
      for (const { table, days } of EVERY_DAY) {
        const counts = await perDay(demo.store, table);
        for (const day of days)
          expect(counts.get(day) ?? 0, `${table} on ${day}`).toBeGreaterThan(0);
        // Nothing from before the history.
        expect([...counts.keys()].sort()[0], table).toBe(DAYS_7[0]);
      }
      const { expected, differences } = await compareAll(demo.simulator, demo.store);
      for (const [source, n] of Object.entries(expected)) expect(n, source).toBeGreaterThan(0);
      expect(differences).toEqual(exactTruth());
    },
  );

  it(
    'reaches the demo from the command line: `demo --days 3` collects 3 days, the history a still twin holds',
    { timeout: 300_000 },
    async () => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          main,
          'demo',
          '--port',
          '0',
          '--users',
          '10',
          '--days',
          '3',
          '--now',
          NOW.toISOString(),
          '--speed',
          '1',
        ],
        {
          cwd: repo,
          env: { ...process.env, M365HUNT_LOG: 'warn' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const started = Date.now();
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      try {
        const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`demo not ready:\n${out}`)), 240_000);
          const check = () => {
            const m = /export M365HUNT_SERVER=(\S+) M365HUNT_TOKEN=(\S+)/.exec(out);
            if (m) {
              clearTimeout(timer);
              resolve(m);
            }
          };
          child.stdout.on('data', check);
          void exited.then(() => {
            clearTimeout(timer);
            reject(new Error(`demo ended:\n${out}`));
          });
        });
        expect(out).toMatch(/collecting its last 3 days/);
        const [, server = '', token = ''] = ready;

        // The store's ids, through the server as a user at a terminal would ask.
        const answer = await runCli(
          [
            'query',
            'from cloud.office365.management select Id',
            '--server',
            server,
            '--from',
            new Date(NOW.getTime() - 8 * DAY_MS).toISOString(),
            '--to',
            new Date(NOW.getTime() + DAY_MS).toISOString(),
            '--format',
            'ndjson',
            '--limit',
            '1000000',
          ],
          { env: { M365HUNT_TOKEN: token } },
        );
        expect(answer.code, answer.stderr).toBe(0);
        const rows = answer.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { Id: string; eventdate: string });
        const stored = new Set(rows.map((r) => r.Id));
        expect(rows.length - stored.size, 'stored twice').toBe(0);
        const days = new Set(rows.map((r) => String(r.eventdate).slice(0, 10)));
        for (const day of DAYS_3) expect(days.has(day), `records on ${day}`).toBe(true);

        // A still twin of the demo's tenant (same seed, users, days and present). The demo's
        // clock ran on since NOW: it holds at least what the twin shows at NOW, and nothing the
        // twin had not planned by a bound safely later than the demo's clock can be.
        const twin = await startTestSimulator({ users: 10, days: 3, now: NOW, speed: 0 });
        const atStart = new Set((await truthLines(twin)).map((l) => l.Id));
        await twin.advance(Date.now() - started + 3_600_000);
        const byLater = new Set((await truthLines(twin, false)).map((l) => l.Id));
        expect(atStart.size).toBeGreaterThan(1000);
        expect([...atStart].filter((id) => !stored.has(id)).slice(0, 5), 'missing').toEqual([]);
        expect([...stored].filter((id) => !byLater.has(id)).slice(0, 5), 'extra').toEqual([]);
        expect(out).toMatch(/records of 3 days collected/);
      } finally {
        child.kill('SIGINT');
        await exited;
      }
    },
  );
});
