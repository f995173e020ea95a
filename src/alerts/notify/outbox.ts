// The notification outbox: one state document per (alert, target), written in the same commit as
// the alert, so a raised alert is never left without its notifications and a crash loses none.
// Delivery runs apart from evaluation and ingestion: it sends what is due, removes the document
// and records `notified` in one commit, or reschedules with exponential backoff, and after the last
// attempt records `notify_failed`. Delivery is at least once: a crash between sending and
// committing sends again.
import type { StatePut, Store } from '../../store/store.js';
import type { Logger } from '../../util/log.js';
import type { AlertsConfig, NotifyTarget } from '../config.js';
import { appendEvents, ENGINE_ACTOR, listAlerts, newEventId } from '../store/alert-store.js';
import { SEVERITY_ORDER, type AlertEventRecord, type AlertView } from '../store/model.js';
import { NotifyError, send } from './transports.js';

export const OUTBOX = 'alerts.outbox';

export interface OutboxDoc {
  readonly alertId: string;
  readonly target: string;
  readonly attempts: number;
  /** When the next attempt is due (ISO). */
  readonly due: string;
  readonly created: string;
  readonly lastError?: string;
}

export function outboxPut(alertId: string, target: string, now: Date): StatePut {
  const doc: OutboxDoc = {
    alertId,
    target,
    attempts: 0,
    due: now.toISOString(),
    created: now.toISOString(),
  };
  return { collection: OUTBOX, id: `${alertId}|${target}`, doc };
}

/** Whether a target takes an alert: severity, packs, rules and tenants filters. */
export function targetWants(
  target: NotifyTarget,
  alert: Pick<AlertEventRecord, 'Severity' | 'Pack' | 'Rule' | 'Client' | 'Tenant'>,
): boolean {
  if (SEVERITY_ORDER[alert.Severity] < SEVERITY_ORDER[target.minSeverity]) return false;
  if (target.packs && !target.packs.includes(alert.Pack)) return false;
  if (target.rules && !target.rules.includes(alert.Rule)) return false;
  if (target.tenants && !target.tenants.some((t) => t === alert.Client || t === alert.Tenant))
    return false;
  return true;
}

export interface DeliveryResult {
  sent: number;
  retried: number;
  failed: number;
  pending: number;
}

function outcome(
  alert: AlertView,
  event: 'notified' | 'notify_failed',
  target: string,
  now: Date,
  reason?: string,
): AlertEventRecord {
  return {
    Id: newEventId(alert.id),
    CreationTime: now.toISOString(),
    AlertId: alert.id,
    Event: event,
    Status: alert.status,
    Rule: alert.rule,
    Pack: alert.pack,
    Title: alert.title,
    Severity: alert.severity,
    Actor: ENGINE_ACTOR,
    ...(reason ? { Reason: reason } : {}),
    Count: alert.count,
    FirstSeen: alert.first_seen,
    LastSeen: alert.last_seen,
    Tenant: alert.tenant,
    Client: alert.client,
    Target: target,
  };
}

export function backoffMs(attempts: number, retry: AlertsConfig['retry']): number {
  const base = Math.min(retry.maxDelayMs, retry.delayMs * 2 ** Math.max(0, attempts - 1));
  // ±10% so that targets that failed together do not retry in lockstep.
  return Math.round(base * (0.9 + Math.random() * 0.2));
}

/** Sends every due notification once; never throws (problems are logged and rescheduled). */
export async function deliverDue(
  store: Store,
  config: Pick<AlertsConfig, 'notify' | 'retry'>,
  log: Logger,
  options: { now?: () => Date; fetch?: typeof fetch } = {},
): Promise<DeliveryResult> {
  const now = options.now ?? (() => new Date());
  const result: DeliveryResult = { sent: 0, retried: 0, failed: 0, pending: 0 };
  let docs;
  try {
    docs = await store.listState<OutboxDoc>(OUTBOX);
  } catch (error) {
    log.warn(`notifications: cannot read the outbox: ${(error as Error).message}`);
    return result;
  }
  const due = docs.filter((d) => Date.parse(d.doc.due) <= now().getTime());
  result.pending = docs.length - due.length;
  if (due.length === 0) return result;
  const targets = new Map(config.notify.map((t) => [t.name, t]));
  const alerts = new Map(
    (await listAlerts(store, { alertIds: [...new Set(due.map((d) => d.doc.alertId))] })).map(
      (a) => [a.id, a],
    ),
  );
  for (const entry of due) {
    const doc = entry.doc;
    const remove: StatePut = { collection: OUTBOX, id: entry.id, doc: null };
    const alert = alerts.get(doc.alertId);
    const target = targets.get(doc.target);
    try {
      if (!alert) {
        await store.deleteState(OUTBOX, entry.id);
        continue;
      }
      if (!target) {
        await appendEvents(
          store,
          [
            outcome(
              alert,
              'notify_failed',
              doc.target,
              now(),
              'the target is no longer configured',
            ),
          ],
          [remove],
        );
        result.failed++;
        continue;
      }
      try {
        await send(target, alert, options.fetch);
        await appendEvents(store, [outcome(alert, 'notified', target.name, now())], [remove]);
        result.sent++;
      } catch (error) {
        const message =
          error instanceof NotifyError
            ? error.message
            : `${target.type} ${target.name}: ${(error as Error).name}`;
        const attempts = doc.attempts + 1;
        const retryable = !(error instanceof NotifyError) || error.retryable;
        if (retryable && attempts < config.retry.attempts) {
          const next: OutboxDoc = {
            ...doc,
            attempts,
            lastError: message,
            due: new Date(now().getTime() + backoffMs(attempts, config.retry)).toISOString(),
          };
          await store.putState(OUTBOX, entry.id, next, entry.version);
          log.warn(
            `notification of ${alert.id} failed (attempt ${attempts}), retrying later: ${message}`,
          );
          result.retried++;
        } else {
          await appendEvents(
            store,
            [
              outcome(
                alert,
                'notify_failed',
                target.name,
                now(),
                `${message} (after ${attempts} attempts)`,
              ),
            ],
            [remove],
          );
          log.error(`notification of ${alert.id} given up after ${attempts} attempts: ${message}`);
          result.failed++;
        }
      }
    } catch (error) {
      // The store itself failed: leave the document as it is; the next round tries again.
      log.warn(`notifications: ${(error as Error).message}`);
    }
  }
  return result;
}
