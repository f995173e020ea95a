// Entra ID endpoints: the v1 and v2 token endpoints, and the discovery documents MSAL reads
// before it asks for a token (OpenID configuration, instance discovery, signing keys).
import type { Hono } from 'hono';
import { AADSTS, entraErrorBody } from '../auth/aadsts.js';
import type { Simulator } from '../simulator.js';
import { httpDate, json, originOf } from './common.js';

export function registerLogin(app: Hono, sim: Simulator): void {
  const token =
    (version: 'v1' | 'v2') =>
    async (c: {
      req: {
        param(k: string): string;
        text(): Promise<string>;
        url: string;
        header(name: string): string | undefined;
      };
    }) => {
      const now = sim.sync();
      sim.counters.inc(`login.token.${version}`);
      const tenant = c.req.param('tenant');
      const form = new URLSearchParams(await c.req.text());
      const headers = {
        Date: httpDate(now),
        'Cache-Control': 'no-store, no-cache',
        Pragma: 'no-cache',
      };
      // client_secret_basic (RFC 6749 §2.3.1), which the discovery document advertises: the
      // client id and secret, form-encoded, in a Basic Authorization header.
      const basic = basicCredentials(c.req.header('authorization'));
      if (basic) {
        const inForm = form.get('client_id');
        if (inForm && inForm.toLowerCase() !== basic.id.toLowerCase()) {
          const error = AADSTS.clientIdMismatch();
          return json(entraErrorBody(error, now), error.status, headers);
        }
        form.set('client_id', basic.id);
        if (!form.has('client_secret')) form.set('client_secret', basic.secret);
      }
      const result = sim.tokens.issue(version, tenant, form, originOf(c.req.url));
      if (!result.ok) {
        sim.counters.inc(`login.error.AADSTS${result.error.code}`);
        return json(entraErrorBody(result.error, now), result.error.status, headers);
      }
      sim.counters.inc(`login.issued.${result.resource.key}`);
      return json(result.body, 200, headers);
    };
  app.post('/:tenant/oauth2/token', token('v1'));
  app.post('/:tenant/oauth2/v2.0/token', token('v2'));
  const postOnly = (c: { req: { method: string } }) => {
    const now = sim.sync();
    const error = AADSTS.postOnly(c.req.method === 'HEAD' ? 'GET' : c.req.method);
    sim.counters.inc(`login.error.AADSTS${error.code}`);
    return json(entraErrorBody(error, now), error.status, { Date: httpDate(now) });
  };
  app.get('/:tenant/oauth2/token', postOnly);
  app.get('/:tenant/oauth2/v2.0/token', postOnly);

  const openid =
    (version: 'v1' | 'v2') => (c: { req: { param(k: string): string; url: string } }) => {
      const now = sim.sync();
      const tenant = c.req.param('tenant');
      const error = sim.tokens.checkTenant(tenant);
      const headers = { Date: httpDate(now) };
      if (error && error.code !== 50059)
        return json(entraErrorBody(error, now), error.status, headers);
      // Endpoints are https even when the simulator serves plain http: MSAL accepts only https
      // authorities, so clients point MSAL at https://<this host> and route its requests here.
      const origin = `https://${new URL(c.req.url).host}`;
      const tid = sim.opts.tenantId;
      const base = `${origin}/${tenant}`;
      const v = version === 'v2' ? '/v2.0' : '';
      return json(
        {
          token_endpoint: `${base}/oauth2${v}/token`,
          token_endpoint_auth_methods_supported: [
            'client_secret_post',
            'private_key_jwt',
            'client_secret_basic',
          ],
          jwks_uri: `${origin}/${tenant}/discovery${v}/keys`,
          response_modes_supported: ['query', 'fragment', 'form_post'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          issuer:
            version === 'v2'
              ? `https://login.microsoftonline.com/${tid}/v2.0`
              : `https://sts.windows.net/${tid}/`,
          request_uri_parameter_supported: false,
          userinfo_endpoint: `${origin}/oidc/userinfo`,
          authorization_endpoint: `${base}/oauth2${v}/authorize`,
          device_authorization_endpoint: `${base}/oauth2${v}/devicecode`,
          http_logout_supported: true,
          frontchannel_logout_supported: true,
          end_session_endpoint: `${base}/oauth2${v}/logout`,
          claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid', 'roles'],
          kerberos_endpoint: `${base}/kerberos`,
          tenant_region_scope: 'EU',
          cloud_instance_name: 'microsoftonline.com',
          cloud_graph_host_name: 'graph.windows.net',
          msgraph_host: 'graph.microsoft.com',
          rbac_url: 'https://pas.windows.net',
        },
        200,
        headers,
      );
    };
  app.get('/:tenant/v2.0/.well-known/openid-configuration', openid('v2'));
  app.get('/:tenant/.well-known/openid-configuration', openid('v1'));

  const keys = () => json(sim.tokens.jwks(), 200, { Date: httpDate(sim.sync()) });
  app.get('/:tenant/discovery/v2.0/keys', keys);
  app.get('/:tenant/discovery/keys', keys);

  // Instance discovery: MSAL asks which hosts are aliases of the authority.
  app.get('/common/discovery/instance', (c) => {
    const origin = `https://${new URL(c.req.url).host}`;
    const host = new URL(origin).host;
    const endpoint =
      c.req.query('authorization_endpoint') ?? `${origin}/common/oauth2/v2.0/authorize`;
    const tenant = /^https?:\/\/[^/]+\/([^/]+)/.exec(endpoint)?.[1] ?? 'common';
    return json(
      {
        tenant_discovery_endpoint: `${origin}/${tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      },
      200,
      { Date: httpDate(sim.sync()) },
    );
  });
}

/** `Authorization: Basic base64(urlencode(id):urlencode(secret))`, or null. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const decode = (v: string) => {
    try {
      return decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      return v;
    }
  };
  return { id: decode(text.slice(0, colon)), secret: decode(text.slice(colon + 1)) };
}
