// One time slice's activity: benign events + scenario events + the audit trail of world changes,
// filtered by the world (disabled accounts, revoked sessions, removed links), then written down
// as audit records. A pure function of the slice index, given the tenant, scenarios and the
// world changes before the slice's events.
import type { AuditRecord } from '../../records/audit-record.js';
import type { ContentType } from '../../records/content-types.js';
import { buildRecord } from '../records/build.js';
import type { ScenarioSet } from '../scenarios/index.js';
import { changeEvents, type World } from '../world/state.js';
import { UserPicker, benignSlice } from './benign.js';
import type { GenContext } from './context.js';
import { type ActivityEvent, actingUser, contentTypeOf } from './events.js';

export const SLICE_MS = 5 * 60 * 1000;

export interface SliceRecord {
  record: AuditRecord;
  contentType: ContentType;
  label: string;
}

export class SliceGenerator {
  private readonly picker: UserPicker;

  constructor(
    private readonly g: GenContext,
    private readonly scenarios: ScenarioSet,
    private readonly world: World,
  ) {
    this.picker = new UserPicker(g.tenant.users);
  }

  /** The events of slice `s`, in time order (ties by key). */
  events(s: number): ActivityEvent[] {
    const t0 = s * SLICE_MS;
    const t1 = t0 + SLICE_MS;
    const raw = benignSlice(this.g, this.picker, s, t0, SLICE_MS);
    raw.push(...this.scenarios.eventsIn(t0, t1));
    for (const c of this.world.changesIn(t0, t1)) raw.push(...changeEvents(c, this.g.tenant.users));
    const events = this.world.filter(
      raw,
      actingUser,
      (u) => this.g.tenant.users[u]?.userAgent ?? '',
    );
    events.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return events;
  }

  records(events: readonly ActivityEvent[]): SliceRecord[] {
    const ctx = { tenant: this.g.tenant, index: this.g.index };
    return events.map((e) => {
      const built = buildRecord(ctx, this.g.seed, e);
      if (built.contentType !== contentTypeOf(e)) {
        throw new Error(`simulator bug: ${e.kind} built into ${built.contentType}`);
      }
      return { record: built.record, contentType: built.contentType, label: e.label };
    });
  }
}
