// The triage and dashboard endpoints over real HTTP: assign (to someone who may triage), comment,
// acknowledge, close with a classification, reopen, bulk steps that say which alerts they could
// not change and why; dashboards edited, checked (a bad panel query is named) and reset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents } from '../../src/alerts/store/alert-store.js';
import type { AlertEventRecord } from '../../src/alerts/store/model.js';
import type { TriageAnswer } from '../../src/contracts/alerts.js';
import type { ErrorBody } from '../../src/contracts/errors.js';
import { tempDir } from '../helpers/temp.js';
import { Client, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;

function raised(id: string, user: string, first: string, last: string): AlertEventRecord {
  return {
    Id: `${id}.raise`,
    CreationTime: '2026-03-02T12:00:00.000Z',
    AlertId: id,
    Event: 'raised',
    Status: 'new',
    Rule: 'exfiltration/test-rule',
    Pack: 'exfiltration',
    Title: 'Files shared outside',
    Severity: 'high',
    UserId: user,
    Actor: 'm365hunt',
    Count: 3,
    FirstSeen: first,
    LastSeen: last,
    Tenant: 'tenant-1',
    Client: 'contoso',
    Kind: 'threshold',
    Entities: { user: [user] },
    Evidence: [{ time: first, id: 'rec-1', fields: { recipient: 'x@gmail.com' } }],
    Response: [{ action: 'disable-user', entity: 'user', targets: [user] }],
  };
}

beforeAll(async () => {
  t = await startTestServer(tempDir());
  await appendEvents(t.store, [
    raised('A1', 'ana@contoso.com', '2026-03-01T09:00:00Z', '2026-03-01T09:30:00Z'),
    raised('A2', 'ana@contoso.com', '2026-03-01T10:00:00Z', '2026-03-01T10:05:00Z'),
    raised('A3', 'bob@contoso.com', '2026-03-01T11:00:00Z', '2026-03-01T11:01:00Z'),
  ]);
});
afterAll(async () => {
  await t?.close();
});

const as = (role: 'viewer' | 'analyst' | 'responder' | 'admin') => new Client(t, t.tokens[role]);

describe('triage', () => {
  it('lists alerts with when their events happened, not only when they were raised', async () => {
    const list = (await as('viewer').request('GET', '/api/alerts')).json<
      Array<{ id: string; firstSeen: string; lastSeen: string; created: string; suggested: string }>
    >();
    const a1 = list.find((a) => a.id === 'A1')!;
    expect(a1).toMatchObject({
      firstSeen: '2026-03-01T09:00:00Z',
      lastSeen: '2026-03-01T09:30:00Z',
      created: '2026-03-02T12:00:00.000Z',
      suggested: 'disable-user',
    });
  });

  it('assigns to an account that may triage, and refuses one that may not', async () => {
    const ok = await as('analyst').request('POST', '/api/alerts/A1/assign', {
      assignee: 'responder',
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json()).toMatchObject({ assignee: 'responder' });
    const viewer = await as('analyst').request('POST', '/api/alerts/A1/assign', {
      assignee: 'viewer',
    });
    expect(viewer.status).toBe(400);
    expect(viewer.json<{ problems: Array<{ field: string }> }>().problems[0]!.field).toBe(
      'assignee',
    );
    const unknown = await as('analyst').request('POST', '/api/alerts/A1/assign', {
      assignee: 'nobody',
    });
    expect(unknown.status).toBe(400);
    const again = await as('analyst').request('POST', '/api/alerts/A1/assign', {
      assignee: 'responder',
    });
    expect(again.status).toBe(409);
    expect((await as('analyst').request('GET', '/api/alerts/assignees')).json()).toEqual([
      'admin',
      'analyst',
      'responder',
    ]);
  });

  it('keeps comments with who and when, and every step in the history', async () => {
    const c = await as('analyst').request('POST', '/api/alerts/A1/comment', {
      text: 'called the user',
    });
    expect(c.status).toBe(200);
    const alert = (await as('viewer').request('GET', '/api/alerts/A1')).json<{
      commentList: Array<{ by: string; text: string }>;
      history: Array<{ event: string; by: string; assignee?: string }>;
      hunts: Array<{ label: string; query: string }>;
    }>();
    expect(alert.commentList).toEqual([
      expect.objectContaining({ by: 'analyst', text: 'called the user' }),
    ]);
    expect(alert.history.map((h) => h.event)).toEqual(['raised', 'assigned', 'commented']);
    expect(alert.history[1]).toMatchObject({ by: 'analyst', assignee: 'responder' });
    // Searches into the alert's surroundings: the user's records around its events.
    expect(alert.hunts.map((h) => h.query)).toContain(
      'from cloud.office365.management where lower(UserId) = "ana@contoso.com"',
    );
    expect(
      (await as('analyst').request('POST', '/api/alerts/A1/comment', { text: '  ' })).status,
    ).toBe(400);
  });

  it('closes with a classification Sentinel knows, and reopens', async () => {
    const bad = await as('analyst').request('POST', '/api/alerts/A2/close', {
      reason: 'x',
      classification: 'maybe',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/true-positive, benign-positive, false-positive or undetermined/);
    const closed = await as('analyst').request('POST', '/api/alerts/A2/close', {
      reason: 'the partner is allowed',
      classification: 'benign-positive',
    });
    expect(closed.json()).toMatchObject({
      status: 'closed',
      classification: 'benign-positive',
      closeReason: 'the partner is allowed',
    });
    const reopened = await as('analyst').request('POST', '/api/alerts/A2/reopen', {});
    expect(reopened.json()).toMatchObject({ status: 'acknowledged', classification: null });
  });

  it('applies a bulk step in one go, naming the alerts it could not change', async () => {
    await as('analyst').request('POST', '/api/alerts/A3/close', {
      reason: 'test',
      classification: 'false-positive',
    });
    const bulk = await as('analyst').request('POST', '/api/alerts/triage', {
      action: 'close',
      ids: ['A1', 'A2', 'A3', 'NOPE'],
      classification: 'true-positive',
      reason: 'account disabled',
    });
    expect(bulk.status, bulk.text).toBe(200);
    const answer = bulk.json<TriageAnswer>();
    expect(answer.changed.map((a) => [a.id, a.status, a.classification])).toEqual([
      ['A1', 'closed', 'true-positive'],
      ['A2', 'closed', 'true-positive'],
    ]);
    expect(answer.refused).toEqual([
      { id: 'A3', code: 'not-allowed', reason: 'Alert A3 is closed; it cannot be closed.' },
      { id: 'NOPE', code: 'not-found', reason: 'There is no alert NOPE.' },
    ]);
    const empty = await as('analyst').request('POST', '/api/alerts/triage', {
      action: 'ack',
      ids: [],
    });
    expect(empty.status).toBe(400);
    expect(
      (await as('viewer').request('POST', '/api/alerts/triage', { action: 'ack', ids: ['A1'] }))
        .status,
    ).toBe(403);
  });

  it('answers a missing alert with a typed refusal (a code, not words to match)', async () => {
    const missing = await as('viewer').request('GET', '/api/alerts/NOPE');
    expect(missing.status).toBe(404);
    expect(missing.json<ErrorBody>().code).toBe('not-found');
    const step = await as('analyst').request('POST', '/api/alerts/NOPE/ack');
    expect(step.status).toBe(404);
    expect(step.json<ErrorBody>().code).toBe('not-found');
    const bad = await as('analyst').request('POST', '/api/alerts/A1/close', { reason: '' });
    expect(bad.status).toBe(400);
    expect(bad.json<ErrorBody>().code).toBe('bad-request');
  });
});

describe('dashboards', () => {
  const panel = {
    id: 'by-workload',
    title: 'Records by workload',
    kind: 'bar',
    label: 'Workload',
    value: 'events',
    query: 'from cloud.office365.management group by Workload select count() as events',
  };

  it('edits a built-in board, keeps it, and resets it', async () => {
    const boards = (await as('viewer').request('GET', '/api/dashboards')).json<
      Array<{ id: string; builtin: boolean; edited: boolean; panels: Array<{ id: string }> }>
    >();
    const health = boards.find((b) => b.id === 'health')!;
    expect(health).toMatchObject({ builtin: true, edited: false });
    const put = await as('analyst').request('PUT', '/api/dashboards/health', {
      title: 'Collector health',
      panels: [panel, ...health.panels.slice(1)],
    });
    expect(put.status, put.text).toBe(200);
    expect(put.json()).toMatchObject({
      id: 'health',
      builtin: true,
      edited: true,
      owner: 'analyst',
    });
    const after = (await as('viewer').request('GET', '/api/dashboards')).json<
      Array<{ id: string; panels: Array<{ id: string }> }>
    >();
    expect(after.find((b) => b.id === 'health')!.panels[0]!.id).toBe('by-workload');
    expect((await as('analyst').request('DELETE', '/api/dashboards/health')).json()).toEqual({
      deleted: true,
      builtin: true,
    });
    const reset = (await as('viewer').request('GET', '/api/dashboards')).json<
      Array<{ id: string; edited: boolean; panels: Array<{ id: string }> }>
    >();
    expect(reset.find((b) => b.id === 'health')).toMatchObject({ edited: false });
    expect(reset.find((b) => b.id === 'health')!.panels[0]!.id).toBe('status');
  });

  it("makes a board of the team's own, and names a panel's bad query", async () => {
    const bad = await as('analyst').request('PUT', '/api/dashboards/mine', {
      title: 'Mine',
      panels: [{ ...panel, query: 'from cloud.office365.management group by Workloadd' }],
    });
    expect(bad.status).toBe(400);
    expect(
      bad.json<{ problems: Array<{ field: string; message: string }> }>().problems[0],
    ).toMatchObject({
      field: 'panels.0.query',
      message: expect.stringMatching(/Workloadd/),
    });
    const ok = await as('analyst').request('PUT', '/api/dashboards/mine', {
      title: 'Mine',
      panels: [panel],
    });
    expect(ok.json()).toMatchObject({ id: 'mine', builtin: false, edited: true });
    expect(
      (await as('viewer').request('PUT', '/api/dashboards/mine', { title: 'x', panels: [] }))
        .status,
    ).toBe(403);
    expect((await as('analyst').request('DELETE', '/api/dashboards/mine')).status).toBe(200);
    expect((await as('analyst').request('DELETE', '/api/dashboards/mine')).status).toBe(404);
  });
});
