// What makes a hit, for each kind, as pure functions of rows (so they are easy to test):
// - each: every matching row; rows of one group closer than the group window form one hit;
// - threshold: a sliding window of event time holding at least `min` rows (or distinct values)
//   of one key; overlapping qualifying windows form one hit;
// - sequence: the steps' rows of one key, in order, within `within` of the last one.
// A hit counts only if it holds a row of the range being evaluated (`isNew`): a hit made only of
// rows evaluated before was found then, which is what makes each row count exactly once.
import type { EngineRow } from './query.js';

export interface HitRow {
  readonly row: EngineRow;
  readonly isNew: boolean;
  /** Sequence rules: the step the row matched. */
  readonly step?: string;
}

export interface Hit {
  readonly client: string;
  /** The group key: rows with the same key join the same alert. */
  readonly key: string;
  readonly first: Date;
  readonly last: Date;
  /** The rows that make the hit, in event-time order. */
  readonly rows: readonly HitRow[];
}

const byTime = (a: HitRow, b: HitRow) =>
  a.row.time.getTime() - b.row.time.getTime() ||
  (a.row.seq < b.row.seq ? -1 : a.row.seq > b.row.seq ? 1 : 0);

function groupBy<T>(items: Iterable<T>, key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

const clientKey = (r: HitRow, key: string) => `${r.row.client}\u0000${key}`;

function makeHit(rows: readonly HitRow[], key: string): Hit {
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  return { client: first.row.client, key, first: first.row.time, last: last.row.time, rows };
}

/** `each`: rows of one (tenant, group) closer than `gapMs` to the previous one form one hit. */
export function eachHits(rows: readonly EngineRow[], gapMs: number): Hit[] {
  const hits: Hit[] = [];
  const groups = groupBy(
    rows.map((row) => ({ row, isNew: true })),
    (r) => clientKey(r, r.row.group),
  );
  for (const list of groups.values()) {
    list.sort(byTime);
    let start = 0;
    for (let i = 1; i <= list.length; i++) {
      const gap =
        i < list.length ? list[i]!.row.time.getTime() - list[i - 1]!.row.time.getTime() : Infinity;
      if (gap > gapMs) {
        hits.push(makeHit(list.slice(start, i), list[start]!.row.group));
        start = i;
      }
    }
  }
  return hits;
}

export interface ThresholdOptions {
  readonly windowMs: number;
  readonly min: number;
  /** Count distinct `row.distinct` values instead of rows. */
  readonly distinct: boolean;
}

/**
 * `threshold`: for each (tenant, key), windows (t − W, t] ending at each row; a window qualifies
 * when it holds ≥ min rows (or distinct values) and at least one new row. Overlapping qualifying
 * windows make one hit.
 */
export function thresholdHits(rows: readonly HitRow[], o: ThresholdOptions): Hit[] {
  const hits: Hit[] = [];
  const seen = new Set<bigint>();
  const unique = rows.filter((r) => (seen.has(r.row.seq) ? false : (seen.add(r.row.seq), true)));
  for (const list of groupBy(unique, (r) => clientKey(r, r.row.key)).values()) {
    list.sort(byTime);
    const counts = new Map<string, number>();
    let distinct = 0;
    let fresh = 0;
    let l = 0;
    let hitStart = -1;
    let hitEnd = -1;
    const flush = () => {
      if (hitStart >= 0)
        hits.push(makeHit(list.slice(hitStart, hitEnd + 1), list[hitStart]!.row.key));
      hitStart = hitEnd = -1;
    };
    for (let r = 0; r < list.length; r++) {
      const add = list[r]!;
      if (add.isNew) fresh++;
      const v = add.row.distinct ?? '';
      const c = counts.get(v) ?? 0;
      if (c === 0) distinct++;
      counts.set(v, c + 1);
      const t = add.row.time.getTime();
      while (t - list[l]!.row.time.getTime() >= o.windowMs) {
        const drop = list[l]!;
        if (drop.isNew) fresh--;
        const dv = drop.row.distinct ?? '';
        const dc = counts.get(dv)! - 1;
        if (dc === 0) {
          counts.delete(dv);
          distinct--;
        } else counts.set(dv, dc);
        l++;
      }
      const n = o.distinct ? distinct : r - l + 1;
      if (n >= o.min && fresh > 0) {
        if (hitStart >= 0 && l <= hitEnd) hitEnd = r;
        else {
          flush();
          hitStart = l;
          hitEnd = r;
        }
      }
    }
    flush();
  }
  return hits;
}

export interface SequenceStepRows {
  readonly name: string;
  readonly rows: readonly HitRow[];
  readonly min: number;
  readonly distinct: boolean;
  /** `min` must be reached within this much event time. */
  readonly windowMs?: number;
}

/**
 * Where a step reaches its `min` among `rows` (sorted) from `from` to `to`: the rows that make it
 * and the time it is reached, or undefined.
 */
function reach(
  step: SequenceStepRows,
  rows: readonly HitRow[],
  from: number,
  to: number,
): { rows: HitRow[]; at: number } | undefined {
  const span = rows.filter((r) => {
    const t = r.row.time.getTime();
    return t >= from && t <= to;
  });
  const counts = new Map<string, number>();
  let distinct = 0;
  let l = 0;
  for (let r = 0; r < span.length; r++) {
    const v = step.distinct ? (span[r]!.row.distinct ?? '') : String(r);
    const c = counts.get(v) ?? 0;
    if (c === 0) distinct++;
    counts.set(v, c + 1);
    const t = span[r]!.row.time.getTime();
    while (step.windowMs !== undefined && t - span[l]!.row.time.getTime() >= step.windowMs) {
      const dv = step.distinct ? (span[l]!.row.distinct ?? '') : String(l);
      const dc = counts.get(dv)! - 1;
      if (dc === 0) {
        counts.delete(dv);
        distinct--;
      } else counts.set(dv, dc);
      l++;
    }
    if (distinct >= step.min) return { rows: span.slice(l, r + 1), at: t };
  }
  return undefined;
}

/**
 * `sequence`: for each (tenant, key) and each row of the last step, the earliest chain in which
 * every step reaches its `min` rows (or distinct values) after the previous step did, all within
 * `withinMs` before that row. A chain counts when it holds a new row.
 */
export function sequenceHits(steps: readonly SequenceStepRows[], withinMs: number): Hit[] {
  const hits: Hit[] = [];
  const perStep = steps.map((s) =>
    groupBy(
      s.rows.map((r) => ({ ...r, step: s.name })),
      (r) => clientKey(r, r.row.key),
    ),
  );
  const last = perStep[perStep.length - 1]!;
  for (const ck of last.keys()) {
    const lists = perStep.map((m) => (m.get(ck) ?? []).sort(byTime));
    const endList = lists[lists.length - 1]!;
    let previousLast = -Infinity;
    const chains = new Set<string>();
    for (const end of endList) {
      const tEnd = end.row.time.getTime();
      if (tEnd === previousLast) continue;
      previousLast = tEnd;
      let tau = tEnd - withinMs;
      const chain: HitRow[] = [];
      let complete = true;
      for (let i = 0; i < steps.length; i++) {
        const found = reach(steps[i]!, lists[i]!, tau, tEnd);
        if (!found) {
          complete = false;
          break;
        }
        chain.push(...found.rows);
        tau = found.at;
      }
      const signature = chain.map((r) => r.row.seq).join(',');
      if (complete && chain.some((r) => r.isNew) && !chains.has(signature)) {
        chains.add(signature);
        chain.sort(byTime);
        hits.push(makeHit(chain, end.row.key));
      }
    }
  }
  return hits;
}
