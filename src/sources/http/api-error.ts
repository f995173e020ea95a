// Errors from Microsoft's APIs as values: the HTTP status, Microsoft's own code (AF…, AADSTS…,
// Graph's `Authorization_RequestDenied`, …), a redacted excerpt, and whether retrying can help.
// Classification uses the code, not the status: a throttled Management API call answers 403 AF429.
import { redact } from '../../util/log.js';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly details: {
      readonly status: number | null;
      readonly code: string | null;
      readonly method: string;
      readonly url: string;
      readonly retryable: boolean;
      readonly retryAfterMs?: number;
      readonly throttled?: boolean;
    },
  ) {
    super(redact(message));
    this.name = 'ApiError';
  }

  get status(): number | null {
    return this.details.status;
  }

  get code(): string | null {
    return this.details.code;
  }

  get retryable(): boolean {
    return this.details.retryable;
  }
}

export interface ErrorBody {
  code: string | null;
  message: string;
}

/** Reads Microsoft's error bodies: `{"error":{"code","message"}}`, OAuth's, or plain text. */
export function parseErrorBody(text: string): ErrorBody {
  const excerpt = redact(text.length > 400 ? `${text.slice(0, 400)}…` : text).trim();
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object') {
      const o = body as Record<string, unknown>;
      const error = o.error;
      if (error && typeof error === 'object') {
        const e = error as Record<string, unknown>;
        return {
          code: typeof e.code === 'string' ? e.code : null,
          message: typeof e.message === 'string' ? redact(e.message) : excerpt,
        };
      }
      if (typeof o.error === 'string') {
        // OAuth errors: {"error":"invalid_client","error_description":"AADSTS7000215: …"}
        const description = typeof o.error_description === 'string' ? o.error_description : '';
        const aadsts = /AADSTS\d+/.exec(description)?.[0];
        return { code: aadsts ?? o.error, message: redact(description || o.error) };
      }
      for (const key of ['Message', 'message']) {
        if (typeof o[key] === 'string') return { code: null, message: redact(o[key] as string) };
      }
    }
  } catch {
    // Not JSON: keep the excerpt.
  }
  return { code: null, message: excerpt || '(empty body)' };
}

/** Retry-After in milliseconds: seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const THROTTLE_CODES = new Set(['AF429', 'TooManyRequests', 'activityLimitReached']);
const TRANSIENT_CODES = new Set(['AF50000', 'AF50005', 'AF50006']);

export function isThrottle(status: number, code: string | null): boolean {
  return status === 429 || (code !== null && THROTTLE_CODES.has(code));
}

export function isTransient(status: number, code: string | null): boolean {
  return status >= 500 || status === 408 || (code !== null && TRANSIENT_CODES.has(code));
}
