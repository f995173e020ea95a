// Drive items and their permissions through Graph (docs/microsoft-apis.md, "Drive items and their
// permissions"). An audit record names an item by URL; Graph needs a drive and an item id. The
// user's own OneDrive is tried first (most sharing is there, one call); otherwise the site
// (`/sites/{host}:{path}`), its libraries, and the library whose URL the item's URL starts with.
// Then `root:/{path}` gives the item.
import type { GraphClient, GraphResult } from './client.js';
import { userPath } from './users.js';

export interface ResolvedItem {
  readonly driveId: string;
  readonly itemId: string;
  /** The item's URL path, decoded: `/personal/ana_contoso_com/Documents/Projects/plan.docx`. */
  readonly path: string;
  readonly webUrl: string;
  readonly isFolder: boolean;
}

interface DriveRef {
  readonly id: string;
  /** Decoded, lower case, without a trailing slash. */
  readonly url: string;
}

function decoded(url: string): string {
  return plain(url).replace(/\/+$/, '').toLowerCase();
}

function driveOf(body: unknown): DriveRef | null {
  const o = (body && typeof body === 'object' ? body : {}) as { id?: unknown; webUrl?: unknown };
  return typeof o.id === 'string' && typeof o.webUrl === 'string'
    ? { id: o.id, url: decoded(o.webUrl) }
    : null;
}

/** Resolves item URLs to drive items, remembering drives and sites across the items of an action. */
export class DriveResolver {
  private readonly userDrives = new Map<string, Promise<DriveRef | null>>();
  private readonly siteDrives = new Map<string, Promise<DriveRef[]>>();

  constructor(private readonly graph: GraphClient) {}

  private userDrive(upn: string): Promise<DriveRef | null> {
    let p = this.userDrives.get(upn.toLowerCase());
    if (!p) {
      p = this.graph
        .call({ method: 'GET', path: `${userPath(upn)}/drive`, accept: [404] }, 'read-files', upn)
        .then((a) => (a.status === 200 ? driveOf(a.body) : null));
      this.userDrives.set(upn.toLowerCase(), p);
    }
    return p;
  }

  private drivesOfSite(host: string, sitePath: string): Promise<DriveRef[]> {
    const key = `${host}${sitePath}`.toLowerCase();
    let p = this.siteDrives.get(key);
    if (!p) {
      p = (async () => {
        const site = await this.graph.call(
          { method: 'GET', path: `/sites/${host}:${encodePath(sitePath)}`, accept: [404] },
          'read-files',
          `${host}${sitePath}`,
        );
        const id = (site.body as { id?: unknown } | null)?.id;
        if (site.status !== 200 || typeof id !== 'string') return [];
        const drives = await this.graph.call(
          { method: 'GET', path: `/sites/${encodeURIComponent(id)}/drives`, accept: [404] },
          'read-files',
          `${host}${sitePath}`,
        );
        const list = (drives.body as { value?: unknown } | null)?.value;
        return Array.isArray(list)
          ? list.map(driveOf).filter((d): d is DriveRef => d !== null)
          : [];
      })();
      this.siteDrives.set(key, p);
    }
    return p;
  }

  /**
   * The drive item at `url` (the record's SiteUrl + SourceRelativeUrl + SourceFileName), or why
   * it cannot be found. `owner` is the user whose OneDrive is tried first; `siteUrl` the record's.
   * Graph's refusals (403) are thrown: without Files.Read.All no item can be found.
   */
  async resolve(
    url: string,
    siteUrl: string | null,
    owner: string,
  ): Promise<ResolvedItem | { reason: string }> {
    // Not `new URL`: audit records carry names unencoded, and a `#` in a name is no fragment.
    const parsed = splitUrl(url);
    if (!parsed) return { reason: `the record names no item URL (${url})` };
    const full = decoded(url);
    const candidates: DriveRef[] = [];
    if (/-my\./i.test(parsed.host)) {
      const own = await this.userDrive(owner);
      if (own) candidates.push(own);
    }
    let drive = longestPrefix(candidates, full);
    if (!drive) {
      const sitePath = (siteUrl ? splitUrl(siteUrl)?.path : null) ?? guessSitePath(parsed.path);
      if (!sitePath || sitePath === '/') return { reason: `cannot tell the site of ${url}` };
      drive = longestPrefix(
        await this.drivesOfSite(parsed.host, sitePath.replace(/\/+$/, '')),
        full,
      );
    }
    const shown = plain(parsed.path);
    if (!drive) {
      return {
        reason: `no document library of the site holds ${shown} (the site or library was deleted, renamed, or is not readable)`,
      };
    }
    // Cut from the decoded URL as written (not lower-cased), to keep the names' case.
    const relative = plain(url).replace(/\/+$/, '').slice(drive.url.length).replace(/^\/+/, '');
    if (!relative) return { reason: `${url} is a library, not an item` };
    const item = await this.graph.call(
      {
        method: 'GET',
        path: `/drives/${encodeURIComponent(drive.id)}/root:/${encodePath(relative)}`,
        accept: [404],
      },
      'read-files',
      url,
    );
    const o = (item.body ?? {}) as { id?: unknown; webUrl?: unknown; folder?: unknown };
    if (item.status === 404 || typeof o.id !== 'string') {
      return { reason: `${shown} is not there any more (deleted, moved or renamed)` };
    }
    return {
      driveId: drive.id,
      itemId: o.id,
      path: shown,
      webUrl: typeof o.webUrl === 'string' ? o.webUrl : url,
      isFolder: o.folder !== undefined && o.folder !== null,
    };
  }
}

function longestPrefix(drives: readonly DriveRef[], full: string): DriveRef | undefined {
  return drives
    .filter((d) => full === d.url || full.startsWith(`${d.url}/`))
    .sort((a, b) => b.url.length - a.url.length)[0];
}

/** `/sites/Deals`, `/teams/x` or `/personal/ana_contoso_com` from an item's path. */
function guessSitePath(pathname: string): string | null {
  const parts = pathname.split('/').filter(Boolean);
  return parts.length >= 2 && ['sites', 'teams', 'personal'].includes(parts[0]!.toLowerCase())
    ? `/${parts[0]}/${parts[1]}`
    : null;
}

function splitUrl(url: string): { host: string; path: string } | null {
  const m = /^https?:\/\/([^/]+)(\/.*)?$/i.exec(url.trim());
  return m ? { host: m[1]!, path: m[2] ?? '/' } : null;
}

/** Decoded when it is percent-encoded; as written otherwise. */
function plain(text: string): string {
  try {
    return decodeURI(text);
  } catch {
    return text;
  }
}

/** Each segment percent-encoded (names may hold #, %, ? and quotes). */
function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) => (s ? encodeURIComponent(s) : s))
    .join('/');
}

// ---- permissions ----------------------------------------------------------------------------

export interface Identity {
  readonly id?: string;
  readonly email?: string;
  readonly displayName?: string;
  readonly userPrincipalName?: string;
  readonly loginName?: string;
}

export interface GraphPermission {
  readonly id: string;
  readonly roles: readonly string[];
  readonly link?: { readonly scope?: string; readonly type?: string; readonly webUrl?: string };
  readonly grantedToV2?: {
    readonly user?: Identity;
    readonly group?: Identity;
    readonly siteGroup?: Identity;
    readonly siteUser?: Identity;
  };
  readonly grantedTo?: { readonly user?: Identity };
  readonly grantedToIdentitiesV2?: ReadonlyArray<{
    readonly user?: Identity;
    readonly siteUser?: Identity;
  }>;
  readonly grantedToIdentities?: ReadonlyArray<{ readonly user?: Identity }>;
  readonly invitation?: { readonly email?: string };
  readonly inheritedFrom?: {
    readonly driveId?: string;
    readonly id?: string;
    readonly path?: string;
  } | null;
}

function itemPath(driveId: string, itemId: string): string {
  return `/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(itemId)}`;
}

/** Every permission of an item (following `@odata.nextLink` as given). */
export async function listPermissions(
  graph: GraphClient,
  item: { driveId: string; itemId: string; path: string },
): Promise<GraphPermission[]> {
  const out: GraphPermission[] = [];
  let next: string | null = `${itemPath(item.driveId, item.itemId)}/permissions`;
  while (next) {
    const answer: GraphResult = await graph.call(
      { method: 'GET', path: next },
      'read-files',
      item.path,
    );
    const body = (answer.body ?? {}) as { value?: unknown; '@odata.nextLink'?: unknown };
    if (Array.isArray(body.value)) {
      for (const p of body.value as unknown[]) {
        if (p && typeof p === 'object' && typeof (p as { id?: unknown }).id === 'string') {
          const perm = p as GraphPermission;
          out.push({ ...perm, roles: Array.isArray(perm.roles) ? perm.roles : [] });
        }
      }
    }
    next = typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : null;
  }
  return out;
}

/** Removes a permission: 204 removed, 404 already gone (both are answers, not failures). */
export function deletePermission(
  graph: GraphClient,
  p: { driveId: string; itemId: string; permissionId: string; path: string },
): Promise<GraphResult> {
  return graph.call(
    {
      method: 'DELETE',
      path: `${itemPath(p.driveId, p.itemId)}/permissions/${encodeURIComponent(p.permissionId)}`,
      accept: [404],
    },
    'write-files',
    p.path,
  );
}

/** Reads a permission back: 200 still there, 404 gone. */
export function getPermission(
  graph: GraphClient,
  p: { driveId: string; itemId: string; permissionId: string; path: string },
): Promise<GraphResult> {
  return graph.call(
    {
      method: 'GET',
      path: `${itemPath(p.driveId, p.itemId)}/permissions/${encodeURIComponent(p.permissionId)}`,
      accept: [404],
    },
    'read-files',
    p.path,
  );
}
