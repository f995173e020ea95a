// The time range the analyst is looking at, kept across pages (search, a user, dashboards): the
// link's own range wins (a shared link means what it says), else the last one chosen in this tab.
import { useState } from 'preact/hooks';

export interface Range {
  readonly from: string;
  readonly to: string;
}

const KEY = 'm365hunt.range';
export const DEFAULT_RANGE: Range = { from: 'now-1d', to: 'now' };

export function lastRange(fallback: Range = DEFAULT_RANGE): Range {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Range | null;
    if (saved && typeof saved.from === 'string' && typeof saved.to === 'string') return saved;
  } catch {
    // a broken value: the default
  }
  return fallback;
}

export function rememberRange(range: Range): void {
  sessionStorage.setItem(KEY, JSON.stringify(range));
}

/** The page's range: the URL's, else the remembered one; changing it remembers it. */
export function useRange(params: URLSearchParams, fallback?: Range): [Range, (r: Range) => void] {
  const [range, set] = useState<Range>(() => {
    const from = params.get('from');
    const to = params.get('to');
    return from ? { from, to: to ?? 'now' } : lastRange(fallback);
  });
  return [
    range,
    (r: Range) => {
      rememberRange(r);
      set(r);
    },
  ];
}
