// The `rules` and `alerts` commands as a user runs them: real processes on a real DuckDB file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { ingest, series } from './helpers.js';

const dir = tempDir();
const db = join(dir, 'cli.duckdb');

const download = (user: string) => (i: number, t: string) => ({
  CreationTime: t,
  Operation: 'FileDownloaded',
  RecordType: 6,
  Workload: 'SharePoint',
  UserId: user,
  ClientIP: '192.0.2.33',
  ObjectId: `https://contoso.sharepoint.com/sites/Deals/Shared Documents/${user}-${i}.docx`,
});

describe('alerts and rules commands', () => {
  beforeAll(async () => {
    const store = await openStore(db);
    await ingest(store, series('2026-03-02T09:00:00', 40, 10, download('ana@contoso.com')));
    await store.close();
  });

  it('alerts run evaluates the bundled packs; a second run finds nothing new', async () => {
    const first = await runCli(['alerts', 'run', '--db', db]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Evaluated \d+ rules .*: 1 alerts raised/);
    const second = await runCli(['alerts', 'run', '--db', db]);
    expect(second.stdout).toMatch(/: 0 alerts raised, 0 updated/);
  });

  it('alerts list --format ndjson gives id, rule, title, severity, created, entities and evidence', async () => {
    const list = await runCli(['alerts', 'list', '--db', db, '--format', 'ndjson']);
    expect(list.code, list.stderr).toBe(0);
    const alerts = list.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(alerts).toHaveLength(1);
    const a = alerts[0]!;
    expect(a).toMatchObject({
      rule: 'exfiltration/collection-mass-download',
      title: 'Mass download from SharePoint or OneDrive',
      severity: 'high',
      status: 'new',
      entities: { user: ['ana@contoso.com'], ip: ['192.0.2.33'] },
    });
    expect(typeof a.id).toBe('string');
    expect(Date.parse(String(a.created))).not.toBeNaN();
    expect((a.evidence as unknown[]).length).toBeGreaterThan(0);
    expect((a.evidence as unknown[]).length).toBeLessThanOrEqual(20);
  });

  it('ack, close with a reason, and the history shows who and when', async () => {
    const list = await runCli(['alerts', 'list', '--db', db, '--format', 'ndjson']);
    const id = String((JSON.parse(list.stdout.trim()) as { id: string }).id);
    const ack = await runCli(['alerts', 'ack', id.slice(0, 7), '--db', db, '--by', 'alice']);
    expect(ack.stdout).toContain(`${id} is acknowledged.`);
    const noReason = await runCli(['alerts', 'close', id, '--db', db]);
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toMatch(/--reason/);
    const close = await runCli([
      'alerts',
      'close',
      id,
      '--db',
      db,
      '--by',
      'bob',
      '--reason',
      'backup job',
    ]);
    expect(close.stdout).toContain('is closed');
    const show = await runCli(['alerts', 'show', id, '--db', db]);
    expect(show.stdout).toMatch(/acknowledged\s+alice/);
    expect(show.stdout).toMatch(/closed\s+bob: backup job/);
    expect(show.stdout).toMatch(/disable-user ana@contoso\.com/);
    const open = await runCli(['alerts', 'list', '--db', db, '--status', 'new,acknowledged']);
    expect(open.stdout.trim()).toBe('No alerts.');
    const table = await runCli(['alerts', 'list', '--db', db, '--status', 'closed']);
    expect(table.stdout).toMatch(
      /closed .*exfiltration\/collection-mass-download .*ana@contoso\.com/,
    );
  });

  it('rules list, test and validate', async () => {
    const list = await runCli(['rules', 'list', '--pack', 'seed']);
    expect(list.stdout).toMatch(/seed\/health-collector-workload-silent\s+inactivity/);
    const test = await runCli(['rules', 'test', 'seed/impact']);
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/1 rules, 2 cases, 0 failed/);
    const root = join(dir, 'packs');
    mkdirSync(join(root, 'mine'), { recursive: true });
    writeFileSync(
      join(root, 'mine', 'collection-broken.yaml'),
      'id: mine/collection-broken\ntitle: t\ndescription: d\nseverity: high\nmitre: [T1530]\nkind: each\nquery: |\n  from cloud.office365.management\n  where Operation = "X" and\nresponse: [{ action: review }]\n',
    );
    const validate = await runCli(['rules', 'validate', root]);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toMatch(/collection-broken\.yaml:9:\d+: LINQ: /);
  });
});
