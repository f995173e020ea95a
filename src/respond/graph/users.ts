// Users through Graph (docs/microsoft-apis.md, "Users: look up, disable, revoke"): look one up with
// the properties the responder needs, disable or enable it, revoke its sign-in sessions. Writes
// address the object id, as Microsoft's examples do; lookups accept a UPN (guests' `#EXT#` encoded,
// `$`-prefixed UPNs in the `('…')` form).
import type { UserState } from '../model.js';
import type { GraphClient, GraphResult } from './client.js';

const SELECT =
  'id,userPrincipalName,displayName,accountEnabled,userType,signInSessionsValidFromDateTime,onPremisesSyncEnabled';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `/users/…` for a UPN or an object id. */
export function userPath(user: string): string {
  if (GUID.test(user)) return `/users/${user}`;
  // `/users/$x@y` fails on Graph: the key syntax works for every UPN.
  if (user.startsWith('$')) return `/users('${encodeURIComponent(user.replace(/'/g, "''"))}')`;
  return `/users/${encodeURIComponent(user)}`;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

export function userState(body: unknown, given: string): UserState {
  const o = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return {
    id: str(o.id) ?? given,
    upn: str(o.userPrincipalName) ?? given,
    displayName: str(o.displayName),
    accountEnabled: typeof o.accountEnabled === 'boolean' ? o.accountEnabled : null,
    userType: str(o.userType),
    signInSessionsValidFrom: str(o.signInSessionsValidFromDateTime),
    onPremisesSyncEnabled:
      typeof o.onPremisesSyncEnabled === 'boolean' ? o.onPremisesSyncEnabled : null,
  };
}

export async function getUser(
  graph: GraphClient,
  user: string,
): Promise<{ state: UserState; answer: GraphResult }> {
  const answer = await graph.call(
    { method: 'GET', path: `${userPath(user)}?$select=${SELECT}` },
    'read-user',
    user,
  );
  return { state: userState(answer.body, user), answer };
}

export function setAccountEnabled(
  graph: GraphClient,
  user: UserState,
  enabled: boolean,
): Promise<GraphResult> {
  return graph.call(
    { method: 'PATCH', path: userPath(user.id), body: { accountEnabled: enabled } },
    'enable-disable',
    user.upn,
  );
}

export function revokeSessions(graph: GraphClient, user: UserState): Promise<GraphResult> {
  return graph.call(
    { method: 'POST', path: `${userPath(user.id)}/revokeSignInSessions` },
    'revoke-sessions',
    user.upn,
  );
}

const FACTS =
  'id,userPrincipalName,displayName,accountEnabled,userType,signInSessionsValidFromDateTime,onPremisesSyncEnabled,jobTitle,department,officeLocation,mail,createdDateTime';

/** The account's state and who they are, as the directory says now (the user page's header). */
export interface DirectoryFacts extends UserState {
  readonly jobTitle: string | null;
  readonly department: string | null;
  readonly officeLocation: string | null;
  readonly mail: string | null;
  readonly createdDateTime: string | null;
}

export async function readDirectoryFacts(
  graph: GraphClient,
  user: string,
): Promise<DirectoryFacts> {
  const answer = await graph.call(
    { method: 'GET', path: `${userPath(user)}?$select=${FACTS}` },
    'read-user',
    user,
  );
  const o = (answer.body && typeof answer.body === 'object' ? answer.body : {}) as Record<
    string,
    unknown
  >;
  return {
    ...userState(answer.body, user),
    jobTitle: str(o.jobTitle),
    department: str(o.department),
    officeLocation: str(o.officeLocation),
    mail: str(o.mail),
    createdDateTime: str(o.createdDateTime),
  };
}
