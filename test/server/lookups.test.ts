// Lookups over the HTTP API: an analyst loads a CSV, a viewer reads it and queries with lu(…); a
// bad CSV is a 400 that says where; an unknown lookup in a query is a positioned 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import {
  answerRows,
  Client,
  SEED_FROM,
  SEED_TO,
  startTestServer,
  type TestServer,
} from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(tempDir());
});
afterAll(async () => {
  await t?.close();
});

describe('lookups over the API', () => {
  it('an analyst loads a CSV; a viewer lists it, reads its rows and queries with it', async () => {
    const analyst = new Client(t, t.tokens.analyst);
    const viewer = new Client(t, t.tokens.viewer);
    const csv = 'user,role\nana@contoso.com,finance-admin\nbob@contoso.com,sales\n';
    expect(
      (await viewer.request('POST', '/api/lookups/VIP', { csv })).status,
      'viewers cannot load',
    ).toBe(403);
    const loaded = await analyst.request('POST', '/api/lookups/VIP', { csv, source: 'vip.csv' });
    expect(loaded.status, loaded.text).toBe(201);
    expect(loaded.json()).toMatchObject({ version: 1, rows: 2, key: 'user', source: 'vip.csv' });
    const list = (await viewer.request('GET', '/api/lookups')).json<Array<{ name: string }>>();
    expect(list.map((l) => l.name)).toEqual(['VIP']);
    const shown = (await viewer.request('GET', '/api/lookups/VIP')).json<{ rows: unknown[] }>();
    expect(shown.rows).toEqual([
      { user: 'ana@contoso.com', role: 'finance-admin' },
      { user: 'bob@contoso.com', role: 'sales' },
    ]);
    const answer = await viewer.request('POST', '/api/query', {
      query:
        'from cloud.office365.management where isnotnull(lu("VIP", "role", UserId)) group by UserId select lu("VIP", "role", UserId) as role, count() as n',
      from: SEED_FROM,
      to: SEED_TO,
    });
    expect(answer.status, answer.text).toBe(200);
    const { columns, rows } = answerRows(answer.text);
    expect(columns.slice(0, 3)).toEqual(['UserId', 'role', 'n']);
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ['ana@contoso.com', 'finance-admin'],
      ['bob@contoso.com', 'sales'],
    ]);
  });

  it('a bad CSV or key is a 400 saying where; an unknown lookup in a query is positioned', async () => {
    const analyst = new Client(t, t.tokens.analyst);
    const bad = await analyst.request('POST', '/api/lookups/Broken', { csv: 'a,b\n1,2,3\n' });
    expect(bad.status).toBe(400);
    expect(bad.json<{ error: string }>().error).toContain('line 2');
    const dup = await analyst.request('POST', '/api/lookups/Broken', { csv: 'a,b\n1,x\n1,y\n' });
    expect(dup.status).toBe(400);
    expect(dup.json<{ error: string }>().error).toContain('row 2');
    const name = await analyst.request('POST', '/api/lookups/has%20space', { csv: 'a\n1\n' });
    expect(name.status).toBe(400);
    const check = await analyst.request('POST', '/api/query/check', {
      query: 'from cloud.office365.management select lu("Nope", "x", UserId) as v',
    });
    expect(check.status).toBe(400);
    const body = check.json<{ error: string; position: { column: number } }>();
    expect(body.error).toContain('Unknown lookup `Nope`');
    expect(body.position.column).toBe(43); // the lookup's name, under the caret
  });
});
