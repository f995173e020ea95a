// One record whole, in a panel beside the grid (as Kibana's document view): every field with its
// whole value, "filter for" and "filter out" buttons that edit the query, copy; the raw record as
// it came from Microsoft (the `message` column) pretty-printed; previous and next record.
import { CopyIcon, FilterForIcon, FilterOutIcon } from './Icons';
import { useEffect, useState } from 'preact/hooks';
import { cellText, copyText } from '../lib/format';
import type { Cell, Column } from '../lib/types';

/** `raw`: the field is one of the raw record's (`message`), not a column. */
export type FilterFn = (field: string, value: Cell, negate: boolean, raw?: boolean) => void;

/** The raw record of a row: its `message` (or `record`) column parsed, when it is JSON. */
export function rawRecord(columns: readonly Column[], row: readonly Cell[]): unknown {
  for (const name of ['message', 'record']) {
    const i = columns.findIndex((c) => c.name === name);
    if (i < 0) continue;
    const v = row[i] ?? null;
    if (typeof v === 'string') {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        return v;
      }
    }
    if (v !== null) return v;
  }
  return null;
}

const filterable = (v: Cell) => v === null || typeof v !== 'object';

function FieldRow({
  name,
  value,
  onFilter,
  hint,
  raw,
}: {
  name: string;
  value: Cell;
  onFilter?: FilterFn;
  hint?: string;
  raw?: boolean;
}) {
  const text =
    typeof value === 'object' && value !== null ? JSON.stringify(value) : cellText(value);
  return (
    <tr>
      <th scope="row" title={hint}>
        {name}
      </th>
      <td class="field-value">{text === '' ? <span class="muted">(empty)</span> : text}</td>
      <td class="field-actions">
        {onFilter && filterable(value) && !/^(eventdate|message)$/.test(name) ? (
          <>
            <button
              class="icon"
              title={`Filter for ${name} = ${text || 'empty'}`}
              aria-label={`Filter for ${name}`}
              onClick={() => onFilter(name, value, false, raw)}
            >
              <FilterForIcon />
            </button>
            <button
              class="icon"
              title={`Filter out ${name} = ${text || 'empty'}`}
              aria-label={`Filter out ${name}`}
              onClick={() => onFilter(name, value, true, raw)}
            >
              <FilterOutIcon />
            </button>
          </>
        ) : null}
        <button
          class="icon"
          title="Copy the value"
          aria-label={`Copy ${name}`}
          onClick={() => void copyText(text)}
        >
          <CopyIcon />
        </button>
      </td>
    </tr>
  );
}

export function RecordView({
  columns,
  row,
  position,
  onFilter,
  onClose,
  onStep,
}: {
  columns: readonly Column[];
  row: readonly Cell[];
  /** e.g. "Record 3 of 1,204". */
  position?: string;
  onFilter?: FilterFn;
  onClose: () => void;
  onStep?: (delta: 1 | -1) => void;
}) {
  const [tab, setTab] = useState<'fields' | 'json'>('fields');
  const raw = rawRecord(columns, row);
  const rawFields =
    raw && typeof raw === 'object' && !Array.isArray(raw)
      ? Object.entries(raw as Record<string, Cell>).filter(
          ([k]) => !columns.some((c) => c.name === k),
        )
      : [];
  const json = JSON.stringify(
    raw ?? Object.fromEntries(columns.map((c, i) => [c.name, row[i] ?? null])),
    null,
    2,
  );
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest('input, textarea, .cm-editor')) return;
      if (e.key === 'Escape') onClose();
      else if (onStep && (e.key === 'j' || e.key === 'ArrowDown') && e.altKey) onStep(1);
      else if (onStep && (e.key === 'k' || e.key === 'ArrowUp') && e.altKey) onStep(-1);
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [onClose, onStep]);
  return (
    <aside class="record-view" aria-label="Record" data-testid="record-view">
      <header class="record-head">
        <h2>Record</h2>
        <span class="muted small">{position}</span>
        <span class="spacer" />
        {onStep ? (
          <>
            <button class="secondary small" title="Previous (Alt-↑)" onClick={() => onStep(-1)}>
              ↑
            </button>
            <button class="secondary small" title="Next (Alt-↓)" onClick={() => onStep(1)}>
              ↓
            </button>
          </>
        ) : null}
        <button class="secondary small" onClick={onClose} aria-label="Close the record">
          ✕
        </button>
      </header>
      <div class="tabs small-tabs" role="tablist">
        <button
          role="tab"
          class="tab"
          aria-selected={tab === 'fields'}
          onClick={() => setTab('fields')}
        >
          Fields
        </button>
        <button
          role="tab"
          class="tab"
          aria-selected={tab === 'json'}
          onClick={() => setTab('json')}
        >
          {raw ? 'Raw record (JSON)' : 'JSON'}
        </button>
      </div>
      {tab === 'fields' ? (
        <div class="record-body">
          <table class="fields-table">
            <tbody>
              {columns
                .map((c, i) => ({ c, v: row[i] ?? null }))
                .filter(({ c }) => c.name !== 'message' && c.name !== 'record')
                .map(({ c, v }) => (
                  <FieldRow name={c.name} value={v} onFilter={onFilter} hint={c.type} />
                ))}
            </tbody>
          </table>
          {rawFields.length ? (
            <>
              <h3>In the raw record</h3>
              <table class="fields-table">
                <tbody>
                  {rawFields.map(([k, v]) => (
                    <FieldRow
                      name={k}
                      value={v}
                      onFilter={onFilter}
                      hint={`jsonparse(message)["${k}"]`}
                      raw
                    />
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </div>
      ) : (
        <div class="record-body">
          <button class="secondary small copy-json" onClick={() => void copyText(json)}>
            Copy JSON
          </button>
          <pre class="json" data-testid="record-json">
            {json}
          </pre>
        </div>
      )}
    </aside>
  );
}
