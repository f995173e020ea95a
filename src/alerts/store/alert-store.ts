// Reading and writing alerts: events are appended through `Store.ingest` (so the engine can commit
// them with its position and notification outbox in one transaction) and read back with LINQ from
// `m365hunt.alerts` (the event log of ../../linq/event-log.ts), so this module is the same on every
// store kind.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { TriageRefusal } from '../../contracts/alerts.js';
import * as eventLog from '../../linq/event-log.js';
import { ALERTS } from '../../store/schema.js';
import type { QueryStore, RawRecordSet, RowStore, StatePut } from '../../store/store.js';
import { M365HuntError } from '../../util/errors.js';
import { linqString } from '../rules/tunables.js';
import {
  AlertNotFoundError,
  foldAlert,
  type AlertEventRecord,
  type Classification,
  type AlertEventType,
  type AlertStatus,
  type AlertView,
} from './model.js';

export const ALERTS_TABLE = ALERTS.table!;
/** The alerts' event log. */
export const ALERTS_LOG: eventLog.EventLog = { family: ALERTS, hostchain: 'm365hunt-alerts' };
/** Who the engine is, in the history of the alerts it changes. */
export const ENGINE_ACTOR = 'm365hunt';

/** The person running a command, for the history of a status change. */
export function currentActor(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

export function newEventId(alertId: string): string {
  return `${alertId}.${randomUUID()}`;
}

/** Record sets of alert events, one per tenant (the store keeps the tenant of each row). */
export function eventSets(events: readonly AlertEventRecord[], origin: string): RawRecordSet[] {
  return eventLog.eventSets(ALERTS_LOG, events, origin);
}

/** Appends events (and application state that must change with them) in one commit. */
export async function appendEvents(
  store: RowStore,
  events: readonly AlertEventRecord[],
  states: readonly StatePut[] = [],
  origin = 'alerts',
): Promise<void> {
  await eventLog.appendEvents(store, ALERTS_LOG, events, origin, states);
}

export interface EventFilter {
  readonly alertIds?: readonly string[];
  readonly rules?: readonly string[];
  /** Only events of alerts whose last matching event is at or after this (ISO). */
  readonly lastSeenFrom?: string;
  readonly events?: readonly AlertEventType[];
}

/** Alert events in ingest order, parsed from `message`. */
export async function readEvents(
  store: QueryStore,
  filter: EventFilter = {},
): Promise<AlertEventRecord[]> {
  const where: string[] = [];
  const set = (values: readonly string[]) => `{${values.map(linqString).join(', ')}}`;
  if (filter.alertIds) where.push(`AlertId in ${set(filter.alertIds)}`);
  if (filter.rules) where.push(`Rule in ${set(filter.rules)}`);
  if (filter.lastSeenFrom) where.push(`LastSeen >= ${linqString(filter.lastSeenFrom)}`);
  if (filter.events) where.push(`Event in ${set(filter.events)}`);
  if ((filter.alertIds?.length ?? 1) === 0 || (filter.rules?.length ?? 1) === 0) return [];
  return eventLog.readEvents<AlertEventRecord>(store, ALERTS_LOG, where);
}

/** Current state of alerts, newest first. */
export async function listAlerts(
  store: QueryStore,
  options: {
    status?: readonly AlertStatus[];
    rules?: readonly string[];
    alertIds?: readonly string[];
  } = {},
): Promise<AlertView[]> {
  const events = await readEvents(store, {
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.alertIds ? { alertIds: options.alertIds } : {}),
  });
  const byAlert = eventLog.groupBy(events, (e) => e.AlertId);
  const views: AlertView[] = [];
  for (const list of byAlert.values()) {
    const view = foldAlert(list);
    if (view && (!options.status || options.status.includes(view.status))) views.push(view);
  }
  return views.sort((a, b) =>
    a.created < b.created ? 1 : a.created > b.created ? -1 : a.id < b.id ? 1 : -1,
  );
}

/** One alert by id, or by a prefix of its id that names one alert. */
export async function getAlert(store: QueryStore, id: string): Promise<AlertView> {
  const exact = await listAlerts(store, { alertIds: [id] });
  if (exact[0]) return exact[0];
  const all = await listAlerts(store);
  const matches = all.filter((a) => a.id.startsWith(id));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new M365HuntError(
      `${id} names ${matches.length} alerts: ${matches.map((a) => a.id).join(', ')}`,
      {
        hint: 'Give more of the id.',
      },
    );
  }
  throw new AlertNotFoundError(id);
}

const TRANSITIONS: Readonly<
  Record<'acknowledged' | 'closed' | 'reopened', readonly AlertStatus[]>
> = {
  acknowledged: ['new'],
  closed: ['new', 'acknowledged'],
  reopened: ['closed'],
};

const STATUS_AFTER: Readonly<Record<'acknowledged' | 'closed' | 'reopened', AlertStatus>> = {
  acknowledged: 'acknowledged',
  closed: 'closed',
  reopened: 'acknowledged',
};

/** One triage step an analyst takes on an alert. */
export type TriageChange =
  | { readonly kind: 'acknowledged'; readonly reason?: string }
  | {
      readonly kind: 'closed';
      readonly reason: string;
      /** Required from people in the app; the CLI may leave it out (older scripts). */
      readonly classification?: Classification;
    }
  | { readonly kind: 'reopened'; readonly reason?: string }
  | { readonly kind: 'assigned'; readonly assignee: string | null }
  | { readonly kind: 'commented'; readonly text: string };

/** Why a change cannot apply to an alert as it is, or undefined when it can. */
function refusal(alert: AlertView, change: TriageChange): string | undefined {
  switch (change.kind) {
    case 'acknowledged':
    case 'closed':
    case 'reopened':
      if (!TRANSITIONS[change.kind].includes(alert.status))
        return `Alert ${alert.id} is ${alert.status}; it cannot be ${change.kind}.`;
      if (change.kind === 'closed' && !change.reason.trim())
        return 'Closing an alert needs a reason (--reason TEXT).';
      return undefined;
    case 'assigned':
      return (alert.assignee ?? null) === change.assignee
        ? `Alert ${alert.id} is ${change.assignee ? `assigned to ${change.assignee}` : 'not assigned'} already.`
        : undefined;
    case 'commented':
      return change.text.trim() ? undefined : 'A comment needs some text.';
  }
}

function triageEvent(
  alert: AlertView,
  change: TriageChange,
  actor: string,
  now: Date,
): AlertEventRecord {
  const status =
    change.kind === 'acknowledged' || change.kind === 'closed' || change.kind === 'reopened'
      ? STATUS_AFTER[change.kind]
      : alert.status;
  const reason = 'reason' in change ? change.reason : undefined;
  return {
    Id: newEventId(alert.id),
    CreationTime: now.toISOString(),
    AlertId: alert.id,
    Event: change.kind,
    Status: status,
    Rule: alert.rule,
    Pack: alert.pack,
    Title: alert.title,
    Severity: alert.severity,
    ...(alert.entities.user?.[0] ? { UserId: alert.entities.user[0] } : {}),
    ...(alert.entities.ip?.[0] ? { Ip: alert.entities.ip[0] } : {}),
    Actor: actor,
    ...(reason ? { Reason: reason } : {}),
    ...(change.kind === 'closed' && change.classification
      ? { Classification: change.classification }
      : {}),
    ...(change.kind === 'assigned' ? { Assignee: change.assignee } : {}),
    ...(change.kind === 'commented' ? { Comment: change.text.trim() } : {}),
    Count: alert.count,
    FirstSeen: alert.first_seen,
    LastSeen: alert.last_seen,
    Tenant: alert.tenant,
    Client: alert.client,
  };
}

export interface TriageResult {
  /** The alerts as they are after the change, in the order asked. */
  readonly changed: AlertView[];
  /** Alerts the change did not apply to, and why (already closed, unknown id…). */
  readonly refused: TriageRefusal[];
}

/**
 * Applies one triage change to several alerts (a bulk action), in one commit: each alert it can
 * apply to gets an event; the others are named with the reason. Ids are exact (the app's), or a
 * unique prefix when there is one id (the CLI's).
 */
export async function triageAlerts(
  store: RowStore & QueryStore,
  ids: readonly string[],
  change: TriageChange,
  actor: string,
  now = new Date(),
): Promise<TriageResult> {
  const unique = [...new Set(ids)];
  const found =
    unique.length === 1
      ? [await getAlert(store, unique[0]!)]
      : await listAlerts(store, { alertIds: unique });
  const byId = new Map(found.map((a) => [a.id, a]));
  const refused: TriageRefusal[] = [];
  const events: AlertEventRecord[] = [];
  const touched: string[] = [];
  for (const id of unique.length === 1 ? [found[0]!.id] : unique) {
    const alert = byId.get(id);
    if (!alert) {
      refused.push({ id, code: 'not-found', reason: `There is no alert ${id}.` });
      continue;
    }
    const why = refusal(alert, change);
    if (why) refused.push({ id, code: 'not-allowed', reason: why });
    else {
      events.push(triageEvent(alert, change, actor, now));
      touched.push(id);
    }
  }
  await appendEvents(store, events, [], 'triage');
  const after = touched.length ? await listAlerts(store, { alertIds: touched }) : [];
  const order = new Map(touched.map((id, i) => [id, i]));
  return {
    changed: after.sort((a, b) => order.get(a.id)! - order.get(b.id)!),
    refused,
  };
}

/** Triage: acknowledge, close (with a reason) or reopen an alert; records who and when. */
export async function changeStatus(
  store: RowStore & QueryStore,
  id: string,
  change: 'acknowledged' | 'closed' | 'reopened',
  actor: string,
  reason?: string,
  now = new Date(),
  classification?: Classification,
): Promise<AlertView> {
  const step: TriageChange =
    change === 'closed'
      ? { kind: 'closed', reason: reason ?? '', ...(classification ? { classification } : {}) }
      : { kind: change, ...(reason ? { reason } : {}) };
  const result = await triageAlerts(store, [id], step, actor, now);
  if (result.refused[0]) throw new M365HuntError(result.refused[0].reason);
  return result.changed[0]!;
}
