// The content catalog: turns finished time slices into blobs, publishes each blob when its
// contentCreated is reached, and regenerates a blob's body on demand. Only per-blob metadata
// and per-slice plan parameters stay in memory (plus small caches); records never do.
import { CONTENT_TYPES, type ContentType } from '../../records/content-types.js';
import type { RealismSwitches } from '../options.js';
import { type ActivityEvent, contentTypeOf } from '../activity/events.js';
import { SLICE_MS, type SliceGenerator, type SliceRecord } from '../activity/slice.js';
import type { SharingIndex } from '../world/sharing.js';
import { MinHeap } from '../util/heap.js';
import { Lru } from '../util/lru.js';
import { Rng } from '../util/prng.js';
import { MINUTE } from '../util/time.js';
import { DUP_PART, makeContentId } from './content-id.js';
import { partCount, partition } from './partition.js';

export interface BlobMeta {
  contentId: string;
  contentType: ContentType;
  slice: number;
  /** Index of the part, or DUP_PART for the blob that republishes duplicates. */
  part: number;
  /** contentCreated, epoch ms. */
  created: number;
  count: number;
}

interface PendingBlob extends BlobMeta {
  /** Pre-rendered truth lines, written when the blob is published. */
  truth: string;
}

interface SlicePlan {
  duplicateRate: number;
  outOfOrder: boolean;
  parts: Partial<Record<ContentType, number>>;
}

export interface CatalogStats {
  recordsGenerated: number;
  blobsPlanned: number;
  blobsPublished: number;
  recordsPublished: number;
  slicesPlanned: number;
}

export interface CatalogOptions {
  seed: number;
  generator: SliceGenerator;
  sharing: SharingIndex;
  switches: () => RealismSwitches;
  /** First slice of the history. */
  startSlice: number;
  onPublish: (blob: BlobMeta, truth: string) => void;
}

function truthLine(r: SliceRecord, contentId: string): string {
  return `${JSON.stringify({ Id: r.record.Id, contentType: r.contentType, contentId, label: r.label })}\n`;
}

const before = (a: BlobMeta, b: BlobMeta) =>
  a.created < b.created || (a.created === b.created && a.contentId < b.contentId);

export class Catalog {
  readonly stats: CatalogStats = {
    recordsGenerated: 0,
    blobsPlanned: 0,
    blobsPublished: 0,
    recordsPublished: 0,
    slicesPlanned: 0,
  };
  private nextSlice: number;
  private readonly plans = new Map<number, SlicePlan>();
  private readonly pending = new MinHeap<PendingBlob>(before);
  private readonly published = new Map<ContentType, BlobMeta[]>(
    CONTENT_TYPES.map((ct) => [ct, []]),
  );
  private readonly byId = new Map<string, BlobMeta>();
  private readonly eventCache = new Lru<number, ActivityEvent[]>(16);
  private readonly recordCache = new Lru<string, SliceRecord[]>(48);
  private readonly bodyCache = new Lru<string, string>(32);
  private publishedUntil = -Infinity;

  constructor(private readonly o: CatalogOptions) {
    this.nextSlice = o.startSlice;
  }

  /** Sim time up to which slices are planned (exclusive). */
  get plannedUntil(): number {
    return this.nextSlice * SLICE_MS;
  }

  /** Plans every finished slice and publishes every blob whose contentCreated ≤ now. */
  sync(now: number): void {
    while ((this.nextSlice + 1) * SLICE_MS <= now) {
      this.plan(this.nextSlice);
      this.nextSlice++;
      // No later slice can publish at or before this slice's end: flush what is due.
      this.publishUpTo(this.nextSlice * SLICE_MS);
    }
    this.publishUpTo(now);
  }

  private plan(s: number): void {
    const sw = this.o.switches();
    const events = this.o.generator.events(s);
    for (const e of events) if (e.kind === 'share') this.o.sharing.register(e);
    // Not cached: planning walks the whole history, and records must not pile up in memory.
    const byType = this.group(this.o.generator.records(events));
    this.stats.recordsGenerated += events.length;
    this.stats.slicesPlanned++;
    const plan: SlicePlan = {
      duplicateRate: sw.duplicateRate,
      outOfOrder: sw.outOfOrder,
      parts: {},
    };
    const sliceEnd = (s + 1) * SLICE_MS;
    const { min, max } = sw.publicationDelayMinutes;
    for (const [ct, records] of byType) {
      const parts = partCount(this.o.seed, s, ct, records.length);
      plan.parts[ct] = parts;
      const cut = partition(this.o.seed, records, {
        parts,
        duplicateRate: plan.duplicateRate,
        outOfOrder: plan.outOfOrder,
      });
      const rng = new Rng(this.o.seed, 'delay', s, ct);
      const delays: number[] = [];
      cut.parts.forEach((recs, part) => {
        const u = rng.next();
        const ms = rng.int(60_000);
        const delay = plan.outOfOrder
          ? (min + (max - min) * u * u) * MINUTE + ms
          : min * MINUTE + part * 1000;
        delays.push(delay);
        this.enqueue(ct, s, part, sliceEnd + delay, recs);
      });
      if (cut.duplicates.length > 0) {
        const extra = (20 + rng.int(100)) * MINUTE + rng.int(60_000);
        this.enqueue(ct, s, DUP_PART, sliceEnd + Math.max(...delays) + extra, cut.duplicates);
      }
    }
    this.plans.set(s, plan);
  }

  private group(records: SliceRecord[]): Map<ContentType, SliceRecord[]> {
    const byType = new Map<ContentType, SliceRecord[]>();
    for (const r of records) {
      const list = byType.get(r.contentType);
      if (list) list.push(r);
      else byType.set(r.contentType, [r]);
    }
    return byType;
  }

  private enqueue(
    ct: ContentType,
    slice: number,
    part: number,
    created: number,
    recs: SliceRecord[],
  ): void {
    let contentId = makeContentId(this.o.seed, ct, created, slice, part);
    while (this.byId.has(contentId)) {
      created += 1;
      contentId = makeContentId(this.o.seed, ct, created, slice, part);
    }
    const blob: PendingBlob = {
      contentId,
      contentType: ct,
      slice,
      part,
      created,
      count: recs.length,
      truth: recs.map((r) => truthLine(r, contentId)).join(''),
    };
    this.byId.set(contentId, blob);
    this.pending.push(blob);
    this.stats.blobsPlanned++;
  }

  private publishUpTo(bound: number): void {
    for (;;) {
      const next = this.pending.peek();
      if (!next || next.created > bound) break;
      this.pending.pop();
      const { truth, ...meta } = next;
      this.byId.set(meta.contentId, meta);
      this.published.get(meta.contentType)?.push(meta);
      this.stats.blobsPublished++;
      this.stats.recordsPublished += meta.count;
      this.o.onPublish(meta, truth);
    }
    if (bound > this.publishedUntil) this.publishedUntil = bound;
  }

  /** Published blobs of a type with start ≤ contentCreated < end, after a (created, id) key. */
  list(
    ct: ContentType,
    start: number,
    end: number,
    after?: { created: number; contentId: string },
  ): BlobMeta[] {
    const arr = this.published.get(ct) ?? [];
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((arr[mid] as BlobMeta).created < start) lo = mid + 1;
      else hi = mid;
    }
    const out: BlobMeta[] = [];
    for (let i = lo; i < arr.length; i++) {
      const b = arr[i] as BlobMeta;
      if (b.created >= end) break;
      if (after && !before(after as BlobMeta, b)) continue;
      out.push(b);
    }
    return out;
  }

  /** All published blobs (every content type), in publication order. */
  allPublished(): BlobMeta[] {
    const all = [...this.published.values()].flat();
    return all.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }

  /** Blobs planned but not yet published. */
  pendingBlobs(): Array<BlobMeta & { truth: string }> {
    return [...this.pending.values()].sort((a, b) => (before(a, b) ? -1 : 1));
  }

  find(contentId: string): { blob: BlobMeta; published: boolean } | undefined {
    const b = this.byId.get(contentId);
    if (!b) return undefined;
    return { blob: b, published: b.created <= this.publishedUntil && !('truth' in b) };
  }

  /** The records of a blob, regenerated from its slice (only its content type is built). */
  records(blob: BlobMeta): SliceRecord[] {
    const plan = this.plans.get(blob.slice);
    if (!plan) throw new Error(`slice ${blob.slice} is not planned`);
    const recs = this.recordCache.getOrCreate(`${blob.slice}|${blob.contentType}`, () => {
      const events = this.eventCache.getOrCreate(blob.slice, () =>
        this.o.generator.events(blob.slice),
      );
      return this.o.generator.records(events.filter((e) => contentTypeOf(e) === blob.contentType));
    });
    const cut = partition(this.o.seed, recs, {
      parts: plan.parts[blob.contentType] ?? 0,
      duplicateRate: plan.duplicateRate,
      outOfOrder: plan.outOfOrder,
    });
    return blob.part === DUP_PART ? cut.duplicates : (cut.parts[blob.part] ?? []);
  }

  /** The blob's body: a JSON array of audit records (cached). */
  body(blob: BlobMeta): string {
    return this.bodyCache.getOrCreate(blob.contentId, () =>
      JSON.stringify(this.records(blob).map((r) => r.record)),
    );
  }

  /** Forgets blobs (and slice plans) older than `cutoff`; their ids still answer AF20051. */
  prune(cutoff: number): void {
    let minSlice = this.nextSlice;
    for (const [ct, arr] of this.published) {
      let k = 0;
      while (k < arr.length && (arr[k] as BlobMeta).created < cutoff) {
        this.byId.delete((arr[k] as BlobMeta).contentId);
        k++;
      }
      const kept = k > 0 ? arr.slice(k) : arr;
      if (k > 0) this.published.set(ct, kept);
      for (const b of kept) if (b.slice < minSlice) minSlice = b.slice;
    }
    for (const b of this.pending.values()) if (b.slice < minSlice) minSlice = b.slice;
    for (const s of this.plans.keys()) if (s < minSlice) this.plans.delete(s);
  }
}
