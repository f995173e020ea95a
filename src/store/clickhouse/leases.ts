// ClickHouse store: named leases (KeeperMap on a server, a local table otherwise).
import { M365HuntError } from '../../util/errors.js';
import type { Settings } from './executor.js';
import { TIMESTAMP_TYPE } from './types.js';
import { formatUtc } from './values.js';
import { COMMIT_LEASE, str, isTrue, ClickHouseBase } from './store-base.js';

export abstract class ClickHouseLeases extends ClickHouseBase {
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    if (this.options.readOnly) throw new M365HuntError('The store was opened read-only.');
    return this.leaseMode === 'keeper'
      ? this.leaseNow(name, owner, ttlMs)
      : this.writer.run(() => this.leaseNow(name, owner, ttlMs));
  }

  releaseLease(name: string, owner: string): Promise<void> {
    if (this.options.readOnly) throw new M365HuntError('The store was opened read-only.');
    return this.leaseMode === 'keeper'
      ? this.unleaseNow(name, owner)
      : this.writer.run(() => this.unleaseNow(name, owner));
  }

  /** Expiry times are the server's clock (now64), the one clock every collector shares. */
  protected async leaseNow(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const ttl = String(Math.max(1, Math.round(ttlMs)));
    if (this.leaseMode === 'local') {
      // Correct within one process (the callers hold this store's writer mutex); across
      // processes only for chdb, whose data directory is locked to one process.
      const t = this.table('_leases_local');
      const found = await this.executor.select(
        `SELECT owner, expires > now64(3) AS live, version FROM ${t} FINAL WHERE name = {n:String}`,
        { params: { n: name } },
      );
      const row = found.rows[0];
      if (row && isTrue(row[1]) && str(row[0]) !== owner && str(row[0]) !== '') return false;
      await this.executor.command(
        `INSERT INTO ${t} (name, owner, expires, version)
         SELECT {n:String}, {o:String}, now64(3) + toIntervalMillisecond({ttl:Int64}), {v:UInt64}`,
        { params: { n: name, o: owner, ttl, v: String(BigInt(str(row?.[2]) || '0') + 1n) } },
      );
      return true;
    }
    // Keeper: a strict insert creates the lease only if absent; an update or delete conditioned
    // on the value read succeeds only if nobody changed it meanwhile (keeper_map_strict_mode).
    const t = this.table('_leases');
    const strict: Settings = { keeper_map_strict_mode: 1 };
    const insert = async () => {
      try {
        await this.executor.command(
          `INSERT INTO ${t} (name, owner, expires)
           SELECT {n:String}, {o:String}, now64(3) + toIntervalMillisecond({ttl:Int64})`,
          { params: { n: name, o: owner, ttl }, settings: strict },
        );
        return true;
      } catch {
        return false;
      }
    };
    if (await insert()) return true;
    const found = await this.executor.select(
      `SELECT owner, expires, expires <= now64(3) AS expired FROM ${t} WHERE name = {n:String}`,
      { params: { n: name } },
    );
    const row = found.rows[0];
    if (!row) return insert();
    const [holder, expires, expired] = row;
    if (str(holder) === owner) {
      await this.executor.command(
        `ALTER TABLE ${t} UPDATE expires = now64(3) + toIntervalMillisecond({ttl:Int64})
         WHERE name = {n:String} AND owner = {o:String}`,
        { params: { n: name, o: owner, ttl }, settings: { ...strict, mutations_sync: 2 } },
      );
      const check = await this.executor.select(`SELECT owner FROM ${t} WHERE name = {n:String}`, {
        params: { n: name },
      });
      return str(check.rows[0]?.[0]) === owner;
    }
    if (!isTrue(expired)) return false;
    try {
      await this.executor.command(
        `DELETE FROM ${t} WHERE name = {n:String} AND owner = {o:String} AND expires = {e:${TIMESTAMP_TYPE}}`,
        {
          params: { n: name, o: str(holder), e: formatUtc(expires as Date) },
          settings: strict,
        },
      );
    } catch {
      return false;
    }
    const taken = await insert();
    if (taken && name === COMMIT_LEASE) this.tookOver = true;
    return taken;
  }

  protected async unleaseNow(name: string, owner: string): Promise<void> {
    if (this.leaseMode === 'local') {
      const t = this.table('_leases_local');
      const found = await this.executor.select(
        `SELECT owner, version FROM ${t} FINAL WHERE name = {n:String}`,
        { params: { n: name } },
      );
      const row = found.rows[0];
      if (!row || str(row[0]) !== owner) return;
      await this.executor.command(
        `INSERT INTO ${t} (name, owner, expires, version)
         SELECT {n:String}, '', toDateTime64(0, 3, 'UTC'), {v:UInt64}`,
        { params: { n: name, v: String(BigInt(str(row[1])) + 1n) } },
      );
      return;
    }
    await this.executor
      .command(
        `DELETE FROM ${this.table('_leases')} WHERE name = {n:String} AND owner = {o:String}`,
        {
          params: { n: name, o: owner },
          settings: { keeper_map_strict_mode: 1 },
        },
      )
      .catch(() => undefined);
  }
}
