// A missing Graph permission, one at a time: the dry run names it before anything is called (from
// the token's roles), and a refusal (403) names the exact permission and where to grant it. Graph's
// own 403 does not name it; the simulator's extra header is not used: the responder derives it
// from the operation.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GRAPH_ROLES } from '../../src/simulator/index.js';
import { operator, respondWorld, tenantUsers, type RespondWorld } from './helpers.js';

let world: RespondWorld;
let members: string[];

beforeAll(async () => {
  world = await respondWorld({ users: 20, days: 1 });
  members = (await tenantUsers(world.sim))
    .filter((u) => u.adminRoles.length === 0 && u.userPrincipalName !== world.insider)
    .map((u) => u.userPrincipalName);
});

afterEach(() => world.sim.setApp({ roles: { graph: [...DEFAULT_GRAPH_ROLES] } }));

const without = (...missing: string[]) =>
  world.sim.setApp({ roles: { graph: DEFAULT_GRAPH_ROLES.filter((r) => !missing.includes(r)) } });

const WHERE =
  /Entra ID > App registrations > your app > API permissions > Add a permission > Microsoft Graph > Application permissions > .*Grant admin consent/;

describe('a missing Graph permission', () => {
  it('User.Read.All: the account cannot be read; the hint says what to grant and where', async () => {
    // Directory.Read.All reads users too (the Graph sources ask for it): take both away.
    without('User.Read.All', 'Directory.Read.All');
    let error: (Error & { hint?: string }) | undefined;
    try {
      await world.responder().dryRun({
        kind: 'disable-user',
        user: members[0]!,
        revokeSessions: true,
        removeSharing: false,
      });
    } catch (e) {
      error = e as Error & { hint?: string };
    }
    expect(error?.message).toMatch(
      /lacks the Microsoft Graph application permission User.Read.All/,
    );
    expect(error?.hint).toMatch(WHERE);
    expect(error?.hint).toMatch(/> User.Read.All > Add permissions/);
  });

  it('User.EnableDisableAccount.All: named by the dry run, and by the refused disable', async () => {
    without('User.EnableDisableAccount.All');
    const responder = world.responder();
    const spec = {
      kind: 'disable-user' as const,
      user: members[0]!,
      revokeSessions: true,
      removeSharing: false,
    };
    const plan = await responder.dryRun(spec);
    expect(plan.missingPermissions.map((m) => m.permission)).toEqual([
      'User.EnableDisableAccount.All',
    ]);
    expect(plan.missingPermissions[0]?.fix).toMatch(WHERE);
    const view = await responder.run(spec, operator);
    expect(view.status).toBe('failed');
    const d = view.results.find((r) => r.change === 'disable')!;
    expect(d).toMatchObject({
      outcome: 'failed',
      graph: { status: 403, code: 'Authorization_RequestDenied' },
    });
    expect(d.message).toMatch(
      /lacks the Microsoft Graph application permission User.EnableDisableAccount.All/,
    );
    expect(d.remedy).toMatch(
      /User.EnableDisableAccount.All and User.Read.All > Add permissions, then Grant admin consent/,
    );
    // The revocation, which has its permission, still went through.
    expect(view.results.find((r) => r.change === 'revoke')?.outcome).toBe('done');
  });

  it('User.RevokeSessions.All: the revocation is refused and says what to grant', async () => {
    without('User.RevokeSessions.All');
    const view = await world
      .responder()
      .run(
        { kind: 'revoke-sessions', user: members[1]!, revokeSessions: false, removeSharing: false },
        operator,
      );
    expect(view.status).toBe('failed');
    const r = view.results[0]!;
    expect(r).toMatchObject({ change: 'revoke', outcome: 'failed' });
    expect(r.remedy).toMatch(WHERE);
    expect(r.remedy).toMatch(/User.RevokeSessions.All/);
  });

  it('Files.ReadWrite.All: the first removal is refused, the others are not attempted', async () => {
    without('Files.ReadWrite.All');
    world.sim.setApp({
      roles: {
        graph: [
          ...DEFAULT_GRAPH_ROLES.filter((r) => r !== 'Files.ReadWrite.All'),
          'Files.Read.All',
        ],
      },
    });
    const view = await world.responder().run(
      {
        kind: 'remove-sharing',
        user: world.insider,
        revokeSessions: false,
        removeSharing: false,
        since: '7d',
      },
      operator,
    );
    expect(view.status).toBe('failed');
    expect(view.proposalPlan?.missingPermissions.map((m) => m.permission)).toEqual([
      'Files.ReadWrite.All',
    ]);
    const [first, ...rest] = view.results;
    expect(first).toMatchObject({
      outcome: 'failed',
      graph: { status: 403, code: 'accessDenied' },
    });
    expect(first?.remedy).toMatch(/Files.ReadWrite.All > Add permissions/);
    expect(rest.length).toBeGreaterThan(0);
    expect(
      rest.every((r) => r.outcome === 'skipped' && /refused the first removal/.test(r.message)),
    ).toBe(true);
  });

  it('Files.Read.All (and ReadWrite): the sharing cannot be looked up; the account part still runs', async () => {
    without('Files.ReadWrite.All');
    const view = await world.responder().run(
      {
        kind: 'disable-user',
        user: world.insider,
        revokeSessions: true,
        removeSharing: true,
        since: '7d',
      },
      operator,
    );
    expect(view.status).toBe('failed');
    expect(view.results.find((r) => r.change === 'disable')?.outcome).toBe('done');
    const d = view.results.find((r) => r.change === 'discover-sharing')!;
    expect(d.outcome).toBe('failed');
    expect(d.remedy).toMatch(/Files.Read.All > Add permissions/);
  });

  it('picks up a permission granted after its token was issued, without a restart', async () => {
    without('User.RevokeSessions.All');
    const responder = world.responder();
    const spec = {
      kind: 'revoke-sessions' as const,
      user: members[2]!,
      revokeSessions: false,
      removeSharing: false,
    };
    expect((await responder.dryRun(spec)).missingPermissions[0]?.permission).toBe(
      'User.RevokeSessions.All',
    );
    // The admin grants it; the responder's token still lacks it until a new one is asked for.
    world.sim.setApp({ roles: { graph: [...DEFAULT_GRAPH_ROLES] } });
    const view = await responder.run(spec, operator);
    expect(view.status).toBe('verified');
    expect(view.results[0]?.outcome).toBe('done');
  });
});
