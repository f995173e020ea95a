// Graph users (docs/microsoft-apis.md, "Users: look up, disable, revoke"): look up by id or UPN
// ($select), disable/enable with PATCH {accountEnabled}, revoke sign-in sessions. Changes go to the
// world: the disabled user's sign-ins fail from then on and their activity stops.
import { PRIVILEGED_ROLES, type Guest, type TenantUser } from '../tenant/model.js';
import type { Simulator } from '../simulator.js';
import { isoSeconds } from '../util/time.js';
import { GRAPH } from './errors.js';
import { type GraphHandler, NEEDS, fail, ok, requireRoles } from './context.js';

type Who = { kind: 'member'; user: TenantUser } | { kind: 'guest'; guest: Guest };

/** Guests' account state (they generate no activity, so the world does not track them). */
const guestState = new WeakMap<
  Simulator,
  Map<string, { enabled: boolean; validFrom: number | null }>
>();

function guests(sim: Simulator) {
  let m = guestState.get(sim);
  if (!m) {
    m = new Map();
    guestState.set(sim, m);
  }
  return m;
}

/** `ana@contoso.com`, `ana%40contoso.com`, a GUID, or `('ana@contoso.com')` (quotes doubled). */
export function userKey(raw: string): string {
  let key = decodeURIComponent(raw);
  const m = /^\('(.*)'\)$/.exec(key);
  if (m) key = (m[1] as string).replace(/''/g, "'");
  return key;
}

export function findUser(sim: Simulator, raw: string): Who | null {
  const key = userKey(raw).toLowerCase();
  const u = sim.index.byId.get(key) ?? sim.index.byUpn.get(key);
  if (u) return { kind: 'member', user: u };
  const g = sim.index.guestById.get(key) ?? sim.index.guestByUpn.get(key);
  return g ? { kind: 'guest', guest: g } : null;
}

const SELECTABLE = [
  'id',
  'userPrincipalName',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'jobTitle',
  'department',
  'officeLocation',
  'businessPhones',
  'mobilePhone',
  'preferredLanguage',
  'accountEnabled',
  'userType',
  'signInSessionsValidFromDateTime',
  'createdDateTime',
  'onPremisesSyncEnabled',
] as const;

const DEFAULT_SELECT = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

/**
 * What User.ReadBasic.All can see (it cannot read accountEnabled, docs/microsoft-apis.md,
 * "Permissions").
 */
const BASIC = new Set(['id', 'displayName', 'givenName', 'surname', 'mail', 'userPrincipalName']);

function properties(sim: Simulator, who: Who, now: number): Record<string, unknown> {
  if (who.kind === 'member') {
    const u = who.user;
    const revoked = sim.world.revokedAt(u.index, now);
    return {
      id: u.id,
      userPrincipalName: u.upn,
      displayName: u.displayName,
      givenName: u.givenName,
      surname: u.surname,
      mail: u.mail,
      jobTitle: u.jobTitle,
      department: u.department,
      officeLocation: u.officeLocation,
      businessPhones: [],
      mobilePhone: null,
      preferredLanguage: 'en-US',
      accountEnabled: !sim.world.isDisabled(u.index, now),
      userType: 'Member',
      signInSessionsValidFromDateTime: isoSeconds(revoked ?? u.createdMs),
      createdDateTime: isoSeconds(u.createdMs),
      onPremisesSyncEnabled: null,
    };
  }
  const g = who.guest;
  const st = guests(sim).get(g.id);
  const [given = '', ...rest] = g.displayName.split(' ');
  return {
    id: g.id,
    userPrincipalName: g.upn,
    displayName: g.displayName,
    givenName: given,
    surname: rest.join(' '),
    mail: g.mail,
    jobTitle: null,
    department: null,
    officeLocation: null,
    businessPhones: [],
    mobilePhone: null,
    preferredLanguage: null,
    accountEnabled: st?.enabled ?? true,
    userType: 'Guest',
    signInSessionsValidFromDateTime: isoSeconds(
      st?.validFrom ?? Date.parse('2025-01-15T09:00:00Z'),
    ),
    createdDateTime: '2025-01-15T09:00:00Z',
    onPremisesSyncEnabled: null,
  };
}

export const getUser: GraphHandler = (sim, req, [raw = '']) => {
  const basicOnly = req.roles.includes('User.ReadBasic.All');
  const denied = requireRoles(req, NEEDS.readUser, 'directory');
  if (denied && !basicOnly) return denied;
  const who = findUser(sim, raw);
  if (!who) return fail(req, GRAPH.userNotFound(userKey(raw)));
  const select = req.query.get('$select');
  const fields = select
    ? select
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : DEFAULT_SELECT;
  for (const f of fields) {
    if (!(SELECTABLE as readonly string[]).includes(f)) {
      return fail(
        req,
        GRAPH.badRequest(
          `Could not find a property named '${f}' on type 'Microsoft.DirectoryServices.User'.`,
        ),
      );
    }
  }
  const all = properties(sim, who, req.now);
  const body: Record<string, unknown> = {
    '@odata.context': select
      ? `${req.origin}/v1.0/$metadata#users(${fields.join(',')})/$entity`
      : `${req.origin}/v1.0/$metadata#users/$entity`,
  };
  for (const f of fields) if (!denied || BASIC.has(f)) body[f] = all[f];
  return ok(body);
};

export const patchUser: GraphHandler = (sim, req, [raw = '']) => {
  const denied = requireRoles(req, NEEDS.enableDisable, 'directory');
  if (denied) return denied;
  const who = findUser(sim, raw);
  if (!who) return fail(req, GRAPH.userNotFound(userKey(raw)));
  const body = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return fail(req, GRAPH.badRequest('Invalid request body: a JSON object is required.'));
  }
  const entries = Object.entries(body as Record<string, unknown>);
  for (const [k, v] of entries) {
    if (k !== 'accountEnabled') {
      return fail(
        req,
        GRAPH.badRequest(`The simulator can only update accountEnabled (got '${k}').`),
      );
    }
    if (typeof v !== 'boolean') {
      return fail(
        req,
        GRAPH.badRequest(
          "Invalid value specified for property 'accountEnabled' of resource 'User'.",
        ),
      );
    }
  }
  const enabled = (body as { accountEnabled?: boolean }).accountEnabled;
  if (enabled === undefined) return ok(null, 204);
  if (who.kind === 'guest') {
    const st = guests(sim).get(who.guest.id) ?? { enabled: true, validFrom: null };
    st.enabled = enabled;
    guests(sim).set(who.guest.id, st);
    return { status: 204, headers: {}, body: null };
  }
  // Disabling an admin who holds a privileged role needs a privileged role on the app (§C2).
  const privileged = who.user.adminRoles.some((r) => PRIVILEGED_ROLES.has(r));
  const appPrivileged = sim.app
    .directoryRoles()
    .some((r) => ['Privileged Authentication Administrator', 'Global Administrator'].includes(r));
  if (privileged && !appPrivileged) return fail(req, GRAPH.directoryDenied());
  if (sim.world.isDisabled(who.user.index, req.now) === !enabled)
    return { status: 204, headers: {}, body: null };
  sim.world.add({
    kind: 'account',
    t: req.now,
    user: who.user.index,
    enabled,
    by: { appId: req.appId, name: sim.app.displayName },
  });
  sim.counters.inc(enabled ? 'graph.userEnabled' : 'graph.userDisabled');
  return { status: 204, headers: {}, body: null };
};

export const revokeSessions: GraphHandler = (sim, req, [raw = '']) => {
  const denied = requireRoles(req, NEEDS.revoke, 'directory');
  if (denied) return denied;
  const who = findUser(sim, raw);
  if (!who) return fail(req, GRAPH.userNotFound(userKey(raw)));
  if (who.kind === 'guest') {
    const st = guests(sim).get(who.guest.id) ?? { enabled: true, validFrom: null };
    st.validFrom = req.now;
    guests(sim).set(who.guest.id, st);
  } else {
    sim.world.add({
      kind: 'revokeSessions',
      t: req.now,
      user: who.user.index,
      by: { appId: req.appId, name: sim.app.displayName },
    });
    sim.counters.inc('graph.sessionsRevoked');
  }
  return ok({ '@odata.context': `${req.origin}/v1.0/$metadata#Edm.Boolean`, value: true });
};
