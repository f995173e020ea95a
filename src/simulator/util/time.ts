// Time helpers shared by the simulator: constants, Microsoft's timestamp formats.

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** `2026-03-02T10:22:15.123Z`: contentCreated / contentExpiration in content listings. */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2026-03-02T10:22:15`: CreationTime of audit records (UTC, no zone). */
export function creationTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** `2026-03-02T10:22:15Z`: Graph timestamps (seconds, Z). */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** `2023-05-06 06:03:00Z`: the timestamp field of Entra ID error bodies. */
export function entraTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** `20260302102215123`: 17 digits used inside content ids. */
export function compactMillis(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T.Z]/g, '');
}

/** Inverse of compactMillis; NaN when the digits are not a valid timestamp. */
export function parseCompactMillis(digits: string): number {
  if (!/^\d{17}$/.test(digits)) return NaN;
  const iso = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}T${digits.slice(8, 10)}:${digits.slice(10, 12)}:${digits.slice(12, 14)}.${digits.slice(14, 17)}Z`;
  return Date.parse(iso);
}

/** `MM/dd/yyyy HH:mm:ss`, as Entra ID prints key validity in AADSTS700027. */
export function entraKeyDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** `2024-10-02T22:05:03.6755165Z`: the 7-digit fraction Entra ID prints in AADSTS700024. */
export function entraTickTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(ms % 1000).padStart(3, '0')}0000Z`;
}
