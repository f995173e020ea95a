// Graph's per-API throttles that a minute-based bucket cannot express: 5 requests per 10 seconds
// for the audit logs, 14 per 10 minutes per usage report (docs/microsoft-apis.md, "Throttling,
// batching, paging"): token buckets that hold at most `limit` requests and refill over `seconds`;
// and message trace's 100 requests per tenant in a 5-minute running window (docs/collecting.md):
// a running window. In real time, like the other throttles.
import type { Simulator } from '../simulator.js';

interface Bucket {
  tokens: number;
  last: number;
  limit: number;
}

const buckets = new WeakMap<Simulator, Map<string, Bucket>>();

/** Takes one request from bucket `key`; null when allowed, else whole seconds until one frees. */
export function takeToken(
  sim: Simulator,
  key: string,
  limit: number,
  seconds: number,
  realNow = Date.now(),
): number | null {
  if (limit <= 0) return null;
  let map = buckets.get(sim);
  if (!map) buckets.set(sim, (map = new Map()));
  let b = map.get(key);
  if (!b || b.limit !== limit) map.set(key, (b = { tokens: limit, last: realNow, limit }));
  const perMs = limit / (seconds * 1000);
  b.tokens = Math.min(limit, b.tokens + (realNow - b.last) * perMs);
  b.last = realNow;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return null;
  }
  return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
}

const windows = new WeakMap<Simulator, Map<string, number[]>>();

/**
 * Admits one request into running window `key` (at most `limit` in any `seconds`): null when
 * admitted, else whole seconds until the oldest request in the window leaves it.
 */
export function takeWindow(
  sim: Simulator,
  key: string,
  limit: number,
  seconds: number,
  realNow = Date.now(),
): number | null {
  if (limit <= 0) return null;
  let map = windows.get(sim);
  if (!map) windows.set(sim, (map = new Map()));
  let times = map.get(key);
  if (!times) map.set(key, (times = []));
  const span = seconds * 1000;
  while (times.length > 0 && times[0]! <= realNow - span) times.shift();
  if (times.length < limit) {
    times.push(realNow);
    return null;
  }
  return Math.max(1, Math.ceil((times[0]! + span - realNow) / 1000));
}
