import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { ingestRecords, openTestStore, STORE_KINDS } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();

describe.each(STORE_KINDS)('application state in the %s store', (kind) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });

  it('writes, versions, lists and deletes documents', async () => {
    store = await openTestStore(kind, dir);
    expect(await store.getState('accounts', 'ana')).toBeUndefined();
    expect(await store.putState('accounts', 'ana', { role: 'analyst' })).toBe(1);
    expect(await store.putState('accounts', 'ana', { role: 'responder' })).toBe(2);
    await store.putState('accounts', 'bob', { role: 'viewer' });
    await store.putState('other', 'x', { n: 1 });
    const ana = await store.getState<{ role: string }>('accounts', 'ana');
    expect(ana).toMatchObject({ id: 'ana', version: 2, doc: { role: 'responder' } });
    expect((await store.listState('accounts')).map((d) => d.id)).toEqual(['ana', 'bob']);
    expect(await store.deleteState('accounts', 'bob')).toBe(true);
    expect(await store.deleteState('accounts', 'bob')).toBe(false);
    expect((await store.listState('accounts')).map((d) => d.id)).toEqual(['ana']);
  });

  it('refuses a write whose expected version is stale', async () => {
    store = await openTestStore(kind, dir);
    expect(await store.putState('engine', 'rule-1', { seq: 10 }, 0)).toBe(1);
    expect(await store.putState('engine', 'rule-1', { seq: 20 }, 0)).toBeNull();
    expect(await store.putState('engine', 'rule-1', { seq: 20 }, 1)).toBe(2);
    expect(await store.putState('engine', 'rule-1', { seq: 30 }, 1)).toBeNull();
    expect((await store.getState('engine', 'rule-1'))?.doc).toEqual({ seq: 20 });
  });

  it('commits state with rows, or neither', async () => {
    store = await openTestStore(kind, dir);
    await store.ingest({
      sets: [],
      states: [{ collection: 'engine', id: 'pos', doc: { seq: 1 } }],
    });
    expect((await store.getState('engine', 'pos'))?.doc).toEqual({ seq: 1 });
    await expect(
      store.ingest({
        sets: [],
        states: [{ collection: 'engine', id: 'pos', doc: { seq: 2 } }],
        cursor: { key: { source: 's', tenant: 't', stream: 'x' }, state: { bad: 1n } },
      }),
    ).rejects.toThrow();
    expect((await store.getState('engine', 'pos'))?.doc).toEqual({ seq: 1 });
    await ingestRecords(store, []);
    await store.ingest({ sets: [], states: [{ collection: 'engine', id: 'pos', doc: null }] });
    expect(await store.getState('engine', 'pos')).toBeUndefined();
  });
});
