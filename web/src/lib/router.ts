// A tiny history router: the path and query string are the app's state, so every view has a link
// that can be shared, bookmarked and opened in a new tab.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const l of listeners) l();
  if (!options.replace) window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => {
  for (const l of listeners) l();
});

export interface Location {
  readonly path: string;
  readonly params: URLSearchParams;
}

export function useLocation(): Location {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return { path: location.pathname, params: new URLSearchParams(location.search) };
}

/** `/search?q=…&from=…`: the link that opens a query in the search page. */
export function searchLink(query: string, from?: string, to?: string): string {
  const p = new URLSearchParams({ q: query });
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  return `/search?${p.toString()}`;
}

export const userLink = (upn: string) => `/users/${encodeURIComponent(upn)}`;

/** The current query string with some parameters changed (null removes one). */
export function withParams(patch: Record<string, string | null | undefined>): string {
  const p = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined || v === '') p.delete(k);
    else p.set(k, v);
  }
  const q = p.toString();
  return `${location.pathname}${q ? `?${q}` : ''}`;
}

/** A search link that remembers where it came from (an alert, a user), for the way back. */
export function huntLink(
  query: string,
  from: string,
  to: string,
  back?: { href: string; label: string },
): string {
  const p = new URLSearchParams({ q: query, from, to });
  if (back) {
    p.set('back', back.href);
    p.set('backLabel', back.label);
  }
  return `/search?${p.toString()}`;
}
