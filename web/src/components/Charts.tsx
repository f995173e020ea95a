// Charts: counts over time as stacked bars, one series per group key, drawn by uPlot (a small
// canvas time-series library: axes, a cursor with the values under it, drag to select), and
// ranked horizontal bars for top-N answers. Both drill down: drag across the time chart to narrow
// the range, click a bar (a series in a bucket, a label) to open what is behind it.
import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { bytesText, cellText, count, isBytesColumn } from '../lib/format';
import type { Cell, Column } from '../lib/types';

export const PALETTE = [
  '#4f9cf9',
  '#f59e0b',
  '#10b981',
  '#ef4444',
  '#a78bfa',
  '#ec4899',
  '#14b8a6',
  '#eab308',
  '#94a3b8',
];

/** Most series drawn; the smallest of the rest are summed into "other". */
const MAX_SERIES = 8;

export interface TimeSeries {
  /** Bucket starts (ms). */
  readonly times: readonly number[];
  /** Bucket width (ms). */
  readonly step: number;
  readonly series: ReadonlyArray<{ readonly name: string; readonly values: readonly number[] }>;
}

/** An answer's rows as series: a time column, a numeric value, the other columns as the key. */
export function seriesOf(
  columns: readonly Column[],
  rows: readonly Cell[][],
  seriesColumn?: string,
): Array<{ time: number; series: string; value: number }> {
  const ti = columns.findIndex((c) => c.name === 'eventdate');
  const numeric = (c: Column) => /int|float|double|decimal|hugeint|number/i.test(c.type);
  const vi = columns.findIndex((c, i) => i !== ti && numeric(c));
  // The series key: the named column, else every other column that is not the value (a
  // `group every 1h by Workload, Operation` answer gives one series per pair).
  const keys = seriesColumn
    ? [columns.findIndex((c) => c.name === seriesColumn)].filter((i) => i >= 0)
    : columns.map((_, i) => i).filter((i) => i !== ti && i !== vi);
  return rows.flatMap((r) => {
    const time = Date.parse(String(r[ti] ?? ''));
    if (Number.isNaN(time)) return [];
    const name = keys.length
      ? keys.map((k) => cellText(r[k] ?? null) || '(none)').join(' · ')
      : 'events';
    return [{ time, series: name, value: vi >= 0 ? Number(r[vi] ?? 0) : 1 }];
  });
}

const STEPS = [
  60_000, 300_000, 900_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Points summed into buckets over [from, to): at most `buckets` of a round width. */
export function bucketize(
  points: Iterable<{ time: number; series: string; value: number }>,
  from: number,
  to: number,
  buckets = 60,
  minStep = 0,
): TimeSeries {
  const span = Math.max(1, to - from);
  const step =
    STEPS.find((s) => s >= minStep && span / s <= buckets) ?? Math.max(minStep, 86_400_000);
  const start = Math.floor(from / step) * step;
  const n = Math.max(1, Math.ceil((to - start) / step));
  const totals = new Map<string, number>();
  const values = new Map<string, number[]>();
  for (const p of points) {
    const i = Math.floor((p.time - start) / step);
    if (i < 0 || i >= n) continue;
    let list = values.get(p.series);
    if (!list) values.set(p.series, (list = new Array<number>(n).fill(0)));
    list[i]! += p.value;
    totals.set(p.series, (totals.get(p.series) ?? 0) + p.value);
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const kept = ranked.slice(0, MAX_SERIES);
  const series = kept.map((name) => ({ name, values: values.get(name)! }));
  if (ranked.length > MAX_SERIES) {
    const other = new Array<number>(n).fill(0);
    for (const name of ranked.slice(MAX_SERIES))
      values.get(name)!.forEach((v, i) => (other[i]! += v));
    series.push({ name: `other (${ranked.length - MAX_SERIES})`, values: other });
  }
  return { times: Array.from({ length: n }, (_, i) => start + i * step), step, series };
}

const stepText = (ms: number) =>
  ms >= 86_400_000
    ? `${ms / 86_400_000}d`
    : ms >= 3_600_000
      ? `${ms / 3_600_000}h`
      : `${ms / 60_000}m`;

/**
 * Stacked bars over time. `onZoom(from, to)`: the range dragged across (ms); `onPick(time, name)`:
 * a bar clicked (its bucket start and series).
 */
export function TimeChart({
  data,
  height = 140,
  label,
  onZoom,
  onPick,
}: {
  data: TimeSeries;
  height?: number;
  label: string;
  onZoom?: (from: number, to: number) => void;
  onPick?: (time: number, series: string) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const handlers = useRef({ onZoom, onPick });
  handlers.current = { onZoom, onPick };
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const secs = data.times.map((t) => t / 1000);
    // Stacked: series k is drawn at the sum of series 0..k, the tallest first.
    const stacked: number[][] = [];
    data.series.forEach((s, k) =>
      stacked.push(s.values.map((v, i) => v + (k > 0 ? stacked[k - 1]![i]! : 0))),
    );
    // Drawn in reverse: the tallest stack first, each lower one over it.
    const aligned: AlignedData = [secs, ...[...stacked].reverse()];
    const names = data.series.map((s) => s.name).reverse();
    const raw = data.series.map((s) => s.values).reverse();
    const bars = uPlot.paths.bars!({ size: [0.9, 64], align: 1 });
    const axis = {
      stroke: '#93a1b3',
      grid: { stroke: '#2a3546', width: 1 },
      ticks: { stroke: '#2a3546', width: 1 },
      font: '11px system-ui, sans-serif',
    };
    const opts: Options = {
      width: Math.max(200, el.clientWidth),
      height,
      padding: [8, 8, 0, 0],
      legend: { show: false },
      cursor: {
        drag: { x: true, y: false, setScale: false },
        points: { show: false },
      },
      scales: { x: { time: true, range: (_u, min, max) => [min, max + data.step / 1000] } },
      axes: [
        { ...axis, values: (_u, ticks) => ticks.map((t) => axisTime(t * 1000, data.step)) },
        {
          ...axis,
          size: 48,
          values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? count(t) : '')),
        },
      ],
      series: [
        {},
        ...names.map((name, k) => ({
          label: name,
          fill: PALETTE[(names.length - 1 - k) % PALETTE.length],
          stroke: PALETTE[(names.length - 1 - k) % PALETTE.length],
          width: 0,
          paths: bars,
          points: { show: false },
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 4) return;
            const from = u.posToVal(u.select.left, 'x') * 1000;
            const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            handlers.current.onZoom?.(Math.floor(from), Math.ceil(to));
          },
        ],
        setCursor: [
          (u) => {
            const tip = el.querySelector<HTMLDivElement>('.chart-tip');
            const i = u.cursor.idx;
            if (!tip) return;
            if (i === null || i === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
              tip.hidden = true;
              return;
            }
            const lines = names
              .map((n, k) => ({ n, v: raw[k]![i] ?? 0, k }))
              .filter((x) => x.v > 0)
              .reverse();
            tip.hidden = lines.length === 0;
            tip.replaceChildren();
            const head = document.createElement('div');
            head.className = 'tip-head';
            head.textContent = `${axisTime(data.times[i]!, 1, true)} UTC (${stepText(data.step)})`;
            tip.append(head);
            for (const l of lines) {
              const row = document.createElement('div');
              const sw = document.createElement('span');
              sw.className = 'swatch';
              sw.style.background = PALETTE[(names.length - 1 - l.k) % PALETTE.length]!;
              row.append(sw, `${l.n}: ${count(l.v)}`);
              tip.append(row);
            }
            const x = u.cursor.left + 60;
            tip.style.left = `${Math.min(x + 12, el.clientWidth - 220)}px`;
          },
        ],
      },
    };
    const chart = new uPlot(opts, aligned, el);
    let down: { x: number; y: number } | null = null;
    const onDown = (e: MouseEvent) => (down = { x: e.clientX, y: e.clientY });
    const onUp = (e: MouseEvent) => {
      if (!down || Math.abs(e.clientX - down.x) > 3) return;
      const i = chart.cursor.idx;
      if (i === null || i === undefined) return;
      const y = chart.posToVal(chart.cursor.top ?? 0, 'y');
      // The series whose band (between the one below and its own top) holds the click.
      let picked: string | undefined;
      for (let k = 0; k < data.series.length; k++) {
        const topOf = stacked[k]![i]!;
        const below = k > 0 ? stacked[k - 1]![i]! : 0;
        if (topOf > below && y >= below && y <= topOf) picked = data.series[k]!.name;
      }
      if (picked) handlers.current.onPick?.(data.times[i]!, picked);
    };
    chart.over.addEventListener('mousedown', onDown);
    chart.over.addEventListener('mouseup', onUp);
    chart.over.style.cursor = handlers.current.onPick || handlers.current.onZoom ? 'crosshair' : '';
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(200, el.clientWidth), height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [data, height]);
  return (
    <figure class="timechart" aria-label={label}>
      <div class="chart-box" ref={box} role="img" aria-label={label}>
        <div class="chart-tip" hidden />
      </div>
      <figcaption class="chart-legend">
        {data.series.map((s, k) => (
          <button
            class="legend-item"
            title={onPick ? `Open ${s.name}` : s.name}
            disabled={!onPick}
            onClick={() => onPick?.(NaN, s.name)}
          >
            <span class="swatch" style={{ background: PALETTE[k % PALETTE.length] }} />
            {s.name}
          </button>
        ))}
        {onZoom ? <span class="muted small hint">drag across the chart to zoom</span> : null}
      </figcaption>
    </figure>
  );
}

function axisTime(ms: number, step: number, full = false): string {
  const iso = new Date(ms).toISOString();
  if (full) return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  // Midnight ticks name the day; the others the hour.
  if (iso.slice(11, 16) === '00:00' || step >= 86_400_000) return iso.slice(5, 10);
  return iso.slice(11, 16);
}

/** Ranked bars (a top-N answer): click one to open what is behind it. */
export function BarChart({
  columns,
  rows,
  label,
  value,
  onPick,
}: {
  columns: readonly Column[];
  rows: readonly Cell[][];
  label: string;
  value: string;
  onPick?: (label: Cell) => void;
}) {
  const li = columns.findIndex((c) => c.name === label);
  const vi = columns.findIndex((c) => c.name === value);
  if (li < 0 || vi < 0)
    return (
      <p class="muted">
        This answer has no {label} and {value} columns to draw.
      </p>
    );
  const bytes = isBytesColumn(value);
  const items = rows.slice(0, 15).map((r) => ({
    raw: r[li] ?? null,
    label: cellText(r[li] ?? null),
    value: Number(r[vi] ?? 0),
  }));
  const max = Math.max(1, ...items.map((i) => i.value));
  return (
    <ol class="bars">
      {items.map((item) => {
        const text = bytes ? bytesText(item.value) : count(item.value);
        const body = (
          <>
            <span class={`bar-label${item.label ? '' : ' muted'}`}>
              {item.label || 'unknown (not in the record)'}
            </span>
            <span class="bar-track">
              <span class="bar-fill" style={{ width: `${(item.value / max) * 100}%` }} />
            </span>
            <span class="bar-value">{text}</span>
          </>
        );
        return (
          <li class="bar-row" title={`${item.label || 'unknown'}: ${text}`}>
            {onPick ? (
              <button class="bar-button" onClick={() => onPick(item.raw)}>
                {body}
              </button>
            ) : (
              body
            )}
          </li>
        );
      })}
    </ol>
  );
}
