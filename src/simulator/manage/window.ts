// startTime/endTime rules of /subscriptions/content (reference §A6.5): formats YYYY-MM-DD,
// YYYY-MM-DDTHH:MM, YYYY-MM-DDTHH:MM:SS (UTC), a trailing Z accepted; both or neither; at most
// 24 h apart; start not older than 7 days (with the ~1 hour grace observed by Elastic);
// start before end. Neither → the last 24 hours.
import { DAY, HOUR } from '../util/time.js';
import { AF, type AfError } from './af-errors.js';

const FORMAT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?Z?$/;

/** Epoch ms of a window bound, or null when the format is not one Microsoft accepts. */
export function parseWindowTime(value: string): number | null {
  const m = FORMAT.exec(value);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59)
    return null;
  return ms;
}

export const RETENTION_GRACE_MS = HOUR;

export type Window = { start: number; end: number; explicit: boolean };

export function resolveWindow(
  startRaw: string | undefined,
  endRaw: string | undefined,
  now: number,
): Window | AfError {
  if (startRaw === undefined && endRaw === undefined) {
    return { start: now - DAY, end: now, explicit: false };
  }
  if (startRaw === undefined || endRaw === undefined) return AF.windowBothOrNeither();
  const start = parseWindowTime(startRaw);
  if (start === null) return AF.invalidParameterType('startTime', 'datetime');
  const end = parseWindowTime(endRaw);
  if (end === null) return AF.invalidParameterType('endTime', 'datetime');
  if (start >= end || end - start > DAY || start < now - 7 * DAY - RETENTION_GRACE_MS) {
    return AF.windowInvalid();
  }
  return { start, end, explicit: true };
}

/** `2026-03-02T10:00:00`: how the simulator writes window bounds into NextPageUri. */
export function formatWindowTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}
