// The client-credentials token endpoint of Entra ID (docs/microsoft-apis.md, "Entra ID tokens"): v1
// with `resource` (numbers as strings in the answer) and v2 with `scope` (numbers as numbers),
// client secret or certificate client assertion. Access tokens are RS256 JWTs signed by the
// simulator's key; their times are sim time, while `expires_in` is in real seconds so that MSAL's
// local cache expires them at the right moment even when the sim clock runs fast.
import { type KeyObject, createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import type { SimClock } from '../clock.js';
import { AADSTS, type EntraError } from './aadsts.js';
import type { AppRegistry } from './app-registry.js';
import { decodeJwt, signJwt, verifyJwt } from './jwt.js';

export interface ResourceSpec {
  key: 'manage' | 'graph';
  /** Accepted identifiers: the URI and the resource app id. */
  ids: string[];
  /** `aud` claim of issued tokens. */
  aud: string;
}

export const RESOURCES: readonly ResourceSpec[] = [
  {
    key: 'manage',
    ids: ['https://manage.office.com', 'c5393580-f805-4401-95e8-94b7a6ef2fc2'],
    aud: 'https://manage.office.com',
  },
  {
    key: 'graph',
    ids: ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'],
    aud: 'https://graph.microsoft.com',
  },
];

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Client clock skew Entra tolerates on assertions (seconds). */
const SKEW = 300;

export interface TokenServiceDeps {
  tenantId: string;
  domains: string[];
  app: AppRegistry;
  clock: SimClock;
  signingKey: KeyObject;
  keyId: string;
  lifetimeSeconds: () => number;
}

export type TokenResult =
  | { ok: true; body: Record<string, unknown>; resource: ResourceSpec }
  | { ok: false; error: EntraError };

const fail = (error: EntraError): TokenResult => ({ ok: false, error });

export class TokenService {
  constructor(private readonly d: TokenServiceDeps) {}

  /** Resolves the tenant segment of the URL (GUID or verified domain), or the error to answer. */
  checkTenant(segment: string): EntraError | null {
    const s = segment.toLowerCase();
    if (['common', 'organizations', 'consumers'].includes(s)) return AADSTS.noTenant();
    if (GUID.test(s)) return s === this.d.tenantId ? null : AADSTS.tenantNotFound(segment);
    if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(s)) {
      return this.d.domains.includes(s) ? null : AADSTS.tenantNotFound(segment);
    }
    return AADSTS.tenantInvalid(segment);
  }

  issue(
    version: 'v1' | 'v2',
    tenantSegment: string,
    form: URLSearchParams,
    origin: string,
  ): TokenResult {
    const tenantError = this.checkTenant(tenantSegment);
    if (tenantError) return fail(tenantError);
    const grant = form.get('grant_type');
    if (!grant) return fail(AADSTS.missingParameter('grant_type'));
    if (grant !== 'client_credentials') return fail(AADSTS.unsupportedGrant(grant));
    const clientId = form.get('client_id');
    if (!clientId) return fail(AADSTS.missingParameter('client_id'));
    if (clientId.toLowerCase() !== this.d.app.clientId || !this.d.app.consented) {
      return fail(AADSTS.appNotFound(clientId, tenantSegment));
    }
    const credentialError = this.checkCredential(form, tenantSegment, origin);
    if (credentialError) return fail(credentialError);

    let resource: ResourceSpec | undefined;
    let requested: string;
    if (version === 'v1') {
      const r = form.get('resource');
      if (!r) return fail(AADSTS.missingParameter('resource'));
      requested = r;
      resource = RESOURCES.find((x) => x.ids.includes(r.replace(/\/+$/, '').toLowerCase()));
    } else {
      if (form.has('resource')) return fail(AADSTS.resourceNotSupported());
      const scope = form.get('scope');
      if (!scope) return fail(AADSTS.missingParameter('scope'));
      const scopes = scope
        .split(/\s+/)
        .filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s));
      const only = scopes[0];
      if (scopes.length !== 1 || !only || !only.endsWith('/.default'))
        return fail(AADSTS.invalidScope(scope));
      requested = only.slice(0, -'/.default'.length);
      resource = RESOURCES.find((x) => x.ids.includes(requested.replace(/\/+$/, '').toLowerCase()));
    }
    if (!resource) return fail(AADSTS.resourceNotFound(requested, this.d.tenantId));
    return { ok: true, body: this.token(version, resource, form), resource };
  }

  private checkCredential(
    form: URLSearchParams,
    tenantSegment: string,
    origin: string,
  ): EntraError | null {
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    const app = this.d.app;
    if (secret) {
      const verdict = app.checkSecret(secret, this.d.clock.now());
      if (verdict === 'expired') return AADSTS.expiredSecret(app.clientId);
      if (verdict === 'invalid') return AADSTS.invalidSecret(app.clientId);
      return null;
    }
    if (!assertion) return AADSTS.missingCredential();
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) return AADSTS.badAssertionType();
    const jwt = decodeJwt(assertion);
    if (!jwt || (jwt.header.alg !== 'RS256' && jwt.header.alg !== 'PS256'))
      return AADSTS.malformedAssertion();
    const x5t = typeof jwt.header.x5t === 'string' ? jwt.header.x5t : undefined;
    const x5tS256 = typeof jwt.header['x5t#S256'] === 'string' ? jwt.header['x5t#S256'] : undefined;
    const thumbprint = x5t
      ? Buffer.from(x5t, 'base64url').toString('hex').toUpperCase()
      : x5tS256
        ? Buffer.from(x5tS256, 'base64url').toString('hex').toUpperCase()
        : '';
    const cert = app
      .certificates()
      .find(
        (c) =>
          (x5tS256 !== undefined && c.x5tS256 === x5tS256) || (x5t !== undefined && c.x5t === x5t),
      );
    if (!cert) return AADSTS.assertionKeyNotFound(thumbprint, app.clientId);
    const simNow = this.d.clock.now();
    if (simNow > cert.notAfter || simNow < cert.notBefore) {
      return AADSTS.assertionKeyExpired(thumbprint, app.clientId, cert.notBefore, cert.notAfter);
    }
    if (!verifyJwt(jwt, cert.publicKey)) {
      return AADSTS.assertionSignature(thumbprint, app.clientId, cert.notBefore, cert.notAfter);
    }
    const p = jwt.payload;
    if (p.iss !== form.get('client_id') || p.sub !== form.get('client_id'))
      return AADSTS.assertionSubject();
    const aud = typeof p.aud === 'string' ? p.aud : Array.isArray(p.aud) ? String(p.aud[0]) : '';
    if (!this.audiences(tenantSegment, origin).has(aud.toLowerCase().replace(/\/+$/, ''))) {
      return AADSTS.assertionAudience();
    }
    // Assertions are made with the client's real clock: checked against real time.
    const now = Date.now();
    const exp = typeof p.exp === 'number' ? p.exp * 1000 : 0;
    const nbf = typeof p.nbf === 'number' ? p.nbf * 1000 : 0;
    if (!exp || now > exp + SKEW * 1000 || now < nbf - SKEW * 1000)
      return AADSTS.assertionTime(now, nbf, exp);
    return null;
  }

  private audiences(tenantSegment: string, origin: string): Set<string> {
    const tenants = new Set([this.d.tenantId, ...this.d.domains, tenantSegment.toLowerCase()]);
    const host = new URL(origin).host;
    const hosts = [
      `http://${host}`,
      `https://${host}`,
      'https://login.microsoftonline.com',
      'https://login.windows.net',
      'https://sts.windows.net',
    ].map((h) => h.toLowerCase());
    const out = new Set<string>();
    for (const h of hosts) {
      for (const t of tenants) {
        out.add(`${h}/${t}/oauth2/token`);
        out.add(`${h}/${t}/oauth2/v2.0/token`);
        out.add(`${h}/${t}/v2.0`);
      }
    }
    return out;
  }

  private token(
    version: 'v1' | 'v2',
    resource: ResourceSpec,
    form: URLSearchParams,
  ): Record<string, unknown> {
    const now = Math.floor(this.d.clock.now() / 1000);
    const lifetime = this.d.lifetimeSeconds();
    const nbf = now - 300;
    const exp = now + lifetime;
    const roles = this.d.app.roles(resource.key);
    const iss = `https://sts.windows.net/${this.d.tenantId}/`;
    const claims: Record<string, unknown> = {
      aud: resource.aud,
      iss,
      iat: nbf,
      nbf,
      exp,
      aio: randomBytes(40).toString('base64'),
      app_displayname: this.d.app.displayName,
      appid: this.d.app.clientId,
      appidacr: form.get('client_assertion') ? '2' : '1',
      idp: iss,
      idtyp: 'app',
      oid: this.d.app.servicePrincipalId,
      rh: `0.${randomBytes(24).toString('base64url')}.`,
      ...(roles.length > 0 ? { roles } : {}),
      sub: this.d.app.servicePrincipalId,
      tid: this.d.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
      xms_tcdt: 1_600_000_000,
    };
    const access = signJwt({ x5t: this.d.keyId, kid: this.d.keyId }, claims, this.d.signingKey);
    const expiresIn = this.d.clock.realSeconds(lifetime);
    if (version === 'v1') {
      return {
        token_type: 'Bearer',
        expires_in: String(expiresIn),
        ext_expires_in: String(expiresIn),
        expires_on: String(exp),
        not_before: String(nbf),
        resource: form.get('resource'),
        access_token: access,
      };
    }
    return {
      token_type: 'Bearer',
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      access_token: access,
    };
  }

  /** JSON Web Key Set of the token signing key. */
  jwks(): Record<string, unknown> {
    const jwk = createPublicKey(this.d.signingKey).export({ format: 'jwk' });
    return {
      keys: [
        {
          kty: 'RSA',
          use: 'sig',
          kid: this.d.keyId,
          x5t: this.d.keyId,
          n: jwk.n,
          e: jwk.e,
          issuer: `https://login.microsoftonline.com/${this.d.tenantId}/v2.0`,
        },
      ],
    };
  }
}

export function newKeyId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 27);
}
