// What to do about Microsoft's error codes, in the words of the Azure portal: `config check` and
// the collector's error messages both use this one table.

export interface Remedy {
  readonly problem: string;
  readonly fix: string;
}

const APP = 'Entra ID > App registrations > your app';

const REMEDIES: Readonly<Record<string, Remedy>> = {
  AADSTS90002: {
    problem: 'the tenant does not exist',
    fix: 'Check tenant_id: Entra ID > Overview > Tenant ID (a GUID). Check the cloud too (commercial, gcc, gcchigh, dod).',
  },
  AADSTS900023: {
    problem: 'the tenant id is malformed',
    fix: 'Copy tenant_id from Entra ID > Overview > Tenant ID.',
  },
  AADSTS700016: {
    problem: 'the application is not found in this tenant',
    fix: `Check client_id: ${APP} > Overview > Application (client) ID. An app registered in another tenant must be multi-tenant and consented in this one.`,
  },
  AADSTS7000215: {
    problem: 'the client secret is wrong',
    fix: `Copy the secret's Value, not its Secret ID: ${APP} > Certificates & secrets > New client secret.`,
  },
  AADSTS7000222: {
    problem: 'the client secret has expired',
    fix: `Create a new secret: ${APP} > Certificates & secrets > New client secret, update the configuration, and set client_secret_expires so m365hunt warns next time.`,
  },
  AADSTS700027: {
    problem: 'the certificate assertion was refused (unknown certificate or bad signature)',
    fix: `Upload the certificate (the .crt, not the key): ${APP} > Certificates & secrets > Certificates > Upload certificate; check that key_file matches cert_file.`,
  },
  AADSTS700024: {
    problem: 'the client assertion is not within its valid time range',
    fix: 'Check the clock of this machine (the assertion is signed with the local time).',
  },
  AADSTS500011: {
    problem: 'the API (resource) is not found in the tenant',
    fix: 'Check the cloud setting: government tenants use gcc, gcchigh or dod hosts. The Office 365 Management APIs must exist in the tenant.',
  },
  AADSTS65001: {
    problem: 'admin consent has not been granted',
    fix: `${APP} > API permissions > Grant admin consent for <tenant>; the status must read "Granted".`,
  },
  AADSTS50034: {
    problem: 'the user or application does not exist',
    fix: `Check client_id: ${APP} > Overview.`,
  },
  AF10001: {
    problem:
      'the token lacks a permission this call needs (ActivityFeed.Read; ActivityFeed.ReadDlp for DLP.All)',
    fix: `${APP} > API permissions > Add a permission > Office 365 Management APIs > Application permissions > ActivityFeed.Read (and ActivityFeed.ReadDlp for DLP.All) > Add, then Grant admin consent.`,
  },
  AF20010: {
    problem: 'the tenant in the URL is not the tenant of the token',
    fix: 'tenant_id must be the tenant the app was consented in (Entra ID > Overview > Tenant ID), not the client id.',
  },
  AF20011: {
    problem: 'the tenant does not exist for the Management Activity API',
    fix: 'Check tenant_id, and that unified audit logging is on: Microsoft Purview > Audit > Start recording user and admin activity (takes up to 60 minutes).',
  },
  AF20012: {
    problem: 'the tenant is not configured for the Management Activity API',
    fix: 'Turn on unified audit logging: Microsoft Purview > Audit > Start recording user and admin activity.',
  },
  AF20013: {
    problem: 'the tenant id in the URL is not a GUID',
    fix: 'tenant_id must be the GUID from Entra ID > Overview > Tenant ID, not a domain name.',
  },
  AF20022: {
    problem: 'no subscription for this content type',
    fix: 'm365hunt starts subscriptions itself; if this persists, check the ActivityFeed.Read permission.',
  },
  AF20023: {
    problem: 'the subscription was disabled by an administrator',
    fix: 'm365hunt starts it again; if it stays disabled, ask the tenant admin why (Microsoft documents AF20023 as disabled by a tenant or service admin).',
  },
  AF429: {
    problem: 'throttled by Microsoft',
    fix: 'm365hunt backs off and retries. Lower requests_per_minute, or make sure publisher_id is a tenant GUID (PublisherIdentifier gives the tenant its own quota).',
  },
  // Microsoft Graph (the Graph sources of issue 8).
  Authentication_RequestFromNonPremiumTenantOrB2CTenant: {
    problem:
      'no Entra ID P1/P2 licence: Microsoft serves sign-in logs only to tenants with Entra ID P1 or P2',
    fix: 'Assign Microsoft Entra ID P1 or P2 (alone, or in Microsoft 365 E3/E5 or Business Premium) to at least one user: Microsoft 365 admin center > Billing > Licenses. Until then turn sign-ins off with "entra_id": {"sign_ins": false}; directory audits, reports and message trace need no premium licence.',
  },
  Authorization_RequestDenied: {
    problem: 'the app lacks the Microsoft Graph permission this call needs',
    fix: `${APP} > API permissions > Add a permission > Microsoft Graph > Application permissions > AuditLog.Read.All and Directory.Read.All (sign-ins, audits), Reports.Read.All (usage reports), ExchangeMessageTrace.Read.All (message trace) > Add, then Grant admin consent.`,
  },
  TooManyRequests: {
    problem: 'throttled by Microsoft Graph',
    fix: 'm365hunt waits as Retry-After says and retries. Sign-ins and audits allow 5 requests per 10 seconds, each usage report 14 per 10 minutes: lower requests_per_10s or requests_per_10min if another tool shares the app.',
  },
  InvalidAuthenticationToken: {
    problem: 'Microsoft Graph refused the token',
    fix: 'Check the cloud setting (the token must be for the Graph host of your cloud) and that the app is consented in this tenant.',
  },
  AUDIT_DISABLED: {
    problem: 'unified audit logging is off in the tenant',
    fix: 'Microsoft Purview > Audit > Start recording user and admin activity (or `Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $true`); it takes up to 60 minutes.',
  },
};

/** The remedy for a Microsoft error code (or for an error message that reveals one). */
export function remedyFor(code: string | null, message = ''): Remedy | undefined {
  if (
    /does not exist/i.test(message) &&
    /Tenant/i.test(message) &&
    /Audit|DataServiceException/.test(message)
  ) {
    return REMEDIES.AUDIT_DISABLED;
  }
  if (code && REMEDIES[code]) return REMEDIES[code];
  const embedded = /\b(AADSTS\d+|AF\d+)\b/.exec(message)?.[1];
  return embedded ? REMEDIES[embedded] : undefined;
}

/**
 * Microsoft's error text as an analyst should read it: the first line only (no .NET stack trace),
 * without the bracketed request ids that StartSubscription puts before its exception.
 */
export function conciseMessage(message: string): string {
  const first = message.split(/\r?\n/, 1)[0] ?? message;
  return first
    .replace(/\b(Start|Stop|List)\w* \[[^\]]*\](?:\[[^\]]*\])*(?: failed\.)? Exception: /, '')
    .replace(/\s*\\r\\n.*$/, '');
}
