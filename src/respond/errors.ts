// The responder's refusals as values: what kind of refusal (so that the server can answer 404 or
// 409 and the CLI its exit code), a message and a hint, made here and printed where errors are.
import { M365HuntError } from '../util/errors.js';

export type RespondErrorKind =
  | 'not-found'
  | 'conflict'
  | 'protected'
  | 'invalid'
  | 'unavailable'
  /** The four-eyes rule: the proposer may not approve. */
  | 'four-eyes';

export class RespondError extends M365HuntError {
  constructor(
    readonly kind: RespondErrorKind,
    message: string,
    hint?: string,
  ) {
    super(message, hint ? { hint } : {});
    this.name = 'RespondError';
  }
}
