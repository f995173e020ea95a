// One pass of one stream, the same for every source: a result to fill, the stream's health
// recorded after it (the error redacted, and explained when Microsoft's code has a known
// remedy, e.g. "no Entra ID P1/P2 licence"), and a failure that stops this stream only.
import type { Store, StreamKey } from '../store/store.js';
import type { Logger } from '../util/log.js';
import { ApiError } from './http/api-error.js';
import type { StreamPassResult } from './management-activity/collector.js';
import { conciseMessage, remedyFor } from './remedies.js';
import { isStopped } from '../util/wait.js';

export function emptyResult(key: StreamKey): StreamPassResult {
  return { key, blobs: 0, inserted: 0, duplicates: 0, quarantined: 0, skipped: 0, error: null };
}

/**
 * An error as a stream's last error: Microsoft's code, and when it is a known one what it means
 * and what fixes it (`status` and `collect` show this text).
 */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : null;
  const remedy = remedyFor(code, message);
  if (!remedy) return message;
  // Microsoft's "code" is sometimes the first part of a sentence (StartSubscription [...]).
  const shown = code && /^[A-Za-z0-9_]+$/.test(code) ? code : 'error';
  return `${remedy.problem} (${shown}): ${conciseMessage(message)} — fix: ${remedy.fix}`;
}

/**
 * Runs `body` as the pass of stream `key`; never throws (the error is in the result). A stop
 * request is not an error: the result says `stopped`, and the stream's health is left as it was.
 */
export async function runStreamPass(
  store: Store,
  key: StreamKey,
  log: Logger,
  body: (result: StreamPassResult) => Promise<void>,
): Promise<StreamPassResult> {
  const result = emptyResult(key);
  try {
    await body(result);
    await store.recordStreamHealth(key, { error: null });
  } catch (error) {
    if (isStopped(error)) {
      result.stopped = true;
      return result;
    }
    result.error = describeError(error);
    log.error(`${key.stream}: ${result.error}`);
    await store.recordStreamHealth(key, { error: result.error }).catch(() => undefined);
  }
  return result;
}
