// The time-range picker: relative presets (last 15 minutes … 7 days) and a custom range that takes
// what the CLI takes (now-2d, 7d, 2026-03-01T10:00Z). The server reads the text, so both agree.
import { useEffect, useState } from 'preact/hooks';
import type { Range } from '../lib/range';

export type { Range };

const PRESETS: ReadonlyArray<{ label: string; from: string }> = [
  { label: 'Last 15 minutes', from: 'now-15m' },
  { label: 'Last hour', from: 'now-1h' },
  { label: 'Last 24 hours', from: 'now-1d' },
  { label: 'Last 2 days', from: 'now-2d' },
  { label: 'Last 7 days', from: 'now-7d' },
  { label: 'Last 30 days', from: 'now-30d' },
];

export function TimeRange({ value, onChange }: { value: Range; onChange: (r: Range) => void }) {
  const preset = value.to === 'now' ? PRESETS.find((p) => p.from === value.from) : undefined;
  const [custom, setCustom] = useState(!preset);
  const [from, setFrom] = useState(value.from);
  const [to, setTo] = useState(value.to);
  useEffect(() => {
    setFrom(value.from);
    setTo(value.to);
  }, [value.from, value.to]);
  return (
    <div class="timerange">
      <label>
        <span class="sr-only">Time range</span>
        <select
          aria-label="Time range"
          value={custom ? 'custom' : (preset?.from ?? 'custom')}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            if (v === 'custom') setCustom(true);
            else {
              setCustom(false);
              onChange({ from: v, to: 'now' });
            }
          }}
        >
          {PRESETS.map((p) => (
            <option value={p.from}>{p.label}</option>
          ))}
          <option value="custom">Custom range…</option>
        </select>
      </label>
      {custom ? (
        <form
          class="custom-range"
          onSubmit={(e) => {
            e.preventDefault();
            onChange({ from: from.trim(), to: to.trim() || 'now' });
          }}
        >
          <input
            aria-label="From"
            value={from}
            onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)}
            placeholder="now-2d or 2026-03-01T00:00Z"
            size={20}
          />
          <span aria-hidden="true">→</span>
          <input
            aria-label="To"
            value={to}
            onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)}
            placeholder="now"
            size={20}
          />
          <button type="submit" class="secondary">
            Apply
          </button>
        </form>
      ) : null}
    </div>
  );
}
