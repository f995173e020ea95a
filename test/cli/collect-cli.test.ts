// The collector's commands as an analyst runs them: init, config check, collect, status.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { simConfig, startTestSimulator } from '../helpers/simulator.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();

describe('collector commands', () => {
  it('init writes a starting config that config check explains', async () => {
    const file = join(dir, 'start.json');
    const init = await runCli(['init', '--output', file]);
    expect(init.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('"inputs"');
    expect((await runCli(['init', '--output', file])).code).not.toBe(0);
    const check = await runCli(['config', 'check', '--config', file]);
    expect(check.code).toBe(2);
    expect(check.stderr).toMatch(/start\.json:\d+:\d+/);
    expect(check.stderr).toContain('replace the placeholder <TENANT_ID>');
  });

  it('config check passes against a tenant set up right, and names the fix when it is not', async () => {
    const sim = await startTestSimulator({ users: 10, days: 1 });
    const { file } = await simConfig(sim, dir, {}, 'check.json');
    const ok = await runCli(['config', 'check', '--config', file]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('✔ permission ActivityFeed.Read');
    expect(ok.stdout).toContain('✔ list content DLP.All');

    sim.setApp({ roles: { manage: ['ActivityFeed.Read'] } });
    const noDlp = await runCli(['config', 'check', '--config', file]);
    expect(noDlp.code).toBe(1);
    expect(noDlp.stdout).toContain('✖ permission ActivityFeed.ReadDlp');
    expect(noDlp.stdout).toMatch(
      /fix: .*API permissions > Add a permission > Office 365 Management APIs/,
    );

    const wrong = join(dir, 'wrong.secret');
    writeFileSync(wrong, 'not-the-secret\n');
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      inputs: { office365: { credentials: Record<string, string> } };
    };
    json.inputs.office365.credentials.client_secret_file = wrong;
    const badFile = join(dir, 'bad-secret.json');
    writeFileSync(badFile, JSON.stringify(json));
    const bad = await runCli(['config', 'check', '--config', badFile]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('AADSTS7000215');
    expect(bad.stdout).toMatch(/fix: Copy the secret's Value, not its Secret ID/);
    expect(bad.stdout + bad.stderr).not.toContain('not-the-secret');
  });

  it('collect --once fills the store and status reports each stream', async () => {
    const sim = await startTestSimulator({ users: 15, days: 1, seed: 3 });
    const { file } = await simConfig(sim, dir, {}, 'collect.json');
    const run = await runCli(['collect', '--config', file, '--once', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Audit\.Exchange: \d+ blobs, \d+ records stored/);
    const status = await runCli(['status', '--config', file, '--format', 'json']);
    expect(status.code, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout) as {
      streams: Array<{ stream: string; records: number; lagMs: number }>;
    };
    expect(parsed.streams.map((s) => s.stream).sort()).toEqual([
      'Audit.AzureActiveDirectory',
      'Audit.Exchange',
      'Audit.General',
      'Audit.SharePoint',
      'DLP.All',
    ]);
    expect(parsed.streams.every((s) => s.records > 0)).toBe(true);
    const table = await runCli(['status', '--config', file]);
    expect(table.stdout).toContain('listed through');
    expect(table.stdout).toContain('Audit.SharePoint');
  });
});

describe('unified audit logging off', () => {
  // Microsoft answers StartSubscription with a DataServiceException ("Tenant … does not exist"),
  // no AF code: every command must still say that auditing is off and how to turn it on.
  it('config check, collect and status name the fix', { timeout: 120_000 }, async () => {
    const sim = await startTestSimulator({ users: 10, days: 1 });
    sim.setTenantState('auditOff');
    const own = join(dir, 'audit-off');
    mkdirSync(own);
    const { file } = await simConfig(sim, own, {}, 'audit-off.json');
    const fix = /Purview > Audit > Start recording user and admin activity/;
    const check = await runCli(['config', 'check', '--config', file]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/unified audit logging is off/);
    expect(check.stdout).toMatch(fix);
    const run = await runCli(['collect', '--config', file, '--once', '--quiet']);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/unified audit logging is off/);
    expect(run.stdout + run.stderr).toMatch(fix);
    // No .NET stack trace reaches the analyst.
    expect(run.stdout + run.stderr).not.toMatch(/MoveNext|AzureManager/);
    const status = await runCli(['status', '--config', file]);
    expect(status.stdout + status.stderr).toMatch(/unified audit logging is off/);
    expect(status.stdout + status.stderr).toMatch(fix);
    await sim.close();
  });
});
