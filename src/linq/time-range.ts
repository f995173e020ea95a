// Times as analysts write them: ISO times for `--from`/`--to` and timestamp literals in queries
// (UTC unless a zone is given), relative times (`1h`, `7d`, `now-2d`, `today`), epoch numbers.
import { M365HuntError } from '../util/errors.js';

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const TS_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.fff]]][Z|±HH:MM]` (UTC when no zone); null when invalid. */
export function parseTimestampLiteral(text: string): Date | null {
  const m = TS_RE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const ms = Number((frac + '000').slice(0, 3));
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day) return null;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    t -= sign * offset * 60_000;
  }
  if (!Number.isFinite(t) || year < 1) return null;
  return new Date(t);
}

/** `YYYY-MM-DD HH:MM:SS.mmm` in UTC: how timestamps are bound as parameters. */
export function formatTimestamp(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** Midnight UTC of the day of `now`. */
export function startOfDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

function parseDuration(text: string): number | null {
  const re = /(\d+)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    consumed += m[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : null;
}

/**
 * One end of a time range: `now`, `today`, `yesterday`, each optionally `±<duration>`; a bare
 * duration (`1h` = an hour ago); an ISO time (UTC without a zone); epoch seconds or milliseconds.
 */
export function parseTimeSpec(spec: string, now: Date, what = 'time'): Date {
  const text = spec.trim();
  const bad = (): never => {
    throw new M365HuntError(`Cannot read ${what} \`${spec}\``, {
      hint: 'use an ISO time (2024-05-01, 2024-05-01T10:00:00Z), a relative time (1h, 7d, now-2d, today-1d, yesterday) or `now`',
    });
  };
  const rel = /^(now|today|yesterday)\s*(?:([+-])\s*([0-9a-z]+))?$/i.exec(text);
  if (rel) {
    const base = rel[1]!.toLowerCase();
    let t =
      base === 'now'
        ? now.getTime()
        : startOfDay(now).getTime() - (base === 'yesterday' ? UNITS.d! : 0);
    if (rel[3] !== undefined) {
      const d = parseDuration(rel[3].toLowerCase());
      if (d === null) bad();
      t += rel[2] === '-' ? -d! : d!;
    }
    return new Date(t);
  }
  const dur = /^-?([0-9a-z]+)$/i.exec(text);
  if (dur && /[a-z]/i.test(text)) {
    const d = parseDuration(dur[1]!.toLowerCase());
    if (d === null) bad();
    return new Date(now.getTime() - d!);
  }
  if (/^\d{9,13}$/.test(text)) {
    const n = Number(text);
    return new Date(text.length >= 12 ? n : n * 1000);
  }
  const ts = parseTimestampLiteral(text);
  if (!ts) bad();
  return ts!;
}

/** The half-open range [from, to) of a query; the last 24 hours by default. */
export function resolveTimeRange(
  spec: { from?: string | undefined; to?: string | undefined },
  now: Date = new Date(),
): { from: Date; to: Date } {
  const to = spec.to ? parseTimeSpec(spec.to, now, '--to') : now;
  const from = spec.from
    ? parseTimeSpec(spec.from, now, '--from')
    : new Date(to.getTime() - UNITS.d!);
  if (from.getTime() >= to.getTime()) {
    throw new M365HuntError(
      `The time range is empty: --from ${from.toISOString()} is not before --to ${to.toISOString()}`,
      { hint: 'the range is [from, to): from must be earlier than to' },
    );
  }
  return { from, to };
}
