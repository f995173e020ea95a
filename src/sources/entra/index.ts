// Entra ID through Microsoft Graph (docs/microsoft-apis.md, "Sign-ins and directory audits"):
// interactive sign-ins (`/auditLogs/signIns`, needs Entra ID P1/P2), optionally the non-interactive
// ones (beta), into
// `cloud.azure.ad.signin` and directory audits
// (`/auditLogs/directoryAudits`) into `cloud.azure.ad.audit`. Both are time-filtered logs read by
// the shared LogStreamCollector; they share one request budget (5 per 10 s per app and tenant).
import { DIRECTORY_AUDIT, SIGNIN } from '../../store/schema.js';
import type { LogStreamSpec } from '../graph/log-stream.js';
import { RETENTION } from '../retention.js';

export const ENTRA_SOURCE = 'entra';

export const SIGN_INS: LogStreamSpec = {
  source: ENTRA_SOURCE,
  stream: 'signIns',
  family: SIGNIN.id,
  path: 'auditLogs/signIns',
  timeField: 'createdDateTime',
  // 30 days with Entra ID P1/P2.
  retentionMs: RETENTION.entra.keptMs,
};

/**
 * Non-interactive sign-ins (a client using a refresh token, a sync engine, an attacker replaying a
 * stolen token): Graph v1.0 does not serve them; beta does, with a signInEventTypes filter
 * (https://learn.microsoft.com/graph/api/signin-list?view=graph-rest-beta). Same permissions
 * (AuditLog.Read.All + Directory.Read.All), same licence (Entra ID P1/P2), same request budget.
 * Beta APIs may change without notice, hence an option (`non_interactive_sign_ins`), off by
 * default. Same table as the interactive ones: `isInteractive` tells them apart.
 */
export const NON_INTERACTIVE_SIGN_INS: LogStreamSpec = {
  ...SIGN_INS,
  stream: 'nonInteractiveSignIns',
  version: 'beta',
  filter: "signInEventTypes/any(t: t eq 'nonInteractiveUser')",
};

export const DIRECTORY_AUDITS: LogStreamSpec = {
  source: ENTRA_SOURCE,
  stream: 'directoryAudits',
  family: DIRECTORY_AUDIT.id,
  path: 'auditLogs/directoryAudits',
  timeField: 'activityDateTime',
  // 30 days with Entra ID P1/P2 (7 without): asking for older entries is harmless.
  retentionMs: RETENTION.entra.keptMs,
};

/** Graph's answer when the tenant has no Entra ID P1/P2 licence (sign-in logs only). */
export const NO_PREMIUM_CODE = 'Authentication_RequestFromNonPremiumTenantOrB2CTenant';
