// Which of an item's permissions a user's sharing records created. Graph does not say who created a
// permission, so the records decide: a link record matches the links of its scope (and type, when
// the record says View or Edit); a grant or invitation matches the permission of the person it
// names. Matching is pure, so that it can be read and tested on its own.
import type { PermissionKind } from '../model.js';
import type { GraphPermission, Identity } from '../graph/drives.js';
import type { SharingRecord } from './discover.js';

type LinkScope = 'anonymous' | 'organization' | 'users' | 'existingAccess';

/** What a sharing record asks of a permission. */
export type Wanted =
  | { readonly kind: 'link'; readonly scope: LinkScope | null; readonly type: string | null }
  | { readonly kind: 'person'; readonly names: readonly string[] }
  | { readonly kind: 'group'; readonly name: string }
  | { readonly kind: 'none'; readonly reason: string };

const LINK_OPS: Readonly<Record<string, LinkScope | null>> = {
  AnonymousLinkCreated: 'anonymous',
  AnonymousLinkUpdated: 'anonymous',
  CompanyLinkCreated: 'organization',
  SecureLinkCreated: 'users',
  SecureLinkUpdated: 'users',
  AddedToSecureLink: 'users',
  SharedLinkCreated: null,
};

/** SharePoint's hidden groups of links: `SharingLinks.<item>.<Kind>.<link id>`. */
const SHARING_LINK_GROUP = /^SharingLinks\.[^.]+\.([A-Za-z]+)\./;

function scopeOfGroupKind(kind: string): LinkScope | null {
  const k = kind.toLowerCase();
  if (k.startsWith('anonymous')) return 'anonymous';
  if (k.startsWith('organization')) return 'organization';
  if (k.startsWith('flexible') || k.startsWith('specific')) return 'users';
  return null;
}

/** `bob_fabrikam.com#ext#@contoso.onmicrosoft.com` → `bob@fabrikam.com`. */
export function guestEmail(upn: string): string | null {
  const m = /^(.+)#ext#@/i.exec(upn);
  if (!m) return null;
  const local = m[1]!;
  const at = local.lastIndexOf('_');
  return at > 0 ? `${local.slice(0, at)}@${local.slice(at + 1)}`.toLowerCase() : null;
}

function linkType(eventData: string | null): string | null {
  const m = /<Type>\s*([A-Za-z]+)\s*<\/Type>/i.exec(eventData ?? '');
  if (!m) return null;
  const t = m[1]!.toLowerCase();
  return t === 'view' || t === 'edit' ? t : null;
}

export function wantedBy(r: SharingRecord): Wanted {
  if (r.operation in LINK_OPS) {
    return { kind: 'link', scope: LINK_OPS[r.operation] ?? null, type: linkType(r.eventData) };
  }
  const target = r.target;
  if (!target) return { kind: 'none', reason: `${r.operation} names nobody it shared with` };
  if (target.type === 'SharePointGroup') {
    const m = SHARING_LINK_GROUP.exec(target.name);
    if (m) return { kind: 'link', scope: scopeOfGroupKind(m[1]!), type: null };
    return {
      kind: 'none',
      reason: `shared by adding people to the SharePoint group "${target.name}": that is a group membership, not an item permission; review the group in SharePoint`,
    };
  }
  if (target.type === 'SecurityGroup') return { kind: 'group', name: target.name.toLowerCase() };
  const name = target.name.toLowerCase();
  const names = [name];
  const email = guestEmail(name);
  if (email) names.push(email);
  return { kind: 'person', names };
}

function identities(p: GraphPermission): Identity[] {
  const out: Identity[] = [];
  const add = (i: Identity | undefined) => {
    if (i) out.push(i);
  };
  add(p.grantedToV2?.user);
  add(p.grantedToV2?.siteUser);
  add(p.grantedTo?.user);
  for (const g of p.grantedToIdentitiesV2 ?? []) {
    add(g.user);
    add(g.siteUser);
  }
  for (const g of p.grantedToIdentities ?? []) add(g.user);
  if (p.invitation?.email) out.push({ email: p.invitation.email });
  return out;
}

function identityNames(i: Identity): string[] {
  return [i.email, i.userPrincipalName, i.id, i.loginName]
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .map((v) => v.toLowerCase());
}

export function matches(w: Wanted, p: GraphPermission): boolean {
  switch (w.kind) {
    case 'none':
      return false;
    case 'link': {
      if (!p.link) return false;
      if (w.scope && p.link.scope !== w.scope) return false;
      return !w.type || !p.link.type || p.link.type === w.type;
    }
    case 'person': {
      if (p.link) return false;
      return identities(p).some((i) => identityNames(i).some((n) => w.names.includes(n)));
    }
    case 'group': {
      const g = p.grantedToV2?.group;
      return (
        !p.link && !!g && [g.displayName, g.email, g.id].some((v) => v?.toLowerCase() === w.name)
      );
    }
  }
}

export function permissionKind(p: GraphPermission): PermissionKind {
  if (p.link) {
    switch (p.link.scope) {
      case 'anonymous':
        return 'anonymous link';
      case 'organization':
        return 'organization link';
      case 'users':
        return 'specific-people link';
      case 'existingAccess':
        return 'existing-access link';
      default:
        return 'link';
    }
  }
  if (p.invitation) return 'invitation';
  if (p.grantedToV2?.siteGroup) return 'site group';
  if (p.grantedToV2?.group) return 'group grant';
  return 'user grant';
}

/** Who a permission lets in, for people reading the plan. */
export function grantees(p: GraphPermission): string[] {
  const out = new Set<string>();
  for (const i of identities(p)) {
    const v = i.email ?? i.userPrincipalName ?? i.displayName;
    if (v) out.add(v);
  }
  const g = p.grantedToV2?.group ?? p.grantedToV2?.siteGroup;
  if (g?.displayName) out.add(g.displayName);
  if (p.link?.scope === 'anonymous') out.add('anyone with the link');
  if (p.link?.scope === 'organization') out.add('anyone in the organisation with the link');
  return [...out];
}

export function isOwner(p: GraphPermission): boolean {
  return p.roles.includes('owner');
}

export function isInherited(p: GraphPermission): boolean {
  return !!p.inheritedFrom && (!!p.inheritedFrom.id || !!p.inheritedFrom.path);
}
