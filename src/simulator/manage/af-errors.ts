// Management Activity API errors (docs/microsoft-apis.md, "Errors"): {"error":{"code","message"}}
// with the message texts of Microsoft's error table. HTTP statuses are documented only for AF20024
// (400), AF429 (403, observed) and AF50000 (500); the others are the simulator's choice, noted per
// code.

export interface AfError {
  status: number;
  code: string;
  message: string;
}

export function afBody(e: AfError): { error: { code: string; message: string } } {
  return { error: { code: e.code, message: e.message } };
}

const WINDOW =
  'Start time and end time must both be specified (or both omitted) and must be less than or equal to 24 hours apart, with the start time no more than 7 days in the past.';

export const AF = {
  /** 401: observed in public reports (CoE Starter Kit issue #3192); the docs name the permission. */
  missingPermission: (roles: readonly string[], permission: string): AfError => ({
    status: 401,
    code: 'AF10001',
    message: `The permission set (${roles.join(',')}) sent in the request did not include the expected permission ${permission}.`,
  }),
  /** 400 (UNVERIFIED). */
  missingParameter: (name: string): AfError => ({
    status: 400,
    code: 'AF20001',
    message: `Missing parameter: ${name}.`,
  }),
  /** 400 (UNVERIFIED). */
  invalidParameterType: (name: string, type: 'int' | 'datetime' | 'guid'): AfError => ({
    status: 400,
    code: 'AF20002',
    message: `Invalid parameter type: ${name}. Expected type: ${type}`,
  }),
  /** 400 (UNVERIFIED). */
  expirationInPast: (expiration: string): AfError => ({
    status: 400,
    code: 'AF20003',
    message: `Expiration ${expiration} provided is set to past date and time.`,
  }),
  /** 403 (UNVERIFIED; the reference says 401/403). */
  tenantMismatch: (url: string, token: string): AfError => ({
    status: 403,
    code: 'AF20010',
    message: `The tenant ID passed in the URL (${url}) does not match the tenant ID passed in the access token (${token}).`,
  }),
  /** 400 (UNVERIFIED). */
  tenantDoesNotExist: (tenant: string): AfError => ({
    status: 400,
    code: 'AF20011',
    message: `Specified tenant ID (${tenant}) does not exist in the system or has been deleted.`,
  }),
  /** 400 (UNVERIFIED). */
  tenantMisconfigured: (tenant: string): AfError => ({
    status: 400,
    code: 'AF20012',
    message: `Specified tenant ID (${tenant}) is incorrectly configured in the system.`,
  }),
  /** 400 (UNVERIFIED). */
  tenantNotGuid: (tenant: string): AfError => ({
    status: 400,
    code: 'AF20013',
    message: `The tenant ID passed in the URL (${tenant}) is not a valid GUID.`,
  }),
  /** 400 (UNVERIFIED). */
  invalidContentType: (): AfError => ({
    status: 400,
    code: 'AF20020',
    message: 'The specified content type is not valid.',
  }),
  /** 400 (UNVERIFIED). */
  webhookNotValidated: (address: string, reason: string): AfError => ({
    status: 400,
    code: 'AF20021',
    message: `The webhook endpoint {${address}) could not be validated. ${reason}`,
  }),
  /** 400 (UNVERIFIED). */
  notSubscribed: (): AfError => ({
    status: 400,
    code: 'AF20022',
    message: 'No subscription found for the specified content type.',
  }),
  /** 400 (UNVERIFIED; the reference says 400/403). */
  subscriptionDisabled: (by: string): AfError => ({
    status: 400,
    code: 'AF20023',
    message: `The subscription was disabled by ${by}.`,
  }),
  /** 400: documented by a public report (docs/microsoft-apis.md, "Subscriptions"). */
  alreadyEnabled: (): AfError => ({
    status: 400,
    code: 'AF20024',
    message: 'The subscription is already enabled. No property change.',
  }),
  /** 400 (UNVERIFIED): used when only one of startTime/endTime is given. */
  windowBothOrNeither: (): AfError => ({ status: 400, code: 'AF20030', message: WINDOW }),
  /** 400 (UNVERIFIED). */
  invalidNextPage: (token: string): AfError => ({
    status: 400,
    code: 'AF20031',
    message: `Invalid nextPage Input: ${token}.`,
  }),
  /** 404: Elastic skips blobs on 404 (S7); the mapping itself is UNVERIFIED. */
  contentNotFound: (id: string): AfError => ({
    status: 404,
    code: 'AF20050',
    message: `The specified content (${id}) does not exist.`,
  }),
  /** 400 (UNVERIFIED). */
  contentExpired: (id: string): AfError => ({
    status: 400,
    code: 'AF20051',
    message: `Content requested with the key ${id} has already expired. Content older than 7 days cannot be retrieved.`,
  }),
  /** 400 (UNVERIFIED). */
  invalidContentId: (id: string): AfError => ({
    status: 400,
    code: 'AF20052',
    message: `Content ID ${id} in the URL is invalid.`,
  }),
  /** 400 (UNVERIFIED). */
  tooManyLanguages: (): AfError => ({
    status: 400,
    code: 'AF20053',
    message: 'Only one language may be present in the Accept-Language header.',
  }),
  /** 400 (UNVERIFIED). */
  badLanguage: (): AfError => ({
    status: 400,
    code: 'AF20054',
    message: 'Invalid syntax in Accept-Language header.',
  }),
  /**
   * 400 (UNVERIFIED): used for windows over 24 h, starting more than 7 days back, or not before
   * their end. Live reports (2025–26) show AF20055 for these cases; its text is AF20030's.
   */
  windowInvalid: (): AfError => ({ status: 400, code: 'AF20055', message: WINDOW }),
  /**
   * 403 by default (observed; docs/microsoft-apis.md, "Throttling"), 429 when the throttleStatus
   * switch says so.
   */
  throttled: (status: number, method: string, publisher: string): AfError => ({
    status,
    code: 'AF429',
    message: `Too many requests. Method=${method}, PublisherId=${publisher}`,
  }),
  /** 500 (observed). */
  internal: (): AfError => ({
    status: 500,
    code: 'AF50000',
    message: 'An internal error occurred. Retry the request.',
  }),
} as const;

/**
 * What StartSubscription answers while unified audit logging is off: HTTP 400 with no AF code.
 * Microsoft's text is `StartSubscription [CorrId=…][TenantId=…,ContentType=…,ApplicationId=…,
 * PublisherId=…][AppId:<app id>] failed. Exception: Microsoft.Office.Compliance.Audit.
 * DataServiceException: Tenant <id> does not exist.` and a .NET stack trace, cut into `code` at
 * the first colon, and `message` two characters later (so the app id loses its first character).
 * Seen in MicrosoftDocs/office-365-management-api#89, MicrosoftDocs/power-platform#184,
 * microsoft/coe-starter-kit#6583 and wazuh/wazuh-documentation#7621.
 */
export function auditDisabled(
  ids: { tenant: string; contentType: string; appId: string; publisher: string },
  correlationId: string,
): AfError {
  const text =
    `StartSubscription [CorrId=${correlationId}][TenantId=${ids.tenant},ContentType=${ids.contentType},` +
    `ApplicationId=${ids.appId},PublisherId=${ids.publisher}][AppId:${ids.appId}] failed. Exception: ` +
    `Microsoft.Office.Compliance.Audit.DataServiceException: Tenant ${ids.tenant} does not exist.\r\n` +
    '   at Microsoft.Office.Compliance.Audit.API.AzureManager.<GetSubscriptionTableClientForTenantAsync>d__52.MoveNext()\r\n' +
    '--- End of stack trace from previous location where exception was thrown ---\r\n' +
    '   at Microsoft.Office.Compliance.Audit.API.AzureManager.<GetAPISubscriptionAsync>d__22.MoveNext()\r\n' +
    '   at Microsoft.Office.Compliance.Audit.API.StartController.<StartSubscription>d__0.MoveNext()';
  const colon = text.indexOf(':');
  return { status: 400, code: text.slice(0, colon), message: text.slice(colon + 2) };
}
