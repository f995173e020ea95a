// Entra ID records in Audit.AzureActiveDirectory: STS sign-ins (RecordType 15) and directory
// operations (RecordType 8), shaped after docs/microsoft-apis.md ("Entra ID in the audit feed") and
// the Panther samples.
import type { DirectoryEvent, SignInEvent } from '../activity/events.js';
import type { Rng } from '../util/prng.js';
import { type BuildContext, type BuiltRecord, common, userAt } from './common.js';

/** AADSTS sign-in error → LogonError text, as Entra writes it in the audit feed. */
export const LOGON_ERRORS: Readonly<Record<number, string>> = {
  50126: 'InvalidUserNameOrPassword',
  50057: 'UserAccountDisabled',
  50053: 'IdsLocked',
  50074: 'UserStrongAuthClientAuthNRequired',
  500121: 'AuthenticationFailedDuringStrongAuthRequest',
  50140: 'KmsiInterrupt',
  50055: 'InvalidPasswordExpiredPassword',
};

export function buildSignIn(ctx: BuildContext, e: SignInEvent, rng: Rng): BuiltRecord {
  const u = userAt(ctx, e.user);
  const failed = e.errorCode !== 0;
  const r = common(ctx, rng, {
    t: e.t,
    operation: failed ? 'UserLoginFailed' : 'UserLoggedIn',
    recordType: 15,
    workload: 'AzureActiveDirectory',
    userType: 0,
    userKey: `${u.puid}@${ctx.tenant.domain}`,
    userId: u.upn,
    // ResultStatus of an STS logon says the exchange with Entra worked, not the sign-in
    // (Microsoft's schema page): real UserLoggedIn records say Succeeded, and UserLoginFailed
    // records often say Success (test/fixtures/real/). How often Failed: UNVERIFIED.
    resultStatus: failed ? (rng.chance(0.7) ? 'Success' : 'Failed') : 'Succeeded',
    clientIp: e.ip,
    objectId: e.resourceId,
  });
  const known = e.ip === u.officeIp || e.ip === u.homeIp || e.ip === u.ipv6;
  Object.assign(r, {
    AzureActiveDirectoryEventType: 1,
    ExtendedProperties: [
      {
        Name: 'ResultStatusDetail',
        Value: failed ? 'UserError' : e.requestType === 'OAuth2:Authorize' ? 'Redirect' : 'Success',
      },
      { Name: 'UserAgent', Value: e.userAgent },
      { Name: 'UserAuthenticationMethod', Value: failed ? '1' : rng.pick(['1', '1', '3']) },
      { Name: 'RequestType', Value: e.requestType },
      { Name: 'KeepMeSignedIn', Value: rng.chance(0.3) ? 'true' : 'false' },
    ],
    ModifiedProperties: [],
    Actor: [
      { ID: u.id, Type: 0 },
      { ID: u.upn, Type: 5 },
    ],
    ActorContextId: ctx.tenant.id,
    ActorIpAddress: e.ip,
    InterSystemsId: rng.guid(),
    IntraSystemId: r.Id,
    SupportTicketId: '',
    Target: [{ ID: e.resourceId, Type: 0 }],
    TargetContextId: ctx.tenant.id,
    ApplicationId: e.appId,
    DeviceProperties: known
      ? [
          { Name: 'Id', Value: u.deviceId },
          { Name: 'DisplayName', Value: u.deviceName },
          { Name: 'OS', Value: u.os },
          { Name: 'BrowserType', Value: u.browser },
          { Name: 'IsCompliant', Value: 'True' },
          { Name: 'IsCompliantAndManaged', Value: 'True' },
          { Name: 'TrustType', Value: '1' },
          { Name: 'SessionId', Value: rng.guid() },
        ]
      : [
          { Name: 'OS', Value: e.userAgent.includes('Windows') ? 'Windows 10' : 'Linux' },
          { Name: 'BrowserType', Value: 'Other' },
          { Name: 'IsCompliant', Value: 'False' },
          { Name: 'IsCompliantAndManaged', Value: 'False' },
          { Name: 'SessionId', Value: rng.guid() },
        ],
    ErrorNumber: String(e.errorCode),
  });
  if (failed) r.LogonError = LOGON_ERRORS[e.errorCode] ?? 'UnknownError';
  return { record: r, contentType: 'Audit.AzureActiveDirectory' };
}

export function buildDirectory(ctx: BuildContext, e: DirectoryEvent, rng: Rng): BuiltRecord {
  let userId: string;
  let userKey: string;
  let actorList: Array<{ ID: string; Type: number }>;
  if (e.actor.type === 'user') {
    const u = userAt(ctx, e.actor.index);
    userId = u.upn;
    userKey = `${u.puid}@${ctx.tenant.domain}`;
    actorList = [
      { ID: u.id, Type: 2 },
      { ID: u.upn, Type: 5 },
      { ID: u.puid, Type: 3 },
    ];
  } else if (e.actor.type === 'app') {
    // App-only changes (the responder through Graph): the service principal is the actor.
    userId = `ServicePrincipal_${e.actor.appId}`;
    userKey = `ServicePrincipal_${e.actor.appId}`;
    actorList = [
      { ID: e.actor.name, Type: 1 },
      { ID: e.actor.appId, Type: 2 },
      { ID: 'ServicePrincipal', Type: 2 },
    ];
  } else {
    userId = 'ServicePrincipal';
    userKey = 'Not Available';
    actorList = [];
  }
  const r = common(ctx, rng, {
    t: e.t,
    operation: e.op,
    recordType: 8,
    workload: 'AzureActiveDirectory',
    userType: e.actor.type === 'app' ? 4 : 0,
    userKey,
    userId,
    resultStatus: e.resultStatus,
    clientIp: e.ip,
    objectId: e.objectId,
  });
  Object.assign(r, {
    AzureActiveDirectoryEventType: 1,
    ExtendedProperties: e.extended,
    ModifiedProperties: e.modified,
    Actor: actorList,
    ActorContextId: ctx.tenant.id,
    ...(e.ip ? { ActorIpAddress: e.ip } : {}),
    InterSystemsId: rng.guid(),
    IntraSystemId: rng.guid(),
    SupportTicketId: '',
    Target: e.target,
    TargetContextId: ctx.tenant.id,
  });
  return { record: r, contentType: 'Audit.AzureActiveDirectory' };
}
