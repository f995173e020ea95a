// The story of issue 6, over real HTTP on the simulator: the insider-exfiltration scenario is
// collected by the real collector and raises its alert; an analyst proposes, from that alert, to
// disable the insider with sessions revoked and sharing removed; a responder approves and it runs
// and verifies; the simulated clock moves on and collection runs again: from then on the insider
// shares nothing and only fails to sign in. The action log holds every step, queried with LINQ.
import { describe, expect, it } from 'vitest';
import { AlertRunner } from '../../src/alerts/runner.js';
import { setupAlerting } from '../../src/alerts/setup.js';
import { listAlerts } from '../../src/alerts/store/alert-store.js';
import { runLinq } from '../../src/linq/index.js';
import { RESPOND_ACTIONS_TABLE } from '../../src/respond/index.js';
import { SHARING_OPERATIONS } from '../../src/respond/sharing/discover.js';
import { linq, respondWorld, responderActor } from './helpers.js';

const HOUR = 3_600_000;

describe('responding to the insider', () => {
  it('disables the insider from the alert; afterwards the records show no sharing and failed sign-ins only', async () => {
    const started = performance.now();
    const world = await respondWorld({ users: 30, days: 1 });
    const { sim, store, config, insider } = world;
    const firstRecords = (
      await linq(store, 'from cloud.office365.management group every 0 select count() as n')
    )[0]?.n;

    // The alert engine on the collected records raises the insider's alert.
    const runner = new AlertRunner(store, setupAlerting(config), { now: () => sim.now() });
    await runner.runOnce();
    const alerts = await listAlerts(store);
    const alert = alerts.find(
      (a) =>
        (a.entities.user ?? []).includes(insider) &&
        a.response.some((r) => r.action === 'disable-user' && r.targets.includes(insider)),
    );
    expect(alert, `an alert names ${insider} and suggests disabling it`).toBeDefined();

    // The analyst proposes from the alert; the dry run is recorded with the proposal.
    const responder = world.responder();
    const analyst = { name: 'ana.analyst', via: 'server' as const };
    const proposed = await responder.propose(
      {
        kind: 'disable-user',
        user: insider,
        revokeSessions: true,
        removeSharing: true,
        since: '7d',
        alertId: alert!.id,
        rule: alert!.rule,
        tenant: alert!.tenant,
        reason: 'strategic files shared with a competitor',
      },
      analyst,
    );
    expect(proposed.status).toBe('proposed');
    const plan = proposed.proposalPlan!;
    expect(plan.user.accountEnabled).toBe(true);
    const kinds = plan.changes.map((c) => c.permission?.kind ?? c.change);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'disable',
        'revoke',
        'anonymous link',
        'specific-people link',
        'user grant',
        'invitation',
      ]),
    );
    // Files of the shared folder carry the folder's grant, inherited: reported, removed on the folder.
    const inherited = plan.skipped.filter((s) => s.reason.startsWith('inherited from'));
    expect(inherited.length).toBeGreaterThan(0);
    expect(inherited.every((s) => s.reason.includes('removed there by this action'))).toBe(true);
    // Nothing changed yet.
    expect(
      (await responder.dryRun({ ...proposed.spec, tenant: alert!.tenant })).user.accountEnabled,
    ).toBe(true);

    // A responder approves: it runs and verifies.
    const done = await responder.approve(proposed.id, responderActor);
    expect(done.status).toBe('verified');
    expect(done.results.every((r) => r.outcome === 'done')).toBe(true);
    expect(done.checks.every((c) => c.outcome === 'ok')).toBe(true);
    const removed = done.results.filter((r) => r.change === 'remove-permission').length;
    expect(removed).toBeGreaterThanOrEqual(6);
    const disabledAt = sim.now();

    // The world moves on; the collector collects what happened since.
    await sim.advance(14 * HOUR);
    const secondRecords = await world.collect();
    expect(secondRecords).toBeGreaterThan(0);

    const after = async (text: string) => {
      const result = await runLinq(store, text, {
        from: disabledAt,
        to: new Date(sim.now().getTime() + HOUR),
      });
      const rows: Array<Record<string, unknown>> = [];
      for await (const chunk of result.chunks())
        for (const values of chunk)
          rows.push(Object.fromEntries(result.columns.map((c, i) => [c.name, values[i]])));
      return rows;
    };
    const who = `lower(UserId) = "${insider.toLowerCase()}"`;
    const ops = SHARING_OPERATIONS.map((o) => `"${o}"`).join(', ');
    expect(
      await after(`from cloud.office365.management where ${who}, Operation in {${ops}}`),
    ).toEqual([]);
    // Outsiders no longer open the removed Anyone link.
    expect(
      await after('from cloud.office365.management where Operation = "AnonymousLinkUsed"'),
    ).toEqual([]);
    // Everything the insider's account did since: failed sign-ins (account disabled, AADSTS50057).
    const own = await after(
      `from cloud.office365.management where ${who} select Operation, ErrorNumber`,
    );
    expect(own.length).toBeGreaterThan(0);
    expect(new Set(own.map((r) => r.Operation))).toEqual(new Set(['UserLoginFailed']));
    expect(own.some((r) => String(r.ErrorNumber) === '50057')).toBe(true);
    // Before the action, the insider shared (the alert's evidence).
    const before = await linq(
      store,
      `from cloud.office365.management where ${who}, Operation in {${ops}} group every 0 select count() as n`,
    );
    expect(Number(before[0]?.n)).toBeGreaterThan(0);

    // The action log, like any table.
    const log = await linq(
      store,
      `from ${RESPOND_ACTIONS_TABLE} where ActionId = "${done.id}" select StepNo, Step, Status, Actor, Via, Outcome, Operation, HttpStatus, AlertId`,
    );
    log.sort((a, b) => Number(a.StepNo) - Number(b.StepNo));
    const steps = log.map((r) => String(r.Step));
    expect(steps[0]).toBe('proposed');
    expect(steps[1]).toBe('approved');
    expect(steps[2]).toBe('started');
    expect(steps.at(-1)).toBe('completed');
    expect(steps.filter((s) => s === 'executed')).toHaveLength(removed + 2);
    expect(steps.filter((s) => s === 'verified')).toHaveLength(removed + 2);
    expect(log[0]).toMatchObject({ Actor: 'ana.analyst', AlertId: alert!.id });
    expect(log[1]).toMatchObject({ Actor: 'rui.responder', Status: 'approved' });
    expect(log.at(-1)).toMatchObject({ Status: 'verified' });
    expect(log.filter((r) => r.Step === 'executed').every((r) => Number(r.HttpStatus) < 300)).toBe(
      true,
    );
    const patch = log.find((r) => String(r.Operation ?? '').startsWith('PATCH /users/'));
    expect([Number(patch?.HttpStatus), patch?.Outcome]).toEqual([204, 'done']);

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `respond e2e: ${String(firstRecords)} records collected, ${alerts.length} alerts, 1 action of ${log.length} logged steps (${removed} permissions removed), ${secondRecords} records collected after the action, ${seconds} s`,
    );
  });
});
