// Changes made to the world from outside (the responder, through Graph): accounts disabled or
// enabled, sessions revoked, sharing permissions removed. Each change has its sim time; the
// activity generator only consults changes at or before an event's time, so regenerating an
// old slice always gives the same records.
import {
  APPS,
  type ActivityEvent,
  type DirectoryEvent,
  type ShareEvent,
} from '../activity/events.js';
import { unit } from '../util/prng.js';
import type { Grant } from './sharing.js';

export interface ChangeActor {
  appId: string;
  name: string;
}

export type WorldChange =
  | { kind: 'account'; t: number; seq: number; user: number; enabled: boolean; by: ChangeActor }
  | { kind: 'revokeSessions'; t: number; seq: number; user: number; by: ChangeActor }
  | { kind: 'permissionRemoved'; t: number; seq: number; grant: Grant; by: ChangeActor };

/** Share of a disabled user's would-be activity that shows up as a failed sign-in. */
const DENIED_RETRY_RATE = 0.3;

/** A change as callers give it (the world numbers it). */
export type NewChange = WorldChange extends infer C
  ? C extends WorldChange
    ? Omit<C, 'seq'>
    : never
  : never;

export class World {
  private readonly changes: WorldChange[] = [];
  private readonly accounts = new Map<number, Array<{ t: number; enabled: boolean }>>();
  private readonly revocations = new Map<number, number[]>();
  private readonly removed = new Map<string, number>();

  /** Records a change at sim time t (never earlier than the previous change). */
  add(change: NewChange): WorldChange {
    const last = this.changes[this.changes.length - 1];
    const t = last && change.t < last.t ? last.t : change.t;
    const c = { ...change, t, seq: this.changes.length } as WorldChange;
    this.changes.push(c);
    if (c.kind === 'account') {
      const list = this.accounts.get(c.user) ?? [];
      list.push({ t: c.t, enabled: c.enabled });
      this.accounts.set(c.user, list);
    } else if (c.kind === 'revokeSessions') {
      const list = this.revocations.get(c.user) ?? [];
      list.push(c.t);
      this.revocations.set(c.user, list);
    } else if (!this.removed.has(c.grant.permissionId)) {
      this.removed.set(c.grant.permissionId, c.t);
    }
    return c;
  }

  all(): readonly WorldChange[] {
    return this.changes;
  }

  isDisabled(user: number, t: number): boolean {
    const list = this.accounts.get(user);
    if (!list) return false;
    let enabled = true;
    for (const c of list) {
      if (c.t > t) break;
      enabled = c.enabled;
    }
    return !enabled;
  }

  /** Latest session revocation at or before t, if any. */
  revokedAt(user: number, t = Infinity): number | null {
    const list = this.revocations.get(user);
    if (!list) return null;
    let at: number | null = null;
    for (const r of list) if (r <= t) at = r;
    return at;
  }

  permissionRemovedAt(permissionId: string): number | undefined {
    return this.removed.get(permissionId);
  }

  changesIn(t0: number, t1: number): WorldChange[] {
    return this.changes.filter((c) => c.t >= t0 && c.t < t1);
  }

  /**
   * Applies the world to a slice's events: a disabled user's sign-ins fail with 50057
   * (UserAccountDisabled) and their other activity does not happen; activity relying on a
   * user's tokens stops once they are disabled or revoked; links that were removed are not used.
   */
  filter(
    events: ActivityEvent[],
    actingUser: (e: ActivityEvent) => number | null,
    userAgent: (user: number) => string,
  ): ActivityEvent[] {
    if (this.changes.length === 0) return events;
    const out: ActivityEvent[] = [];
    for (const e of events) {
      const u = actingUser(e);
      if (u !== null && this.isDisabled(u, e.t)) {
        if (e.kind === 'signIn') {
          out.push({ ...e, errorCode: 50057, requestType: 'Login:login' });
        } else if (unit('denied', e.key) < DENIED_RETRY_RATE) {
          // The user's clients keep trying: some of what they would have done becomes a sign-in
          // attempt that fails because the account is disabled.
          out.push({
            kind: 'signIn',
            t: e.t,
            label: e.label,
            key: `${e.key}.denied`,
            user: u,
            ip: 'ip' in e && typeof e.ip === 'string' && e.ip ? e.ip : '',
            appId: APPS.officeHome,
            resourceId: APPS.graph,
            errorCode: 50057,
            userAgent: userAgent(u),
            requestType: 'OAuth2:Token',
          });
        }
        continue;
      }
      if (e.dependsOnUser !== undefined) {
        const d = e.dependsOnUser;
        if (this.isDisabled(d, e.t) || this.revokedAt(d, e.t) !== null) continue;
      }
      if (e.kind === 'share' && e.viaPermissionId) {
        const removed = this.removed.get(e.viaPermissionId);
        if (removed !== undefined && removed <= e.t) continue;
      }
      out.push(e);
    }
    return out;
  }
}

const REMOVAL_OPERATION: Record<Grant['kind'], ShareEvent['op']> = {
  anonymous: 'AnonymousLinkRemoved',
  organization: 'CompanyLinkRemoved',
  users: 'SecureLinkDeleted',
  user: 'SharingRevoked',
  invitation: 'SharingRevoked',
};

/**
 * The audit records a change leaves behind. Operation names for the responder's Graph calls
 * are UNVERIFIED in the reference: disabling logs "Disable account." plus "Update user."
 * (AccountEnabled), revoking logs "Update user." (StsRefreshTokensValidFrom), removing a
 * permission logs the SharePoint removal operation of the grant's kind.
 */
export function changeEvents(
  c: WorldChange,
  users: ReadonlyArray<{ id: string; upn: string; puid: string }>,
): ActivityEvent[] {
  const actor = { type: 'app' as const, appId: c.by.appId, name: c.by.name };
  const key = `w${c.seq}`;
  if (c.kind === 'permissionRemoved') {
    const g = c.grant;
    const recipient = g.recipients[0];
    const e: ShareEvent = {
      kind: 'share',
      op: REMOVAL_OPERATION[g.kind],
      t: c.t,
      label: 'benign',
      key,
      actor,
      driveId: g.driveId,
      itemId: g.itemId,
      ip: '',
      userAgent: 'Microsoft Graph',
      target: recipient ? { name: recipient.email, type: recipient.id ? 'Member' : 'Guest' } : null,
      grant: null,
      eventData: '',
    };
    return [e];
  }
  const u = users[c.user];
  if (!u) return [];
  const target = [
    { ID: `User_${u.id}`, Type: 2 },
    { ID: u.id, Type: 2 },
    { ID: 'User', Type: 2 },
    { ID: u.upn, Type: 5 },
    { ID: u.puid, Type: 3 },
  ];
  const base = {
    kind: 'directory' as const,
    t: c.t,
    label: 'benign',
    actor,
    ip: null,
    objectId: u.upn,
    target,
    extended: [{ Name: 'extendedAuditEventCategory', Value: 'User' }],
    resultStatus: 'Success' as const,
  };
  if (c.kind === 'revokeSessions') {
    const when = new Date(c.t).toISOString();
    const e: DirectoryEvent = {
      ...base,
      key,
      op: 'Update user.',
      modified: [{ Name: 'StsRefreshTokensValidFrom', NewValue: `["${when}"]`, OldValue: '[]' }],
    };
    return [e];
  }
  const from = c.enabled ? 'false' : 'true';
  const to = c.enabled ? 'true' : 'false';
  return [
    {
      ...base,
      key: `${key}.a`,
      op: c.enabled ? 'Enable account.' : 'Disable account.',
      modified: [],
    },
    {
      ...base,
      key: `${key}.b`,
      op: 'Update user.',
      modified: [{ Name: 'AccountEnabled', NewValue: `[${to}]`, OldValue: `[${from}]` }],
    },
  ];
}
