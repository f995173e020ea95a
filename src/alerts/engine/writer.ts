// Hits → alert events. A hit joins an alert of the same rule, tenant and group key whose matching
// events are within the group window of it (one burst is one alert, and a late row that falls in
// an alert's window updates that alert instead of raising another); otherwise it raises a new
// alert with a deterministic id. Raises also queue their notifications in the outbox, committed
// in the same transaction as the alert.
import { createHash } from 'node:crypto';
import type { StatePut, Store } from '../../store/store.js';
import type { NotifyTarget } from '../config.js';
import { outboxPut, targetWants } from '../notify/outbox.js';
import type { RuleProfile } from '../rules/profiles.js';
import { ENTITY_KINDS, type EntityKind } from '../rules/schema.js';
import { ENGINE_ACTOR, newEventId, readEvents } from '../store/alert-store.js';
import {
  foldAlert,
  mergeEntities,
  type AlertEventRecord,
  type Entities,
  type Evidence,
} from '../store/model.js';
import type { Hit, HitRow } from './hits.js';

/** What the engine knows of an existing alert while it merges hits. */
interface KnownAlert {
  readonly id: string;
  readonly client: string;
  readonly key: string;
  first: number;
  last: number;
  count: number;
  evidence: number;
  status: string;
  severity: string;
}

export interface WriterContext {
  readonly store: Store;
  readonly now: Date;
  /** Client label → tenant id. */
  readonly tenantIds: ReadonlyMap<string, string>;
  readonly targets: readonly NotifyTarget[];
}

/** The alerts of one rule near a set of hits, loaded once per run and kept current. */
export class AlertIndex {
  private readonly byKey = new Map<string, KnownAlert[]>();
  private loadedFrom = Infinity;

  constructor(
    private readonly store: Store,
    private readonly ruleId: string,
  ) {}

  /** Makes sure alerts whose last event is at or after `fromMs` are known. */
  async ensure(fromMs: number): Promise<void> {
    if (fromMs >= this.loadedFrom) return;
    const lastSeenFrom = new Date(Math.max(0, fromMs)).toISOString();
    const recent = await readEvents(this.store, { rules: [this.ruleId], lastSeenFrom });
    const ids = [...new Set(recent.map((e) => e.AlertId))];
    const events = ids.length ? await readEvents(this.store, { alertIds: ids }) : [];
    const grouped = new Map<string, AlertEventRecord[]>();
    for (const e of events) grouped.set(e.AlertId, [...(grouped.get(e.AlertId) ?? []), e]);
    const known = new Set([...this.byKey.values()].flat().map((a) => a.id));
    for (const list of grouped.values()) {
      const view = foldAlert(list);
      if (!view || known.has(view.id)) continue;
      this.add({
        id: view.id,
        client: view.client,
        key: view.group_key,
        first: Date.parse(view.first_seen),
        last: Date.parse(view.last_seen),
        count: view.count,
        evidence: view.evidence.length,
        status: view.status,
        severity: view.severity,
      });
    }
    this.loadedFrom = fromMs;
  }

  add(alert: KnownAlert): void {
    const k = `${alert.client}\u0000${alert.key}`;
    this.byKey.set(k, [...(this.byKey.get(k) ?? []), alert]);
  }

  find(
    client: string,
    key: string,
    first: number,
    last: number,
    gapMs: number,
  ): KnownAlert | undefined {
    return this.byKey
      .get(`${client}\u0000${key}`)
      ?.find((a) => first <= a.last + gapMs && last >= a.first - gapMs);
  }
}

const MAX_RAW = 16_384;

export function evidenceOf(h: HitRow): Evidence {
  let record: unknown;
  if (h.row.raw !== null) {
    if (h.row.raw.length > MAX_RAW) record = `${h.row.raw.slice(0, MAX_RAW)}…`;
    else {
      try {
        record = JSON.parse(h.row.raw) as unknown;
      } catch {
        record = h.row.raw;
      }
    }
  }
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h.row.fields)) {
    fields[k] = typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v;
  }
  return {
    time: h.row.time.toISOString(),
    id: h.row.id,
    ...(h.step ? { step: h.step } : {}),
    ...(Object.keys(fields).length ? { fields } : {}),
    ...(record !== undefined ? { record } : {}),
  };
}

function entitiesOf(rows: readonly HitRow[]): Entities {
  const out: Entities = {};
  for (const r of rows) {
    const add: Entities = {};
    for (const kind of ENTITY_KINDS) {
      const v = r.row.entities[kind as EntityKind];
      if (v) add[kind] = [v];
    }
    mergeEntities(out, add);
  }
  return out;
}

/** Evidence rows to keep: all when few; else the first ones and the last (the completing row). */
function pickEvidence(rows: readonly HitRow[], cap: number): HitRow[] {
  if (rows.length <= cap) return [...rows];
  return [...rows.slice(0, cap - 1), rows[rows.length - 1]!];
}

export function alertId(ruleId: string, client: string, key: string, firstIso: string): string {
  const h = createHash('sha256').update(`${ruleId}\u0000${client}\u0000${key}\u0000${firstIso}`);
  return `A${h.digest('hex').slice(0, 11)}`;
}

export interface WriteResult {
  readonly events: AlertEventRecord[];
  readonly states: StatePut[];
  raised: number;
  updated: number;
}

/** Turns the hits of one rule profile into events, merging with the alerts the index knows. */
export function writeHits(
  ctx: WriterContext,
  profile: RuleProfile,
  index: AlertIndex,
  hits: readonly Hit[],
  out: WriteResult,
  groupMs: number,
): void {
  const rule = profile.rule;
  const nowIso = ctx.now.toISOString();
  for (const hit of hits) {
    const first = hit.first.getTime();
    const last = hit.last.getTime();
    const fresh = hit.rows.filter((r) => r.isNew);
    const existing = index.find(hit.client, hit.key, first, last, groupMs);
    const tenant = ctx.tenantIds.get(hit.client) ?? hit.client;
    const entities = entitiesOf(hit.rows);
    const base = {
      Rule: rule.id,
      Pack: rule.pack,
      Title: rule.def.title,
      Severity: profile.severity,
      ...(entities.user?.[0] ? { UserId: entities.user[0] } : {}),
      ...(entities.ip?.[0] ? { Ip: entities.ip[0] } : {}),
      Actor: ENGINE_ACTOR,
      Tenant: tenant,
      Client: hit.client,
    };
    if (existing) {
      if (fresh.length === 0) continue;
      existing.first = Math.min(existing.first, first);
      existing.last = Math.max(existing.last, last);
      existing.count += fresh.length;
      const room = Math.max(0, rule.def.evidence - existing.evidence);
      const added = fresh.slice(0, room).map(evidenceOf);
      existing.evidence += added.length;
      out.events.push({
        ...base,
        Id: newEventId(existing.id),
        CreationTime: nowIso,
        AlertId: existing.id,
        Event: 'updated',
        Status: existing.status as AlertEventRecord['Status'],
        Severity: existing.severity as AlertEventRecord['Severity'],
        Count: existing.count,
        FirstSeen: new Date(existing.first).toISOString(),
        LastSeen: new Date(existing.last).toISOString(),
        Entities: entitiesOf(fresh),
        Evidence: added,
      });
      out.updated++;
      continue;
    }
    const firstIso = hit.first.toISOString();
    const id = alertId(rule.id, hit.client, hit.key, firstIso);
    const evidence = pickEvidence(hit.rows, rule.def.evidence).map(evidenceOf);
    const event: AlertEventRecord = {
      ...base,
      Id: newEventId(id),
      CreationTime: nowIso,
      AlertId: id,
      Event: 'raised',
      Status: 'new',
      Count: hit.rows.length,
      FirstSeen: firstIso,
      LastSeen: hit.last.toISOString(),
      Kind: rule.def.kind,
      Description: rule.def.description,
      Mitre: rule.def.mitre,
      Catalog: rule.def.catalog,
      GroupKey: hit.key,
      Entities: entities,
      Evidence: evidence,
      Response: rule.def.response.map((r) => ({
        action: r.action,
        ...(r.entity ? { entity: r.entity } : {}),
        targets: r.entity ? (entities[r.entity] ?? []) : [],
        ...(r.note ? { note: r.note } : {}),
      })),
    };
    out.events.push(event);
    out.raised++;
    index.add({
      id,
      client: hit.client,
      key: hit.key,
      first,
      last,
      count: hit.rows.length,
      evidence: evidence.length,
      status: 'new',
      severity: profile.severity,
    });
    for (const target of ctx.targets) {
      if (targetWants(target, event)) out.states.push(outboxPut(id, target.name, ctx.now));
    }
  }
}
