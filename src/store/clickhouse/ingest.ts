// ClickHouse store: the ingest commit, exactly once without transactions (the protocol is described
// at the top of ./clickhouse-store.ts).
import { randomUUID } from 'node:crypto';
import { M365HuntError } from '../../util/errors.js';
import { FAMILIES } from '../schema.js';
import type { ContentMark, IngestBatch, IngestResult, StatePut } from '../store.js';
import { tsvField, type ChExecutor, type ChSession } from './executor.js';
import {
  batchSummarySql,
  clearStageSql,
  dedupStatement,
  insertStatement,
  parseStatement,
  quarantineStatement,
  rejectedStatement,
  stageDdl,
  STAGE_COLUMNS,
  STAGE_SET_COLUMNS,
  STAGE_SET_STRUCTURE,
  STAGE_STRUCTURE,
} from './ingest-sql.js';
import type { RowBinaryFile } from './ingest-binary.js';
import { literal, quoteIdent } from './types.js';
import { formatUtc } from './values.js';
import {
  type StateRow,
  STATE_COLUMNS,
  MAX_STATE_ROWS,
  COMMIT_LEASE,
  COMMIT_LEASE_TTL_MS,
  COMMIT_LEASE_WAIT_MS,
  familyById,
  str,
  maxBig,
  type MarkValue,
} from './store-base.js';
import { ClickHouseLeases } from './leases.js';

export abstract class ClickHouseIngest extends ClickHouseLeases {
  ingest(batch: IngestBatch): Promise<IngestResult> {
    if (this.options.readOnly) throw new M365HuntError('The store was opened read-only.');
    if (this.closed) throw new M365HuntError('The store is closed.');
    return this.commit(() => this.ingestNow(batch));
  }

  /**
   * Runs a commit: in one process the mutex orders commits; processes sharing a server take the
   * commit lease too (a chdb directory belongs to one process; a server without Keeper to one
   * collector).
   */
  protected commit<T>(task: () => Promise<T>): Promise<T> {
    return this.writer.run(async () => {
      try {
        return await (this.leaseMode === 'keeper' ? this.withCommitLease(task) : task());
      } catch (error) {
        // A write this commit sent may still be running on the server: fence before the next.
        this.fenced = false;
        throw error;
      }
    });
  }

  /**
   * Across processes (several collectors on one server or cluster), commits take turns: two
   * commits choosing numbers at once could both take base+1.
   */
  protected async withCommitLease<T>(task: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + COMMIT_LEASE_WAIT_MS;
    let wait = 20;
    while (!(await this.leaseNow(COMMIT_LEASE, this.self, COMMIT_LEASE_TTL_MS))) {
      if (Date.now() > deadline) {
        throw new M365HuntError(
          `Another m365hunt process has held the commit lease of ${this.location} for ten minutes.`,
          { hint: 'Check the other collectors; a crashed one lets go after two minutes.' },
        );
      }
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 1000);
    }
    try {
      return await task();
    } finally {
      await this.unleaseNow(COMMIT_LEASE, this.self).catch(() => undefined);
    }
  }

  /** Ingest writes carry this prefix in their query id: the fence finds them by it. */
  protected get ingestQueryPrefix(): string {
    return `m365hunt-ingest-${this.layout.database}-`;
  }

  /**
   * A server runs a write to its end even when the client that sent it is gone. Before a commit
   * reads the watermarks, stop any ingest write still running for this database: its process
   * died, or lost the commit lease. It runs at the first commit of this store (a restarted
   * collector) and after the commit lease was taken over from an expired holder.
   */
  protected async fenceZombieWrites(): Promise<void> {
    if (this.executor.kind !== 'http' || (this.fenced && !this.tookOver)) return;
    const cluster = this.layout.cluster ? ` ON CLUSTER ${quoteIdent(this.layout.cluster)}` : '';
    await this.executor.command(
      `KILL QUERY${cluster} WHERE startsWith(initial_query_id, ${literal(this.ingestQueryPrefix)}) SYNC`,
    );
    this.fenced = true;
    this.tookOver = false;
  }

  /** The staging tables exist (a server session that expired took its temporary tables along). */
  protected async prepareStage(w: ChSession): Promise<void> {
    if (this.stage === 'ready') return;
    for (const sql of stageDdl()) await w.command(sql);
    for (const sql of clearStageSql()) await w.command(sql);
    this.stage = 'ready';
  }

  protected async loadStage(w: ChSession, batch: IngestBatch): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      await this.prepareStage(w);
      try {
        if (w.insertRowBinary) {
          let total = 0;
          await w.insertRowBinary('_stage_sets', STAGE_SET_STRUCTURE, (out) =>
            writeStageSets(batch, out),
          );
          await w.insertRowBinary('_stage', STAGE_STRUCTURE, (out) => {
            total = writeStage(batch, out);
          });
          return total;
        }
        const payload = stagePayload(batch);
        await w.insertTsv('_stage_sets', STAGE_SET_COLUMNS, payload.sets);
        await w.insertTsv('_stage', STAGE_COLUMNS, payload.rows);
        return payload.total;
      } catch (error) {
        const gone = /UNKNOWN_TABLE|Code: 60\b|doesn't exist/i.test(String(error));
        if (!gone || attempt > 0) throw error;
        this.stage = 'unknown';
      }
    }
  }

  protected async ingestNow(batch: IngestBatch): Promise<IngestResult> {
    // Everything that can fail in JavaScript fails before the first write.
    const families = [...new Set(batch.sets.map((s) => s.family))].map(familyById);
    const cursor = batch.cursor
      ? { key: batch.cursor.key, value: JSON.stringify(batch.cursor.state) ?? 'null' }
      : undefined;
    const marks = await this.markValues(batch.contents ?? []);
    const docs = serialiseDocs(batch.states ?? []);
    const w = this.executor.writer;
    const now = new Date();
    const nowParam = formatUtc(now);

    const queryId = () => `${this.ingestQueryPrefix}${randomUUID()}`;
    try {
      const total = await this.loadStage(w, batch);
      await this.fault('staged');
      await this.fenceZombieWrites();

      const meta = await this.watermarks(w);
      // Numbers continue above every row stored, orphans of an interrupted commit included.
      let seq = maxBig(meta.committed, meta.highest);
      let inserted = 0;
      let quarantined = 0;
      const subtables: Array<{ family: string; name: string }> = [];
      for (const family of families) {
        await w.command(parseStatement(family));
        await w.command(dedupStatement(family, this.layout), {
          params: { base: seq.toString() },
          settings: this.readSettings(),
        });
        const summary = (await w.select(batchSummarySql())).rows[0] ?? [];
        const fresh = Number(summary[3] ?? 0);
        const rejected = Number(summary[1] ?? 0);
        for (const name of (summary[2] as string[] | null) ?? []) {
          subtables.push({ family: family.id, name });
        }
        if (fresh > 0) {
          await w.command(insertStatement(family, this.layout), {
            params: { now: nowParam },
            settings: this.insertSettings(),
            queryId: queryId(),
          });
          await this.fault('rows-inserted');
          seq += BigInt(fresh);
          inserted += fresh;
        }
        if (rejected > 0) {
          await w.command(quarantineStatement(this.layout), {
            params: { now: nowParam },
            settings: this.insertSettings(),
            queryId: queryId(),
          });
          quarantined += rejected;
        }
        await w.command('DROP TEMPORARY TABLE IF EXISTS _rows');
        await w.command('DROP TEMPORARY TABLE IF EXISTS _new');
      }
      let refused = 0;
      for (const set of batch.sets) {
        for (const r of set.rejected ?? []) {
          await w.command(rejectedStatement(this.layout), {
            params: {
              family: set.family,
              tenant: set.tenant,
              origin: r.origin,
              reason: r.reason,
              text: r.text,
              now: nowParam,
            },
            settings: this.insertSettings(),
            queryId: queryId(),
          });
          refused++;
        }
      }
      await this.fault('quarantined');

      // The commit: one insert. W' also covers the orphans (seq started above them).
      const committed = seq;
      const version = meta.commit + 1n;
      const rows: StateRow[] = [];
      if (committed !== meta.committed) {
        rows.push({ kind: 'meta', name: 'max_seq', value: committed.toString(), version });
      }
      for (const s of subtables) {
        rows.push({ kind: 'subtable', source: s.family, name: s.name, value: '', version });
      }
      if (cursor) rows.push({ kind: 'cursor', ...cursor.key, value: cursor.value, version });
      for (const m of marks) rows.push({ kind: 'content', ...m, version });
      rows.push(...(await this.docRows(docs, version)));
      if (rows.length > 0) {
        rows.push({ kind: 'meta', name: 'commit', value: version.toString(), version });
        await this.writeState(w, rows, now);
      }
      await this.fault('committed');
      return {
        inserted,
        quarantined: quarantined + refused,
        duplicates: total - inserted - quarantined,
        seqRange: committed > meta.committed ? [meta.committed + 1n, committed] : null,
      };
    } finally {
      try {
        for (const sql of clearStageSql()) await w.command(sql);
      } catch {
        // Cleared before the next batch is staged.
        this.stage = 'unknown';
      }
    }
  }

  /** Content marks as `_journal` rows; a mark without URI keeps the one recorded before. */
  protected async markValues(
    marks: readonly ContentMark[],
  ): Promise<Array<Pick<StateRow, 'source' | 'tenant' | 'stream' | 'name' | 'value'>>> {
    const last = new Map<string, ContentMark>();
    for (const m of marks) {
      last.set(JSON.stringify([m.key.source, m.key.tenant, m.key.stream, m.contentId]), m);
    }
    const previous = new Map<string, string | undefined>();
    const lacking = [...last.values()].filter((m) => m.contentUri === undefined);
    for (const m of lacking) {
      const found = await this.contentStatus(m.key, [m.contentId]);
      previous.set(JSON.stringify([m.key, m.contentId]), found.get(m.contentId)?.contentUri);
    }
    return [...last.values()].map((m) => {
      const value: MarkValue = {
        uri: m.contentUri ?? previous.get(JSON.stringify([m.key, m.contentId])),
        created: m.contentCreated,
        expiration: m.contentExpiration,
        status: m.status,
        error: m.error,
        attempts: m.attempts ?? 1,
      };
      return {
        source: m.key.source,
        tenant: m.key.tenant,
        stream: m.key.stream,
        name: m.contentId,
        value: JSON.stringify(value),
      };
    });
  }

  /** Appends rows to `_journal` in one insert (one part: all visible, or none). */
  protected async writeState(session: ChSession, rows: StateRow[], at = new Date()): Promise<void> {
    if (rows.length > MAX_STATE_ROWS) {
      throw new M365HuntError(`A commit holds ${rows.length} bookkeeping rows; split the batch.`);
    }
    const updated = formatUtc(at);
    const payload = rows
      .map(
        (r) =>
          [
            r.kind,
            r.source ?? '',
            r.tenant ?? '',
            r.stream ?? '',
            r.name ?? '',
            r.value,
            String(r.n ?? 0),
            r.version.toString(),
            updated,
          ]
            .map(tsvField)
            .join('\t') + '\n',
      )
      .join('');
    await session.insertTsv(this.insertTarget('_journal'), STATE_COLUMNS, payload, {
      settings: this.insertSettings(),
      queryId: `${this.ingestQueryPrefix}${randomUUID()}`,
    });
  }

  protected async meta(
    on: Pick<ChExecutor, 'select'> | ChSession,
    name: string,
  ): Promise<string | undefined> {
    const result = await on.select(
      `SELECT value FROM ${this.table('_journal')} FINAL WHERE kind = 'meta' AND name = {name:String}`,
      { params: { name }, settings: this.readSettings() },
    );
    const row = result.rows[0];
    return row ? str(row[0]) : undefined;
  }

  /**
   * The committed watermark W, the commit number, and the highest number stored above W (rows of
   * an interrupted commit; the min-max index on _seq makes this read skip every other granule).
   */
  protected async watermarks(
    on: ChSession,
  ): Promise<{ committed: bigint; highest: bigint; commit: bigint }> {
    const result = await on.select(
      `SELECT name, value FROM ${this.table('_journal')} FINAL
       WHERE kind = 'meta' AND name IN ('max_seq', 'commit')`,
      { settings: this.readSettings() },
    );
    const values = new Map(result.rows.map((r) => [str(r[0]), BigInt(str(r[1]) || '0')]));
    const committed = values.get('max_seq') ?? 0n;
    const numbered = FAMILIES.map((f) => [f, f.columns.find((c) => c.derived === 'seq')] as const)
      .filter(([, seq]) => seq !== undefined)
      .map(
        ([f, seq]) =>
          `SELECT max(${quoteIdent(seq!.name)}) AS top FROM ${this.table(f.id)}
           WHERE ${quoteIdent(seq!.name)} > {w:Int64}`,
      );
    const top = await on.select(`SELECT max(top) FROM (${numbered.join(' UNION ALL ')})`, {
      params: { w: committed.toString() },
      settings: this.readSettings(),
    });
    const highest = maxBig(committed, BigInt(str(top.rows[0]?.[0]) || '0'));
    return { committed, highest, commit: values.get('commit') ?? 0n };
  }
}

function serialiseDocs(
  puts: readonly StatePut[],
): Array<{ collection: string; id: string; json: string | null }> {
  const last = new Map<string, { collection: string; id: string; json: string | null }>();
  for (const p of puts) {
    const json = p.doc === null ? null : (JSON.stringify(p.doc) ?? null);
    last.set(JSON.stringify([p.collection, p.id]), { collection: p.collection, id: p.id, json });
  }
  return [...last.values()];
}

/** The batch's record sets as RowBinary values of `_stage_sets` (STAGE_SET_STRUCTURE). */
function writeStageSets(batch: IngestBatch, out: RowBinaryFile): void {
  for (const [setIdx, set] of batch.sets.entries()) {
    out.uint32(setIdx);
    for (const text of [set.family, set.tenant, set.client, set.hostchain]) out.string(text);
    out.nullableString(set.contentType);
    out.string(set.origin);
  }
}

/** The batch's records as RowBinary values of `_stage` (STAGE_STRUCTURE); returns their number. */
function writeStage(batch: IngestBatch, out: RowBinaryFile): number {
  let ord = 0;
  for (const [setIdx, set] of batch.sets.entries()) {
    const origins = set.recordOrigins;
    for (let i = 0; i < set.records.length; i++) {
      out.uint32(ord++);
      out.uint32(setIdx);
      out.string(set.records[i]!);
      out.nullableString(origins?.[i]);
    }
  }
  return ord;
}

/** The batch as TabSeparated text for `_stage_sets` and `_stage` (record texts escaped, unparsed). */
export function stagePayload(batch: IngestBatch): { sets: string; rows: string; total: number } {
  const sets: string[] = [];
  const rows: string[] = [];
  let ord = 0;
  for (const [setIdx, set] of batch.sets.entries()) {
    sets.push(
      [
        String(setIdx),
        set.family,
        set.tenant,
        set.client,
        set.hostchain,
        set.contentType,
        set.origin,
      ]
        .map(tsvField)
        .join('\t') + '\n',
    );
    const origins = set.recordOrigins;
    for (let i = 0; i < set.records.length; i++) {
      rows.push(
        `${ord++}\t${setIdx}\t${tsvField(set.records[i]!)}\t${tsvField(origins?.[i] ?? null)}\n`,
      );
    }
  }
  return { sets: sets.join(''), rows: rows.join(''), total: ord };
}
