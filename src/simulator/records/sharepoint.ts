// SharePoint and OneDrive records (Audit.SharePoint): file operations (RecordType 6) and sharing
// (RecordType 14), shaped after docs/microsoft-apis.md ("SharePoint and OneDrive") and the
// Sentinel/Panther samples. OneDrive and SharePoint differ only in Workload and URLs.
import type { FileEvent, ShareEvent } from '../activity/events.js';
import { type Drive, type DriveItem, itemUrl } from '../tenant/model.js';
import type { Rng } from '../util/prng.js';
import {
  type BuildContext,
  type BuiltRecord,
  appAccessContext,
  common,
  spIdentity,
} from './common.js';

export function lookupItem(
  ctx: BuildContext,
  driveId: string,
  itemId: string,
): { drive: Drive; item: DriveItem } {
  const hit = ctx.index.itemById.get(`${driveId}|${itemId}`);
  if (!hit) throw new Error(`unknown drive item ${driveId}/${itemId}`);
  return hit;
}

/**
 * Where the item is, in the two forms Microsoft writes (test/fixtures/real/: the Sentinel lab
 * export and Microsoft's own examples). File operations (RecordType 6) give the site with a
 * trailing slash and the folder; sharing operations (RecordType 14) give the site without it and
 * the path of the item itself (`Documents/Contoso Purchasing Data - Q1.xlsx`).
 */
function locationFields(
  drive: Drive,
  item: DriveItem,
  form: 'file' | 'sharing',
): Record<string, unknown> {
  const site = drive.siteUrl.replace(/\/+$/, '');
  const folder = item.folder ? `${drive.library}/${item.folder}` : drive.library;
  return {
    SiteUrl: form === 'file' ? `${site}/` : site,
    SourceRelativeUrl: form === 'file' ? folder : `${drive.library}/${item.path}`,
    SourceFileName: item.name,
    SourceFileExtension: item.ext,
  };
}

export function buildFile(ctx: BuildContext, e: FileEvent, rng: Rng): BuiltRecord {
  const { drive, item } = lookupItem(ctx, e.driveId, e.itemId);
  const id = spIdentity(ctx, e.actor);
  const r = common(ctx, rng, {
    t: e.t,
    operation: e.op,
    recordType: 6,
    workload: drive.kind === 'onedrive' ? 'OneDrive' : 'SharePoint',
    userType: id.userType,
    userKey: id.userKey,
    userId: id.userId,
    clientIp: e.ip,
    objectId: itemUrl(drive, item),
  });
  if (e.actor.type === 'user') r.AppAccessContext = appAccessContext(rng, e.t);
  Object.assign(r, {
    CorrelationId: rng.guid(),
    EventSource: 'SharePoint',
    ItemType: item.isFolder ? 'Folder' : 'File',
    ListId: drive.listId,
    ListItemUniqueId: item.listItemUniqueId,
    Site: drive.siteId,
    UserAgent: e.userAgent,
    WebId: drive.webId,
  });
  if (e.machineId) {
    Object.assign(r, {
      MachineDomainInfo: e.managedDevice === false ? 'WORKGROUP' : 'CONTOSO',
      MachineId: e.machineId,
      IsManagedDevice: e.managedDevice !== false,
    });
  }
  if (!item.isFolder) r.FileSizeBytes = item.size;
  Object.assign(r, locationFields(drive, item, 'file'));
  if (item.label) r.SensitivityLabelId = item.label.id;
  if (e.virusInfo) {
    r.VirusInfo = e.virusInfo;
    r.VirusVendor = 'Microsoft';
  }
  return { record: r, contentType: 'Audit.SharePoint' };
}

export function buildShare(ctx: BuildContext, e: ShareEvent, rng: Rng): BuiltRecord {
  const { drive, item } = lookupItem(ctx, e.driveId, e.itemId);
  // The redemption of an Anyone link names nobody: UserId and UserKey are `anonymous`; the
  // urn:spo:anon#… form appears only on the PageViewed/FileAccessed records that follow.
  const id =
    e.op === 'AnonymousLinkUsed' && e.actor.type === 'external' && !e.actor.email
      ? { userId: 'anonymous', userKey: 'anonymous', userType: 0 }
      : spIdentity(ctx, e.actor);
  const r = common(ctx, rng, {
    t: e.t,
    operation: e.op,
    recordType: 14,
    workload: drive.kind === 'onedrive' ? 'OneDrive' : 'SharePoint',
    userType: id.userType,
    userKey: id.userKey,
    userId: id.userId,
    clientIp: e.ip,
    objectId: itemUrl(drive, item),
  });
  if (e.actor.type === 'user') r.AppAccessContext = appAccessContext(rng, e.t);
  Object.assign(r, {
    CorrelationId: rng.guid(),
    EventSource: 'SharePoint',
    ItemType: item.isFolder ? 'Folder' : 'File',
    ListId: drive.listId,
    ListItemUniqueId: item.listItemUniqueId,
    Site: drive.siteId,
    UserAgent: e.userAgent,
    WebId: drive.webId,
    EventData: e.eventData,
  });
  if (e.target) {
    r.TargetUserOrGroupName = e.target.name;
    r.TargetUserOrGroupType = e.target.type;
  }
  const linkId = e.grant?.linkId ?? null;
  if (linkId) r.UniqueSharingId = linkId;
  Object.assign(r, locationFields(drive, item, 'sharing'));
  return { record: r, contentType: 'Audit.SharePoint' };
}
