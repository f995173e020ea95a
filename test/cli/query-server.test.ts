// Hunting from a terminal while `serve` (or `demo`) holds the store: DuckDB lets no other
// process open the file, so the refusal says to ask the server, and `query --server` answers
// as a local query would, the server's errors positioned as the compiler gives them. And the
// demo fails at once on a busy port, before any backfill.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo } from '../../src/app/demo.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { SEED_FROM, SEED_TO, startTestServer, type TestServer } from '../server/helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(tempDir());
});
afterAll(async () => {
  await t?.close();
});

const range = ['--from', SEED_FROM, '--to', SEED_TO];

describe('query while the server holds the store', () => {
  it('is refused on the file, with the way through the server', async () => {
    const file = t.store.location.replace(/^duckdb:/, '');
    const r = await runCli(['query', 'from cloud.office365.management', '--db', file, ...range]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/in use by another m365hunt process/);
    expect(r.stderr).toMatch(/query --server/);
  });

  it('answers through the server: the same table, sized from every row', async () => {
    const r = await runCli(
      [
        'query',
        'from cloud.office365.management group by Workload select count() as n',
        '--server',
        t.url,
        ...range,
      ],
      { env: { M365HUNT_TOKEN: t.tokens.viewer } },
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Workload +n$/);
    expect(lines.at(-1)).toMatch(/^\(\d+ rows\)$/);
    expect(r.stdout).not.toContain('…');
    const ndjson = await runCli([
      'query',
      'from cloud.office365.management where Operation = "SharingSet"',
      '--server',
      t.url,
      '--token',
      t.tokens.viewer,
      '--format',
      'ndjson',
      '--limit',
      '2',
      ...range,
    ]);
    expect(ndjson.code, ndjson.stderr).toBe(0);
    const rows = ndjson.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { Operation: string; eventdate: string });
    expect(rows).toHaveLength(2);
    expect(rows.every((x) => x.Operation === 'SharingSet')).toBe(true);
    expect(rows[0]!.eventdate).toMatch(/^2026-03-0\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("passes the compiler's positioned error on, and asks for a token", async () => {
    const bad = await runCli(
      [
        'query',
        'from cloud.office365.management where Operatio = "x"',
        '--server',
        t.url,
        ...range,
      ],
      { env: { M365HUNT_TOKEN: t.tokens.viewer } },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown identifier `Operatio` \(line 1, column 39\)/);
    expect(bad.stderr).toMatch(/did you mean `Operation`/);
    const none = await runCli(['query', 'from cloud.office365.management', '--server', t.url], {
      env: { M365HUNT_TOKEN: '' },
    });
    expect(none.stderr).toMatch(/needs an API token/);
    const wrong = await runCli(['query', 'from cloud.office365.management', '--server', t.url], {
      env: { M365HUNT_TOKEN: 'm365h_aaaaaaaaaaaa_bbbb' },
    });
    expect(wrong.stderr).toMatch(/the token was refused/);
  });
});

describe('the demo on a busy port', () => {
  it('fails at once, naming the port, before collecting anything', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    const started = Date.now();
    try {
      await expect(startDemo({ port, dir: tempDir() })).rejects.toThrow(
        new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is in use`),
      );
      // The backfill takes seconds; the refusal comes before it.
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      busy.close();
    }
  });
});
