// Runs the engine beside the collector: a commit schedules an evaluation after a short debounce
// (commits in a burst share one run), a timer evaluates at least every interval (inactivity needs
// time to pass, not data), runs never overlap, and notifications are delivered on their own track
// so that a slow webhook never delays evaluation. Nothing here throws into the collector: the
// commit hook only sets a timer, and every failure is logged and retried on the next run.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '../store/store.js';
import { createLogger, type Logger } from '../util/log.js';
import { AlertEngine, type RunSummary } from './engine/engine.js';
import { deliverDue, type DeliveryResult } from './notify/outbox.js';
import type { Alerting } from './setup.js';

export interface RunnerOptions {
  readonly log?: Logger;
  readonly now?: () => Date;
  readonly fetch?: typeof fetch;
  /** Called after each evaluation (the server shows it; tests wait on it). */
  readonly onRun?: (summary: RunSummary) => void;
}

const ENGINE_LEASE = 'alerts:engine';
const ENGINE_LEASE_MS = 10 * 60_000;

export class AlertRunner {
  /** Identifies this process among those sharing a store. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly engine: AlertEngine;
  private readonly log: Logger;
  private debounceTimer: NodeJS.Timeout | undefined;
  private interval: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private delivering: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly alerting: Alerting,
    private readonly options: RunnerOptions = {},
  ) {
    this.log = options.log ?? createLogger('alerts');
    this.engine = new AlertEngine({
      store,
      plans: alerting.plans,
      config: alerting.config,
      log: this.log,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** The collector's commit hook: schedules a run; returns at once. */
  readonly onCommit = (): void => {
    if (this.stopped || this.debounceTimer) return;
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      void this.trigger();
    }, this.alerting.config.engine.debounceMs);
    this.debounceTimer.unref();
  };

  /** Starts the periodic evaluation (once: starting again changes nothing). */
  start(): this {
    if (this.interval || this.stopped) return this;
    this.interval = setInterval(() => void this.trigger(), this.alerting.config.engine.intervalMs);
    this.interval.unref();
    return this;
  }

  /** Runs now, or once more after the current run when one is in progress. */
  trigger(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          // Several processes may share a ClickHouse store: one evaluates at a time.
          if (!(await this.store.acquireLease(ENGINE_LEASE, this.owner, ENGINE_LEASE_MS))) {
            this.log.debug('another process is evaluating the rules; skipped');
            continue;
          }
          const summary = await this.engine.run();
          if (summary.raised > 0 || summary.errors.length > 0) {
            this.log.info(
              `evaluated ${summary.rules} rules on (${summary.from}, ${summary.to}]: ${summary.raised} alerts raised, ${summary.updated} updated${summary.errors.length ? `, ${summary.errors.length} rule errors` : ''}`,
            );
          }
          this.options.onRun?.(summary);
        } catch (error) {
          this.log.error(
            `alert evaluation failed (retried on the next run): ${(error as Error).message}`,
          );
        }
        this.deliver();
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Delivers due notifications in the background (one delivery round at a time). */
  deliver(): Promise<unknown> {
    if (this.alerting.config.notify.length === 0 && !this.delivering) {
      // Even without targets, documents of removed targets are cleaned up by a round.
      return Promise.resolve();
    }
    if (this.delivering) return this.delivering;
    this.delivering = deliverDue(this.store, this.alerting.config, this.log, {
      ...(this.options.now ? { now: this.options.now } : {}),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    })
      .catch((error: unknown) => this.log.warn(`notifications: ${(error as Error).message}`))
      .finally(() => {
        this.delivering = undefined;
      });
    return this.delivering;
  }

  /** One evaluation and one delivery round, for `alerts run`. */
  async runOnce(): Promise<{ summary: RunSummary; delivery: DeliveryResult }> {
    const summary = await this.engine.run();
    const delivery = await deliverDue(this.store, this.alerting.config, this.log, {
      ...(this.options.now ? { now: this.options.now } : {}),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
    return { summary, delivery };
  }

  /** Stops the timers; with `final`, evaluates what was committed last and delivers once more. */
  async stop(final = true): Promise<void> {
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    if (this.interval) clearInterval(this.interval);
    this.debounceTimer = this.interval = undefined;
    if (final && !this.stopped) await this.trigger();
    this.stopped = true;
    await this.running;
    await this.delivering;
    await this.store.releaseLease(ENGINE_LEASE, this.owner).catch(() => undefined);
  }
}
