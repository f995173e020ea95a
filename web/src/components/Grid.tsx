// The results grid: only the rows in view are in the DOM (fixed row height, a spacer for the
// rest), so 100,000 rows scroll as smoothly as 100. Click a header to sort (again to reverse,
// a third time for the answer's own order); click a row to open it whole. Times show whole (UTC,
// to the millisecond); long values are cut at the column's width, with the whole value in the
// cell's tooltip and a copy button on hover. The grid scrolls sideways inside itself, never the
// page.
import { CopyIcon } from './Icons';
import type { ComponentChildren } from 'preact';
import { useMemo, useRef, useState } from 'preact/hooks';
import { cellText, copyText, isIsoTime } from '../lib/format';
import type { Cell, Column } from '../lib/types';

const ROW_HEIGHT = 26;
const OVERSCAN = 10;
const CHAR = 7.3;

export interface Sort {
  readonly column: string;
  readonly desc: boolean;
}

interface Props {
  readonly columns: readonly Column[];
  readonly rows: readonly Cell[][];
  /** Rows added since the last render (the grid re-renders when this changes). */
  readonly version?: number;
  readonly height?: number;
  /** A cell's content, e.g. a link for a user or an address. */
  readonly render?: (column: string, value: Cell, row: readonly Cell[]) => ComponentChildren;
  readonly label: string;
  /** Names of the columns to show, in order (the column chooser); all by default. */
  readonly visible?: readonly string[];
  /** The sort, when the caller keeps it (in the URL); the grid keeps its own otherwise. */
  readonly sort?: Sort | null;
  readonly onSort?: (sort: Sort | null) => void;
  readonly defaultSort?: Sort | null;
  /** Called with the row's index in `rows` when a row is clicked (or Enter on it). */
  readonly onOpen?: (index: number) => void;
  readonly selected?: number;
  /** Columns that keep their whole value visible (widest first). */
  readonly wide?: readonly string[];
}

function compare(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = typeof a === 'object' ? JSON.stringify(a) : String(a);
  const y = typeof b === 'object' ? JSON.stringify(b) : String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The rows' indexes in the order of a sort (nulls last either way; ties keep their order). */
export function rowOrder(
  columns: readonly Column[],
  rows: readonly Cell[][],
  sort: Sort | null,
): number[] {
  const idx = rows.map((_, i) => i);
  const at = sort ? columns.findIndex((c) => c.name === sort.column) : -1;
  if (at < 0) return idx;
  const dir = sort!.desc ? -1 : 1;
  return idx.sort((a, b) => {
    const va = rows[a]![at] ?? null;
    const vb = rows[b]![at] ?? null;
    if (va === null || vb === null) return va === vb ? a - b : va === null ? 1 : -1;
    return compare(va, vb) * dir || a - b;
  });
}

function widths(columns: readonly Column[], rows: readonly Cell[][], index: number[]): number[] {
  const sample = rows.slice(0, 300);
  return index.map((i) => {
    const c = columns[i]!;
    // A column of buttons (the action log's steps) has a width of its own.
    if (c.type === 'action') return 150;
    let longest = c.name.length + 2;
    let time = /timestamp|datetime/i.test(c.type);
    let urls = 0;
    for (const r of sample) {
      const v = r[i] ?? null;
      if (isIsoTime(v)) time = true;
      if (typeof v === 'string' && /^https?:\/\//.test(v)) urls++;
      longest = Math.max(longest, Math.min(70, cellText(v).length));
    }
    // Times always whole: 2026-03-01 10:00:00.000.
    if (time) return Math.round(23 * CHAR + 24);
    // URLs of files show their name first (entityCell); the rest is in the tooltip, so a column
    // of them need not push the columns after it out of view.
    if (urls * 2 > sample.length) longest = Math.min(longest, 46);
    return Math.round(Math.max(64, Math.min(520, longest * CHAR + 30)));
  });
}

export function Grid({
  columns,
  rows,
  version,
  height = 420,
  render,
  label,
  visible,
  sort: sortProp,
  onSort,
  defaultSort = null,
  onOpen,
  selected,
}: Props) {
  const [top, setTop] = useState(0);
  const [ownSort, setOwnSort] = useState<Sort | null>(defaultSort);
  const sort = sortProp === undefined ? ownSort : sortProp;
  const scroller = useRef<HTMLDivElement>(null);
  const shown = useMemo(() => {
    const names = visible ?? columns.map((c) => c.name);
    return names.map((n) => columns.findIndex((c) => c.name === n)).filter((i) => i >= 0);
  }, [columns, visible]);
  // Widths follow the first rows: recomputing on every batch would make columns jump.
  const sized = Math.min(rows.length, 300);
  const cols = useMemo(() => widths(columns, rows, shown), [columns, shown, sized]);
  const total = cols.reduce((a, b) => a + b, 0);
  const order = useMemo(
    () => rowOrder(columns, rows, sort),
    [rows, version, sort?.column, sort?.desc, columns],
  );
  const setSort = (name: string) => {
    const next: Sort | null =
      sort?.column !== name
        ? { column: name, desc: false }
        : !sort.desc
          ? { column: name, desc: true }
          : null;
    if (onSort) onSort(next);
    else setOwnSort(next);
  };
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
  const visibleRows = [];
  for (let p = first; p < last; p++) {
    const i = order[p]!;
    const row = rows[i]!;
    visibleRows.push(
      <div
        class={`grid-row${onOpen ? ' openable' : ''}${selected === i ? ' selected' : ''}`}
        role="row"
        aria-rowindex={p + 2}
        aria-selected={selected === i ? true : undefined}
        style={{ top: `${p * ROW_HEIGHT}px`, width: `${total}px` }}
        key={i}
        onClick={(e) => {
          // A link or button inside the row does its own thing.
          if ((e.target as HTMLElement).closest('a, button')) return;
          onOpen?.(i);
        }}
      >
        {shown.map((j, k) => {
          const c = columns[j]!;
          const value = row[j] ?? null;
          const text = cellText(value);
          return (
            <div
              class={`grid-cell${typeof value === 'number' ? ' num' : ''}`}
              role="gridcell"
              style={{ width: `${cols[k]}px` }}
              title={text.length * CHAR + 22 > cols[k]! ? text.slice(0, 4000) : undefined}
            >
              <span class="cell-text">{render ? render(c.name, value, row) : text}</span>
              {text.length > 12 ? (
                <button
                  class="cell-copy"
                  tabIndex={-1}
                  aria-label={`Copy ${c.name}`}
                  title="Copy"
                  onClick={() => void copyText(text)}
                >
                  <CopyIcon />
                </button>
              ) : null}
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
        if (!el || (e.target as HTMLElement) !== el) return;
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
        {shown.map((j, k) => {
          const c = columns[j]!;
          const active = sort?.column === c.name;
          return (
            <div
              class={`grid-cell grid-header${active ? ' sorted' : ''}`}
              role="columnheader"
              aria-sort={active ? (sort!.desc ? 'descending' : 'ascending') : 'none'}
              style={{ width: `${cols[k]}px` }}
            >
              <button
                class="sort-button"
                title={`${c.name} (${c.type}): sort`}
                onClick={() => setSort(c.name)}
              >
                <span class="header-name">{c.name}</span>
                <span class="sort-mark" aria-hidden="true">
                  {active ? (sort!.desc ? '▼' : '▲') : ''}
                </span>
              </button>
            </div>
          );
        })}
      </div>
      <div
        class="grid-body"
        style={{ height: `${rows.length * ROW_HEIGHT}px`, width: `${total}px` }}
      >
        {visibleRows}
      </div>
    </div>
  );
}
