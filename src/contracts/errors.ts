// The body of every refusal the API answers with. `code` says what kind of refusal it is, so that a
// caller (the web app, a script) decides on a value, never on the words of `error`, which are for
// people and may change.
export type ErrorCode =
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'rate-limited'
  | 'unavailable'
  | 'internal';

export interface ErrorBody {
  readonly error: string;
  readonly code?: ErrorCode;
  readonly hint?: string;
  /** Where in the request the problem is: a field, or a line/column of the query. */
  readonly position?: { line?: number; column?: number; length?: number; source?: string };
  readonly problems?: ReadonlyArray<{ field: string; message: string }>;
  /** An unexpected error: the id under which the server logged it. */
  readonly requestId?: string;
  /** A refused sign-in: when to try again. */
  readonly retryAfterSeconds?: number;
}
