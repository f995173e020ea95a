// Which Microsoft Graph application permissions each call needs (docs/microsoft-apis.md,
// "Permissions"), read from the operation, never from the answer: Graph's 403 says only
// "Insufficient privileges". The app's token lists what was granted (its `roles` claim), so a dry
// run can say what is missing before anything is called, and a 403 can be told apart: a missing
// permission (grant it, here is where) or a privileged target (the app needs a directory role). The
// remedies use the portal's words.

export type GraphOperation =
  'read-user' | 'enable-disable' | 'revoke-sessions' | 'read-files' | 'write-files';

interface Need {
  /** What the call does, for messages. */
  readonly what: string;
  /** Sets of application permissions that each suffice; the first is the least privileged. */
  readonly sets: ReadonlyArray<readonly string[]>;
}

export const NEEDS: Readonly<Record<GraphOperation, Need>> = {
  'read-user': {
    what: "read the user's account state (GET /users/{id})",
    // User.ReadBasic.All cannot read accountEnabled.
    sets: [
      ['User.Read.All'],
      ['User.ReadWrite.All'],
      ['Directory.Read.All'],
      ['Directory.ReadWrite.All'],
    ],
  },
  'enable-disable': {
    what: 'disable or enable the account (PATCH /users/{id} accountEnabled)',
    sets: [
      ['User.EnableDisableAccount.All', 'User.Read.All'],
      ['User.ReadWrite.All'],
      ['Directory.ReadWrite.All'],
    ],
  },
  'revoke-sessions': {
    what: 'revoke sign-in sessions (POST /users/{id}/revokeSignInSessions)',
    sets: [['User.RevokeSessions.All'], ['User.ReadWrite.All'], ['Directory.ReadWrite.All']],
  },
  'read-files': {
    what: 'find drive items and list their permissions',
    sets: [
      ['Files.Read.All'],
      ['Files.ReadWrite.All'],
      ['Sites.Read.All'],
      ['Sites.ReadWrite.All'],
    ],
  },
  'write-files': {
    what: 'remove sharing permissions (DELETE /drives/{d}/items/{i}/permissions/{p})',
    sets: [['Files.ReadWrite.All'], ['Sites.ReadWrite.All']],
  },
};

const PORTAL = 'Entra ID > App registrations > your app > API permissions';

/** The least-privileged permissions of an operation that the token lacks; [] when one set is held. */
export function missingFor(op: GraphOperation, roles: readonly string[]): string[] {
  const sets = NEEDS[op].sets;
  if (sets.some((set) => set.every((r) => roles.includes(r)))) return [];
  return (sets[0] ?? []).filter((r) => !roles.includes(r));
}

/** Where to grant the permissions an operation needs, step by step. */
export function grantFix(op: GraphOperation, permissions?: readonly string[]): string {
  const least = permissions && permissions.length > 0 ? permissions : (NEEDS[op].sets[0] ?? []);
  const broader = NEEDS[op].sets
    .slice(1)
    .map((s) => s.join(' + '))
    .join(' or ');
  return (
    `${PORTAL} > Add a permission > Microsoft Graph > Application permissions > ` +
    `${least.join(' and ')} > Add permissions, then Grant admin consent for your tenant ` +
    `(the status must read "Granted"). When Graph refuses, m365hunt asks once for a new token, which ` +
    `carries a permission granted since.${broader ? ` Broader permissions that also work: ${broader}.` : ''}`
  );
}

/** The directory role a privileged target needs, for a refusal although the permissions are held. */
export function privilegedFix(user: string): string {
  return (
    `${user} probably holds a privileged administrator role: Entra ID lets only a caller with a ` +
    `higher-privileged role change such accounts. Assign the role to the app's service principal: ` +
    `Entra ID > Roles & admins > Privileged Authentication Administrator > Add assignments > ` +
    `select your app (Microsoft's exact requirement for app-only callers is not documented; the ` +
    `"Who can perform sensitive actions" table lists the roles). Or act on this account by hand.`
  );
}

export interface Diagnosis {
  readonly problem: string;
  readonly fix: string;
  /** The permissions to grant; empty when the permissions are there and the target is the cause. */
  readonly missing: readonly string[];
}

/**
 * Why Graph answered 403 to an operation. `roles` is the token's roles claim (null when it could
 * not be read): permissions missing from it are named; when they are all there, the target is the
 * cause (a privileged account, or a site that restricts apps).
 */
export function diagnose403(
  op: GraphOperation,
  roles: readonly string[] | null,
  target: string,
): Diagnosis {
  const need = NEEDS[op];
  if (roles === null) {
    const least = need.sets[0] ?? [];
    return {
      problem: `Graph refused to ${need.what}: the app may lack ${least.join(' + ')}${op === 'enable-disable' || op === 'revoke-sessions' ? `, or ${target} is a privileged account` : ''}`,
      fix: grantFix(op),
      missing: least,
    };
  }
  const missing = missingFor(op, roles);
  if (missing.length > 0) {
    return {
      problem: `the app lacks the Microsoft Graph application permission ${missing.join(' + ')}, needed to ${need.what}`,
      fix: grantFix(op, need.sets[0]),
      missing,
    };
  }
  if (op === 'enable-disable' || op === 'revoke-sessions' || op === 'read-user') {
    return {
      problem: `Graph refused to ${need.what} although the app holds ${(need.sets.find((s) => s.every((r) => roles.includes(r))) ?? []).join(' + ')}`,
      fix: privilegedFix(target),
      missing: [],
    };
  }
  return {
    problem: `SharePoint refused to ${need.what} although the app holds ${(need.sets.find((s) => s.every((r) => roles.includes(r))) ?? []).join(' + ')}`,
    fix: 'The site may restrict app access (Sites.Selected, or a site lock): check the site in the SharePoint admin center > Active sites, or remove the sharing there by hand.',
    missing: [],
  };
}

/** The roles claim of an access token (a JWT), or null when the token cannot be read as one. */
export function tokenRoles(token: string): string[] | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      roles?: unknown;
    };
    return Array.isArray(claims.roles)
      ? claims.roles.filter((r): r is string => typeof r === 'string')
      : [];
  } catch {
    return null;
  }
}
