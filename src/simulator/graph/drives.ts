// Graph drives, drive items and their permissions (docs/microsoft-apis.md, "Drive items and their
// permissions"). Permissions are what the audit records shared (links and grants), plus the
// inherited owner/site-group ones; grants on a folder show on its files with `inheritedFrom`.
// Removed permissions are gone from then on.
import { createHash } from 'node:crypto';
import type { Drive, DriveItem } from '../tenant/model.js';
import type { Simulator } from '../simulator.js';
import { isoSeconds } from '../util/time.js';
import type { Grant } from '../world/sharing.js';
import { GRAPH, type GraphAnswer } from './errors.js';
import { type GraphHandler, type GraphRequest, NEEDS, fail, ok, requireRoles } from './context.js';
import { findUser } from './users.js';

const MIME: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  docm: 'application/vnd.ms-word.document.macroEnabled.12',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  pdf: 'application/pdf',
  csv: 'text/csv',
  jpg: 'image/jpeg',
  vsdx: 'application/vnd.ms-visio.drawing',
};

function libraryUrl(d: Drive): string {
  const base = d.siteUrl.endsWith('/') ? d.siteUrl.slice(0, -1) : d.siteUrl;
  return `${base}/${encodeURI(d.library)}`;
}

function siteGraphId(sim: Simulator, d: Drive): string {
  const host = d.kind === 'onedrive' ? sim.tenant.myHost : sim.tenant.spoHost;
  return `${host},${d.siteId},${d.webId}`;
}

function ownerOf(sim: Simulator, d: Drive): Record<string, unknown> {
  if (d.ownerIndex !== null) {
    const u = sim.tenant.users[d.ownerIndex];
    return { user: { id: u?.id, displayName: u?.displayName, email: u?.mail } };
  }
  return { group: { id: d.siteId, displayName: `${d.siteName ?? ''} Owners` } };
}

function driveJson(sim: Simulator, d: Drive, origin: string): Record<string, unknown> {
  return {
    '@odata.context': `${origin}/v1.0/$metadata#drives/$entity`,
    createdDateTime: '2024-02-01T08:00:00Z',
    description: '',
    id: d.id,
    lastModifiedDateTime: '2026-01-01T08:00:00Z',
    name: d.kind === 'onedrive' ? 'OneDrive' : 'Documents',
    webUrl: libraryUrl(d),
    driveType: d.kind === 'onedrive' ? 'business' : 'documentLibrary',
    createdBy: { user: { displayName: 'System Account' } },
    owner: ownerOf(sim, d),
  };
}

function rootJson(sim: Simulator, d: Drive, origin: string): Record<string, unknown> {
  return {
    '@odata.context': `${origin}/v1.0/$metadata#drives('${d.id}')/root/$entity`,
    id: d.rootId,
    name: 'root',
    webUrl: libraryUrl(d),
    root: {},
    folder: { childCount: d.items.filter((i) => i.folder === '').length },
    parentReference: {
      driveId: d.id,
      driveType: d.kind === 'onedrive' ? 'business' : 'documentLibrary',
    },
    fileSystemInfo: {
      createdDateTime: '2024-02-01T08:00:00Z',
      lastModifiedDateTime: '2026-01-01T08:00:00Z',
    },
    createdBy: { user: { displayName: 'System Account' } },
    lastModifiedBy: ownerOf(sim, d),
  };
}

function itemJson(
  sim: Simulator,
  d: Drive,
  item: DriveItem,
  origin: string,
): Record<string, unknown> {
  const parent = item.folder
    ? d.items.find((i) => i.isFolder && i.path === item.folder)
    : undefined;
  const by = ownerOf(sim, d);
  const base: Record<string, unknown> = {
    '@odata.context': `${origin}/v1.0/$metadata#drives('${d.id}')/items/$entity`,
    createdDateTime: isoSeconds(item.createdMs),
    eTag: `"{${item.listItemUniqueId.toUpperCase()}},1"`,
    id: item.id,
    lastModifiedDateTime: isoSeconds(item.createdMs),
    name: item.name,
    webUrl: `${libraryUrl(d)}/${item.path.split('/').map(encodeURIComponent).join('/')}`,
    cTag: `"c:{${item.listItemUniqueId.toUpperCase()}},1"`,
    size: item.size,
    createdBy: by,
    lastModifiedBy: by,
    parentReference: {
      driveType: d.kind === 'onedrive' ? 'business' : 'documentLibrary',
      driveId: d.id,
      id: parent?.id ?? d.rootId,
      name: parent?.name ?? d.library,
      path: `/drive/root:${item.folder ? `/${item.folder}` : ''}`,
      siteId: d.siteId,
    },
    fileSystemInfo: {
      createdDateTime: isoSeconds(item.createdMs),
      lastModifiedDateTime: isoSeconds(item.createdMs),
    },
  };
  if (item.isFolder)
    base.folder = { childCount: d.items.filter((i) => i.folder === item.path).length };
  else base.file = { mimeType: MIME[item.ext.toLowerCase()] ?? 'application/octet-stream' };
  return base;
}

type Located = { drive: Drive; item: DriveItem | null };

function byPath(d: Drive, rawPath: string): Located | null {
  let p = decodeURIComponent(rawPath);
  if (p.endsWith(':')) p = p.slice(0, -1);
  p = p.replace(/^\/+/, '').replace(/\/+$/, '');
  if (p === '') return { drive: d, item: null };
  const item = d.items.find((i) => i.path.toLowerCase() === p.toLowerCase());
  return item ? { drive: d, item } : null;
}

function driveById(sim: Simulator, raw: string): Drive | undefined {
  return sim.index.drives.get(decodeURIComponent(raw));
}

function userDrive(sim: Simulator, raw: string): Drive | null {
  const who = findUser(sim, raw);
  return who?.kind === 'member' ? who.user.drive : null;
}

const readCheck = (req: GraphRequest) => requireRoles(req, NEEDS.readFiles, 'files');

export const getUserDrive: GraphHandler = (sim, req, [u = '']) => {
  const denied = readCheck(req);
  if (denied) return denied;
  const d = userDrive(sim, u);
  return d ? ok(driveJson(sim, d, req.origin)) : fail(req, GRAPH.itemNotFound());
};

export const getDrive: GraphHandler = (sim, req, [id = '']) => {
  const denied = readCheck(req);
  if (denied) return denied;
  const d = driveById(sim, id);
  return d ? ok(driveJson(sim, d, req.origin)) : fail(req, GRAPH.itemNotFound());
};

function answerItem(sim: Simulator, req: GraphRequest, hit: Located | null): GraphAnswer {
  if (!hit) return fail(req, GRAPH.itemNotFound());
  return ok(
    hit.item
      ? itemJson(sim, hit.drive, hit.item, req.origin)
      : rootJson(sim, hit.drive, req.origin),
  );
}

export const getUserDriveItemByPath: GraphHandler = (sim, req, [u = '', path = '']) => {
  const denied = readCheck(req);
  if (denied) return denied;
  const d = userDrive(sim, u);
  return answerItem(sim, req, d ? byPath(d, path) : null);
};

export const getDriveItemByPath: GraphHandler = (sim, req, [id = '', path = '']) => {
  const denied = readCheck(req);
  if (denied) return denied;
  const d = driveById(sim, id);
  return answerItem(sim, req, d ? byPath(d, path) : null);
};

function itemIn(sim: Simulator, d: Drive | undefined | null, rawItem: string): Located | null {
  if (!d) return null;
  const id = decodeURIComponent(rawItem);
  if (id === d.rootId || id === 'root') return { drive: d, item: null };
  const item = sim.index.itemById.get(`${d.id}|${id}`)?.item;
  return item ? { drive: d, item } : null;
}

export const getDriveItem: GraphHandler = (sim, req, [id = '', item = '']) => {
  const denied = readCheck(req);
  if (denied) return denied;
  return answerItem(sim, req, itemIn(sim, driveById(sim, id), item));
};

export const getUserDriveItem: GraphHandler = (sim, req, [u = '', item = '']) => {
  const denied = readCheck(req);
  if (denied) return denied;
  return answerItem(sim, req, itemIn(sim, userDrive(sim, u), item));
};

export const getSiteByPath: GraphHandler = (sim, req, [host = '', path = '']) => {
  const denied = readCheck(req);
  if (denied) return denied;
  const name = /^\/?sites\/([^/:]+):?$/i.exec(decodeURIComponent(path))?.[1];
  const site =
    name && decodeURIComponent(host).toLowerCase() === sim.tenant.spoHost
      ? sim.index.siteByName.get(name.toLowerCase())
      : undefined;
  if (!site) return fail(req, GRAPH.itemNotFound());
  return ok(siteJson(sim, site.drive, site.name, site.displayName, req.origin));
};

function siteJson(
  sim: Simulator,
  d: Drive,
  name: string,
  displayName: string,
  origin: string,
): Record<string, unknown> {
  return {
    '@odata.context': `${origin}/v1.0/$metadata#sites/$entity`,
    createdDateTime: '2024-02-01T08:00:00Z',
    description: '',
    id: siteGraphId(sim, d),
    lastModifiedDateTime: '2026-01-01T08:00:00Z',
    name,
    webUrl: d.siteUrl.replace(/\/$/, ''),
    displayName,
    siteCollection: { hostname: sim.tenant.spoHost },
  };
}

function siteById(sim: Simulator, raw: string): Drive | undefined {
  const [, siteId] = decodeURIComponent(raw).split(',');
  if (!siteId) return undefined;
  for (const d of sim.index.drives.values()) if (d.siteId === siteId) return d;
  return undefined;
}

export const getSite: GraphHandler = (sim, req, [raw = '']) => {
  const denied = readCheck(req);
  if (denied) return denied;
  const d = siteById(sim, raw);
  if (!d) return fail(req, GRAPH.itemNotFound());
  const site = sim.tenant.sites.find((s) => s.drive === d);
  return ok(
    siteJson(sim, d, site?.name ?? 'personal', site?.displayName ?? 'OneDrive', req.origin),
  );
};

export const getSiteDrives: GraphHandler = (sim, req, [raw = '']) => {
  const denied = readCheck(req);
  if (denied) return denied;
  const d = siteById(sim, raw);
  if (!d) return fail(req, GRAPH.itemNotFound());
  const { '@odata.context': _c, ...drive } = driveJson(sim, d, req.origin);
  return ok({ '@odata.context': `${req.origin}/v1.0/$metadata#drives`, value: [drive] });
};

// ---- permissions ---------------------------------------------------------------------------

function active(sim: Simulator, g: Grant, now: number): boolean {
  const removed = sim.world.permissionRemovedAt(g.permissionId);
  return g.t <= now && (removed === undefined || removed > now);
}

function linkUrl(sim: Simulator, d: Drive, item: DriveItem, g: Grant): string {
  const letter = item.isFolder
    ? 'f'
    : (({ docx: 'w', xlsx: 'x', pptx: 'p' } as Record<string, string>)[item.ext] ?? 'u');
  const token = `E${createHash('sha256').update(g.permissionId).digest('base64url').slice(0, 46)}`;
  if (d.kind === 'onedrive') {
    const personal = /\/personal\/([^/]+)/.exec(d.siteUrl)?.[1] ?? '';
    return `https://${sim.tenant.myHost}/:${letter}:/g/personal/${personal}/${token}`;
  }
  return `https://${sim.tenant.spoHost}/:${letter}:/s/${d.siteName ?? ''}/${token}`;
}

function grantJson(sim: Simulator, d: Drive, item: DriveItem, g: Grant): Record<string, unknown> {
  const roles = [...g.roles];
  const people = g.recipients.map((r) => ({
    user: { ...(r.id ? { id: r.id } : {}), displayName: r.displayName, email: r.email },
  }));
  switch (g.kind) {
    case 'user':
      return { id: g.permissionId, roles, grantedTo: people[0], grantedToV2: people[0] };
    case 'invitation':
      return {
        id: g.permissionId,
        roles,
        grantedToV2: people[0],
        invitation: { email: g.recipients[0]?.email, signInRequired: true },
      };
    case 'anonymous':
    case 'organization':
    case 'users': {
      const link: Record<string, unknown> = {
        scope: g.kind,
        type: roles.includes('write') ? 'edit' : 'view',
        webUrl: linkUrl(sim, d, item, g),
        preventsDownload: false,
      };
      return {
        id: g.permissionId,
        roles,
        ...(g.kind === 'users'
          ? { grantedToIdentitiesV2: people, grantedToIdentities: people }
          : {}),
        hasPassword: false,
        link,
        shareId: `s!${createHash('sha1').update(g.permissionId).digest('base64url')}`,
      };
    }
  }
}

interface Listed {
  json: Record<string, unknown>;
  grant: Grant | null;
  inherited: boolean;
}

function permissionsOf(sim: Simulator, d: Drive, item: DriveItem, now: number): Listed[] {
  const out: Listed[] = [];
  for (const g of sim.sharing.on(d.id, item.id)) {
    if (active(sim, g, now))
      out.push({ json: grantJson(sim, d, item, g), grant: g, inherited: false });
  }
  // Grants on ancestor folders are inherited.
  const parts = item.folder ? item.folder.split('/') : [];
  for (let k = parts.length; k >= 1; k--) {
    const folderPath = parts.slice(0, k).join('/');
    const folder = d.items.find((i) => i.isFolder && i.path === folderPath);
    if (!folder) continue;
    for (const g of sim.sharing.on(d.id, folder.id)) {
      if (!active(sim, g, now)) continue;
      out.push({
        json: {
          ...grantJson(sim, d, folder, g),
          inheritedFrom: {
            driveId: d.id,
            id: folder.id,
            path: `/drives/${d.id}/root:/${folder.path}`,
          },
        },
        grant: g,
        inherited: true,
      });
    }
  }
  const fromRoot = { driveId: d.id, id: d.rootId, path: `/drives/${d.id}/root:` };
  if (d.ownerIndex !== null) {
    const u = sim.tenant.users[d.ownerIndex];
    const person = { user: { id: u?.id, displayName: u?.displayName, email: u?.mail } };
    out.push({
      json: {
        id: `aTowIy5mfG1lbWJlcnNoaXB8${Buffer.from(u?.upn ?? '').toString('base64url')}`,
        roles: ['owner'],
        grantedTo: person,
        grantedToV2: person,
        inheritedFrom: fromRoot,
      },
      grant: null,
      inherited: true,
    });
  } else {
    for (const [id, group, role] of [
      ['3', 'Owners', 'owner'],
      ['5', 'Members', 'write'],
      ['4', 'Visitors', 'read'],
    ] as const) {
      out.push({
        json: {
          id: Buffer.from(`${d.siteId}|${group}`).toString('base64url'),
          roles: [role],
          grantedToV2: {
            siteGroup: {
              displayName: `${d.siteName ?? ''} ${group}`,
              id,
              loginName: `${d.siteName ?? ''} ${group}`,
            },
          },
          inheritedFrom: fromRoot,
        },
        grant: null,
        inherited: true,
      });
    }
  }
  return out;
}

export const listPermissions: GraphHandler = (sim, req, [id = '', rawItem = '']) => {
  const denied = readCheck(req);
  if (denied) return denied;
  const hit = itemIn(sim, driveById(sim, id), rawItem);
  if (!hit?.item) return fail(req, GRAPH.itemNotFound());
  const list = permissionsOf(sim, hit.drive, hit.item, req.now);
  return ok({
    '@odata.context': `${req.origin}/v1.0/$metadata#drives('${hit.drive.id}')/items('${hit.item.id}')/permissions`,
    value: list.map((p) => p.json),
  });
};

export const getPermission: GraphHandler = (sim, req, [id = '', rawItem = '', perm = '']) => {
  const denied = readCheck(req);
  if (denied) return denied;
  const hit = itemIn(sim, driveById(sim, id), rawItem);
  if (!hit?.item) return fail(req, GRAPH.itemNotFound());
  const p = permissionsOf(sim, hit.drive, hit.item, req.now).find(
    (x) => x.json.id === decodeURIComponent(perm),
  );
  return p ? ok(p.json) : fail(req, GRAPH.itemNotFound());
};

export const deletePermission: GraphHandler = (sim, req, [id = '', rawItem = '', perm = '']) => {
  const denied = requireRoles(req, NEEDS.writeFiles, 'files');
  if (denied) return denied;
  const hit = itemIn(sim, driveById(sim, id), rawItem);
  if (!hit?.item) return fail(req, GRAPH.itemNotFound());
  const permissionId = decodeURIComponent(perm);
  const p = permissionsOf(sim, hit.drive, hit.item, req.now).find(
    (x) => x.json.id === permissionId,
  );
  if (!p) return fail(req, GRAPH.itemNotFound());
  if (p.inherited || !p.grant) return fail(req, GRAPH.inherited());
  sim.world.add({
    kind: 'permissionRemoved',
    t: req.now,
    grant: p.grant,
    by: { appId: req.appId, name: sim.app.displayName },
  });
  sim.counters.inc('graph.permissionRemoved');
  return { status: 204, headers: {}, body: null };
};
