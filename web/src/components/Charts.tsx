// Small SVG charts for the histogram and the dashboards: bars by label, and counts over time
// (stacked by a series column). No chart library: a few dozen bars do not need one.
import { cellText, count } from '../lib/format';
import type { Cell, Column } from '../lib/types';

const PALETTE = [
  '#4f9cf9',
  '#f59e0b',
  '#10b981',
  '#ef4444',
  '#a78bfa',
  '#ec4899',
  '#14b8a6',
  '#eab308',
];

export function BarChart({
  columns,
  rows,
  label,
  value,
}: {
  columns: readonly Column[];
  rows: readonly Cell[][];
  label: string;
  value: string;
}) {
  const li = columns.findIndex((c) => c.name === label);
  const vi = columns.findIndex((c) => c.name === value);
  if (li < 0 || vi < 0)
    return (
      <p class="muted">
        This answer has no {label} and {value} columns to draw.
      </p>
    );
  const items = rows
    .slice(0, 15)
    .map((r) => ({ label: cellText(r[li] ?? null) || '(empty)', value: Number(r[vi] ?? 0) }));
  const max = Math.max(1, ...items.map((i) => i.value));
  return (
    <div class="bars" role="list">
      {items.map((item) => (
        <div class="bar-row" role="listitem" title={`${item.label}: ${count(item.value)}`}>
          <span class="bar-label">{item.label}</span>
          <span class="bar-track">
            <span class="bar-fill" style={{ width: `${(item.value / max) * 100}%` }} />
          </span>
          <span class="bar-value">{count(item.value)}</span>
        </div>
      ))}
    </div>
  );
}

export interface Bucket {
  readonly start: number;
  readonly values: ReadonlyMap<string, number>;
}

/** Counts per time bucket (and per series), from rows with a time column. */
export function bucketize(
  times: Iterable<{ time: number; series: string; value: number }>,
  from: number,
  to: number,
  buckets = 60,
): { buckets: Bucket[]; series: string[]; width: number } {
  const span = Math.max(1, to - from);
  const steps = [
    60_000, 300_000, 900_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
  ];
  const width = steps.find((s) => span / s <= buckets) ?? 86_400_000;
  const start = Math.floor(from / width) * width;
  const n = Math.max(1, Math.ceil((to - start) / width));
  const list: Array<{ start: number; values: Map<string, number> }> = Array.from(
    { length: n },
    (_, i) => ({
      start: start + i * width,
      values: new Map(),
    }),
  );
  const names = new Set<string>();
  for (const t of times) {
    const i = Math.floor((t.time - start) / width);
    const b = list[i];
    if (!b) continue;
    names.add(t.series);
    b.values.set(t.series, (b.values.get(t.series) ?? 0) + t.value);
  }
  return { buckets: list, series: [...names].sort(), width };
}

export function TimeChart({
  buckets,
  series,
  height = 120,
  label,
}: {
  buckets: readonly Bucket[];
  series: readonly string[];
  height?: number;
  label: string;
}) {
  const totals = buckets.map((b) => [...b.values.values()].reduce((a, v) => a + v, 0));
  const max = Math.max(1, ...totals);
  const w = 1000;
  const bw = w / Math.max(1, buckets.length);
  const fmt = (t: number) => new Date(t).toISOString().slice(5, 16).replace('T', ' ');
  return (
    <figure class="timechart" aria-label={label}>
      <svg viewBox={`0 0 ${w} ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
        {buckets.map((b, i) => {
          let y = height;
          return series.map((s, k) => {
            const v = b.values.get(s) ?? 0;
            if (!v) return null;
            const h = (v / max) * (height - 4);
            y -= h;
            return (
              <rect
                x={i * bw + 0.5}
                y={y}
                width={Math.max(1, bw - 1)}
                height={h}
                fill={PALETTE[k % PALETTE.length]}
              >
                <title>{`${fmt(b.start)} UTC  ${s}: ${count(v)}`}</title>
              </rect>
            );
          });
        })}
      </svg>
      <figcaption class="timechart-axis">
        <span>{buckets[0] ? `${fmt(buckets[0].start)} UTC` : ''}</span>
        <span class="legend">
          {series.slice(0, 8).map((s, k) => (
            <span class="legend-item">
              <span class="swatch" style={{ background: PALETTE[k % PALETTE.length] }} />
              {s || '(empty)'}
            </span>
          ))}
        </span>
        <span>{buckets.length ? `${fmt(buckets[buckets.length - 1]!.start)} UTC` : ''}</span>
      </figcaption>
    </figure>
  );
}

/** The timeseries of a `group every … by X select count() as n` answer. */
export function seriesOf(
  columns: readonly Column[],
  rows: readonly Cell[][],
  seriesColumn: string | undefined,
) {
  const ti = columns.findIndex((c) => c.name === 'eventdate');
  const si = seriesColumn ? columns.findIndex((c) => c.name === seriesColumn) : -1;
  const vi = columns.findIndex(
    (c, i) => i !== ti && i !== si && /int|float|double|decimal|hugeint/i.test(c.type),
  );
  return rows.flatMap((r) => {
    const time = Date.parse(String(r[ti] ?? ''));
    if (Number.isNaN(time)) return [];
    return [
      {
        time,
        series: si >= 0 ? cellText(r[si] ?? null) : 'events',
        value: vi >= 0 ? Number(r[vi] ?? 0) : 1,
      },
    ];
  });
}
