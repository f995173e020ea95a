// The action log: rows appended through `Store.ingest` (the store has no way to change or delete a
// row, so neither has the product) and read back with LINQ from `m365hunt.respond.actions`, so
// that this module is the same on every store kind and the log is queryable like any table.
import { randomUUID } from 'node:crypto';
import { collectLinq, linqString } from '../linq/index.js';
import { RESPOND_ACTIONS, RESPOND_ACTIONS_TABLE } from '../store/respond-family.js';
import { createCatalog } from '../store/schema.js';
import type { SqlValue, Store } from '../store/store.js';
import type {
  ActionEventRecord,
  ActionKind,
  ActionStatus,
  ActionView,
  Actor,
  StepName,
  Via,
} from './model.js';

const ALL_TIME = { from: new Date(Date.UTC(1970, 0, 1)), to: new Date(Date.UTC(2200, 0, 1)) };

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
export async function appendRows(store: Store, rows: readonly ActionEventRecord[]): Promise<void> {
  if (rows.length === 0) return;
  const byTenant = new Map<string, ActionEventRecord[]>();
  for (const r of rows) {
    const list = byTenant.get(r.Tenant) ?? [];
    list.push(r);
    byTenant.set(r.Tenant, list);
  }
  await store.ingest({
    sets: [...byTenant].map(([tenant, list]) => ({
      family: RESPOND_ACTIONS.id,
      tenant,
      client: list[0]?.Client ?? tenant,
      hostchain: 'm365hunt-respond',
      contentType: RESPOND_ACTIONS_TABLE,
      origin: 'respond',
      records: list.map((r) => JSON.stringify(r)),
    })),
  });
}

async function run(
  store: Store,
  text: string,
): Promise<Array<{ seq: bigint; row: Record<string, SqlValue> }>> {
  const { rows } = await collectLinq(store, text, {
    catalog: createCatalog(),
    lookups: new Map(),
    from: ALL_TIME.from,
    to: ALL_TIME.to,
    keepSeq: true,
    tableColumns: false,
  });
  const out = rows.map((row) => ({ seq: BigInt(row._seq as bigint | number | string), row }));
  return out.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
}

/** Every row of the given actions (all actions when none are given), in log order. */
export async function readRows(
  store: Store,
  actionIds?: readonly string[],
): Promise<ActionEventRecord[]> {
  if (actionIds && actionIds.length === 0) return [];
  const where = actionIds ? ` where ActionId in {${actionIds.map(linqString).join(', ')}}` : '';
  const rows = await run(store, `from ${RESPOND_ACTIONS_TABLE}${where} select message as m`);
  return rows.map((r) => JSON.parse(String(r.row.m)) as ActionEventRecord);
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
export async function listSummaries(store: Store): Promise<ActionSummary[]> {
  const rows = await run(store, `from ${RESPOND_ACTIONS_TABLE} select ${COLUMNS}`);
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
