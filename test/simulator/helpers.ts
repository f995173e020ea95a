// Shared helpers for simulator tests: start a small simulator, get tokens, call the APIs.
import {
  type SimulatorHandle,
  type SimulatorOptions,
  startSimulator,
} from '../../src/simulator/index.js';

/** A fixed sim start: Wednesday 2026-03-04 12:00 UTC (office hours in the tenant). */
export const NOW = new Date('2026-03-04T12:00:00Z');

export async function small(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  return startSimulator({ users: 12, days: 1, now: NOW, speed: 0, ...options });
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function tokenRequest(
  sim: SimulatorHandle,
  params: Record<string, string>,
  version: 'v1' | 'v2' = 'v2',
  tenant = sim.tenantId,
): Promise<TokenAnswer> {
  const path = version === 'v1' ? 'oauth2/token' : 'oauth2/v2.0/token';
  const res = await fetch(`${sim.url}/${tenant}/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function token(
  sim: SimulatorHandle,
  resource: 'manage' | 'graph' = 'manage',
): Promise<string> {
  const scope =
    resource === 'manage'
      ? 'https://manage.office.com/.default'
      : 'https://graph.microsoft.com/.default';
  const t = await tokenRequest(sim, {
    grant_type: 'client_credentials',
    client_id: sim.clientId,
    client_secret: sim.clientSecret,
    scope,
  });
  if (t.status !== 200) throw new Error(`token: ${JSON.stringify(t.body)}`);
  return t.body.access_token as string;
}

export function claims(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function feed(sim: SimulatorHandle, path: string, tenant = sim.tenantId): string {
  return `${sim.url}/api/v1.0/${tenant}/activity/feed/${path}`;
}

export async function api(
  sim: SimulatorHandle,
  bearer: string | null,
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const headers = new Headers(init.headers);
  if (bearer) headers.set('Authorization', `Bearer ${bearer}`);
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: () => JSON.parse(text) as unknown,
  };
}

export function afCode(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

export interface ContentEntry {
  contentType: string;
  contentId: string;
  contentUri: string;
  contentCreated: string;
  contentExpiration: string;
}

/** Window bound in Microsoft's YYYY-MM-DDTHH:MM:SS form. */
export function at(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Lists one window, following NextPageUri to the end. */
export async function listAll(
  sim: SimulatorHandle,
  bearer: string,
  contentType: string,
  start: number,
  end: number,
): Promise<{ entries: ContentEntry[]; pages: number }> {
  let url: string | null =
    `${feed(sim, 'subscriptions/content')}?contentType=${contentType}&startTime=${at(start)}&endTime=${at(end)}&PublisherIdentifier=${sim.tenantId}`;
  const entries: ContentEntry[] = [];
  let pages = 0;
  while (url) {
    const r = await api(sim, bearer, url);
    if (r.status !== 200) throw new Error(`listing ${url}: ${r.status} ${r.text}`);
    entries.push(...(r.json() as ContentEntry[]));
    pages++;
    url = r.headers.get('NextPageUri');
  }
  return { entries, pages };
}

/** Every available blob of every content type over the last 24 h (as a collector would get it). */
export async function collectAll(
  sim: SimulatorHandle,
  bearer: string,
  types = [
    'Audit.AzureActiveDirectory',
    'Audit.Exchange',
    'Audit.SharePoint',
    'Audit.General',
    'DLP.All',
  ],
): Promise<Array<{ entry: ContentEntry; records: Array<Record<string, unknown>> }>> {
  const now = sim.now().getTime();
  const out: Array<{ entry: ContentEntry; records: Array<Record<string, unknown>> }> = [];
  for (const ct of types) {
    const { entries } = await listAll(sim, bearer, ct, now - 24 * 3600_000 + 1000, now + 1000);
    for (const entry of entries) {
      const r = await api(sim, bearer, `${entry.contentUri}?PublisherIdentifier=${sim.tenantId}`);
      if (r.status !== 200) throw new Error(`blob ${entry.contentId}: ${r.status} ${r.text}`);
      out.push({ entry, records: r.json() as Array<Record<string, unknown>> });
    }
  }
  return out;
}

export async function control(
  sim: SimulatorHandle,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${sim.url}/_sim/${path}`, {
    ...init,
    headers: {
      'Content-Type': 'application/json',
      ...(init.headers as Record<string, string> | undefined),
    },
  });
}
