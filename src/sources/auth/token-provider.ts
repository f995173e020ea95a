// Access tokens for the Management Activity API and Microsoft Graph, through MSAL (client secret
// or certificate). MSAL caches tokens and renews them before they expire; `refresh` forces a new
// one after a 401. MSAL requires an https authority, so for an endpoint override on plain http
// (the simulator) the authority keeps the override's host with https and the network module sends
// the requests to the real base URL.
import {
  ConfidentialClientApplication,
  LogLevel,
  type Configuration,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import type { Credential } from '../../config/load.js';
import { redact, type Logger } from '../../util/log.js';
import { ApiError } from '../http/api-error.js';
import { CLOUDS, scopeFor } from '../../config/clouds.js';

const MICROSOFT_LOGIN_HOSTS = new Set(Object.values(CLOUDS).map((c) => new URL(c.login).host));

export interface TokenProvider {
  token(audience: string, options?: { refresh?: boolean }): Promise<string>;
}

export interface TokenProviderOptions {
  tenantId: string;
  clientId: string;
  credential: Credential;
  /** Base URL of the authority host actually contacted, e.g. https://login.microsoftonline.com. */
  loginBase: string;
  log?: Logger;
  /** Injected for tests; defaults to global fetch. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

function networkModule(
  authorityBase: string,
  actualBase: string,
  fetchImpl: typeof fetch,
  timeoutMs: number,
): INetworkModule {
  const target = (url: string) =>
    url.startsWith(authorityBase) ? actualBase + url.slice(authorityBase.length) : url;
  const send = async <T>(
    method: 'GET' | 'POST',
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> => {
    const response = await fetchImpl(target(url), {
      method,
      headers: options?.headers,
      body: method === 'POST' ? options?.body : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => (headers[key.toLowerCase()] = value));
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = { error: 'invalid_response', error_description: text.slice(0, 300) };
    }
    return { headers, body: body as T, status: response.status };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

interface MsalLikeError {
  errorCode?: string;
  errorMessage?: string;
  subError?: string;
  message?: string;
}

export class MsalTokenProvider implements TokenProvider {
  private readonly app: ConfidentialClientApplication;

  constructor(private readonly options: TokenProviderOptions) {
    const actual = new URL(options.loginBase);
    const authorityBase = `https://${actual.host}`;
    const fetchImpl = options.fetch ?? fetch;
    const authority = `${authorityBase}/${options.tenantId}`;
    const auth: Configuration['auth'] = {
      clientId: options.clientId,
      authority,
      knownAuthorities: [actual.host],
    };
    if (!MICROSOFT_LOGIN_HOSTS.has(actual.host)) {
      // An override (the simulator, a proxy): give MSAL the endpoints rather than have it
      // discover and validate them, which it only does for https authorities it trusts.
      auth.authorityMetadata = JSON.stringify({
        token_endpoint: `${authority}/oauth2/v2.0/token`,
        authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
        issuer: `${authority}/v2.0`,
        jwks_uri: `${authority}/discovery/v2.0/keys`,
      });
    }
    const credential = options.credential;
    if (credential.kind === 'secret') {
      auth.clientSecret = credential.secret.reveal();
    } else {
      auth.clientCertificate = {
        thumbprintSha256: credential.thumbprintSha256,
        privateKey: credential.privateKeyPem.reveal(),
        x5c: credential.certificatePem,
      };
    }
    this.app = new ConfidentialClientApplication({
      auth,
      system: {
        networkClient: networkModule(
          authorityBase,
          options.loginBase.replace(/\/+$/, ''),
          fetchImpl,
          options.timeoutMs ?? 30_000,
        ),
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (_level, message) => options.log?.debug(`msal: ${message}`),
        },
      },
    });
  }

  async token(audience: string, opts: { refresh?: boolean } = {}): Promise<string> {
    const scope = scopeFor(audience);
    try {
      const result = await this.app.acquireTokenByClientCredential({
        scopes: [scope],
        skipCache: opts.refresh === true,
      });
      if (!result?.accessToken) throw new Error('no access token in the answer');
      return result.accessToken;
    } catch (error) {
      throw tokenError(error, `${this.options.loginBase}/${this.options.tenantId}`);
    }
  }
}

/** MSAL's errors as ApiErrors carrying the AADSTS code, so that `config check` can explain them. */
export function tokenError(error: unknown, authority: string): ApiError {
  const e = (error ?? {}) as MsalLikeError;
  const text = `${e.errorMessage ?? ''} ${e.message ?? ''}`;
  const aadsts = /AADSTS\d+/.exec(text)?.[0] ?? null;
  const network = /network|fetch failed|ECONN|ETIMEDOUT|timeout|abort/i.test(
    `${e.errorCode ?? ''} ${text}`,
  );
  const description = redact((e.errorMessage || e.message || String(error)).split('\n')[0] ?? '');
  return new ApiError(`cannot get a token from ${authority}: ${description}`, {
    status: null,
    code: aadsts ?? e.errorCode ?? null,
    method: 'POST',
    url: `${authority}/oauth2/v2.0/token`,
    retryable: network || aadsts === 'AADSTS90033',
  });
}
