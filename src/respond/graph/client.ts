// Microsoft Graph calls of the responder, on the shared HTTP client of src/sources (token for the
// Graph audience, retries honouring Retry-After on 429, one token refresh on 401, redacted errors).
// Each answer is kept as the log keeps it (status, code, redacted excerpt, request id, how many
// throttled answers were retried); a refusal becomes a GraphFailure that says what to do.
import type { CollectorInstance } from '../../config/load.js';
import type { TokenProvider } from '../../sources/auth/token-provider.js';
import { ApiError } from '../../sources/http/api-error.js';
import type { HttpClient } from '../../sources/http/http-client.js';
import type { ServerClock } from '../../sources/http/server-clock.js';
import { remedyFor } from '../../sources/remedies.js';
import { redact } from '../../util/log.js';
import type { GraphAnswerRef } from '../model.js';
import {
  diagnose403,
  missingFor,
  type Diagnosis,
  type GraphOperation,
  tokenRoles,
} from './permissions.js';

export interface GraphCall {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Under /v1.0 (`/users/…`), or an absolute `@odata.nextLink`. */
  readonly path: string;
  readonly body?: unknown;
  /** Statuses that are answers rather than failures (404 for "already gone"). */
  readonly accept?: readonly number[];
}

export interface GraphResult {
  readonly status: number;
  readonly body: unknown;
  readonly ref: GraphAnswerRef;
}

const EXCERPT = 300;

function excerpt(text: string): string {
  const flat = redact(text).replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT)}…` : flat;
}

/** A call Graph refused (or could not be made), with what to do about it. */
export class GraphFailure extends Error {
  constructor(
    message: string,
    readonly ref: GraphAnswerRef,
    readonly remedy: string | undefined,
    readonly diagnosis?: Diagnosis,
  ) {
    super(redact(message));
    this.name = 'GraphFailure';
  }

  get status(): number | null {
    return this.ref.status;
  }

  get code(): string | null {
    return this.ref.code;
  }
}

export interface GraphClientOptions {
  readonly instance: CollectorInstance;
  readonly http: HttpClient;
  readonly tokens: TokenProvider;
  readonly clock: ServerClock;
}

export class GraphClient {
  private readonly base: string;
  private readonly audience: string;

  constructor(private readonly options: GraphClientOptions) {
    this.base = `${options.instance.endpoints.graph}/v1.0`;
    this.audience = options.instance.audiences.graph;
  }

  get instance(): CollectorInstance {
    return this.options.instance;
  }

  /** Graph's time (from the Date headers of its answers; the local clock before the first one). */
  now(): Date {
    return this.options.clock.now();
  }

  /**
   * The application permissions in the app's Graph token (its `roles` claim), or null when the
   * token cannot be read. Read from the current token each time (MSAL keeps it), so that a grant
   * shows as soon as a new token carries it. Only the claim is kept; the token never leaves here.
   */
  async roles(refresh = false): Promise<string[] | null> {
    try {
      return tokenRoles(await this.options.tokens.token(this.audience, { refresh }));
    } catch {
      return null;
    }
  }

  async call(call: GraphCall, op: GraphOperation, target: string): Promise<GraphResult> {
    try {
      return await this.once(call, op, target);
    } catch (error) {
      // A permission granted since the token was issued: a new token carries it (once).
      if (!(error instanceof GraphFailure) || !error.diagnosis?.missing.length) throw error;
      const fresh = await this.roles(true);
      if (fresh === null || missingFor(op, fresh).length > 0) throw error;
      return this.once(call, op, target);
    }
  }

  private async once(call: GraphCall, op: GraphOperation, target: string): Promise<GraphResult> {
    const url = /^https?:\/\//.test(call.path) ? call.path : `${this.base}${call.path}`;
    const shown = displayPath(url);
    const throttledBefore = this.options.http.counters.throttled;
    const throttled = () => this.options.http.counters.throttled - throttledBefore;
    try {
      const response = await this.options.http.request({
        method: call.method,
        url,
        audience: this.audience,
        headers: {
          Accept: 'application/json',
          ...(call.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        ...(call.accept ? { accept: call.accept } : {}),
      });
      let body: unknown = null;
      if (response.text.trim()) {
        try {
          body = JSON.parse(response.text) as unknown;
        } catch {
          body = response.text;
        }
      }
      let code: string | null = null;
      if (response.status >= 400 && body && typeof body === 'object') {
        const e = (body as { error?: { code?: unknown } }).error;
        code = typeof e?.code === 'string' ? e.code : null;
      }
      return {
        status: response.status,
        body,
        ref: {
          method: call.method,
          path: shown,
          status: response.status,
          code,
          excerpt: excerpt(response.text),
          requestId: response.headers.get('request-id'),
          date: httpDate(response.headers.get('date')),
          throttled: throttled(),
        },
      };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const ref: GraphAnswerRef = {
        method: call.method,
        path: shown,
        status: error.status,
        code: error.code,
        excerpt: excerpt(error.message),
        requestId: null,
        date: null,
        throttled: throttled(),
      };
      if (error.status === 403) {
        const diagnosis = diagnose403(op, await this.roles(), target);
        throw new GraphFailure(
          `${call.method} ${shown}: 403 ${error.code ?? ''} — ${diagnosis.problem}`,
          ref,
          diagnosis.fix,
          diagnosis,
        );
      }
      const remedy = remedyFor(error.code, error.message);
      throw new GraphFailure(
        error.message,
        ref,
        remedy ? `${remedy.problem}: ${remedy.fix}` : undefined,
      );
    }
  }
}

function httpDate(header: string | null): string | null {
  const t = header ? Date.parse(header) : NaN;
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** The path of a Graph URL without its host and query (ids and UPNs are not secrets). */
function displayPath(url: string): string {
  try {
    const u = new URL(url);
    return decodeURIComponent(u.pathname.replace(/^\/v1\.0/, ''));
  } catch {
    return url;
  }
}
