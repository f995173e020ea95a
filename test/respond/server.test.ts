// The respond port through the server's HTTP API, with the roles of the policy table: an analyst
// proposes and cannot approve, a responder approves (it runs and verifies), rejects, undoes; a dry
// run changes nothing; the log lists flat rows; no answer carries a token or the app's secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/server/auth/accounts.js';
import { Tokens } from '../../src/server/auth/tokens.js';
import { startServer, type RunningServer } from '../../src/app/runtime.js';
import { DEFAULT_SETTINGS } from '../../src/server/settings.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { setLogLevel } from '../../src/util/log.js';
import { simConfig, startTestSimulator } from '../helpers/simulator.js';
import { tempDir } from '../helpers/temp.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { tenantUsers } from './helpers.js';

type Json = Record<string, unknown>;

let sim: SimulatorHandle;
let store: Store;
let server: RunningServer;
let members: string[];
const bearer: Record<'viewer' | 'analyst' | 'responder' | 'admin', string> = {
  viewer: '',
  analyst: '',
  responder: '',
  admin: '',
};
const bodies: string[] = [];

beforeAll(async () => {
  setLogLevel('warn');
  const dir = tempDir();
  sim = await startTestSimulator({ users: 12, days: 0, scenarios: [] });
  const { config } = await simConfig(sim, dir);
  store = await openStore(config.store.url!);
  const accounts = new Accounts(store);
  const tokens = new Tokens(store);
  for (const role of ['viewer', 'analyst', 'responder', 'admin'] as const) {
    await accounts.create(role, role, `${role}-password-1234`);
    bearer[role] = (await tokens.create(role, `${role} test`, role)).token;
  }
  server = await startServer({
    store,
    config,
    settings: { ...DEFAULT_SETTINGS, collect: false },
    host: '127.0.0.1',
    port: 0,
    webRoot: null,
  });
  members = (await tenantUsers(sim))
    .filter((u) => u.adminRoles.length === 0)
    .map((u) => u.userPrincipalName);
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

async function call(
  role: keyof typeof bearer,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer[role]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  bodies.push(text);
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as Json };
}

const request = (user: string, dryRun?: boolean) => ({
  action: 'disable-user',
  user,
  revokeSessions: true,
  removeSharing: false,
  ...(dryRun === undefined ? {} : { dryRun }),
});

describe('the respond API', () => {
  let proposed: string;

  it('lets an analyst propose and a responder approve; the analyst cannot approve', async () => {
    const p = await call('analyst', 'POST', '/api/actions/propose', {
      ...request(members[0]!),
      reason: 'shared the roadmap with a competitor',
    });
    expect(p.status).toBe(200);
    expect(p.json).toMatchObject({
      status: 'proposed',
      action: 'disable-user',
      proposedBy: 'analyst',
    });
    proposed = String(p.json.id);
    expect(
      (await call('viewer', 'POST', '/api/actions/propose', request(members[0]!))).status,
    ).toBe(403);
    expect((await call('analyst', 'POST', `/api/actions/${proposed}/approve`)).status).toBe(403);
    const a = await call('responder', 'POST', `/api/actions/${proposed}/approve`);
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({ id: proposed, status: 'verified', approvedBy: 'responder' });
    expect(String(a.json.summary)).toMatch(/2 changed; checks 2\/2 ok/);
    // Approving twice is a conflict, not a second run.
    expect((await call('responder', 'POST', `/api/actions/${proposed}/approve`)).status).toBe(409);
  });

  it('answers a dry run with the plan and changes nothing; four eyes: no one runs or approves alone', async () => {
    const dry = await call('responder', 'POST', '/api/actions', request(members[1]!, true));
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ dryRun: true, user: members[1], accountEnabled: true });
    expect((dry.json.changes as Json[]).map((c) => c.key)).toEqual(['disable', 'revoke']);
    const again = await call('responder', 'POST', '/api/actions', request(members[1]!, true));
    expect(again.json.accountEnabled).toBe(true);
    // A real run by one person is refused: it has to be proposed, and approved by someone else.
    const alone = await call('responder', 'POST', '/api/actions', request(members[1]!, false));
    expect(alone.status).toBe(403);
    expect(String(alone.json.error)).toMatch(/Four eyes/);
    const p = await call('responder', 'POST', '/api/actions/propose', request(members[1]!));
    const id = String(p.json.id);
    const own = await call('responder', 'POST', `/api/actions/${id}/approve`);
    expect(own.status).toBe(403);
    expect(String(own.json.error)).toMatch(/a second person must approve it/);
    expect((await call('viewer', 'GET', `/api/actions/${id}`)).json.status).toBe('proposed');
    const run = await call('admin', 'POST', `/api/actions/${id}/approve`);
    expect(run.json).toMatchObject({
      status: 'verified',
      proposedBy: 'responder',
      approvedBy: 'admin',
    });
    expect((await call('analyst', 'POST', '/api/actions', request(members[1]!, true))).status).toBe(
      403,
    );
  });

  it('rejects with a reason, undoes a disable, and lists the log as flat rows', async () => {
    const p = await call('analyst', 'POST', '/api/actions/propose', request(members[2]!));
    const id = String(p.json.id);
    expect((await call('responder', 'POST', `/api/actions/${id}/reject`, {})).status).toBe(400);
    const r = await call('responder', 'POST', `/api/actions/${id}/reject`, {
      reason: 'false positive',
    });
    expect(r.json).toMatchObject({ status: 'rejected', rejectedBy: 'responder' });

    const u = await call('responder', 'POST', `/api/actions/${proposed}/undo`, {
      reason: 'cleared',
    });
    expect(u.json).toMatchObject({ action: 'enable-user', status: 'verified', undoOf: proposed });
    expect((await call('viewer', 'GET', `/api/actions/${proposed}`)).json).toMatchObject({
      status: 'undone',
      undoneBy: u.json.id,
    });

    const list = await fetch(`${server.url}/api/actions?limit=50`, {
      headers: { authorization: `Bearer ${bearer.viewer}` },
    });
    const rows = (await list.json()) as Json[];
    expect(rows.map((x) => x.status).sort()).toEqual([
      'rejected',
      'undone',
      'verified',
      'verified',
    ]);
    for (const row of rows)
      for (const v of Object.values(row)) expect(v === null || typeof v !== 'object').toBe(true);
    expect((await call('responder', 'POST', '/api/actions/act-nope/approve')).status).toBe(404);
    expect((await call('viewer', 'GET', '/api/actions/act-nope')).status).toBe(404);
  });

  it('answers 404 naming the problem for a user Graph does not know', async () => {
    const r = await call('responder', 'POST', '/api/actions', request('nobody@contoso.com', true));
    expect(r.status).toBe(404);
    expect(String(r.json.error)).toMatch(/There is no user nobody@contoso.com/);
  });

  it('never sends a token or the app secret in an answer', () => {
    const all = bodies.join('\n');
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\./);
    expect(all).not.toContain(sim.clientSecret);
  });
});
