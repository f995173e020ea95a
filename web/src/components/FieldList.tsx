// The field sidebar (as Kibana's): every column of the answer, ticked when it is in the grid (the
// column chooser), and each field's top values in the rows loaded, with filter for / out.
import { FilterForIcon, FilterOutIcon } from './Icons';
import { useMemo, useState } from 'preact/hooks';
import { cellText, count } from '../lib/format';
import { defaultColumns } from '../lib/compact-columns';
import type { Cell, Column } from '../lib/types';
import type { FilterFn } from './RecordView';

/** Rows looked at for a field's top values (the whole answer up to this). */
const SAMPLE = 20_000;

function topValues(rows: readonly Cell[][], index: number) {
  const counts = new Map<string, { value: Cell; n: number }>();
  const n = Math.min(rows.length, SAMPLE);
  for (let r = 0; r < n; r++) {
    const value = rows[r]![index] ?? null;
    const key = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    const hit = counts.get(key);
    if (hit) hit.n++;
    else counts.set(key, { value, n: 1 });
  }
  return {
    sampled: n,
    distinct: counts.size,
    top: [...counts.values()].sort((a, b) => b.n - a.n).slice(0, 5),
  };
}

function Field({
  column,
  index,
  rows,
  shown,
  onToggle,
  onFilter,
  version,
}: {
  column: Column;
  index: number;
  rows: readonly Cell[][];
  shown: boolean;
  onToggle: () => void;
  onFilter?: FilterFn;
  version?: number;
}) {
  const [open, setOpen] = useState(false);
  const stats = useMemo(() => (open ? topValues(rows, index) : null), [open, rows, index, version]);
  return (
    <li class={`field${shown ? ' shown' : ''}`}>
      <div class="field-line">
        <input
          type="checkbox"
          checked={shown}
          onChange={onToggle}
          aria-label={`Show ${column.name} in the grid`}
          title={shown ? 'Hide this column' : 'Show this column'}
        />
        <button
          class="field-name"
          aria-expanded={open}
          title={`${column.name} (${column.type}): top values`}
          onClick={() => setOpen(!open)}
        >
          {column.name}
        </button>
      </div>
      {stats ? (
        <div class="field-stats">
          <p class="muted small">
            {count(stats.distinct)} distinct in {count(stats.sampled)} rows
          </p>
          <ul>
            {stats.top.map((t) => {
              const text = cellText(t.value);
              const pct = Math.round((t.n / Math.max(1, stats.sampled)) * 100);
              return (
                <li class="top-value">
                  <span class="top-text" title={text}>
                    {text || <span class="muted">(empty)</span>}
                  </span>
                  <span class="top-bar" aria-hidden="true">
                    <span style={{ width: `${pct}%` }} />
                  </span>
                  <span class="top-pct">{pct}%</span>
                  {onFilter && column.name !== 'eventdate' ? (
                    <>
                      <button
                        class="icon"
                        aria-label={`Filter for ${column.name} ${text}`}
                        title="Filter for this value"
                        onClick={() => onFilter(column.name, t.value, false)}
                      >
                        <FilterForIcon />
                      </button>
                      <button
                        class="icon"
                        aria-label={`Filter out ${column.name} ${text}`}
                        title="Filter out this value"
                        onClick={() => onFilter(column.name, t.value, true)}
                      >
                        <FilterOutIcon />
                      </button>
                    </>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </div>
      ) : null}
    </li>
  );
}

export function FieldList({
  columns,
  rows,
  visible,
  onVisible,
  onFilter,
  version,
}: {
  columns: readonly Column[];
  rows: readonly Cell[][];
  visible: readonly string[];
  onVisible: (names: string[]) => void;
  onFilter?: FilterFn;
  version?: number;
}) {
  const [find, setFind] = useState('');
  const shownSet = new Set(visible);
  const list = columns
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => !find || c.name.toLowerCase().includes(find.toLowerCase()));
  return (
    <nav class="field-list" aria-label="Fields">
      <div class="field-list-head">
        <h2>Fields</h2>
        <span class="muted small">
          {visible.length} of {columns.length} shown
        </span>
      </div>
      <input
        class="field-find"
        aria-label="Find a field"
        placeholder="Find a field"
        value={find}
        onInput={(e) => setFind((e.currentTarget as HTMLInputElement).value)}
      />
      <div class="field-bulk">
        <button class="link small" onClick={() => onVisible(columns.map((c) => c.name))}>
          all
        </button>
        <button class="link small" onClick={() => onVisible(defaultColumns(columns, rows, ''))}>
          compact
        </button>
      </div>
      <ul>
        {list.map(({ c, i }) => (
          <Field
            column={c}
            index={i}
            rows={rows}
            shown={shownSet.has(c.name)}
            version={version}
            onFilter={onFilter}
            onToggle={() =>
              onVisible(
                shownSet.has(c.name)
                  ? visible.filter((n) => n !== c.name)
                  : columns.map((x) => x.name).filter((n) => n === c.name || shownSet.has(n)),
              )
            }
          />
        ))}
      </ul>
    </nav>
  );
}
