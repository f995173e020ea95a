// How long Microsoft keeps each source's data, and the lag that deserves a warning: the one table
// the collectors (how far back a backfill can reach) and `status` (warnings before Microsoft
// deletes what was not collected) read. Usage reports are a daily snapshot that is one to two days
// old by design.
const DAY = 86_400_000;

export interface Retention {
  readonly keptMs: number;
  readonly warnMs: number;
  readonly what: string;
}

export const RETENTION = {
  // Management Activity API content: 7 days.
  management: { keptMs: 7 * DAY, warnMs: 5 * DAY, what: 'content' },
  // Sign-in logs and directory audits: 30 days with Entra ID P1/P2.
  entra: { keptMs: 30 * DAY, warnMs: 20 * DAY, what: 'sign-ins and audits' },
  // Graph's message trace covers the last 90 days.
  message_trace: { keptMs: 90 * DAY, warnMs: 60 * DAY, what: 'message trace' },
  reports: { keptMs: Infinity, warnMs: 4 * DAY, what: 'reports' },
} as const satisfies Readonly<Record<string, Retention>>;

/** The retention of a source by its name in the store (`management` for an unknown one). */
export function retentionOf(source: string): Retention {
  const table: Readonly<Record<string, Retention>> = RETENTION;
  return table[source] ?? RETENTION.management;
}
