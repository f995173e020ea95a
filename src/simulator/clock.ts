// The sim clock: start + real elapsed × speed + every advance(). Monotonic (performance.now()).
import { performance } from 'node:perf_hooks';

export class SimClock {
  private realStart = performance.now();
  private offset = 0;

  constructor(
    private startMs: number,
    private rate: number,
  ) {}

  get speed(): number {
    return this.rate;
  }

  /** Runs on at `speed` from the present sim time (0 freezes it: tests compare a still tenant). */
  setSpeed(speed: number): void {
    if (!(speed >= 0)) throw new Error('speed must be ≥ 0');
    const now = this.now();
    this.startMs = now;
    this.offset = 0;
    this.realStart = performance.now();
    this.rate = speed;
  }

  now(): number {
    return Math.floor(
      this.startMs + this.offset + (performance.now() - this.realStart) * this.speed,
    );
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error('advance() takes a non-negative number of milliseconds');
    this.offset += ms;
  }

  /** Real seconds that `simSeconds` of sim time take (what clients' local timers need). */
  realSeconds(simSeconds: number): number {
    return this.speed > 0 ? Math.max(1, Math.round(simSeconds / this.speed)) : simSeconds;
  }
}

export class Counters {
  private readonly values = new Map<string, number>();

  inc(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.values.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}
