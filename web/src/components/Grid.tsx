// The results grid: only the rows in view are in the DOM (fixed row height, a spacer for the
// rest), so 100,000 rows scroll as smoothly as 100. Columns size from a sample of the rows.
import type { ComponentChildren } from 'preact';
import { useMemo, useRef, useState } from 'preact/hooks';
import { cellText } from '../lib/format';
import type { Cell, Column } from '../lib/types';

const ROW_HEIGHT = 26;
const OVERSCAN = 10;

interface Props {
  readonly columns: readonly Column[];
  readonly rows: readonly Cell[][];
  /** Rows added since the last render (the grid re-renders when this changes). */
  readonly version?: number;
  readonly height?: number;
  /** A cell's content, e.g. a link for a user or an address. */
  readonly render?: (column: string, value: Cell) => ComponentChildren;
  readonly label: string;
}

function widths(columns: readonly Column[], rows: readonly Cell[][]): number[] {
  const sample = rows.slice(0, 200);
  return columns.map((c, i) => {
    // A column of buttons (the action log's steps) has a width of its own.
    if (c.type === 'action') return 140;
    let longest = c.name.length;
    for (const r of sample)
      longest = Math.max(longest, Math.min(80, cellText(r[i] ?? null).length));
    return Math.max(70, Math.min(520, longest * 7.4 + 20));
  });
}

export function Grid({ columns, rows, version, height = 420, render, label }: Props) {
  const [top, setTop] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  // Widths follow the first rows: recomputing on every batch would make columns jump.
  const sized = Math.min(rows.length, 200);
  const cols = useMemo(() => widths(columns, rows), [columns, sized]);
  const total = cols.reduce((a, b) => a + b, 0);
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
  const visible = [];
  for (let i = first; i < last; i++) {
    const row = rows[i]!;
    visible.push(
      <div
        class="grid-row"
        role="row"
        aria-rowindex={i + 2}
        style={{ top: `${i * ROW_HEIGHT}px`, width: `${total}px` }}
        key={i}
      >
        {columns.map((c, j) => {
          const value = row[j] ?? null;
          const text = cellText(value);
          return (
            <div
              class="grid-cell"
              role="gridcell"
              style={{ width: `${cols[j]}px` }}
              title={text.length > 40 ? text.slice(0, 2000) : undefined}
            >
              {render ? render(c.name, value) : text}
            </div>
          );
        })}
      </div>,
    );
  }
  return (
    <div
      class="grid"
      role="grid"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      data-version={version}
      tabIndex={0}
      ref={scroller}
      style={{ height: `${height}px` }}
      onScroll={(e) => setTop((e.currentTarget as HTMLDivElement).scrollTop)}
      onKeyDown={(e) => {
        const el = scroller.current;
        if (!el) return;
        if (e.key === 'PageDown') el.scrollTop += height - ROW_HEIGHT;
        else if (e.key === 'PageUp') el.scrollTop -= height - ROW_HEIGHT;
        else if (e.key === 'ArrowDown') el.scrollTop += ROW_HEIGHT;
        else if (e.key === 'ArrowUp') el.scrollTop -= ROW_HEIGHT;
        else if (e.key === 'Home') el.scrollTop = 0;
        else if (e.key === 'End') el.scrollTop = el.scrollHeight;
        else return;
        e.preventDefault();
      }}
    >
      <div class="grid-head" role="row" aria-rowindex={1} style={{ width: `${total}px` }}>
        {columns.map((c, j) => (
          <div
            class="grid-cell grid-header"
            role="columnheader"
            style={{ width: `${cols[j]}px` }}
            title={c.type}
          >
            {c.name}
          </div>
        ))}
      </div>
      <div
        class="grid-body"
        style={{ height: `${rows.length * ROW_HEIGHT}px`, width: `${total}px` }}
      >
        {visible}
      </div>
    </div>
  );
}
