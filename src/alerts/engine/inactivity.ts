// `inactivity`: every key tuple a rule's query has produced (collector id and Workload, for the
// seed's use case) is remembered with when its data last arrived; a key that stays silent longer
// than the period raises one alert, and when its data flows again the alert records `recovered`
// and the key is watched again.
//
// Silence is about data arrival, and Microsoft publishes content minutes to hours after the event:
// - basis `ingest` (default): a key's last arrival is when the engine first saw its newest rows
//   (the engine runs within seconds of each commit in the collector, and at least every minute),
//   so publication delay never looks like silence; only data that stops arriving does.
// - basis `event`: silence is measured on event time, `now − grace − last event > period`; the
//   grace (default 12h) absorbs the publication delay. It also catches a feed that keeps
//   delivering only old events.
// The key states are a state document committed with the rule's position, so a restart neither
// forgets a key nor raises a silence twice.
import type { StatePut } from '../../store/store.js';
import type { RuleProfile } from '../rules/profiles.js';
import { scopeKey } from '../rules/profiles.js';
import { resolveDuration } from '../rules/tunables.js';
import { ENGINE_ACTOR, newEventId } from '../store/alert-store.js';
import type { AlertEventRecord, Entities } from '../store/model.js';
import type { EngineRow } from './query.js';
import { alertId } from './writer.js';

export const INACTIVITY = 'alerts.inactivity';
const DEFAULT_GRACE = 12 * 3_600_000;
const DEFAULT_FORGET = 7 * 86_400_000;

export interface KeyState {
  client: string;
  key: string;
  /** When the key's newest rows were first seen by the engine (ms). */
  seen: number;
  /** Newest event time of the key (ms). */
  event: number;
  entities?: Entities;
  /** The open silence alert, while the key is silent. */
  silent?: string;
  silentSince?: number;
}

export interface InactivityDoc {
  keys: Record<string, KeyState>;
}

export function inactivityDocId(profile: RuleProfile): string {
  return `${profile.rule.id}|${scopeKey(profile.scope)}`;
}

export interface InactivityParams {
  readonly basis: 'ingest' | 'event';
  readonly periodMs: number;
  readonly graceMs: number;
  readonly forgetMs: number;
}

export function inactivityParams(profile: RuleProfile): InactivityParams {
  const p = profile.rule.def.inactivity!;
  return {
    basis: p.basis,
    periodMs: resolveDuration(p.period, profile.tuning),
    graceMs: p.grace ? resolveDuration(p.grace, profile.tuning) : DEFAULT_GRACE,
    forgetMs: p.forget ? resolveDuration(p.forget, profile.tuning) : DEFAULT_FORGET,
  };
}

function base(profile: RuleProfile, s: KeyState, tenantIds: ReadonlyMap<string, string>) {
  const rule = profile.rule;
  return {
    Rule: rule.id,
    Pack: rule.pack,
    Title: rule.def.title,
    Severity: profile.severity,
    Actor: ENGINE_ACTOR,
    Tenant: tenantIds.get(s.client) ?? s.client,
    Client: s.client,
    ...(s.entities?.user?.[0] ? { UserId: s.entities.user[0] } : {}),
    ...(s.entities?.ip?.[0] ? { Ip: s.entities.ip[0] } : {}),
  };
}

/** Folds a range's rows into the key states; emits `recovered` for keys that were silent. */
export function observe(
  profile: RuleProfile,
  doc: InactivityDoc,
  rows: readonly EngineRow[],
  now: Date,
  tenantIds: ReadonlyMap<string, string>,
): AlertEventRecord[] {
  const events: AlertEventRecord[] = [];
  for (const row of rows) {
    const k = `${row.client}\u0000${row.key}`;
    const s = (doc.keys[k] ??= { client: row.client, key: row.key, seen: 0, event: 0 });
    s.seen = now.getTime();
    s.event = Math.max(s.event, row.time.getTime());
    const entities: Entities = {};
    for (const [kind, v] of Object.entries(row.entities)) entities[kind as keyof Entities] = [v];
    s.entities = entities;
    if (s.silent) {
      events.push({
        ...base(profile, s, tenantIds),
        Id: newEventId(s.silent),
        CreationTime: now.toISOString(),
        AlertId: s.silent,
        Event: 'recovered',
        Status: 'new',
        Reason: `data of ${s.key} flows again`,
        Count: 0,
        FirstSeen: new Date(s.silentSince ?? s.seen).toISOString(),
        LastSeen: new Date(s.event).toISOString(),
      });
      delete s.silent;
      delete s.silentSince;
    }
  }
  return events;
}

/** Raises an alert for each watched key silent longer than the period; forgets old silences. */
export function detectSilence(
  profile: RuleProfile,
  doc: InactivityDoc,
  now: Date,
  tenantIds: ReadonlyMap<string, string>,
  onRaise: (event: AlertEventRecord) => StatePut[],
): { events: AlertEventRecord[]; states: StatePut[] } {
  const p = inactivityParams(profile);
  const rule = profile.rule;
  const events: AlertEventRecord[] = [];
  const states: StatePut[] = [];
  const t = now.getTime();
  for (const [k, s] of Object.entries(doc.keys)) {
    if (s.silent) {
      if (t - s.seen > p.forgetMs) delete doc.keys[k];
      continue;
    }
    const silentFor = p.basis === 'ingest' ? t - s.seen : t - p.graceMs - s.event;
    if (silentFor <= p.periodMs) continue;
    const since = p.basis === 'ingest' ? s.seen : s.event;
    const id = alertId(rule.id, s.client, s.key, new Date(since).toISOString());
    const event: AlertEventRecord = {
      ...base(profile, s, tenantIds),
      Id: newEventId(id),
      CreationTime: now.toISOString(),
      AlertId: id,
      Event: 'raised',
      Status: 'new',
      Count: 0,
      FirstSeen: new Date(since).toISOString(),
      LastSeen: new Date(s.event).toISOString(),
      Kind: 'inactivity',
      Description: rule.def.description,
      Mitre: rule.def.mitre,
      Catalog: rule.def.catalog,
      GroupKey: s.key,
      Entities: s.entities ?? {},
      Evidence: [
        {
          time: new Date(s.event).toISOString(),
          id: '',
          fields: {
            key: s.key,
            last_arrival: new Date(s.seen).toISOString(),
            last_event: new Date(s.event).toISOString(),
            silent_for_minutes: Math.round(
              (p.basis === 'ingest' ? t - s.seen : t - s.event) / 60_000,
            ),
            basis: p.basis,
          },
        },
      ],
      Response: rule.def.response.map((r) => ({
        action: r.action,
        ...(r.entity ? { entity: r.entity } : {}),
        targets: [],
        ...(r.note ? { note: r.note } : {}),
      })),
    };
    s.silent = id;
    s.silentSince = t;
    events.push(event);
    states.push(...onRaise(event));
  }
  return { events, states };
}
