// startTime/endTime rules of /subscriptions/content: formats YYYY-MM-DD, YYYY-MM-DDTHH:MM,
// YYYY-MM-DDTHH:MM:SS (UTC), with a fraction of a second and a trailing Z accepted, as Microsoft
// accepts them from real clients (the CLI for Microsoft 365 sends `toISOString()`,
// `2026-03-02T10:00:00.123Z`); both or neither; at most 24 h apart; start not older than 7 days
// (with the ~1 hour grace observed by Elastic); start before end. Neither → the last 24 hours.
// https://learn.microsoft.com/office/office-365-management-api/office-365-management-activity-api-reference
import { DAY, HOUR } from '../util/time.js';
import { AF, type AfError } from './af-errors.js';

const FORMAT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?Z?$/;

/** Epoch ms of a window bound, or null when the format is not one Microsoft accepts. */
export function parseWindowTime(value: string): number | null {
  const m = FORMAT.exec(value);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = ''] = m;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const ms = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    millis,
  );
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
    // Whole seconds, so that the window written into NextPageUri reads back the same.
    const end = Math.floor(now / 1000) * 1000;
    return { start: end - DAY, end, explicit: false };
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

/**
 * `2026-03-02T10:00:00` (or `…:00.123` when the bound had milliseconds): how the simulator writes
 * window bounds into NextPageUri, so that they read back as the same instant.
 */
export function formatWindowTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.slice(0, 19) : iso.slice(0, 23);
}
