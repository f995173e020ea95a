// How values look in the app: times in UTC (as the records are), numbers grouped, JSON compact.
import type { Cell } from './types';

const ISO_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Whether a text is an ISO time (shown whole, in UTC, to the millisecond). */
export const isIsoTime = (value: unknown): value is string =>
  typeof value === 'string' && ISO_RE.test(value);

export function cellText(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'string') {
    if (!ISO_RE.test(value)) return value;
    // Times without a zone are UTC, as the records' are (CreationTime).
    const d = new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
    return Number.isNaN(d.getTime()) ? value : d.toISOString().replace('T', ' ').replace('Z', '');
  }
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/0+$/, '');
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function timeText(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').slice(0, 19);
}

export function durationText(ms: number | null): string {
  if (ms === null) return '–';
  const s = Math.abs(ms) / 1000;
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h ${Math.round((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.round((s % 86400) / 3600)}h`;
}

export const count = (n: number) => n.toLocaleString('en-US');

/** Bytes as people read them: 1.2 MB. */
export function bytesText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${n < 0 ? '-' : ''}${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** Whether a column holds byte counts (by its name). */
export const isBytesColumn = (name: string) => /^(bytes|size|total_?bytes|.*_bytes)$/i.test(name);

/** Copies text to the clipboard; falls back to a hidden text area where the API is missing. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}
