// Leases: collectors sharing a store take one per tenant, so that no tenant is collected twice.
// The semantics on every store kind, then the Keeper protocol of the ClickHouse store against an
// in-memory KeeperMap with strict mode (a server with Keeper does not run here), raced.
import { afterEach, describe, expect, it } from 'vitest';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import type { ChExecutor, ExecOptions, RowsResult } from '../../src/store/clickhouse/executor.js';
import { MANAGEMENT } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore, STORE_KINDS } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(STORE_KINDS)('leases in the %s store', (kind) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });

  it('gives a lease to one owner at a time, renews it, and lets it go', async () => {
    store = await openTestStore(kind, dir);
    expect(await store.acquireLease('tenant:t1', 'collector-a', 60_000)).toBe(true);
    expect(await store.acquireLease('tenant:t1', 'collector-b', 60_000)).toBe(false);
    expect(await store.acquireLease('tenant:t2', 'collector-b', 60_000)).toBe(true);
    expect(await store.acquireLease('tenant:t1', 'collector-a', 60_000)).toBe(true);
    await store.releaseLease('tenant:t1', 'collector-b');
    expect(await store.acquireLease('tenant:t1', 'collector-b', 60_000)).toBe(false);
    await store.releaseLease('tenant:t1', 'collector-a');
    expect(await store.acquireLease('tenant:t1', 'collector-b', 60_000)).toBe(true);
  });

  it('lets another owner take a lease its holder stopped renewing', async () => {
    store = await openTestStore(kind, dir);
    expect(await store.acquireLease('tenant:t1', 'crashed', 100)).toBe(true);
    expect(await store.acquireLease('tenant:t1', 'collector-b', 60_000)).toBe(false);
    await sleep(250);
    expect(await store.acquireLease('tenant:t1', 'collector-b', 60_000)).toBe(true);
    expect(await store.acquireLease('tenant:t1', 'crashed', 100)).toBe(false);
  });
});

/**
 * A KeeperMap table `_leases` with keeper_map_strict_mode: an insert of an existing key fails; a
 * conditioned update or delete applies atomically. Each operation yields first, so that
 * concurrent callers interleave between their steps as they would over the network.
 */
class FakeKeeper implements ChExecutor {
  readonly kind = 'http' as const;
  now = 1_000_000;
  readonly leases = new Map<string, { owner: string; expires: number }>();
  readonly strictness: unknown[] = [];
  readonly writer = {
    command: async () => undefined,
    select: async (): Promise<RowsResult> => ({ columns: [], rows: [] }),
    insertTsv: async () => undefined,
  };

  private async turn(): Promise<void> {
    await sleep(Math.random() * 3);
  }

  async command(sql: string, options: ExecOptions = {}): Promise<void> {
    await this.turn();
    if (!sql.includes('`_leases`') || sql.startsWith('CREATE')) return;
    const p = options.params as Record<string, string>;
    this.strictness.push(options.settings?.keeper_map_strict_mode);
    const current = this.leases.get(p.n!);
    if (sql.startsWith('INSERT')) {
      if (current)
        throw new Error('Code: 999. Coordination::Exception: Node exists (KEEPER_EXCEPTION)');
      this.leases.set(p.n!, { owner: p.o!, expires: this.now + Number(p.ttl) });
    } else if (sql.startsWith('ALTER TABLE')) {
      if (current && current.owner === p.o) current.expires = this.now + Number(p.ttl);
    } else if (sql.startsWith('DELETE')) {
      const expiresMatch = p.e === undefined || current?.expires === Date.parse(`${p.e}Z`);
      if (current?.owner === p.o && expiresMatch) this.leases.delete(p.n!);
    }
  }

  async select(sql: string, options: ExecOptions = {}): Promise<RowsResult> {
    await this.turn();
    if (sql.includes('system.columns')) {
      return { columns: [], rows: MANAGEMENT.columns.map((c) => [c.name]) };
    }
    if (!sql.includes('`_leases`')) return { columns: [], rows: [] };
    const current = this.leases.get((options.params as Record<string, string>).n!);
    if (!current) return { columns: [], rows: [] };
    const expires = new Date(current.expires);
    return {
      columns: [],
      rows: sql.includes('expired')
        ? [[current.owner, expires, current.expires <= this.now ? 1 : 0]]
        : [[current.owner]],
    };
  }

  async stream(): Promise<never> {
    throw new Error('not used');
  }

  async close(): Promise<void> {}
}

describe('ClickHouse leases in Keeper', () => {
  async function storeOn(keeper: FakeKeeper, name: string): Promise<ClickHouseStore> {
    const store = await ClickHouseStore.open(
      keeper,
      { database: 'hunt', cluster: 'prod' },
      { location: name, leases: 'keeper' },
    );
    expect(store.leases).toBe('keeper');
    return store;
  }

  it('takes, renews, refuses, takes over when expired, and releases', async () => {
    const keeper = new FakeKeeper();
    const a = await storeOn(keeper, 'a');
    expect(await a.acquireLease('tenant:t1', 'a', 1000)).toBe(true);
    expect(await a.acquireLease('tenant:t1', 'b', 1000)).toBe(false);
    keeper.now += 500;
    expect(await a.acquireLease('tenant:t1', 'a', 1000)).toBe(true);
    expect(keeper.leases.get('tenant:t1')).toEqual({ owner: 'a', expires: keeper.now + 1000 });
    keeper.now += 1001;
    expect(await a.acquireLease('tenant:t1', 'b', 1000)).toBe(true);
    expect(await a.acquireLease('tenant:t1', 'a', 1000)).toBe(false);
    await a.releaseLease('tenant:t1', 'a');
    expect(keeper.leases.get('tenant:t1')?.owner).toBe('b');
    await a.releaseLease('tenant:t1', 'b');
    expect(keeper.leases.has('tenant:t1')).toBe(false);
    // Every change to the lease table runs in strict mode.
    expect(new Set(keeper.strictness)).toEqual(new Set([1]));
  });

  it('gives a contested lease to exactly one collector, fresh or expired', async () => {
    const keeper = new FakeKeeper();
    const stores = await Promise.all(['c1', 'c2', 'c3', 'c4'].map((n) => storeOn(keeper, n)));
    for (let round = 0; round < 25; round++) {
      const name = `tenant:${round}`;
      if (round % 2 === 1) {
        // A crashed holder whose lease has lapsed.
        keeper.leases.set(name, { owner: 'crashed', expires: keeper.now - 1 });
      }
      const won = await Promise.all(
        stores.map((s, i) => s.acquireLease(name, `c${i + 1}`, 60_000)),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(keeper.leases.get(name)?.owner).toBe(`c${won.indexOf(true) + 1}`);
    }
  });
});
