// How values look in the app: times in UTC (as the records are), numbers grouped, JSON compact.
import type { Cell } from './types';

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export function cellText(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'string')
    return ISO_RE.test(value) ? value.replace('T', ' ').replace('Z', '') : value;
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
