// Office-hours rhythm: how busy the tenant is at a given instant, relative to a weekday peak hour.

const WEEKDAY_PROFILE = [
  0.02, 0.015, 0.01, 0.01, 0.015, 0.03, 0.1, 0.35, 0.8, 1, 1, 0.95, 0.6, 0.85, 1, 0.95, 0.85, 0.6,
  0.3, 0.15, 0.1, 0.08, 0.05, 0.03,
] as const;

/** Activity factor in [0, 1] at epoch ms `t` for a tenant whose local time is UTC+offset. */
export function activityFactor(t: number, utcOffsetHours: number): number {
  const local = new Date(t + utcOffsetHours * 3_600_000);
  const hour = local.getUTCHours();
  const day = local.getUTCDay(); // 0 Sunday … 6 Saturday
  const base = WEEKDAY_PROFILE[hour] ?? 0;
  return day === 0 || day === 6 ? base * 0.06 : base;
}

/** Local hour (0–23) of the tenant at `t`. */
export function localHour(t: number, utcOffsetHours: number): number {
  return new Date(t + utcOffsetHours * 3_600_000).getUTCHours();
}
