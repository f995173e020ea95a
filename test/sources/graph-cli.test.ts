// The Graph sources as an analyst runs them: `config check` names the Graph permissions and the
// missing premium licence, `collect --once` fills the Graph tables, `status` shows each Graph
// stream's cursor, lag, records and errors ("no Entra ID P1/P2 licence"), and the GeoIP date.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { simConfig, startTestSimulator } from '../helpers/simulator.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();

describe('Graph sources from the command line', () => {
  it('config check, collect --once and status', { timeout: 180_000 }, async () => {
    const sim = await startTestSimulator({
      users: 12,
      days: 1,
      scenarios: [],
      switches: { auditLogThrottlePer10Seconds: 0, reportThrottlePer10Minutes: 0 },
    });
    const services = {
      entra_id: { backfill: '2d', requests_per_10s: 100 },
      message_trace: { backfill: '2d' },
      reports: { reports: ['emailactivity', 'getOneDriveActivityUserDetail'] },
      exchange: {},
    };
    const { file } = await simConfig(sim, dir, { services }, 'graph.json');

    const check = await runCli(['config', 'check', '--config', file]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    for (const line of [
      '✔ permission AuditLog.Read.All',
      '✔ permission Directory.Read.All',
      '✔ permission Reports.Read.All',
      '✔ permission ExchangeMessageTrace.Read.All',
      '✔ read sign-in logs',
      '✔ read message trace',
      '✔ read usage report getEmailActivityUserDetail',
    ])
      expect(check.stdout).toContain(line);

    sim.setSwitches({ entraLicence: 'free' });
    const noP1 = await runCli(['config', 'check', '--config', file]);
    expect(noP1.code).toBe(1);
    expect(noP1.stdout).toMatch(/✖ read sign-in logs: no Entra ID P1\/P2 licence/);
    expect(noP1.stdout).toMatch(/fix: Assign Microsoft Entra ID P1 or P2/);

    const run = await runCli(['collect', '--config', file, '--once', '--quiet']);
    expect(run.code).toBe(1); // sign-ins failed (no licence); everything else was collected
    expect(run.stdout).toMatch(/directoryAudits: \d+ blobs, \d+ records stored/);
    expect(run.stdout).toMatch(/signIns: .*ERROR: no Entra ID P1\/P2 licence/);

    const status = await runCli(['status', '--config', file, '--format', 'json']);
    expect(status.code, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout) as {
      streams: Array<{
        stream: string;
        records: number;
        lagMs: number | null;
        lastError: string | null;
        warning: string | null;
      }>;
      geoip: Array<{ kind: string; date: string }>;
    };
    const byStream = new Map(parsed.streams.map((s) => [s.stream, s]));
    for (const s of [
      'entra:directoryAudits',
      'message_trace:messageTraces',
      'reports:getEmailActivityUserDetail',
      'reports:getOneDriveActivityUserDetail',
      'Audit.Exchange',
    ]) {
      expect(byStream.get(s)?.records, s).toBeGreaterThan(0);
      expect(byStream.get(s)?.lagMs, s).not.toBeNull();
    }
    expect(byStream.get('entra:signIns')?.lastError).toMatch(/no Entra ID P1\/P2 licence/);
    expect(byStream.get('entra:signIns')?.warning).toMatch(/no Entra ID P1\/P2 licence/);
    expect(parsed.geoip.map((g) => g.kind)).toEqual(['country', 'asn']);

    const table = await runCli(['status', '--config', file]);
    expect(table.stdout).toMatch(
      /GeoIP: country @ip-location-db\/geo-whois-asn-country-mmdb .* \(data of 20\d\d-\d\d-\d\d\)/,
    );
    expect(table.stdout).toContain('entra:signIns');
    expect(table.stdout).toMatch(/warning: .*entra:signIns: no Entra ID P1\/P2 licence/);
  });
});
