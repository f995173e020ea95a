// The action log on every store kind: rows appended through ingest come back in order with LINQ,
// fold into the action's state, and list from the columns alone.
import { afterAll, describe, expect, it } from 'vitest';
import { appendRows, listSummaries, readRows } from '../../src/respond/log.js';
import { foldAction, type ActionEventRecord } from '../../src/respond/model.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore, STORE_KINDS } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const stores: Store[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
});

function row(
  step: ActionEventRecord['Step'],
  n: number,
  extra: Partial<ActionEventRecord> = {},
): ActionEventRecord {
  return {
    Id: `act-1.${step}.${n}`,
    CreationTime: `2026-03-02T09:00:0${n}.000Z`,
    ActionId: 'act-1',
    StepNo: n,
    Step: step,
    Status: 'running',
    Action: 'disable-user',
    UserId: 'ana@contoso.com',
    Tenant: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
    Client: 'contoso',
    Actor: 'rui',
    Via: 'cli',
    ...extra,
  };
}

describe.each(STORE_KINDS)('the action log on %s', (kind) => {
  it('appends, reads back in order, folds and lists', async () => {
    const store = await openTestStore(kind, dir);
    stores.push(store);
    const spec = {
      kind: 'disable-user' as const,
      user: 'ana@contoso.com',
      revokeSessions: true,
      removeSharing: false,
    };
    await appendRows(store, [
      row('proposed', 1, { Status: 'proposed', Spec: spec, Reason: 'why "quoted"' }),
    ]);
    await appendRows(store, [row('approved', 2, { Status: 'approved' })]);
    await appendRows(store, [
      row('executed', 3, {
        Outcome: 'done',
        HttpStatus: 204,
        Result: {
          key: 'disable',
          change: 'disable',
          target: 'ana@contoso.com',
          outcome: 'done',
          message: 'disabled',
          graph: null,
        },
      }),
      row('completed', 4, { Status: 'verified' }),
    ]);
    const rows = await readRows(store, ['act-1']);
    expect(rows.map((r) => r.Step)).toEqual(['proposed', 'approved', 'executed', 'completed']);
    const view = foldAction(rows)!;
    expect(view).toMatchObject({ status: 'verified', approvedBy: 'rui', reason: 'why "quoted"' });
    expect(view.results).toHaveLength(1);
    const [summary] = await listSummaries(store);
    expect(summary).toMatchObject({
      id: 'act-1',
      status: 'verified',
      outcomes: { done: 1 },
      client: 'contoso',
    });
    expect(await readRows(store, ['act-none'])).toEqual([]);
  });
});
