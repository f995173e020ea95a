// Alerts as stored: an append-only list of events per alert (the `alerts` family, LINQ table
// `m365hunt.alerts`). The raise event carries the whole alert; later events carry what changed
// (more evidence, a status, a recovery, a notification outcome). An alert's current state is the
// fold of its events in ingest order, so nothing is ever edited in place and every change keeps
// who made it and when.
import type { AlertEventType, AlertStatus, Classification } from '../../contracts/alerts.js';
import { M365HuntError } from '../../util/errors.js';
import type { EntityKind, RuleKind, Severity } from '../rules/schema.js';

// The statuses, events and classifications are the API's too: one definition, in the contract.
export {
  ALERT_STATUSES,
  CLASSIFICATIONS,
  type AlertEventType,
  type AlertStatus,
  type Classification,
} from '../../contracts/alerts.js';

/** No alert has this id (or id prefix): a value to test for, not a message to match. */
export class AlertNotFoundError extends M365HuntError {
  constructor(readonly alertId: string) {
    super(`There is no alert ${alertId}.`, { hint: 'List alerts with `m365hunt alerts list`.' });
    this.name = 'AlertNotFoundError';
  }
}

export interface Evidence {
  /** Event time of the record (ISO). */
  readonly time: string;
  /** The record's `Id`. */
  readonly id: string;
  /** Which step of a sequence rule it matched. */
  readonly step?: string;
  /** The rule's own output columns. */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** The raw record (parsed JSON), or its text cut short when very large. */
  readonly record?: unknown;
}

export type Entities = Partial<Record<EntityKind, string[]>>;

export interface SuggestedResponse {
  readonly action: string;
  readonly entity?: EntityKind;
  /** The values of the entity this alert names (the accounts to disable, …). */
  readonly targets: readonly string[];
  readonly note?: string;
}

/** One stored event (the JSON in `message`; the columns repeat the searchable fields). */
export interface AlertEventRecord {
  readonly Id: string;
  /** When the event happened (UTC, ISO). */
  readonly CreationTime: string;
  readonly AlertId: string;
  readonly Event: AlertEventType;
  readonly Status: AlertStatus;
  readonly Rule: string;
  readonly Pack: string;
  readonly Title: string;
  readonly Severity: Severity;
  readonly UserId?: string;
  readonly Ip?: string;
  readonly Actor: string;
  readonly Reason?: string;
  readonly Count: number;
  readonly FirstSeen: string;
  readonly LastSeen: string;
  readonly Tenant: string;
  readonly Client: string;
  // Raise events carry the rest; updates carry what they add.
  readonly Kind?: RuleKind;
  readonly Description?: string;
  readonly Mitre?: readonly string[];
  readonly Catalog?: readonly string[];
  readonly GroupKey?: string;
  readonly Entities?: Entities;
  readonly Evidence?: readonly Evidence[];
  readonly Response?: readonly SuggestedResponse[];
  /** Notification target of a notified/notify_failed event. */
  readonly Target?: string;
  /** An assigned event: the account now in charge (null: nobody). */
  readonly Assignee?: string | null;
  /** A closed event: what the alert turned out to be. */
  readonly Classification?: Classification;
  /** A commented event: the note. */
  readonly Comment?: string;
}

export interface AlertHistoryEntry {
  readonly event: AlertEventType;
  readonly at: string;
  readonly by: string;
  readonly reason?: string;
  readonly target?: string;
  readonly assignee?: string | null;
  readonly classification?: Classification;
  readonly comment?: string;
}

/** An alert's current state, as `alerts show` and the API give it. */
export interface AlertView {
  id: string;
  rule: string;
  pack: string;
  title: string;
  description: string;
  severity: Severity;
  status: AlertStatus;
  kind: RuleKind | 'unknown';
  /** When the alert was raised (ISO). */
  created: string;
  /** When it last changed. */
  updated: string;
  tenant: string;
  client: string;
  /** Event time of the first and last matching events. */
  first_seen: string;
  last_seen: string;
  /** Matching events so far. */
  count: number;
  group_key: string;
  mitre: string[];
  catalog: string[];
  entities: Entities;
  evidence: Evidence[];
  response: SuggestedResponse[];
  recovered: string | null;
  history: AlertHistoryEntry[];
  /** The account in charge (assigned), or null. */
  assignee: string | null;
  /** Set when closed: what the alert turned out to be (null for alerts closed without one). */
  classification: Classification | null;
  /** The reason given when it was last closed. */
  close_reason: string | null;
  comments: Array<{ at: string; by: string; text: string }>;
}

const MAX_ENTITY_VALUES = 20;

export function mergeEntities(into: Entities, add: Entities | undefined): Entities {
  for (const [kind, values] of Object.entries(add ?? {}) as Array<[EntityKind, string[]]>) {
    const list = into[kind] ?? (into[kind] = []);
    for (const v of values) if (!list.includes(v) && list.length < MAX_ENTITY_VALUES) list.push(v);
  }
  return into;
}

/** Folds an alert's events (in ingest order) into its current state. */
export function foldAlert(
  events: readonly AlertEventRecord[],
  evidenceCap = 200,
): AlertView | null {
  const first = events.find((e) => e.Event === 'raised');
  if (!first) return null;
  const view: AlertView = {
    id: first.AlertId,
    rule: first.Rule,
    pack: first.Pack,
    title: first.Title,
    description: first.Description ?? '',
    severity: first.Severity,
    status: first.Status,
    kind: first.Kind ?? 'unknown',
    created: first.CreationTime,
    updated: first.CreationTime,
    tenant: first.Tenant,
    client: first.Client,
    first_seen: first.FirstSeen,
    last_seen: first.LastSeen,
    count: first.Count,
    group_key: first.GroupKey ?? '',
    mitre: [...(first.Mitre ?? [])],
    catalog: [...(first.Catalog ?? [])],
    entities: mergeEntities({}, first.Entities),
    evidence: [...(first.Evidence ?? [])],
    response: [...(first.Response ?? [])],
    recovered: null,
    history: [],
    assignee: null,
    classification: null,
    close_reason: null,
    comments: [],
  };
  for (const e of events) {
    if (e.Event !== 'raised' && e.Event !== 'updated') view.updated = e.CreationTime;
    view.history.push({
      event: e.Event,
      at: e.CreationTime,
      by: e.Actor,
      ...(e.Reason ? { reason: e.Reason } : {}),
      ...(e.Target ? { target: e.Target } : {}),
      ...(e.Event === 'assigned' ? { assignee: e.Assignee ?? null } : {}),
      ...(e.Classification ? { classification: e.Classification } : {}),
      ...(e.Comment ? { comment: e.Comment } : {}),
    });
    switch (e.Event) {
      case 'raised':
        break;
      case 'updated':
        view.count = e.Count;
        view.first_seen = e.FirstSeen < view.first_seen ? e.FirstSeen : view.first_seen;
        view.last_seen = e.LastSeen > view.last_seen ? e.LastSeen : view.last_seen;
        mergeEntities(view.entities, e.Entities);
        for (const ev of e.Evidence ?? [])
          if (view.evidence.length < evidenceCap) view.evidence.push(ev);
        view.updated = e.CreationTime;
        break;
      case 'recovered':
        view.recovered = e.CreationTime;
        break;
      case 'acknowledged':
        view.status = e.Status;
        break;
      case 'closed':
        view.status = e.Status;
        view.classification = e.Classification ?? null;
        view.close_reason = e.Reason ?? null;
        break;
      case 'reopened':
        view.status = e.Status;
        view.classification = null;
        view.close_reason = null;
        break;
      case 'assigned':
        view.assignee = e.Assignee ?? null;
        break;
      case 'commented':
        if (e.Comment) view.comments.push({ at: e.CreationTime, by: e.Actor, text: e.Comment });
        break;
      case 'notified':
      case 'notify_failed':
        // Outcomes of delivery: the status stays whatever triage made it.
        break;
    }
  }
  // Responses name the alert's entity values as they are now.
  view.response = view.response.map((r) => ({
    ...r,
    targets: r.entity ? (view.entities[r.entity] ?? []) : [],
  }));
  return view;
}

export const SEVERITY_ORDER: Readonly<Record<Severity, number>> = {
  informational: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};
