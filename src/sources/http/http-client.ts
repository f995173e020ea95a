// The one HTTP client every source uses: tokens, the per-tenant rate limit, retries with backoff
// (throttling with Retry-After, 5xx, timeouts, dropped connections), one token refresh on 401,
// the server's clock, and errors that never carry a secret. A stop signal ends it at any moment:
// while it waits for the limiter, in a backoff, or with a request in flight (Stopped is thrown).
import type { Logger } from '../../util/log.js';
import { isStopped, sleep, Stopped, throwIfStopped } from '../../util/wait.js';
import type { TokenProvider } from '../auth/token-provider.js';
import { ApiError, isThrottle, isTransient, parseErrorBody, retryAfterMs } from './api-error.js';
import type { Limiter } from './rate-limiter.js';
import type { ServerClock } from './server-clock.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After honoured; longer ones are cut to this. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 8,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 5 * 60_000,
};

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  /** Token audience (e.g. https://manage.office.com); none = no Authorization header. */
  audience?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Do not follow redirects (usage reports answer 302 to a download URL). */
  manualRedirect?: boolean;
  /** Statuses that are answers, not errors (besides 2xx). */
  accept?: readonly number[];
  /** Ends this request (besides the client's own signal). */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface HttpCounters {
  requests: number;
  retries: number;
  throttled: number;
  errors: number;
}

export interface HttpClientOptions {
  tokens?: TokenProvider;
  limiter?: Limiter;
  clock?: ServerClock;
  log?: Logger;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** For tests: how to wait (rejects when the signal aborts). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Stops every request of this client: in flight, waiting for the limiter, or backing off. */
  signal?: AbortSignal;
}

function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

function networkReason(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

export class HttpClient {
  readonly counters: HttpCounters = { requests: 0, retries: 0, throttled: 0, errors: 0 };
  private readonly retry: RetryPolicy;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? sleep;
  }

  /** The signal that stops a request: the client's, the request's, or both. */
  private stopSignal(req: HttpRequest): AbortSignal | undefined {
    const { signal } = this.options;
    if (signal && req.signal) return AbortSignal.any([signal, req.signal]);
    return signal ?? req.signal;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const policy = { ...this.retry, ...req.retry };
    const stop = this.stopSignal(req);
    let refreshed = false;
    let lastError: ApiError | undefined;
    for (let attempt = 1; attempt <= policy.attempts; attempt++) {
      throwIfStopped(stop);
      let waitMs: number | undefined;
      try {
        return await this.once(req, refreshed, stop);
      } catch (error) {
        // A stop is not a failure of Microsoft's: no retry, no error counted.
        if (isStopped(error, stop) || stop?.aborted) throw new Stopped();
        if (!(error instanceof ApiError)) throw error;
        lastError = error;
        if (error.status === 401 && req.audience && !refreshed) {
          // The token may have expired or been revoked: renew it once.
          refreshed = true;
          attempt--;
          continue;
        }
        if (!error.retryable) {
          this.counters.errors++;
          throw error;
        }
        if (error.details.throttled) {
          this.counters.throttled++;
          // Every request sharing this budget waits as long as Microsoft asked.
          if (error.details.retryAfterMs !== undefined)
            this.options.limiter?.holdFor(
              Math.min(policy.maxRetryAfterMs, error.details.retryAfterMs),
            );
        }
        const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
        const jittered = backoff / 2 + Math.random() * (backoff / 2);
        waitMs =
          error.details.retryAfterMs !== undefined
            ? Math.min(policy.maxRetryAfterMs, error.details.retryAfterMs)
            : jittered;
      }
      if (attempt < policy.attempts) {
        this.counters.retries++;
        this.options.log?.debug(
          `retrying ${req.method} ${describeUrl(req.url)} in ${Math.round(waitMs)} ms (${lastError?.message})`,
        );
        await this.sleep(waitMs, stop);
      }
    }
    this.counters.errors++;
    throw lastError ?? new Error('request failed');
  }

  private async once(
    req: HttpRequest,
    refreshToken: boolean,
    stop: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...req.headers };
    if (req.audience) {
      if (!this.options.tokens) throw new Error('no token provider for an authenticated request');
      const token = await this.options.tokens.token(req.audience, { refresh: refreshToken });
      headers.Authorization = `Bearer ${token}`;
    }
    await this.options.limiter?.acquire(stop);
    this.counters.requests++;
    const sentAt = Date.now();
    let response: Response;
    let text: string;
    const timeout = AbortSignal.timeout(req.timeoutMs ?? this.options.timeoutMs ?? 120_000);
    try {
      response = await this.fetchImpl(req.url, {
        method: req.method,
        headers,
        body: req.body,
        redirect: req.manualRedirect ? 'manual' : 'follow',
        signal: stop ? AbortSignal.any([timeout, stop]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      if (stop?.aborted) throw new Stopped();
      // Dropped connections, resets and timeouts: always worth another try.
      throw new ApiError(`${req.method} ${describeUrl(req.url)}: ${networkReason(error)}`, {
        status: null,
        code: null,
        method: req.method,
        url: describeUrl(req.url),
        retryable: true,
      });
    }
    this.options.clock?.observe(response.headers.get('date'), sentAt);
    const ok =
      (response.status >= 200 && response.status < 300) ||
      (req.accept ?? []).includes(response.status);
    if (ok) return { status: response.status, headers: response.headers, text };
    const body = parseErrorBody(text);
    const throttled = isThrottle(response.status, body.code);
    throw new ApiError(
      `${req.method} ${describeUrl(req.url)} answered ${response.status}${body.code ? ` ${body.code}` : ''}: ${body.message}`,
      {
        status: response.status,
        code: body.code,
        method: req.method,
        url: describeUrl(req.url),
        retryable: throttled || isTransient(response.status, body.code),
        throttled,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
      },
    );
  }
}
