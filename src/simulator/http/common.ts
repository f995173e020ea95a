// Small helpers shared by the simulator's HTTP routes.

/** Query parameters with case-insensitive keys (first value wins), as ASP.NET binds them. */
export function queryOf(url: string): Map<string, string> {
  const out = new Map<string, string>();
  const q = new URL(url).searchParams;
  for (const [k, v] of q) {
    const key = k.toLowerCase();
    if (!out.has(key)) out.set(key, v);
  }
  return out;
}

/** The origin clients used to reach us (so contentUri / NextPageUri point back here). */
export function originOf(url: string): string {
  return new URL(url).origin;
}

export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
