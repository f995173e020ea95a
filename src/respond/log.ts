// The action log: rows appended through `Store.ingest` (the store has no way to change or delete a
// row, so neither has the product) and read back with LINQ from `m365hunt.respond.actions` (the
// event log of ../linq/event-log.ts), so that this module is the same on every store kind and the
// log is queryable like any table.
import { randomUUID } from 'node:crypto';
import * as eventLog from '../linq/event-log.js';
import { linqString } from '../linq/index.js';
import { RESPOND_ACTIONS, RESPOND_ACTIONS_TABLE } from '../store/respond-family.js';
import type { QueryStore, RowStore, SqlValue } from '../store/store.js';
import type {
  ActionEventRecord,
  ActionKind,
  ActionStatus,
  ActionView,
  Actor,
  StepName,
  Via,
} from './model.js';

/** The response actions' event log. */
export const ACTIONS_LOG: eventLog.EventLog = {
  family: RESPOND_ACTIONS,
  hostchain: 'm365hunt-respond',
};

export function rowId(actionId: string, step: StepName): string {
  return `${actionId}.${step}.${randomUUID()}`;
}

/** What every row of an action repeats. */
export type ActionHead = Pick<
  ActionView,
  'id' | 'kind' | 'user' | 'tenant' | 'client' | 'alertId' | 'rule'
>;

/** A row of the log: the step, who took it and when, and what it adds (`extra`). */
export function stepRow(
  head: ActionHead,
  stepNo: number,
  step: StepName,
  status: ActionStatus,
  by: Actor,
  at: Date,
  extra: Partial<ActionEventRecord> = {},
): ActionEventRecord {
  return {
    Id: rowId(head.id, step),
    CreationTime: at.toISOString(),
    ActionId: head.id,
    StepNo: stepNo,
    Step: step,
    Status: status,
    Action: head.kind,
    UserId: head.user,
    Tenant: head.tenant,
    Client: head.client,
    Actor: by.name,
    Via: by.via,
    ...(head.alertId ? { AlertId: head.alertId } : {}),
    ...(head.rule ? { Rule: head.rule } : {}),
    ...extra,
  };
}

/** Appends rows (one record set per tenant: the store keeps the tenant of each row). */
export async function appendRows(
  store: RowStore,
  rows: readonly ActionEventRecord[],
): Promise<void> {
  await eventLog.appendEvents(store, ACTIONS_LOG, rows, 'respond');
}

/** Every row of the given actions (all actions when none are given), in log order. */
export async function readRows(
  store: QueryStore,
  actionIds?: readonly string[],
): Promise<ActionEventRecord[]> {
  if (actionIds && actionIds.length === 0) return [];
  const where = actionIds ? [`ActionId in {${actionIds.map(linqString).join(', ')}}`] : [];
  return eventLog.readEvents<ActionEventRecord>(store, ACTIONS_LOG, where);
}

/** An action's state from the log's columns alone (no payloads): what lists show. */
export interface ActionSummary {
  id: string;
  action: ActionKind;
  user: string;
  client: string;
  status: ActionStatus;
  created: string;
  updated: string;
  proposedBy: string;
  via: Via;
  approvedBy: string | null;
  alertId: string | null;
  rule: string | null;
  reason: string | null;
  /** Outcomes of the executed changes and checks of the latest run. */
  outcomes: Record<string, number>;
  checks: Record<string, number>;
}

const COLUMNS =
  'ActionId, Step, Status, Action, UserId, client, Actor, Via, AlertId, Rule, Reason, CreationTime, Outcome';

/** Current state of every action, newest first, from the log's columns. */
export async function listSummaries(store: QueryStore): Promise<ActionSummary[]> {
  const rows = await eventLog.readLog(store, `from ${RESPOND_ACTIONS_TABLE} select ${COLUMNS}`);
  const byId = new Map<string, ActionSummary>();
  const s = (v: SqlValue | undefined) => (v === null || v === undefined ? null : String(v));
  for (const { row } of rows) {
    const id = String(row.ActionId);
    const step = String(row.Step) as StepName;
    let a = byId.get(id);
    if (!a) {
      if (step !== 'proposed') continue;
      a = {
        id,
        action: String(row.Action) as ActionKind,
        user: String(row.UserId),
        client: s(row.client) ?? '',
        status: String(row.Status) as ActionStatus,
        created: String(row.CreationTime),
        updated: String(row.CreationTime),
        proposedBy: String(row.Actor),
        via: String(row.Via) as Via,
        approvedBy: null,
        alertId: s(row.AlertId),
        rule: s(row.Rule),
        reason: s(row.Reason),
        outcomes: {},
        checks: {},
      };
      byId.set(id, a);
    }
    a.status = String(row.Status) as ActionStatus;
    a.updated = String(row.CreationTime);
    const outcome = s(row.Outcome);
    if (step === 'approved') a.approvedBy = String(row.Actor);
    if (step === 'started') {
      a.outcomes = {};
      a.checks = {};
    }
    if (step === 'executed' && outcome) a.outcomes[outcome] = (a.outcomes[outcome] ?? 0) + 1;
    if (step === 'verified' && outcome) a.checks[outcome] = (a.checks[outcome] ?? 0) + 1;
  }
  return [...byId.values()].sort((x, y) =>
    x.created < y.created ? 1 : x.created > y.created ? -1 : x.id < y.id ? 1 : -1,
  );
}
