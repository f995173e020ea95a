// The alert engine: evaluates every enabled rule on each new ingest range — rows with
// `_seq` in (position, max] — so each row is evaluated exactly once however late it arrives.
//
// Exactly once: a rule's position (the last `_seq` it evaluated), the alert events the evaluation
// produced, the inactivity key states and the notification outbox are committed in ONE ingest
// transaction. A crash before the commit leaves everything as it was (the range is evaluated again,
// with the same result); after it, the range is done. Alert ids are deterministic, and a hit that
// falls in the window of an existing alert of the same rule and key updates that alert, so
// re-evaluating data never raises an alert twice.
//
// Late data: threshold and sequence windows are on event time. The rows of a new range name the
// keys they touch; the engine reads all rows of those keys in the windows around the new rows
// (old and new) and re-evaluates every window a new row falls in.
import { createCatalog, MANAGEMENT, type Catalog } from '../../store/schema.js';
import type { StatePut, Store } from '../../store/store.js';
import { createLogger, type Logger } from '../../util/log.js';
import type { AlertsConfig } from '../config.js';
import { outboxPut, targetWants } from '../notify/outbox.js';
import type { RulePlan, RuleProfile } from '../rules/profiles.js';
import type { EntityKind } from '../rules/schema.js';
import { renderQuery, resolveCount, resolveDuration } from '../rules/tunables.js';
import { appendEvents } from '../store/alert-store.js';
import { eachHits, sequenceHits, thresholdHits, type Hit, type HitRow } from './hits.js';
import {
  detectSilence,
  INACTIVITY,
  inactivityDocId,
  observe,
  type InactivityDoc,
} from './inactivity.js';
import {
  clientKey,
  collectRows,
  keysWithAtLeast,
  latestPerKey,
  touchedKeys,
  type TouchedKey,
  type EngineRow,
  type RowQuery,
} from './query.js';
import { AlertIndex, writeHits, type WriteResult, type WriterContext } from './writer.js';

export const POSITIONS = 'alerts.engine';
const POSITIONS_ID = 'positions';
const KEY_FILTER_BATCH = 500;

interface PositionsDoc {
  /** Rule id → last `_seq` evaluated (decimal text: positions outgrow doubles' precision). */
  rules: Record<string, string>;
}

export interface EngineOptions {
  readonly store: Store;
  readonly plans: readonly RulePlan[];
  readonly config: Pick<AlertsConfig, 'tenantIds' | 'notify' | 'engine'>;
  readonly log?: Logger;
  /** The engine's clock (tests and the evaluation move it). */
  readonly now?: () => Date;
  /** Called just before each commit (tests use it to simulate a crash). */
  readonly beforeCommit?: (events: number) => void | Promise<void>;
}

export interface RunSummary {
  /** The ingest range evaluated, (from, to]. */
  from: bigint;
  to: bigint;
  rules: number;
  /** Rows read (new rows plus rows read again for windows). */
  rows: number;
  raised: number;
  updated: number;
  recovered: number;
  errors: Array<{ rule: string; message: string }>;
  ms: number;
  /** Time spent per rule (ms). */
  perRule: Map<string, number>;
}

function entitiesFor(profile: RuleProfile, own?: Partial<Record<EntityKind, string>>) {
  return own ?? profile.rule.def.entities;
}

/** `group.by` of an each rule: entity names become their expressions. */
function groupExprs(profile: RuleProfile): string[] {
  const def = profile.rule.def;
  const given = def.group.by;
  if (given) return given.map((g) => def.entities[g as EntityKind] ?? g);
  for (const kind of ['user', 'ip', 'file', 'mailbox', 'application'] as const) {
    if (def.entities[kind]) return [def.entities[kind]!];
  }
  return [];
}

export class AlertEngine {
  private readonly log: Logger;
  private readonly now: () => Date;

  constructor(private readonly options: EngineOptions) {
    this.log = options.log ?? createLogger('alerts');
    this.now = options.now ?? (() => new Date());
  }

  /** Evaluates every rule up to the store's current end; commits after each chunk. */
  async run(): Promise<RunSummary> {
    const started = performance.now();
    const { store, plans } = this.options;
    const max = await store.maxSeq();
    const positionsDoc = await store.getState<PositionsDoc>(POSITIONS, POSITIONS_ID);
    let positions: Record<string, string> = { ...(positionsDoc?.doc.rules ?? {}) };
    const pos = (id: string) => BigInt(positions[id] ?? '0');
    const catalog = createCatalog(await store.subtables(MANAGEMENT.id));
    const summary: RunSummary = {
      from: plans.length ? plans.map((p) => pos(p.rule.id)).reduce((a, b) => (a < b ? a : b)) : max,
      to: max,
      rules: plans.length,
      rows: 0,
      raised: 0,
      updated: 0,
      recovered: 0,
      errors: [],
      ms: 0,
      perRule: new Map(),
    };
    const indexes = new Map<string, AlertIndex>();
    const inactivity = new Map<string, InactivityDoc>();
    const failed = new Set<string>();
    const chunk = BigInt(this.options.config.engine.chunk);
    let lo = summary.from;
    while (lo < max) {
      const hi = lo + chunk < max ? lo + chunk : max;
      const now = this.now();
      const out: WriteResult = { events: [], states: [], raised: 0, updated: 0 };
      const next = { ...positions };
      for (const plan of plans) {
        const id = plan.rule.id;
        const p = pos(id);
        if (p >= hi || failed.has(id)) continue;
        const range: [bigint, bigint] = [p > lo ? p : lo, hi];
        const t0 = performance.now();
        try {
          for (const profile of plan.profiles) {
            summary.rows += await this.evaluate(
              profile,
              range,
              catalog,
              now,
              out,
              indexes,
              inactivity,
            );
          }
          next[id] = String(hi);
        } catch (error) {
          failed.add(id);
          const message = error instanceof Error ? error.message : String(error);
          summary.errors.push({ rule: id, message });
          this.log.error(`rule ${id}: ${message}`);
        }
        summary.perRule.set(id, (summary.perRule.get(id) ?? 0) + performance.now() - t0);
      }
      for (const [docId, doc] of inactivity)
        out.states.push({ collection: INACTIVITY, id: docId, doc });
      out.states.push({
        collection: POSITIONS,
        id: POSITIONS_ID,
        doc: { rules: next } satisfies PositionsDoc,
      });
      await this.options.beforeCommit?.(out.events.length);
      await appendEvents(store, out.events, out.states, 'alerts-engine');
      positions = next;
      summary.raised += out.raised;
      summary.updated += out.updated;
      summary.recovered += out.events.filter((e) => e.Event === 'recovered').length;
      lo = hi;
    }
    await this.silencePass(inactivity, summary);
    summary.ms = performance.now() - started;
    return summary;
  }

  /** Inactivity rules: raise alerts for keys silent too long (also when no new data came). */
  private async silencePass(cache: Map<string, InactivityDoc>, summary: RunSummary): Promise<void> {
    const { store, plans, config } = this.options;
    const now = this.now();
    const events = [];
    const states: StatePut[] = [];
    for (const plan of plans) {
      if (plan.rule.def.kind !== 'inactivity') continue;
      for (const profile of plan.profiles) {
        const docId = inactivityDocId(profile);
        const doc = await this.inactivityDoc(docId, cache);
        const before = JSON.stringify(doc);
        const result = detectSilence(profile, doc, now, config.tenantIds, (event) =>
          config.notify
            .filter((t) => targetWants(t, event))
            .map((t) => outboxPut(event.AlertId, t.name, now)),
        );
        events.push(...result.events);
        states.push(...result.states);
        if (JSON.stringify(doc) !== before) states.push({ collection: INACTIVITY, id: docId, doc });
      }
    }
    if (events.length === 0 && states.length === 0) return;
    await this.options.beforeCommit?.(events.length);
    await appendEvents(store, events, states, 'alerts-engine');
    summary.raised += events.length;
  }

  private async inactivityDoc(
    id: string,
    cache: Map<string, InactivityDoc>,
  ): Promise<InactivityDoc> {
    let doc = cache.get(id);
    if (!doc) {
      doc = (await this.options.store.getState<InactivityDoc>(INACTIVITY, id))?.doc ?? { keys: {} };
      cache.set(id, doc);
    }
    return doc;
  }

  /** Evaluates one profile of a rule over an ingest range; returns the rows read. */
  private async evaluate(
    profile: RuleProfile,
    range: readonly [bigint, bigint],
    catalog: Catalog,
    now: Date,
    out: WriteResult,
    indexes: Map<string, AlertIndex>,
    inactivity: Map<string, InactivityDoc>,
  ): Promise<number> {
    const { store, config } = this.options;
    const def = profile.rule.def;
    const ctx: WriterContext = { store, now, tenantIds: config.tenantIds, targets: config.notify };
    const groupMs = resolveDuration(def.group.window, profile.tuning);
    const index = indexes.get(profile.rule.id) ?? new AlertIndex(store, profile.rule.id);
    indexes.set(profile.rule.id, index);
    const render = (text: string) => renderQuery(text, def.tunables, profile.tuning);
    const isNew = (r: EngineRow) => r.seq > range[0] && r.seq <= range[1];
    let read = 0;
    let hits: Hit[] = [];
    let windowMs = groupMs;
    switch (def.kind) {
      case 'each': {
        const rows = await collectRows(
          store,
          catalog,
          {
            text: render(def.query!),
            scope: profile.scope,
            group: groupExprs(profile),
            entities: def.entities,
          },
          { seq: range },
          now,
        );
        read += rows.length;
        hits = eachHits(rows, groupMs);
        break;
      }
      case 'threshold': {
        const t = def.threshold!;
        const q: RowQuery = {
          text: render(def.query!),
          scope: profile.scope,
          keys: t.by,
          ...(t.distinct ? { distinct: t.distinct } : {}),
          entities: def.entities,
        };
        windowMs = resolveDuration(t.window, profile.tuning);
        const fresh = await touchedKeys(store, catalog, q, { seq: range }, now);
        read += fresh.length;
        if (fresh.length === 0) break;
        const min = resolveCount(t.min, profile.tuning);
        const rows = await this.windowRows(q, fresh, windowMs, catalog, now, min);
        read += rows.length;
        hits = thresholdHits(
          rows.map((row) => ({ row, isNew: isNew(row) })),
          { windowMs, min, distinct: t.distinct !== undefined },
        );
        break;
      }
      case 'sequence': {
        const s = def.sequence!;
        windowMs = resolveDuration(s.within, profile.tuning);
        const queries = s.steps.map((step): RowQuery => ({
          text: render(step.query),
          scope: profile.scope,
          keys: step.by,
          ...(step.distinct ? { distinct: step.distinct } : {}),
          entities: entitiesFor(profile, step.entities),
        }));
        const fresh: TouchedKey[] = [];
        for (const q of queries)
          fresh.push(...(await touchedKeys(store, catalog, q, { seq: range }, now)));
        read += fresh.length;
        if (fresh.length === 0) break;
        // Steps in order, each read only for the keys every earlier step has rows for: a key
        // missing a step cannot complete the sequence (a rare first step prunes the rest).
        let candidates = new Set(fresh.map((r) => clientKey(r.client, r.key)));
        const steps = [];
        for (const [i, q] of queries.entries()) {
          const step = s.steps[i]!;
          const min = step.min === undefined ? 1 : resolveCount(step.min, profile.tuning);
          const all = await this.windowRows(q, fresh, windowMs, catalog, now, min, candidates);
          const rows = all.filter((r) => candidates.has(clientKey(r.client, r.key)));
          read += all.length;
          candidates = new Set(rows.map((r) => clientKey(r.client, r.key)));
          steps.push({
            name: step.name,
            rows: rows.map((row): HitRow => ({ row, isNew: isNew(row) })),
            min,
            distinct: step.distinct !== undefined,
            ...(step.window ? { windowMs: resolveDuration(step.window, profile.tuning) } : {}),
          });
          if (candidates.size === 0) break;
        }
        if (steps.length === queries.length) hits = sequenceHits(steps, windowMs);
        break;
      }
      case 'inactivity': {
        const p = def.inactivity!;
        // Only the latest event of each key matters: the store aggregates, the engine reads keys.
        const latest = await latestPerKey(
          store,
          catalog,
          { text: render(def.query!), scope: profile.scope, keys: p.by, entities: {} },
          { seq: range },
          now,
        );
        read += latest.length;
        const rows = latest.map((k): EngineRow => ({
          seq: range[1],
          time: k.time,
          client: k.client,
          key: k.key,
          distinct: null,
          group: '',
          entities: {},
          id: '',
          raw: null,
          fields: {},
        }));
        const docId = inactivityDocId(profile);
        const doc = await this.inactivityDoc(docId, inactivity);
        out.events.push(...observe(profile, doc, rows, now, config.tenantIds));
        return read;
      }
    }
    if (hits.length > 0) {
      const earliest = Math.min(...hits.map((h) => h.first.getTime()));
      await index.ensure(earliest - Math.max(groupMs, windowMs));
      writeHits(ctx, profile, index, hits, out, groupMs);
    }
    return read;
  }

  /**
   * All rows (old and new) of the keys the new rows touch, in the windows around the new rows:
   * what a late row needs to re-evaluate the windows it falls in.
   */
  private async windowRows(
    q: RowQuery,
    fresh: readonly TouchedKey[],
    windowMs: number,
    catalog: Catalog,
    now: Date,
    min = 1,
    only?: ReadonlySet<string>,
  ): Promise<EngineRow[]> {
    let first = Infinity;
    let last = -Infinity;
    for (const k of fresh) {
      if (k.first.getTime() < first) first = k.first.getTime();
      if (k.last.getTime() > last) last = k.last.getTime();
    }
    const window = { from: new Date(first - windowMs), to: new Date(last + windowMs + 1) };
    const touched = fresh.filter((r) => !only || only.has(clientKey(r.client, r.key)));
    let keys = [...new Set(touched.map((r) => r.key))].sort();
    if (min > 1 && keys.length > 0) {
      // A key with fewer than `min` rows in the whole span cannot fill a window: the store
      // counts, and only the keys that may qualify are read.
      const enough = new Set<string>();
      for (let i = 0; i < keys.length; i += KEY_FILTER_BATCH) {
        const q2 = { ...q, keyFilter: keys.slice(i, i + KEY_FILTER_BATCH) };
        const found = await keysWithAtLeast(this.options.store, catalog, q2, window, now, min);
        for (const ck of found) enough.add(ck.slice(ck.indexOf('\u0000') + 1));
      }
      keys = keys.filter((k) => enough.has(k));
    }
    const rows: EngineRow[] = [];
    for (let i = 0; i < keys.length; i += KEY_FILTER_BATCH) {
      const q2 = { ...q, keyFilter: keys.slice(i, i + KEY_FILTER_BATCH) };
      rows.push(...(await collectRows(this.options.store, catalog, q2, window, now)));
    }
    return rows;
  }
}
