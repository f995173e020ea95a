// An event log: a table family whose rows are events appended through `RowStore.ingest` (the store
// has no way to change or delete a row) and read back with LINQ, in ingest order, so that it is the
// same on every store kind and queryable like any table. The alerts (`m365hunt.alerts`) and the
// response actions (`m365hunt.respond.actions`) are two such logs; each folds its events into the
// current state of an alert or an action. It lives with LINQ because it reads through it.
import type { TableFamily } from '../store/schema.js';
import { createCatalog } from '../store/schema.js';
import type { QueryStore, RawRecordSet, RowStore, SqlValue, StatePut } from '../store/store.js';
import { collectLinq } from './run.js';

/** Every event of a log names the tenant it belongs to and that tenant's label. */
export interface LogEvent {
  readonly Tenant: string;
  readonly Client: string;
}

/** Where a log's events go: its table family and the hostchain its rows carry. */
export interface EventLog {
  readonly family: TableFamily;
  readonly hostchain: string;
}

/** The whole time axis: a log is read from its first event. */
const ALL_TIME = { from: new Date(Date.UTC(1970, 0, 1)), to: new Date(Date.UTC(2200, 0, 1)) };

/** Groups items by a key, keeping their order within each group and the groups' first-seen order. */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k) ?? [];
    list.push(item);
    groups.set(k, list);
  }
  return groups;
}

/** Record sets of events, one per tenant (the store keeps the tenant of each row). */
export function eventSets<E extends LogEvent>(
  log: EventLog,
  events: readonly E[],
  origin: string,
): RawRecordSet[] {
  return [...groupBy(events, (e) => e.Tenant)].map(([tenant, list]) => ({
    family: log.family.id,
    tenant,
    client: list[0]?.Client ?? tenant,
    hostchain: log.hostchain,
    contentType: log.family.table!,
    origin,
    records: list.map((e) => JSON.stringify(e)),
  }));
}

/** Appends events (and application state that must change with them) in one commit. */
export async function appendEvents<E extends LogEvent>(
  store: RowStore,
  log: EventLog,
  events: readonly E[],
  origin: string,
  states: readonly StatePut[] = [],
): Promise<void> {
  if (events.length === 0 && states.length === 0) return;
  await store.ingest({ sets: eventSets(log, events, origin), states });
}

/**
 * Runs a LINQ query over a log with its rows' ingest sequence number, and gives the rows (by column
 * name) in ingest order: the order events were appended in, which their folds rely on.
 */
export async function readLog(
  store: QueryStore,
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

/** The events of a log (those `where` keeps: LINQ conditions, or none), parsed, in ingest order. */
export async function readEvents<E>(
  store: QueryStore,
  log: EventLog,
  where: readonly string[] = [],
): Promise<E[]> {
  const text = `from ${log.family.table!}${where.length ? ` where ${where.join(', ')}` : ''} select message as m`;
  const rows = await readLog(store, text);
  return rows.map((r) => JSON.parse(String(r.row.m)) as E);
}
