// An alert from the store to the browser: the statuses, the events of its history, and the two
// shapes the API answers with (the triage queue's summary, one alert whole). The alert store folds
// its events into these statuses (src/alerts/store/model.ts), the server's port answers these
// shapes (src/server/ports.ts) and the web app reads them (web/src/lib/types.ts): one definition.
import type { JsonValue } from './json.js';

export const ALERT_STATUSES = ['new', 'acknowledged', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** The events an alert's history is made of (one row each in `m365hunt.alerts`). */
export type AlertEventType =
  | 'raised'
  | 'updated'
  | 'acknowledged'
  | 'closed'
  | 'reopened'
  | 'recovered'
  | 'notified'
  | 'notify_failed'
  | 'assigned'
  | 'commented';

/**
 * What a closed alert turned out to be: Microsoft Sentinel's incident classifications
 * (https://learn.microsoft.com/en-us/javascript/api/@azure/arm-securityinsight/knownincidentclassification),
 * so that figures of false positives per rule mean what they mean there.
 */
export const CLASSIFICATIONS = [
  'true-positive',
  'benign-positive',
  'false-positive',
  'undetermined',
] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** The entities an alert names, by kind (user, ip, file, mailbox, application): lists of values. */
export interface AlertEntities {
  readonly user?: readonly string[];
  readonly ip?: readonly string[];
  readonly [kind: string]: readonly string[] | undefined;
}

/** An alert as the triage queue lists it (`GET /api/alerts`). */
export interface AlertSummary {
  readonly id: string;
  readonly rule: string;
  readonly title: string;
  readonly severity: string;
  readonly status: AlertStatus;
  /** When the alert was raised, and when it last changed (triage, more events). */
  readonly created: string;
  readonly updated?: string;
  /** Event time of its first and last matching records: when it happened. */
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  readonly entities: AlertEntities;
  /** Events grouped into this alert. */
  readonly count?: number;
  readonly assignee?: string | null;
  readonly classification?: Classification | null;
  readonly comments?: number;
  /** The response its rule suggests (disable-user, …), when any. */
  readonly suggested?: string | null;
  readonly tenant?: string;
}

/** A search into an alert's records and their surroundings. */
export interface AlertHunt {
  readonly label: string;
  readonly query: string;
  readonly from: string;
  readonly to: string;
}

/** One step of an alert's history, with who and when. */
export interface AlertHistoryItem {
  readonly event: AlertEventType;
  readonly at: string;
  readonly by: string;
  readonly reason?: string;
  readonly classification?: Classification;
  readonly assignee?: string | null;
  readonly comment?: string;
}

export interface AlertComment {
  readonly at: string;
  readonly by: string;
  readonly text: string;
}

/** One alert whole (`GET /api/alerts/:id`, and the answer of every triage step on one alert). */
export interface AlertDetail extends AlertSummary {
  readonly description?: string;
  readonly techniques?: readonly string[];
  readonly query?: string;
  /** Evidence rows: `time`, the record's `Id`, the rule's own columns, and the raw `record`. */
  readonly evidence: ReadonlyArray<Readonly<Record<string, JsonValue>>>;
  readonly history?: readonly AlertHistoryItem[];
  readonly closeReason?: string;
  readonly commentList?: readonly AlertComment[];
  /** Searches into the alert's records and their surroundings. */
  readonly hunts?: readonly AlertHunt[];
  /** The response the rule suggests, e.g. { action: 'disable-user', user: 'x@y' }. */
  readonly suggestedResponse?: {
    readonly action: string;
    readonly user?: string;
    readonly note?: string;
  };
}

/** A triage step on one alert or many (`POST /api/alerts/:id/…`, `POST /api/alerts/triage`). */
export type TriageStep =
  | { readonly kind: 'acknowledged' }
  | {
      readonly kind: 'closed';
      readonly reason: string;
      readonly classification: Classification;
    }
  | { readonly kind: 'reopened'; readonly reason?: string }
  | { readonly kind: 'assigned'; readonly assignee: string | null }
  | { readonly kind: 'commented'; readonly text: string };

/**
 * An alert a triage step did not apply to: `not-found` (no such alert) or `not-allowed` (the
 * step does not apply in its status, e.g. acknowledging a closed alert); `reason` says it in words.
 */
export interface TriageRefusal {
  readonly id: string;
  readonly code: 'not-found' | 'not-allowed';
  readonly reason: string;
}

/** The bulk answer: the alerts changed (as they are now), and those refused with why. */
export interface TriageAnswer {
  readonly changed: readonly AlertSummary[];
  readonly refused: readonly TriageRefusal[];
}

/** The body of `POST /api/alerts/triage`: one step on many alerts. */
export type BulkTriageRequest =
  | { readonly action: 'ack'; readonly ids: readonly string[] }
  | {
      readonly action: 'close';
      readonly ids: readonly string[];
      readonly reason: string;
      readonly classification: Classification;
    }
  | { readonly action: 'assign'; readonly ids: readonly string[]; readonly assignee: string | null }
  | { readonly action: 'reopen'; readonly ids: readonly string[]; readonly reason?: string };
