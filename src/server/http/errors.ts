// Error answers: every refusal is JSON naming the problem; nothing else leaves the server (no
// stack traces, no internal messages of unexpected errors, no secrets: those go to the log,
// redacted, under a request id that the answer gives).
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody as ContractErrorBody, ErrorCode } from '../../contracts/errors.js';
import { M365HuntError } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';

/** The API contract's refusal (src/contracts/errors.ts), which the web app reads. */
export interface ErrorBody extends ContractErrorBody {
  readonly [extra: string]: unknown;
}

/** The kind of refusal an HTTP status is, for answers that do not name one themselves. */
export function errorCode(status: number): ErrorCode {
  if (status === 400) return 'bad-request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate-limited';
  if (status === 503) return 'unavailable';
  return status < 500 ? 'bad-request' : 'internal';
}

export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.error);
    this.name = 'HttpError';
  }
}

export const badRequest = (error: string, extra: Omit<ErrorBody, 'error'> = {}) =>
  new HttpError(400, { error, ...extra });
export const notFound = (what: string) => new HttpError(404, { error: `${what} not found` });
export const conflict = (error: string) => new HttpError(409, { error });
export const unavailable = (what: string, hint: string) =>
  new HttpError(503, { error: `${what} is not available on this server`, hint });

/** Turns an M365HuntError (a bad query, a bad time, a refused password) into a 400 answer. */
export function userError(error: M365HuntError): HttpError {
  const position = error.position;
  const length = (error as M365HuntError & { length?: unknown }).length;
  return badRequest(error.message, {
    ...(error.hint ? { hint: error.hint } : {}),
    ...(position && (position.line || position.source)
      ? {
          position: {
            source: position.source,
            line: position.line,
            column: position.column,
            ...(typeof length === 'number' ? { length } : {}),
          },
        }
      : {}),
  });
}

export function errorHandler(log: Logger) {
  return (error: Error, c: Context) => {
    if (error instanceof HttpError) {
      for (const [k, v] of Object.entries(error.headers)) c.header(k, v);
      return c.json({ code: errorCode(error.status), ...error.body }, error.status);
    }
    if (error instanceof M365HuntError) {
      const answer = userError(error);
      return c.json({ code: errorCode(answer.status), ...answer.body }, answer.status);
    }
    // A malformed percent-encoding met while decoding a part of the request: the client's mistake.
    if (error instanceof URIError) {
      return c.json({ error: 'the request has malformed percent-encoding' }, 400);
    }
    // Hono's own HTTPException (e.g. the body limit) carries a status and a safe message.
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return c.json(
        { error: error.message || 'bad request', code: errorCode(status) },
        status as ContentfulStatusCode,
      );
    }
    const id = randomUUID();
    log.error(`request ${id} ${c.req.method} ${c.req.path} failed: ${error.message}`);
    return c.json({ error: 'internal error', code: 'internal', requestId: id }, 500);
  };
}
