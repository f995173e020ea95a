// Microsoft's time, from the `Date` header of its answers. Windows are computed on it, not on the
// local clock: a skewed local clock makes the API refuse windows (AF20030/AF20055), as Filebeat
// users found. (The simulator can also run its clock fast; the same mechanism follows it.)
import type { Logger } from '../../util/log.js';

const WARN_SKEW_MS = 5 * 60_000;

export class ServerClock {
  private offsetMs = 0;
  private observed = false;
  private warned = false;

  constructor(private readonly log?: Logger) {}

  /** Current server time (local time until an answer has been seen). */
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Whether an answer's `Date` has been seen (before that, now() is the local time). */
  get synced(): boolean {
    return this.observed;
  }

  /** Records a `Date` header seen on an answer to a request sent at `sentAt` (local ms). */
  observe(dateHeader: string | null, sentAt: number): void {
    if (!dateHeader) return;
    const server = Date.parse(dateHeader);
    if (Number.isNaN(server)) return;
    const local = (sentAt + Date.now()) / 2;
    // The header has whole seconds: keep the previous offset while it is within that precision.
    const offset = server + 500 - local;
    if (!this.observed || Math.abs(offset - this.offsetMs) > 1000) this.offsetMs = offset;
    this.observed = true;
    if (!this.warned && Math.abs(this.offsetMs) > WARN_SKEW_MS) {
      this.warned = true;
      this.log?.warn(
        `the local clock differs from the server's by ${Math.round(this.offsetMs / 1000)} s; using the server's time`,
      );
    }
  }
}
