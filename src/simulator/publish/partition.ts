// How one slice's records of one content type are cut into blobs, and which of them are also
// published a second time (Microsoft's duplicates). Decisions depend only on the record Id and
// the parameters stored with the slice's plan, so a blob regenerated later is identical.
import type { SliceRecord } from '../activity/slice.js';
import { hash32, unit } from '../util/prng.js';

export interface PartitionParams {
  parts: number;
  duplicateRate: number;
  outOfOrder: boolean;
}

export interface Partition {
  parts: SliceRecord[][];
  duplicates: SliceRecord[];
}

function scrambled(seed: number, records: SliceRecord[]): SliceRecord[] {
  return records
    .map((r) => ({ r, k: hash32(seed, 'order', r.record.Id) }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.r);
}

/** Number of blobs for `count` records: about one per 250, sometimes one more. */
export function partCount(seed: number, slice: number, contentType: string, count: number): number {
  if (count === 0) return 0;
  const extra = count > 20 && hash32(seed, 'extra-part', slice, contentType) % 10 < 3 ? 1 : 0;
  return Math.min(count, 1 + Math.floor(count / 250) + extra);
}

/** `records` are in event order. */
export function partition(seed: number, records: SliceRecord[], p: PartitionParams): Partition {
  const parts: SliceRecord[][] = Array.from({ length: p.parts }, () => []);
  if (p.outOfOrder) {
    for (const r of records) parts[hash32(seed, 'part', r.record.Id) % p.parts]?.push(r);
    for (let i = 0; i < parts.length; i++) parts[i] = scrambled(seed, parts[i] as SliceRecord[]);
  } else {
    const size = Math.ceil(records.length / Math.max(1, p.parts));
    records.forEach((r, i) => parts[Math.min(p.parts - 1, Math.floor(i / size))]?.push(r));
  }
  let duplicates =
    p.duplicateRate > 0
      ? records.filter((r) => unit(seed, 'dup', r.record.Id) < p.duplicateRate)
      : [];
  if (p.outOfOrder) duplicates = scrambled(seed, duplicates);
  return { parts: parts.filter((x) => x.length > 0), duplicates };
}
