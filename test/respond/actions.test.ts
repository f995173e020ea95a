// The response actions one by one on the simulator over HTTP: a dry run changes nothing,
// inherited permissions are reported, disabling twice says "already", a link removed in between
// answers 404 and counts as done, undo re-enables, throttling is waited out as Retry-After says,
// a privileged target gets the directory role to assign, protected accounts are refused,
// rejection, and the responses that rules suggest (proposed; auto-approved only when configured).
import { beforeAll, describe, expect, it } from 'vitest';
import { AlertRunner } from '../../src/alerts/runner.js';
import { setupAlerting } from '../../src/alerts/setup.js';
import { listAlerts } from '../../src/alerts/store/alert-store.js';
import { executePlan } from '../../src/respond/execute.js';
import { proposeFromAlerts, RespondError, type ActionView } from '../../src/respond/index.js';
import { token } from '../simulator/helpers.js';
import {
  operator,
  respondWorld,
  responderActor,
  tenantUsers,
  type RespondWorld,
} from './helpers.js';

let world: RespondWorld;
let members: string[];
let admin: string;

beforeAll(async () => {
  world = await respondWorld({ users: 20, days: 1 });
  const users = await tenantUsers(world.sim);
  members = users
    .filter((u) => u.adminRoles.length === 0 && u.userPrincipalName !== world.insider)
    .map((u) => u.userPrincipalName);
  admin = users.find((u) => u.adminRoles.includes('Global Administrator'))!.userPrincipalName;
});

const disable = (user: string, extra: Record<string, unknown> = {}) => ({
  kind: 'disable-user' as const,
  user,
  revokeSessions: true,
  removeSharing: false,
  ...extra,
});

async function graphGet(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const bearer = await token(world.sim, 'graph');
  const r = await fetch(`${world.sim.url}/v1.0${path}`, {
    headers: { Authorization: `Bearer ${bearer}` },
  });
  return { status: r.status, body: (await r.json().catch(() => ({}))) as Record<string, unknown> };
}

describe('dry run', () => {
  it('shows what would change and changes nothing', async () => {
    const responder = world.responder();
    const spec = { ...disable(world.insider), removeSharing: true, since: '7d' };
    const plan = await responder.dryRun(spec);
    expect(plan.user).toMatchObject({ upn: world.insider, accountEnabled: true });
    expect(plan.changes.find((c) => c.key === 'disable')).toMatchObject({
      decision: 'change',
      before: 'accountEnabled: true',
      after: 'accountEnabled: false',
    });
    expect(plan.changes.find((c) => c.key === 'revoke')?.before).toMatch(/^sessions valid from 20/);
    const removals = plan.changes.filter((c) => c.change === 'remove-permission');
    expect(removals.length).toBeGreaterThan(3);
    for (const r of removals) {
      expect(r.permission?.records.length).toBeGreaterThan(0);
      expect(r.call).toMatch(/^DELETE \/drives\/.+\/items\/.+\/permissions\/.+/);
    }
    expect(plan.sharing?.records).toBeGreaterThan(0);
    expect(plan.notes.join(' ')).toMatch(/access tokens already issued stay valid/);
    // Inherited permissions are reported with where they come from, never silently skipped.
    const inherited = plan.skipped.filter((s) => s.reason.startsWith('inherited from /Projects'));
    expect(inherited.length).toBeGreaterThan(0);
    // Owner permissions are never in the plan.
    expect(removals.some((r) => r.permission?.roles.includes('owner'))).toBe(false);
    // Nothing changed: the account, the permissions, and the log.
    const again = await responder.dryRun(spec);
    expect(again.user.accountEnabled).toBe(true);
    expect(again.user.signInSessionsValidFrom).toBe(plan.user.signInSessionsValidFrom);
    expect(again.changes.map((c) => c.key)).toEqual(plan.changes.map((c) => c.key));
    expect(await responder.list()).toEqual([]);
  });
});

describe('idempotence', () => {
  let first: ActionView;

  it('disables, then disabling again succeeds and says it was already so', async () => {
    const responder = world.responder();
    first = await responder.run(disable(members[0]!), operator);
    expect(first.status).toBe('verified');
    expect(first.results.map((r) => [r.change, r.outcome])).toEqual([
      ['disable', 'done'],
      ['revoke', 'done'],
    ]);
    const second = await responder.run(disable(members[0]!), operator);
    expect(second.status).toBe('verified');
    const d = second.results.find((r) => r.change === 'disable')!;
    expect(d.outcome).toBe('already');
    expect(d.message).toMatch(/already disabled/);
    expect(second.checks.every((c) => c.outcome === 'ok')).toBe(true);
  });

  it('undoes a disable: the account is enabled again and the original says so', async () => {
    const responder = world.responder();
    const undo = await responder.undo(first.id, responderActor, 'wrong person');
    expect(undo.kind).toBe('enable-user');
    expect(undo.undoOf).toBe(first.id);
    expect(undo.status).toBe('verified');
    expect(undo.checks[0]?.message).toBe('accountEnabled is true');
    const original = await responder.get(first.id);
    expect(original.status).toBe('undone');
    expect(original.undoneBy).toBe(undo.id);
    expect(
      (await graphGet(`/users/${members[0]}?$select=accountEnabled`)).body.accountEnabled,
    ).toBe(true);
    await expect(responder.undo(first.id, responderActor)).rejects.toThrow(/undone already/);
  });

  it('counts a link removed in between (404) as done, and a second removal finds nothing to remove', async () => {
    const responder = world.responder();
    const spec = {
      kind: 'remove-sharing' as const,
      user: world.insider,
      revokeSessions: false,
      removeSharing: false,
      since: '7d',
    };
    const plan = await responder.dryRun(spec);
    const link = plan.changes.find((c) => c.permission?.kind === 'anonymous link')!.permission!;
    // Someone removes the link between the plan and its execution.
    const bearer = await token(world.sim, 'graph');
    const gone = await fetch(
      `${world.sim.url}/v1.0/drives/${link.driveId}/items/${link.itemId}/permissions/${link.permissionId}`,
      { method: 'DELETE', headers: { Authorization: `Bearer ${bearer}` } },
    );
    expect(gone.status).toBe(204);
    const graph = responder.graph(world.config.instances[0]!);
    const results = await executePlan(graph, plan, async () => {});
    const r = results.find((x) => x.key.endsWith(link.permissionId));
    expect(r).toMatchObject({ outcome: 'already' });
    expect(r?.message).toMatch(/already removed: Graph answered 404 itemNotFound/);
    expect(results.filter((x) => x.outcome === 'failed')).toEqual([]);
    // Run through the workflow now: nothing is left to remove, and the plan says why.
    const view = await responder.run(spec, operator);
    expect(view.status).toBe('verified');
    expect(view.results).toEqual([]);
    expect(
      view.executedPlan?.skipped.some((s) => /no such permission on the item now/.test(s.reason)),
    ).toBe(true);
  });
});

describe('Graph limits', () => {
  it('waits out throttling (429) as Retry-After says, and gets there', async () => {
    const { sim } = world;
    sim.setSwitches({ graphThrottlePerMinute: 600, retryAfterSeconds: 1 });
    try {
      // Use the bucket up, so that the action's own calls are throttled.
      let throttled = false;
      for (let i = 0; i < 700 && !throttled; i++)
        throttled = (await fetch(`${sim.url}/v1.0/users/nobody`)).status === 429;
      expect(throttled).toBe(true);
      const before = sim.counters()['fault.graphThrottled'] ?? 0;
      const view = await world.responder().run(disable(members[1]!), operator);
      expect(view.status).toBe('verified');
      expect((sim.counters()['fault.graphThrottled'] ?? 0) - before).toBeGreaterThan(0);
    } finally {
      sim.setSwitches({ graphThrottlePerMinute: 0 });
    }
  });

  it('explains the directory role a privileged target needs', async () => {
    const view = await world.responder().run(disable(admin), responderActor);
    expect(view.status).toBe('failed');
    const d = view.results.find((r) => r.change === 'disable')!;
    expect(d.outcome).toBe('failed');
    expect(d.graph).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    expect(d.message).toMatch(
      /although the app holds User.EnableDisableAccount.All \+ User.Read.All/,
    );
    expect(d.remedy).toMatch(/Privileged Authentication Administrator/);
    expect((await graphGet(`/users/${admin}?$select=accountEnabled`)).body.accountEnabled).toBe(
      true,
    );
  });
});

describe('workflow', () => {
  it('never acts on a protected account', async () => {
    const responder = world.responder({
      respond: { protected_users: [members[2]!.toUpperCase()] },
    });
    await expect(responder.dryRun(disable(members[2]!))).rejects.toThrow(/protected account/);
    await expect(responder.propose(disable(members[2]!), operator)).rejects.toBeInstanceOf(
      RespondError,
    );
  });

  it('records a rejection with its reason; a rejected action cannot be approved', async () => {
    const responder = world.responder();
    const p = await responder.propose(disable(members[3]!), operator);
    const r = await responder.reject(p.id, responderActor, 'a colleague vouched for the sharing');
    expect(r.status).toBe('rejected');
    expect(r.history.at(-1)).toMatchObject({
      step: 'rejected',
      by: 'rui.responder',
      detail: 'a colleague vouched for the sharing',
    });
    await expect(responder.approve(p.id, responderActor)).rejects.toThrow(
      /rejected: only a proposed action/,
    );
    expect(
      (await graphGet(`/users/${members[3]}?$select=accountEnabled`)).body.accountEnabled,
    ).toBe(true);
  });

  it('proposes what rules suggest, once per user; runs them only where the rule is auto-approved', async () => {
    const { store, config, sim } = world;
    await new AlertRunner(store, setupAlerting(config), { now: () => sim.now() }).runOnce();
    const alerts = await listAlerts(store, { status: ['new'] });
    // Alerts are taken newest first: the first one suggesting to disable the insider proposes it.
    const suggesting = alerts.filter(
      (a) =>
        (a.entities.user ?? []).includes(world.insider) &&
        a.response.some((r) => r.action === 'disable-user'),
    );
    expect(suggesting.length).toBeGreaterThan(1);
    const rule = suggesting[0]!.rule;
    // Only that rule is auto-approved: its suggestions run, every other one waits for a person.
    const auto = world.responder({ respond: { auto_approve: [rule] } });
    const first = await proposeFromAlerts(auto, store);
    expect(first.errors).toEqual([]);
    const insiders = first.proposed.filter((p) => p.user === world.insider);
    expect(insiders.every((p) => p.proposedBy.startsWith('rule:'))).toBe(true);
    // Several alerts suggest disabling the insider, revoking, removing sharing: one proposal,
    // a disable that carries the rest, not one per alert.
    expect(insiders).toHaveLength(1);
    expect(insiders[0]).toMatchObject({ kind: 'disable-user', spec: { revokeSessions: true } });
    expect(insiders[0]!.reason).toMatch(/and \d+ more alerts? on /);
    const keys = first.proposed.map((p) => `${p.user.toLowerCase()}|${p.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(first.autoRun.length).toBeGreaterThan(0);
    for (const v of first.autoRun) {
      expect(v.rule).toBe(rule);
      expect(v.approvedBy).toBe('auto-approval (respond.auto_approve)');
      expect(v.status).toBe('verified');
    }
    // Every other proposal (of rules not auto-approved) waits for a person.
    const ran = new Set(first.autoRun.map((v) => v.id));
    for (const p of first.proposed.filter((v) => !ran.has(v.id))) {
      expect(p.rule).not.toBe(rule);
      expect((await auto.get(p.id)).status).toBe('proposed');
    }
    // Nothing is proposed twice.
    expect((await proposeFromAlerts(auto, store)).proposed).toEqual([]);
  });
});
