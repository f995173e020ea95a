// The Graph subset: users ($select, UPN forms, #EXT#), disable/enable, revoke, drives, items and
// permissions (links, grants, inherited), delete, $batch, token and permission checks,
// throttling — and the world obeying: a disabled user's sign-ins fail, their activity stops,
// removed links are gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { NOW, api, collectAll, small, token } from './helpers.js';

type Json = Record<string, unknown>;

async function graph(
  sim: SimulatorHandle,
  bearer: string | null,
  method: string,
  path: string,
  body?: unknown,
) {
  const r = await api(sim, bearer, `${sim.url}/v1.0${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { ...r, body: r.text ? (JSON.parse(r.text) as Json) : null };
}

const code = (b: Json | null) => (b?.error as { code?: string } | undefined)?.code;

let sim: SimulatorHandle;
let bearer: string;
let insider: string;

beforeAll(async () => {
  sim = await small({
    users: 20,
    days: 1,
    scenarios: ['insider-exfiltration', 'mail-app-consent'],
  });
  bearer = await token(sim, 'graph');
  insider = sim.scenarios().find((s) => s.name === 'insider-exfiltration')?.actors[0] as string;
});
afterAll(async () => {
  await sim.close();
});

describe('users', () => {
  it("looks users up by UPN, id and the ('upn') form; $select returns only what was asked", async () => {
    const byUpn = await graph(sim, bearer, 'GET', `/users/${encodeURIComponent(insider)}`);
    expect(byUpn.status).toBe(200);
    expect(byUpn.body?.userPrincipalName).toBe(insider);
    expect(byUpn.body).not.toHaveProperty('accountEnabled');
    const id = byUpn.body?.id as string;
    const byId = await graph(
      sim,
      bearer,
      'GET',
      `/users/${id}?$select=id,accountEnabled,signInSessionsValidFromDateTime`,
    );
    expect(Object.keys(byId.body ?? {}).sort()).toEqual([
      '@odata.context',
      'accountEnabled',
      'id',
      'signInSessionsValidFromDateTime',
    ]);
    expect(byId.body?.accountEnabled).toBe(true);
    expect(String(byId.body?.['@odata.context'])).toContain(
      '$metadata#users(id,accountEnabled,signInSessionsValidFromDateTime)/$entity',
    );
    const quoted = await graph(sim, bearer, 'GET', `/users('${insider}')?$select=displayName`);
    expect(quoted.status).toBe(200);
    const bad = await graph(sim, bearer, 'GET', `/users/${id}?$select=favouriteColour`);
    expect(bad.status).toBe(400);
    expect(code(bad.body)).toBe('Request_BadRequest');
  });

  it('finds guests by their #EXT# UPN only when # is encoded; 404 Request_ResourceNotFound otherwise', async () => {
    const tenant = (await (await fetch(`${sim.url}/_sim/tenant`)).json()) as {
      guests: Array<{ userPrincipalName: string }>;
    };
    const guest = tenant.guests[0]?.userPrincipalName as string;
    expect(guest).toContain('#EXT#');
    const ok = await graph(
      sim,
      bearer,
      'GET',
      `/users/${encodeURIComponent(guest)}?$select=userType,userPrincipalName`,
    );
    expect(ok.body).toMatchObject({ userType: 'Guest', userPrincipalName: guest });
    const raw = await graph(sim, bearer, 'GET', `/users/${guest}`);
    expect(raw.status).toBe(404);
    expect(code(raw.body)).toBe('Request_ResourceNotFound');
    const missing = await graph(sim, bearer, 'GET', '/users/nobody@contoso.com');
    expect(missing.status).toBe(404);
    expect((missing.body?.error as Json).message).toContain(
      "Resource 'nobody@contoso.com' does not exist",
    );
    expect((missing.body?.error as { innerError: Json }).innerError['request-id']).toBeTruthy();
  });

  it('refuses a Management API token (401) and calls without the needed role (403 naming the role)', async () => {
    const manage = await token(sim, 'manage');
    const wrong = await graph(sim, manage, 'GET', `/users/${encodeURIComponent(insider)}`);
    expect(wrong.status).toBe(401);
    expect(code(wrong.body)).toBe('InvalidAuthenticationToken');
    expect((await graph(sim, null, 'GET', '/users/x')).status).toBe(401);
    const s = await small({
      days: 0,
      app: { roles: { graph: ['User.Read.All', 'Files.Read.All'] } },
    });
    try {
      const b = await token(s, 'graph');
      const users = (await (await fetch(`${s.url}/_sim/tenant`)).json()) as {
        users: Array<{ userPrincipalName: string; adminRoles: string[] }>;
      };
      const someone = users.users.find((u) => u.adminRoles.length === 0)
        ?.userPrincipalName as string;
      const patch = await graph(s, b, 'PATCH', `/users/${someone}`, { accountEnabled: false });
      expect(patch.status).toBe(403);
      expect(code(patch.body)).toBe('Authorization_RequestDenied');
      expect((patch.body?.error as Json).message).toBe(
        'Insufficient privileges to complete the operation.',
      );
      expect(patch.headers.get('x-m365hunt-required-roles')).toBe(
        'User.EnableDisableAccount.All + User.Read.All',
      );
      const revoke = await graph(s, b, 'POST', `/users/${someone}/revokeSignInSessions`);
      expect(revoke.headers.get('x-m365hunt-required-roles')).toBe('User.RevokeSessions.All');
      const drive = (await graph(s, b, 'GET', `/users/${someone}/drive`)).body as Json;
      const root = await graph(s, b, 'GET', `/drives/${drive.id as string}/root`);
      expect(root.status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('will not disable a Global Administrator unless the app holds a privileged role', async () => {
    const tenant = (await (await fetch(`${sim.url}/_sim/tenant`)).json()) as {
      users: Array<{ userPrincipalName: string; adminRoles: string[] }>;
    };
    const admin = tenant.users.find((u) => u.adminRoles.includes('Global Administrator'))
      ?.userPrincipalName as string;
    const denied = await graph(sim, bearer, 'PATCH', `/users/${admin}`, { accountEnabled: false });
    expect(denied.status).toBe(403);
    expect(code(denied.body)).toBe('Authorization_RequestDenied');
    expect(await graph(sim, bearer, 'PATCH', `/users/${admin}`, { jobTitle: 'x' })).toMatchObject({
      status: 400,
    });
    expect(
      await graph(sim, bearer, 'PATCH', `/users/${admin}`, { accountEnabled: 'no' }),
    ).toMatchObject({ status: 400 });
  });
});

describe('drives and permissions', () => {
  it('resolves OneDrive and SharePoint items and lists the permissions the audit records created', async () => {
    const drive = await graph(sim, bearer, 'GET', `/users/${encodeURIComponent(insider)}/drive`);
    expect(drive.body).toMatchObject({ driveType: 'business', name: 'OneDrive' });
    const path = encodeURI('Projects/Customer list "Tier 1" strategic.xlsx').replace(/"/g, '%22');
    const item = await graph(
      sim,
      bearer,
      'GET',
      `/users/${encodeURIComponent(insider)}/drive/root:/${path}:`,
    );
    expect(item.status).toBe(200);
    expect(item.body).toMatchObject({ name: 'Customer list "Tier 1" strategic.xlsx' });
    const d = drive.body?.id as string;
    const i = item.body?.id as string;
    const same = await graph(sim, bearer, 'GET', `/drives/${d}/root:/${path}`);
    expect(same.body?.id).toBe(i);
    expect((await graph(sim, bearer, 'GET', `/drives/${d}/items/${i}`)).body?.name).toBe(
      item.body?.name,
    );

    const perms = (await graph(sim, bearer, 'GET', `/drives/${d}/items/${i}/permissions`)).body
      ?.value as Json[];
    const anonymous = perms.find((p) => (p.link as Json | undefined)?.scope === 'anonymous');
    expect(anonymous).toBeDefined();
    expect(anonymous?.inheritedFrom).toBeUndefined();
    // The Projects folder was shared with a competitor guest: inherited here.
    const inherited = perms.filter(
      (p) => p.inheritedFrom && (p.grantedToV2 as Json | undefined)?.user,
    );
    expect(
      inherited.some((p) =>
        String(((p.grantedToV2 as Json).user as Json).email).endsWith('@tailspintoys.com'),
      ),
    ).toBe(true);
    const owner = perms.find((p) => (p.roles as string[]).includes('owner'));
    expect(((owner?.grantedToV2 as Json).user as Json).email).toBe(insider);

    const secure = await graph(
      sim,
      bearer,
      'GET',
      `/users/${encodeURIComponent(insider)}/drive/root:/Projects/Strategic%20pricing%20model%20-%20Confidential.xlsx`,
    );
    const securePerms = (
      await graph(sim, bearer, 'GET', `/drives/${d}/items/${secure.body?.id as string}/permissions`)
    ).body?.value as Json[];
    const users = securePerms.find((p) => (p.link as Json | undefined)?.scope === 'users');
    expect((users?.grantedToIdentitiesV2 as Json[]).length).toBe(2);

    const site = await graph(sim, bearer, 'GET', '/sites/contoso.sharepoint.com:/sites/Strategy');
    expect(site.status).toBe(200);
    const drives = (
      await graph(
        sim,
        bearer,
        'GET',
        `/sites/${encodeURIComponent(site.body?.id as string)}/drives`,
      )
    ).body?.value as Json[];
    expect(drives[0]?.driveType).toBe('documentLibrary');
    const siteItem = await graph(
      sim,
      bearer,
      'GET',
      `/drives/${drives[0]?.id as string}/root:/Strategic%20plan%202026-2028.docx`,
    );
    expect(siteItem.status).toBe(200);
    const sitePerms = (
      await graph(
        sim,
        bearer,
        'GET',
        `/drives/${drives[0]?.id as string}/items/${siteItem.body?.id as string}/permissions`,
      )
    ).body?.value as Json[];
    expect(sitePerms.every((p) => p.inheritedFrom)).toBe(true);
    expect(
      sitePerms.some(
        (p) =>
          ((p.grantedToV2 as Json).siteGroup as Json | undefined)?.displayName ===
          'Strategy Owners',
      ),
    ).toBe(true);
    expect(
      (await graph(sim, bearer, 'GET', `/drives/${d}/root:/no/such/file.txt`)).body,
    ).toMatchObject({ error: { code: 'itemNotFound' } });
  });

  it('every sharing record of the insider has its permission on the item', async () => {
    const manage = await token(sim, 'manage');
    const blobs = await collectAll(sim, manage, ['Audit.SharePoint']);
    const shares = blobs
      .flatMap((b) => b.records)
      .filter(
        (r) =>
          r.UserId === insider &&
          [
            'SharingSet',
            'AnonymousLinkCreated',
            'AddedToSecureLink',
            'SharingInvitationCreated',
          ].includes(r.Operation as string),
      );
    expect(shares.length).toBeGreaterThan(3);
    const drive = (await graph(sim, bearer, 'GET', `/users/${encodeURIComponent(insider)}/drive`))
      .body as Json;
    for (const r of shares) {
      if (String(r.TargetUserOrGroupName ?? '').startsWith('SharingLinks.')) continue;
      // Sharing records name the item itself in SourceRelativeUrl (`Documents/Projects/x.docx`).
      const relPath = String(r.SourceRelativeUrl).replace(/^Documents\/?/, '');
      const item = await graph(
        sim,
        bearer,
        'GET',
        `/drives/${drive.id as string}/root:/${relPath.split('/').filter(Boolean).map(encodeURIComponent).join('/')}`,
      );
      expect(item.status, relPath).toBe(200);
      const perms = (
        await graph(
          sim,
          bearer,
          'GET',
          `/drives/${drive.id as string}/items/${item.body?.id as string}/permissions`,
        )
      ).body?.value as Json[];
      const direct = perms.filter((p) => !p.inheritedFrom);
      const target = String(r.TargetUserOrGroupName ?? '').toLowerCase();
      const match = direct.some((p) => {
        if (r.Operation === 'AnonymousLinkCreated')
          return (p.link as Json | undefined)?.scope === 'anonymous';
        const people = [
          p.grantedToV2,
          ...((p.grantedToIdentitiesV2 as Json[] | undefined) ?? []),
        ] as Array<Json | undefined>;
        return people.some((x) => {
          const email = String((x?.user as Json | undefined)?.email ?? '').toLowerCase();
          return email !== '' && (target === email || target.startsWith(email.replace('@', '_')));
        });
      });
      expect(match, `${r.Operation as string} ${relPath} → ${target}`).toBe(true);
    }
  });

  it('DELETE removes a direct permission (204, then 404), refuses inherited ones and needs Files.ReadWrite.All', async () => {
    const drive = (await graph(sim, bearer, 'GET', `/users/${encodeURIComponent(insider)}/drive`))
      .body as Json;
    const d = drive.id as string;
    const item = (
      await graph(
        sim,
        bearer,
        'GET',
        `/drives/${d}/root:/Projects/Customer%20list%20%22Tier%201%22%20strategic.xlsx`,
      )
    ).body as Json;
    const url = `/drives/${d}/items/${item.id as string}/permissions`;
    const perms = (await graph(sim, bearer, 'GET', url)).body?.value as Json[];
    const anon = perms.find((p) => (p.link as Json | undefined)?.scope === 'anonymous') as Json;
    const inherited = perms.find((p) => p.inheritedFrom) as Json;
    const readOnly = await small({ days: 0, app: { roles: { graph: ['Files.Read.All'] } } });
    try {
      const denied = await graph(readOnly, await token(readOnly, 'graph'), 'DELETE', `${url}/x`);
      expect(denied.status).toBe(403);
      expect(code(denied.body)).toBe('accessDenied');
    } finally {
      await readOnly.close();
    }
    const inh = await graph(
      sim,
      bearer,
      'DELETE',
      `${url}/${encodeURIComponent(inherited.id as string)}`,
    );
    expect(inh.status).toBe(400);
    expect(code(inh.body)).toBe('invalidRequest');
    const del = await graph(
      sim,
      bearer,
      'DELETE',
      `${url}/${encodeURIComponent(anon.id as string)}`,
    );
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const after = (await graph(sim, bearer, 'GET', url)).body?.value as Json[];
    expect(after.find((p) => p.id === anon.id)).toBeUndefined();
    expect(after.length).toBe(perms.length - 1);
    expect(
      (await graph(sim, bearer, 'DELETE', `${url}/${encodeURIComponent(anon.id as string)}`))
        .status,
    ).toBe(404);
    // The removal is in the audit trail once its slice is published.
    await sim.advance(4 * 3600_000);
    bearer = await token(sim, 'graph');
    const records = (
      await collectAll(sim, await token(sim, 'manage'), ['Audit.SharePoint'])
    ).flatMap((b) => b.records);
    const removed = records.filter((r) => r.Operation === 'AnonymousLinkRemoved');
    expect(removed.length).toBe(1);
    expect(String(removed[0]?.ObjectId)).toContain('Tier 1');
  });
});

describe('the world obeys', () => {
  it('after disabling, the user only fails to sign in (50057) and shares nothing; re-enabling restores activity', async () => {
    const s = await small({ users: 12, days: 1, scenarios: ['insider-exfiltration'] });
    try {
      const g = await token(s, 'graph');
      const who = s.scenarios()[0]?.actors[0] as string;
      const t0 = s.now().getTime();
      const patch = await graph(s, g, 'PATCH', `/users/${encodeURIComponent(who)}`, {
        accountEnabled: false,
      });
      expect(patch.status).toBe(204);
      expect(
        (await graph(s, g, 'PATCH', `/users/${encodeURIComponent(who)}`, { accountEnabled: false }))
          .status,
      ).toBe(204);
      expect(
        (await graph(s, g, 'GET', `/users/${encodeURIComponent(who)}?$select=accountEnabled`)).body
          ?.accountEnabled,
      ).toBe(false);
      await s.advance(8 * 3600_000);
      const m = await token(s, 'manage');
      const records = (await collectAll(s, m)).flatMap((b) => b.records);
      const mine = records.filter(
        (r) =>
          String(r.UserId).toLowerCase() === who &&
          Date.parse(`${r.CreationTime as string}Z`) >= t0,
      );
      expect(mine.length).toBeGreaterThan(0);
      for (const r of mine) {
        expect(r.Operation).toBe('UserLoginFailed');
        expect(r.ErrorNumber).toBe('50057');
        expect(r.LogonError).toBe('UserAccountDisabled');
      }
      const before = records.filter(
        (r) =>
          String(r.UserId).toLowerCase() === who && Date.parse(`${r.CreationTime as string}Z`) < t0,
      );
      expect(before.some((r) => r.Operation !== 'UserLoginFailed')).toBe(true);
      const audit = records.filter(
        (r) =>
          r.RecordType === 8 &&
          r.ObjectId === who &&
          String(r.UserId).startsWith('ServicePrincipal_'),
      );
      expect(audit.map((r) => r.Operation).sort()).toEqual(['Disable account.', 'Update user.']);
      const world = (await (await fetch(`${s.url}/_sim/world`)).json()) as Json[];
      expect(world).toEqual([
        expect.objectContaining({ kind: 'account', user: who, enabled: false }),
      ]);

      const t1 = s.now().getTime();
      expect(
        (
          await graph(s, await token(s, 'graph'), 'PATCH', `/users/${encodeURIComponent(who)}`, {
            accountEnabled: true,
          })
        ).status,
      ).toBe(204);
      await s.advance(8 * 3600_000);
      const later = (await collectAll(s, await token(s, 'manage'))).flatMap((b) => b.records);
      const back = later.filter(
        (r) =>
          String(r.UserId).toLowerCase() === who &&
          Date.parse(`${r.CreationTime as string}Z`) >= t1,
      );
      expect(back.some((r) => r.Operation !== 'UserLoginFailed')).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('revoking sessions stops the consented app reading the mailbox, and is recorded', async () => {
    const g = await token(sim, 'graph');
    const victim = sim.scenarios().find((s) => s.name === 'mail-app-consent')?.actors[0] as string;
    const r = await graph(
      sim,
      g,
      'POST',
      `/users/${encodeURIComponent(victim)}/revokeSignInSessions`,
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ value: true });
    const at = sim.now().getTime();
    const u = await graph(
      sim,
      g,
      'GET',
      `/users/${encodeURIComponent(victim)}?$select=signInSessionsValidFromDateTime`,
    );
    expect(Date.parse(String(u.body?.signInSessionsValidFromDateTime))).toBe(
      Math.floor(at / 1000) * 1000,
    );
    await sim.advance(8 * 3600_000);
    const records = (
      await collectAll(sim, await token(sim, 'manage'), [
        'Audit.Exchange',
        'Audit.AzureActiveDirectory',
      ])
    ).flatMap((b) => b.records);
    const appReads = records.filter(
      (r) =>
        r.Operation === 'MailItemsAccessed' &&
        r.UserId === victim &&
        r.ClientAppId !== '' &&
        r.ClientAppId !== undefined,
    );
    expect(appReads.every((x) => Date.parse(`${x.CreationTime as string}Z`) < at)).toBe(true);
    // Benign directory changes of the same user may come first: look for the revocation itself.
    const revoked = records.filter(
      (x) =>
        x.Operation === 'Update user.' &&
        x.ObjectId === victim &&
        JSON.stringify(x.ModifiedProperties).includes('StsRefreshTokensValidFrom'),
    );
    expect(revoked).toHaveLength(1);
    expect(Date.parse(`${revoked[0]!.CreationTime as string}Z`)).toBeGreaterThanOrEqual(at - 1000);
    // Control: the same tenant without the revocation keeps being read by the app.
    const control = await small({
      users: 20,
      days: 1,
      scenarios: ['insider-exfiltration', 'mail-app-consent'],
    });
    try {
      await control.advance(at - NOW.getTime() + 8 * 3600_000);
      const more = (
        await collectAll(control, await token(control, 'manage'), ['Audit.Exchange'])
      ).flatMap((b) => b.records);
      const reads = more.filter(
        (r) => r.Operation === 'MailItemsAccessed' && r.UserId === victim && r.ClientAppId,
      );
      expect(reads.some((x) => Date.parse(`${x.CreationTime as string}Z`) >= at)).toBe(true);
    } finally {
      await control.close();
    }
  });
});

describe('$batch and throttling', () => {
  it('runs dependent steps in order, answers 424 after a failed dependency, validates the batch', async () => {
    const tenant = (await (await fetch(`${sim.url}/_sim/tenant`)).json()) as {
      users: Array<{ id: string; adminRoles: string[]; userPrincipalName: string }>;
    };
    const target = tenant.users.filter(
      (u) => u.adminRoles.length === 0 && u.userPrincipalName !== insider,
    )[3] as { id: string };
    const g = await token(sim, 'graph');
    const res = await graph(sim, g, 'POST', '/$batch', {
      requests: [
        {
          id: '1',
          method: 'PATCH',
          url: `/users/${target.id}`,
          headers: { 'Content-Type': 'application/json' },
          body: { accountEnabled: false },
        },
        {
          id: '2',
          method: 'POST',
          url: `/users/${target.id}/revokeSignInSessions`,
          dependsOn: ['1'],
        },
        { id: '3', method: 'GET', url: '/users/nobody@contoso.com' },
        {
          id: '4',
          method: 'GET',
          url: `/users/${target.id}?$select=accountEnabled`,
          dependsOn: ['3'],
        },
        {
          id: '5',
          method: 'GET',
          url: `/users/${target.id}?$select=accountEnabled`,
          dependsOn: ['2'],
        },
      ],
    });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries((res.body?.responses as Json[]).map((r) => [r.id, r]));
    expect(byId['1']?.status).toBe(204);
    expect(byId['2']).toMatchObject({ status: 200, body: { value: true } });
    expect(byId['3']?.status).toBe(404);
    expect(byId['4']?.status).toBe(424);
    expect(byId['5']).toMatchObject({ status: 200, body: { accountEnabled: false } });
    const dup = await graph(sim, g, 'POST', '/$batch', {
      requests: [
        { id: 'a', method: 'GET', url: '/users/x' },
        { id: 'a', method: 'GET', url: '/users/y' },
      ],
    });
    expect(dup.status).toBe(400);
    const many = await graph(sim, g, 'POST', '/$batch', {
      requests: Array.from({ length: 21 }, (_, k) => ({
        id: String(k),
        method: 'GET',
        url: '/users/x',
      })),
    });
    expect(many.status).toBe(400);
  });

  it('answers 429 TooManyRequests with Retry-After past graphThrottlePerMinute, per batch step too', async () => {
    const s = await small({
      days: 0,
      switches: { graphThrottlePerMinute: 3, retryAfterSeconds: 9 },
    });
    try {
      const g = await token(s, 'graph');
      const statuses: number[] = [];
      let throttled: Awaited<ReturnType<typeof graph>> | null = null;
      for (let k = 0; k < 5; k++) {
        const r = await graph(s, g, 'GET', '/users/nobody@contoso.com');
        statuses.push(r.status);
        if (r.status === 429) throttled = r;
      }
      expect(statuses.slice(0, 3)).toEqual([404, 404, 404]);
      expect(throttled?.headers.get('retry-after')).toBe('9');
      expect(code(throttled?.body ?? null)).toBe('TooManyRequests');
      const b = await graph(s, g, 'POST', '/$batch', {
        requests: [{ id: '1', method: 'GET', url: '/users/nobody@contoso.com' }],
      });
      expect(b.status).toBe(200);
      const step = (b.body?.responses as Json[])[0] as Json;
      expect(step.status).toBe(429);
      expect((step.headers as Json)['Retry-After']).toBe('9');
    } finally {
      await s.close();
    }
  });
});

it('keeps NOW as the sim start for these tests', () => {
  expect(NOW.toISOString()).toBe('2026-03-04T12:00:00.000Z');
});
