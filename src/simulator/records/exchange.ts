// Exchange records (Audit.Exchange): admin cmdlets (RecordType 1, Parameters as a list of
// {Name, Value} strings, ClientIP with a port), mailbox items (2) and MailItemsAccessed (50,
// ClientIPAddress), shaped after docs/microsoft-apis.md ("Exchange admin", "Exchange mailbox") and
// the Sentinel samples.
import type {
  AttachmentEvent,
  ExchangeCmdletEvent,
  MailAccessEvent,
  MailSendEvent,
} from '../activity/events.js';
import { APPS } from '../activity/events.js';
import type { TenantUser } from '../tenant/model.js';
import type { Rng } from '../util/prng.js';
import { type BuildContext, type BuiltRecord, common, userAt, withPort } from './common.js';

function folderId(rng: Rng): string {
  return `LgAAAAD${rng.hex(48).toUpperCase()}AAAB`;
}

function itemId(rng: Rng): string {
  return `RgAAAAD${rng.hex(64).toUpperCase()}AAAJ`;
}

function mailboxFields(ctx: BuildContext, u: TenantUser, rng: Rng): Record<string, unknown> {
  return {
    ExternalAccess: false,
    InternalLogonType: 0,
    LogonType: 0,
    LogonUserSid: u.sid,
    MailboxGuid: u.mailboxGuid,
    MailboxOwnerSid: u.sid,
    MailboxOwnerUPN: u.upn,
    OrganizationName: ctx.tenant.initialDomain,
    OriginatingServer: rng.pick(ctx.tenant.servers),
    SessionId: rng.guid(),
  };
}

export function buildMailAccess(ctx: BuildContext, e: MailAccessEvent, rng: Rng): BuiltRecord {
  const u = userAt(ctx, e.owner);
  const r = common(ctx, rng, {
    t: e.t,
    operation: 'MailItemsAccessed',
    recordType: 50,
    workload: 'Exchange',
    userType: 0,
    userKey: u.puid,
    userId: u.upn,
    resultStatus: 'Succeeded',
  });
  Object.assign(r, {
    AppId: e.app ? e.app.appId : APPS.exchangeOnline,
    ClientAppId: e.app ? e.app.appId : '',
    ClientIPAddress: e.ip,
    ClientInfoString: e.clientInfo,
    ...mailboxFields(ctx, u, rng),
    OperationCount: e.items,
    OperationProperties: [
      { Name: 'MailAccessType', Value: e.accessType },
      { Name: 'IsThrottled', Value: 'False' },
    ],
  });
  if (e.app) r.TokenTenantId = ctx.tenant.id;
  if (e.accessType === 'Bind') {
    const items = [];
    for (let i = 0; i < e.items; i++) {
      items.push({
        Id: itemId(rng),
        InternetMessageId: `<${rng.hex(12).toUpperCase()}@${rng.pick(ctx.tenant.servers).split(' ')[0]}.eurprd06.prod.outlook.com>`,
        SizeInBytes: rng.between(2_000, 900_000),
      });
    }
    r.Folders = [{ Id: folderId(rng), Path: e.folder, FolderItems: items }];
  } else {
    r.Folders = [{ Id: folderId(rng), Path: e.folder }];
  }
  return { record: r, contentType: 'Audit.Exchange' };
}

export function buildSend(ctx: BuildContext, e: MailSendEvent, rng: Rng): BuiltRecord {
  const u = userAt(ctx, e.from);
  const r = common(ctx, rng, {
    t: e.t,
    operation: 'Send',
    recordType: 2,
    workload: 'Exchange',
    userType: 0,
    userKey: u.puid,
    userId: u.upn,
    resultStatus: 'Succeeded',
    clientIp: e.ip,
  });
  const clientInfo =
    e.client === 'OWA'
      ? `Client=OWA;${u.userAgent};`
      : e.client === 'Mobile'
        ? 'Client=REST;Client=RESTSystem;;'
        : 'Client=MSExchangeRPC';
  const item: Record<string, unknown> = {
    Id: itemId(rng),
    InternetMessageId: e.internetMessageId,
    ParentFolder: { Id: folderId(rng), Path: '\\Sent Items' },
    SizeInBytes: e.size,
    Subject: e.subject,
  };
  if (e.attachments.length > 0) {
    item.Attachments = e.attachments
      .map((a) => `${a} (${rng.between(10_000, 4_000_000)}b)`)
      .join('; ');
  }
  Object.assign(r, {
    AppId: e.client === 'OWA' ? APPS.exchangeOnline : APPS.officeClient,
    ClientAppId: '',
    ClientIPAddress: e.ip,
    ClientInfoString: clientInfo,
    ...mailboxFields(ctx, u, rng),
    Item: item,
    SaveToSentItems: true,
  });
  return { record: r, contentType: 'Audit.Exchange' };
}

export function buildExchangeCmdlet(
  ctx: BuildContext,
  e: ExchangeCmdletEvent,
  rng: Rng,
): BuiltRecord {
  const u = userAt(ctx, e.actor);
  const r = common(ctx, rng, {
    t: e.t,
    operation: e.op,
    recordType: 1,
    workload: 'Exchange',
    userType: u.adminRoles.length > 0 ? 2 : 0,
    userKey: u.puid,
    userId: u.upn,
    resultStatus: 'True',
    clientIp: withPort(e.ip, rng),
    objectId: e.objectId,
  });
  Object.assign(r, {
    AppId: u.adminRoles.length > 0 ? APPS.exchangePowerShell : APPS.exchangeOnline,
    ClientAppId: '',
    ExternalAccess: false,
    OrganizationName: ctx.tenant.initialDomain,
    OriginatingServer: rng.pick(ctx.tenant.servers),
    Parameters: e.params.map(([Name, Value]) => ({ Name, Value })),
    SessionId: rng.guid(),
  });
  return { record: r, contentType: 'Audit.Exchange' };
}

/**
 * `AttachmentDownload` is what the seed query looks for, but it is NOT a real Microsoft audit
 * operation (docs/microsoft-apis.md, "Exchange mailbox": attachment reads surface as
 * MailItemsAccessed Bind or SharePoint FileDownloaded). The simulator emits it so that the seed's
 * use case has data; detections for real tenants must not rely on it.
 */
export function buildAttachmentDownload(
  ctx: BuildContext,
  e: AttachmentEvent,
  rng: Rng,
): BuiltRecord {
  const u = userAt(ctx, e.user);
  const r = common(ctx, rng, {
    t: e.t,
    operation: 'AttachmentDownload',
    recordType: 2,
    workload: 'Exchange',
    userType: 0,
    userKey: u.puid,
    userId: u.upn,
    resultStatus: 'Succeeded',
    clientIp: e.ip,
  });
  Object.assign(r, {
    AppId: APPS.exchangeOnline,
    ClientAppId: '',
    ClientIPAddress: e.ip,
    ClientInfoString: `Client=OWA;${u.userAgent};`,
    ...mailboxFields(ctx, u, rng),
    AttachmentName: e.attachmentName,
    Item: {
      Id: itemId(rng),
      InternetMessageId: `<${rng.hex(16)}@mail.${e.sender.split('@')[1] ?? 'example.com'}>`,
      ParentFolder: { Id: folderId(rng), Path: '\\Inbox' },
      Subject: e.subject,
      Sender: e.sender,
    },
  });
  return { record: r, contentType: 'Audit.Exchange' };
}
