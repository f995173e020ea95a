// ClickHouse store: bookkeeping reads (cursors, content marks, stream health, quarantine, sub-tables).
import { quarantinedByStream, streamKeyId } from '../quarantine-streams.js';
import { FAMILIES } from '../schema.js';
import type {
  ContentStatus,
  QuarantinedRecord,
  SqlValue,
  StreamKey,
  StreamStatus,
} from '../store.js';
import { TIMESTAMP_TYPE } from './types.js';
import { bindParams } from './values.js';
import { str, markStatus } from './store-base.js';
import { ClickHouseDocuments } from './documents.js';

export abstract class ClickHouseBookkeeping extends ClickHouseDocuments {
  async cursor(key: StreamKey): Promise<unknown> {
    const rows = await this.queryAll({
      sql: `SELECT value FROM ${this.table('_journal')} FINAL
            WHERE kind = 'cursor' AND source = {p1:String} AND tenant = {p2:String} AND stream = {p3:String}`,
      params: [key.source, key.tenant, key.stream],
    });
    const value = rows[0]?.value;
    return typeof value === 'string' ? (JSON.parse(value) as unknown) : undefined;
  }

  async contentStatus(
    key: StreamKey,
    contentIds: readonly string[],
  ): Promise<Map<string, ContentStatus>> {
    const found = new Map<string, ContentStatus>();
    if (contentIds.length === 0) return found;
    const rows = await this.queryAll({
      sql: `SELECT name, value, updated FROM ${this.table('_journal')} FINAL
            WHERE kind = 'content' AND source = {p1:String} AND tenant = {p2:String}
              AND stream = {p3:String} AND name IN {p4:Array(String)}`,
      params: [key.source, key.tenant, key.stream, [...contentIds]],
    });
    for (const r of rows) found.set(str(r.name), markStatus(str(r.name), str(r.value), r.updated!));
    return found;
  }

  async skippedContent(key?: StreamKey): Promise<Array<ContentStatus & { key: StreamKey }>> {
    const where = key
      ? `AND source = {p1:String} AND tenant = {p2:String} AND stream = {p3:String}`
      : '';
    const rows = await this.queryAll({
      sql: `SELECT source, tenant, stream, name, value, updated FROM ${this.table('_journal')} FINAL
            WHERE kind = 'content' AND JSONExtractString(value, 'status') = 'skipped' ${where}
            ORDER BY JSONExtractString(value, 'created'), name`,
      params: key ? [key.source, key.tenant, key.stream] : [],
    });
    return rows.map((r) => ({
      ...markStatus(str(r.name), str(r.value), r.updated!),
      key: { source: str(r.source), tenant: str(r.tenant), stream: str(r.stream) },
    }));
  }

  async recordStreamHealth(key: StreamKey, health: { error: string | null }): Promise<void> {
    await this.executor.command(
      `INSERT INTO ${this.table('_stream_health')} (source, tenant, stream, kind, error, at)
       SELECT {source:String}, {tenant:String}, {stream:String}, {kind:String},
         {error:Nullable(String)}, {at:${TIMESTAMP_TYPE}}`,
      {
        params: bindParams({
          source: key.source,
          tenant: key.tenant,
          stream: key.stream,
          kind: health.error === null ? 'success' : 'error',
          error: health.error,
          at: new Date(),
        }),
        settings: this.insertSettings(),
      },
    );
  }

  async streamStatus(): Promise<StreamStatus[]> {
    const state = this.table('_journal');
    const [cursors, health, skipped, counts, quarantined] = await Promise.all([
      this.queryAll({
        sql: `SELECT source, tenant, stream, value FROM ${state} FINAL WHERE kind = 'cursor'`,
        params: [],
      }),
      this.queryAll({
        sql: `SELECT source, tenant, stream, kind, error, at FROM ${this.table('_stream_health')} FINAL`,
        params: [],
      }),
      this.queryAll({
        sql: `SELECT source, tenant, stream,
                countIf(JSONExtractString(value, 'status') = 'skipped') AS n
              FROM ${state} FINAL WHERE kind = 'content' GROUP BY source, tenant, stream`,
        params: [],
      }),
      Promise.all(
        FAMILIES.filter((f) => f.source).map(async (f) =>
          (
            await this.queryAll({
              sql: `SELECT _tenant AS tenant, _content_type AS stream, count() AS n
                  FROM ${this.table(f.id)} GROUP BY _tenant, _content_type`,
              params: [],
            })
          ).map((r): Record<string, SqlValue> => ({ ...r, source: f.source! })),
        ),
      ),
      this.queryAll({
        sql: `SELECT tenant, family, origin, count() AS n FROM ${this.table('_quarantine')} FINAL
              GROUP BY tenant, family, origin`,
        params: [],
      }),
    ]);
    // The content marks whose id is a quarantine origin: the stream of a quarantined record.
    const contents = quarantined.length
      ? await this.queryAll({
          sql: `SELECT source, tenant, stream, name FROM ${state} FINAL
                WHERE kind = 'content' AND (tenant, name) IN
                  (SELECT tenant, origin FROM ${this.table('_quarantine')} FINAL)`,
          params: [],
        })
      : [];
    const keyOf = (r: Record<string, SqlValue>) =>
      JSON.stringify([str(r.tenant), str(r.source), str(r.stream)]);
    const keys = new Map<string, StreamKey>();
    for (const r of [...cursors, ...health, ...skipped]) {
      keys.set(keyOf(r), { source: str(r.source), tenant: str(r.tenant), stream: str(r.stream) });
    }
    const records = new Map<string, number>();
    for (const r of counts.flat()) {
      const k = JSON.stringify([str(r.source), str(r.tenant), str(r.stream)]);
      records.set(k, (records.get(k) ?? 0) + Number(r.n));
    }
    // Quarantined records per stream, not per tenant (see quarantine-streams.ts).
    const byStream = quarantinedByStream(
      quarantined.map((r) => ({
        tenant: str(r.tenant),
        family: str(r.family),
        origin: str(r.origin),
        n: Number(r.n),
      })),
      new Map(
        contents.map((r) => [
          str(r.name),
          { source: str(r.source), tenant: str(r.tenant), stream: str(r.stream) },
        ]),
      ),
      [...keys.values()],
    );
    return [...keys.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, key]) => {
        const c = cursors.find((r) => keyOf(r) === k);
        const err = health.find((r) => keyOf(r) === k && r.kind === 'error');
        const ok = health.find((r) => keyOf(r) === k && r.kind === 'success');
        return {
          key,
          cursor: c ? (JSON.parse(str(c.value)) as unknown) : null,
          records: records.get(JSON.stringify([key.source, key.tenant, key.stream])) ?? 0,
          skipped: Number(skipped.find((r) => keyOf(r) === k)?.n ?? 0),
          quarantined: byStream.get(streamKeyId(key)) ?? 0,
          lastError: err ? ((err.error as string | null) ?? null) : null,
          lastErrorAt: err ? (err.at as Date) : null,
          lastSuccessAt: ok ? (ok.at as Date) : null,
        };
      });
  }

  async quarantine(limit = 100): Promise<QuarantinedRecord[]> {
    const rows = await this.queryAll({
      sql: `SELECT family, tenant, origin, reason, text, quarantined_at
            FROM ${this.table('_quarantine')} FINAL ORDER BY quarantined_at DESC LIMIT {p1:UInt32}`,
      params: [limit],
    });
    return rows.map((r) => ({
      family: str(r.family),
      tenant: str(r.tenant),
      origin: str(r.origin),
      reason: str(r.reason),
      text: str(r.text),
      at: r.quarantined_at as Date,
    }));
  }

  async maxSeq(): Promise<bigint> {
    return BigInt((await this.meta(this.executor, 'max_seq')) ?? '0');
  }

  async subtables(family: string): Promise<string[]> {
    const rows = await this.queryAll({
      sql: `SELECT name FROM ${this.table('_journal')} FINAL
            WHERE kind = 'subtable' AND source = {p1:String} ORDER BY name`,
      params: [family],
    });
    return rows.map((r) => str(r.name));
  }
}
