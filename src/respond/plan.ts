// The dry run: reads the account and the sharing through Graph and shows exactly what an action
// would change, what it would leave alone, and why. Nothing is written. Execution makes a fresh
// plan right before acting, so that it acts on the state of that moment.
import type { Store } from '../store/store.js';
import { parseDuration } from '../util/duration.js';
import { M365HuntError } from '../util/errors.js';
import type { RespondConfig } from './config.js';
import { RespondError } from './errors.js';
import { GraphFailure, type GraphClient } from './graph/client.js';
import { DriveResolver, listPermissions, type GraphPermission } from './graph/drives.js';
import { grantFix, missingFor, NEEDS, type GraphOperation } from './graph/permissions.js';
import { getUser } from './graph/users.js';
import {
  operationsOf,
  type ActionSpec,
  type ItemSummary,
  type MissingPermission,
  type PermissionRef,
  type Plan,
  type PlannedChange,
  type RecordRef,
  type SharingPlan,
  type Skip,
  type UserState,
} from './model.js';
import {
  findSharing,
  groupByItem,
  itemUrl,
  recordRef,
  type SharingRecord,
} from './sharing/discover.js';
import {
  grantees,
  isInherited,
  isOwner,
  matches,
  permissionKind,
  wantedBy,
} from './sharing/match.js';

export interface PlanContext {
  readonly graph: GraphClient;
  readonly store: Store;
  readonly config: RespondConfig;
}

/** The Graph operations an action needs, for the permission check before anything is called. */
function operationsNeeded(spec: ActionSpec): GraphOperation[] {
  const ops = operationsOf(spec);
  const list: GraphOperation[] = ['read-user'];
  if (ops.disable || ops.enable) list.push('enable-disable');
  if (ops.revoke) list.push('revoke-sessions');
  if (ops.sharing) list.push('read-files', 'write-files');
  return list;
}

async function missingPermissions(
  graph: GraphClient,
  spec: ActionSpec,
): Promise<MissingPermission[]> {
  const roles = await graph.roles();
  if (roles === null) return [];
  const out: MissingPermission[] = [];
  for (const op of operationsNeeded(spec)) {
    const missing = missingFor(op, roles);
    if (missing.length > 0) {
      out.push({
        permission: missing.join(' + '),
        for: NEEDS[op].what,
        fix: grantFix(op, NEEDS[op].sets[0]),
      });
    }
  }
  return out;
}

export function isProtected(config: RespondConfig, user: string): boolean {
  return config.protectedUsers.has(user.toLowerCase());
}

function refuseProtected(config: RespondConfig, user: string): void {
  if (isProtected(config, user)) {
    throw new RespondError(
      'protected',
      `${user} is a protected account: m365hunt never acts on it.`,
      'It is listed in the configuration under respond.protected_users.',
    );
  }
}

async function readUser(graph: GraphClient, user: string): Promise<UserState> {
  try {
    return (await getUser(graph, user)).state;
  } catch (error) {
    if (error instanceof GraphFailure && error.status === 404) {
      throw new RespondError(
        'not-found',
        `There is no user ${user} in ${graph.instance.name}.`,
        'Give the user principal name (ana@contoso.com) or the object id.',
      );
    }
    if (error instanceof GraphFailure) {
      throw new M365HuntError(error.message, error.remedy ? { hint: error.remedy } : {});
    }
    throw error;
  }
}

function notes(spec: ActionSpec, user: UserState): string[] {
  const ops = operationsOf(spec);
  const out: string[] = [];
  if (ops.disable) {
    out.push(
      'Disabling blocks new sign-ins only: sessions and refresh tokens already issued keep working until revoked' +
        (ops.revoke ? ' (this action revokes them).' : ' — revoke the sessions too.'),
    );
  }
  if (ops.revoke) {
    out.push(
      'Revoking invalidates refresh tokens and browser session cookies (Microsoft says it may take a few minutes); access tokens already issued stay valid until they expire, about an hour.',
    );
  }
  if (user.onPremisesSyncEnabled === true && (ops.disable || ops.enable)) {
    out.push(
      `${user.upn} is synchronised from on-premises Active Directory: the next sync may undo the change. Make the same change in Active Directory.`,
    );
  }
  if (user.userType === 'Guest') {
    out.push(
      `${user.upn} is a guest: it authenticates in its home tenant, so revoking here does not end sessions there; disabling blocks its access to this tenant.`,
    );
  }
  if (ops.sharing) {
    out.push(
      'Removed sharing cannot be put back by undo: Graph cannot recreate a link with the same URL. The log keeps what was removed.',
    );
  }
  return out;
}

function userChanges(spec: ActionSpec, user: UserState): PlannedChange[] {
  const ops = operationsOf(spec);
  const changes: PlannedChange[] = [];
  if (ops.disable || ops.enable) {
    const enable = ops.enable;
    const already = user.accountEnabled === enable;
    changes.push({
      key: enable ? 'enable' : 'disable',
      change: enable ? 'enable' : 'disable',
      target: user.upn,
      decision: already ? 'already' : 'change',
      before: `accountEnabled: ${String(user.accountEnabled)}`,
      after: `accountEnabled: ${String(enable)}`,
      call: `PATCH /users/${user.id} {"accountEnabled":${String(enable)}}`,
    });
  }
  if (ops.revoke) {
    changes.push({
      key: 'revoke',
      change: 'revoke',
      target: user.upn,
      decision: 'change',
      before: `sessions valid from ${user.signInSessionsValidFrom ?? 'unknown'}`,
      after:
        'sessions valid from now: refresh tokens and session cookies issued before are refused',
      call: `POST /users/${user.id}/revokeSignInSessions`,
    });
  }
  return changes;
}

function describe(ref: Omit<PermissionRef, 'records'>): string {
  const who = ref.grantees.length ? ` → ${ref.grantees.join(', ')}` : '';
  return `${ref.path} — ${ref.kind}${ref.linkType ? ` (${ref.linkType})` : ''}${who}`;
}

function inheritedPath(p: GraphPermission): string {
  const path = p.inheritedFrom?.path ?? '';
  const cut = path.replace(/^\/drives\/[^/]+\/root:?/, '');
  return cut || '/ (the library root)';
}

interface Inherited {
  readonly perm: GraphPermission;
  readonly target: string;
  readonly records: RecordRef[];
  readonly driveId: string;
}

/** The sharing part of a plan: removals, skips and a summary per item. */
async function planSharing(
  ctx: PlanContext,
  spec: ActionSpec,
  user: UserState,
  changes: PlannedChange[],
  skipped: Skip[],
): Promise<SharingPlan> {
  const period = spec.since ?? ctx.config.since;
  const ms = parseDuration(period);
  if (ms === undefined) {
    throw new M365HuntError(`${period} is not a period.`, { hint: 'Write it as 12h, 7d or 2w.' });
  }
  const until = new Date(ctx.graph.now().getTime() + 60_000);
  const since = new Date(until.getTime() - 60_000 - ms);
  const records = await findSharing(ctx.store, user.upn, since, until);
  const base = { since: since.toISOString(), until: until.toISOString(), records: records.length };
  const items: ItemSummary[] = [];
  const inherited: Inherited[] = [];
  const groups = [...groupByItem(records)];
  const resolver = new DriveResolver(ctx.graph);
  try {
    for (const [index, [, group]] of groups.entries()) {
      const first = group[0]!;
      const url = itemUrl(first);
      const refs = group.map(recordRef);
      if (index >= ctx.config.maxItems) {
        skipped.push({
          target: url ?? first.id,
          reason: `not looked at: the action looks at ${ctx.config.maxItems} items at most (respond.max_items)`,
          records: refs,
        });
        continue;
      }
      const wanted = group.map((r) => ({ r, w: wantedBy(r) }));
      for (const { r, w } of wanted) {
        if (w.kind === 'none')
          skipped.push({ target: url ?? r.id, reason: w.reason, records: [recordRef(r)] });
      }
      const live = wanted.filter((x) => x.w.kind !== 'none');
      if (live.length === 0) continue;
      if (!url) {
        skipped.push({ target: first.id, reason: 'the record names no item', records: refs });
        continue;
      }
      const item = await resolver.resolve(url, first.siteUrl, user.upn);
      if ('reason' in item) {
        skipped.push({ target: url, reason: item.reason, records: refs });
        continue;
      }
      const perms = await listPermissions(ctx.graph, item);
      const summary = { path: item.path, webUrl: item.webUrl, remove: 0, inherited: 0, kept: 0 };
      const matchedRecords = new Set<SharingRecord>();
      for (const p of perms) {
        const by = live.filter(({ w }) => matches(w, p)).map(({ r }) => r);
        if (by.length === 0) {
          summary.kept++;
          continue;
        }
        by.forEach((r) => matchedRecords.add(r));
        const ref = {
          driveId: item.driveId,
          itemId: item.itemId,
          permissionId: p.id,
          path: item.path,
          webUrl: item.webUrl,
          kind: permissionKind(p),
          ...(p.link?.type ? { linkType: p.link.type } : {}),
          grantees: grantees(p),
          roles: [...p.roles],
        };
        const target = describe(ref);
        const recs = by.map(recordRef);
        if (isOwner(p)) {
          summary.kept++;
          skipped.push({ target, reason: 'an owner permission: never removed', records: recs });
        } else if (isInherited(p)) {
          summary.inherited++;
          inherited.push({ perm: p, target, records: recs, driveId: item.driveId });
        } else {
          summary.remove++;
          changes.push({
            key: `perm:${item.driveId}/${item.itemId}/${p.id}`,
            change: 'remove-permission',
            target,
            decision: 'change',
            before: `${ref.kind} with ${p.roles.join(', ') || 'no'} access`,
            after: 'removed',
            call: `DELETE /drives/${item.driveId}/items/${item.itemId}/permissions/${p.id}`,
            permission: { ...ref, records: recs },
          });
        }
      }
      for (const { r } of live) {
        if (!matchedRecords.has(r)) {
          skipped.push({
            target: item.path,
            reason: `${r.operation} of ${r.time}${r.target ? ` (${r.target.name})` : ''}: no such permission on the item now — already removed, or replaced since`,
            records: [recordRef(r)],
          });
        }
      }
      items.push(summary);
    }
  } catch (error) {
    if (!(error instanceof GraphFailure)) throw error;
    return {
      ...base,
      items,
      error: { message: error.message, ...(error.remedy ? { remedy: error.remedy } : {}) },
    };
  }
  // Inherited permissions can only be removed where they are set: say whether this action does.
  for (const i of inherited) {
    const from = i.perm.inheritedFrom;
    const removedThere = changes.some(
      (c) =>
        c.permission?.permissionId === i.perm.id &&
        c.permission.driveId === (from?.driveId ?? i.driveId) &&
        (!from?.id || c.permission.itemId === from.id),
    );
    skipped.push({
      target: i.target,
      reason: removedThere
        ? `inherited from ${inheritedPath(i.perm)}: removed there by this action`
        : `inherited from ${inheritedPath(i.perm)}: Graph removes a permission only on the item where it is set, and that item's sharing is not among ${user.upn}'s records of the period — remove it there if it must go`,
      records: i.records,
    });
  }
  return { ...base, items };
}

/** What an action would change now; nothing is written. */
export async function planAction(ctx: PlanContext, spec: ActionSpec): Promise<Plan> {
  refuseProtected(ctx.config, spec.user);
  const missing = await missingPermissions(ctx.graph, spec);
  const user = await readUser(ctx.graph, spec.user);
  refuseProtected(ctx.config, user.upn);
  const changes = userChanges(spec, user);
  const skipped: Skip[] = [];
  const sharing = operationsOf(spec).sharing
    ? await planSharing(ctx, spec, user, changes, skipped)
    : null;
  return {
    tenant: { id: ctx.graph.instance.tenantId, name: ctx.graph.instance.name },
    kind: spec.kind,
    user,
    changes,
    skipped,
    sharing,
    missingPermissions: missing,
    notes: notes(spec, user),
    plannedAt: ctx.graph.now().toISOString(),
  };
}
