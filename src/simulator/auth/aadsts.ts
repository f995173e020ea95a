// Entra ID token errors with their real AADSTS codes, OAuth error names, HTTP statuses and body
// shape: error, error_description ("AADSTSnnnnn: … Trace ID … Correlation ID … Timestamp …"),
// error_codes, timestamp, trace_id, correlation_id, error_uri. Message texts follow what
// Entra ID returns in practice (collected from public error reports).
import { randomUUID } from 'node:crypto';
import { entraKeyDate, entraTickTime, entraTimestamp } from '../util/time.js';

export interface EntraError {
  status: number;
  error: string;
  code: number;
  message: string;
}

export function entraErrorBody(e: EntraError, nowMs: number): Record<string, unknown> {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const ts = entraTimestamp(nowMs);
  return {
    error: e.error,
    error_description: `AADSTS${e.code}: ${e.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${ts}`,
    error_codes: [e.code],
    timestamp: ts,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${e.code}`,
  };
}

const CERT_DOC = 'https://learn.microsoft.com/entra/identity-platform/certificate-credentials';
const KEYS_HINT = (appId: string) =>
  `Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/${appId}'`;

export const AADSTS = {
  tenantNotFound: (tenant: string): EntraError => ({
    status: 400,
    error: 'invalid_tenant',
    code: 90002,
    message: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  tenantInvalid: (tenant: string): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 900023,
    message: `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`,
  }),
  noTenant: (): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 50059,
    message:
      'No tenant-identifying information found in either the request or implied by any provided credentials.',
  }),
  missingParameter: (name: string): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 900144,
    message: `The request body must contain the following parameter: '${name}'.`,
  }),
  /** The v2 endpoint given v1's `resource` (MSAL users who mix the two see it). */
  resourceNotSupported: (): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 901002,
    message: "The 'resource' request parameter is not supported.",
  }),
  /** A GET on a token endpoint (a browser, a misconfigured client). */
  postOnly: (method: string): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 900561,
    message: `The endpoint only accepts POST requests. Received a ${method} request.`,
  }),
  /** client_secret_basic whose client id differs from the form's. */
  clientIdMismatch: (): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 90044,
    message:
      'The client_id in the Authorization header does not match the client_id in the request body.',
  }),
  unsupportedGrant: (grant: string): EntraError => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    message: `The app requested an unsupported grant type '${grant}'.`,
  }),
  appNotFound: (appId: string, tenant: string): EntraError => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    message: `Application with identifier '${appId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  missingCredential: (): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000218,
    message:
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  invalidSecret: (appId: string): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${appId}'.`,
  }),
  expiredSecret: (appId: string): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000222,
    message: `The provided client secret keys for app '${appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
  }),
  resourceNotFound: (resource: string, tenant: string): EntraError => ({
    status: 400,
    error: 'invalid_resource',
    code: 500011,
    message: `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  }),
  invalidScope: (scope: string): EntraError => ({
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    message: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }),
  malformedAssertion: (): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 50027,
    message: 'JWT token is invalid or malformed.',
  }),
  badAssertionType: (): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000216,
    message:
      "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
  }),
  assertionKeyNotFound: (thumbprint: string, appId: string): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message: `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', ${KEYS_HINT(appId)}]`,
  }),
  assertionSignature: (
    thumbprint: string,
    appId: string,
    from: number,
    to: number,
  ): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message: `Client assertion contains an invalid signature. [Reason - Key was found, but use of the key to verify the signature failed., Thumbprint of key used by client: '${thumbprint}', Found key 'Start=${entraKeyDate(from)}, End=${entraKeyDate(to)}', ${KEYS_HINT(appId)}]`,
  }),
  assertionKeyExpired: (
    thumbprint: string,
    appId: string,
    from: number,
    to: number,
  ): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message: `Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '${thumbprint}', Found key 'Start=${entraKeyDate(from)}, End=${entraKeyDate(to)}', ${KEYS_HINT(appId)}]`,
  }),
  assertionAudience: (): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 700023,
    message: `Client assertion audience claim does not match Realm issuer. Review the documentation at ${CERT_DOC} .`,
  }),
  assertionSubject: (): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 700021,
    message: `Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at ${CERT_DOC} .`,
  }),
  assertionTime: (now: number, nbf: number, exp: number): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 700024,
    message: `Client assertion is not within its valid time range. Current time: ${entraTickTime(now)}, assertion valid from ${entraTickTime(nbf)}, expiry time of assertion ${entraTickTime(exp)}. Review the documentation at ${CERT_DOC}`,
  }),
} as const;
