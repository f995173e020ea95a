// The DuckDB store's ingest, inside the write connection's queue (duckdb-store.ts): the batch is
// staged through appenders, routed, deduplicated against what is stored, promoted into the
// families' columns and committed with its cursor, content marks and documents in one
// transaction (docs/store.md).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { IngestBatch, IngestResult, StagedRecordFile } from '../store.js';
import { familyById, toDuckValue } from './duck-values.js';
import { quoteIdent } from './types.js';
import {
  insertStatement,
  parseStatement,
  quarantineStatement,
  SPAN_STATEMENT,
  STAGED_SETS_DDL,
  STAGED_SUMMARY_STATEMENT,
  stagedInsertStatement,
  stagedParseStatement,
  stagedQuarantineStatement,
} from './ingest-sql.js';

export const STAGE_DDL = `CREATE OR REPLACE TEMP TABLE _stage (ord INTEGER, set_idx INTEGER, text VARCHAR, rorigin VARCHAR)`;
export const STAGE_SETS_DDL = `CREATE OR REPLACE TEMP TABLE _stage_sets (set_idx INTEGER, family VARCHAR,
  tenant VARCHAR, client VARCHAR, hostchain VARCHAR, content_type VARCHAR, origin VARCHAR)`;

export async function stageBatch(c: DuckDBConnection, batch: IngestBatch): Promise<number> {
  // Appenders for both staging tables: a collector commit can hold a thousand small blobs, and
  // a statement per set would cost more than the records themselves.
  const sets = await c.createAppender('_stage_sets', 'main', 'temp');
  const appender = await c.createAppender('_stage', 'main', 'temp');
  let ord = 0;
  try {
    for (const [setIdx, set] of batch.sets.entries()) {
      sets.appendInteger(setIdx);
      sets.appendVarchar(set.family);
      sets.appendVarchar(set.tenant);
      sets.appendVarchar(set.client);
      sets.appendVarchar(set.hostchain);
      if (set.contentType === null) sets.appendNull();
      else sets.appendVarchar(set.contentType);
      sets.appendVarchar(set.origin);
      sets.endRow();
      const records = set.records;
      const origins = set.recordOrigins;
      for (let i = 0; i < records.length; i++) {
        appender.appendInteger(ord++);
        appender.appendInteger(setIdx);
        appender.appendVarchar(records[i]!);
        const origin = origins?.[i];
        if (origin === undefined) appender.appendNull();
        else appender.appendVarchar(origin);
        appender.endRow();
      }
    }
  } finally {
    sets.closeSync();
    appender.closeSync();
  }
  return ord;
}

export async function ingestBatch(c: DuckDBConnection, batch: IngestBatch): Promise<IngestResult> {
  const families = new Set(batch.sets.map((s) => s.family));
  for (const id of families) familyById(id);
  for (const file of batch.files ?? []) familyById(file.family);
  const total = await stageBatch(c, batch);
  const now = new Date();
  let inserted = 0;
  let quarantined = 0;
  let duplicates = 0;
  let firstSeq: bigint | null = null;
  let lastSeq: bigint | null = null;
  const tenantsSeen = new Map<string, number>();
  await c.run('BEGIN TRANSACTION');
  try {
    const maxSeqRow = await c.runAndReadAll(`SELECT value FROM _meta WHERE key = 'max_seq'`);
    const base = BigInt(String(maxSeqRow.getRows()[0]?.[0] ?? '0'));
    for (const id of families) {
      const family = familyById(id);
      const table = quoteIdent(family.id);
      await c.run(parseStatement(family));
      const span = (await c.runAndReadAll(SPAN_STATEMENT)).getRows()[0];
      if (span?.[0] != null && span[1] != null) {
        const result = await c.run(insertStatement(family), [
          toDuckValue(base),
          toDuckValue(now),
          span[0],
          span[1],
        ]);
        const n = Number(result.rowsChanged);
        if (n > 0) {
          inserted += n;
          const range = (
            await c.runAndReadAll(`SELECT min(_seq), max(_seq) FROM ${table} WHERE _seq > $1`, [
              base,
            ])
          ).getRows()[0];
          const lo = BigInt(String(range?.[0]));
          const hi = BigInt(String(range?.[1]));
          firstSeq = firstSeq === null || lo < firstSeq ? lo : firstSeq;
          lastSeq = lastSeq === null || hi > lastSeq ? hi : lastSeq;
          await c.run(
            `INSERT OR IGNORE INTO _subtables SELECT DISTINCT $1, _subtable FROM ${table} WHERE _seq > $2`,
            [family.id, base],
          );
        }
      }
      const q = await c.run(quarantineStatement(family), [toDuckValue(now)]);
      quarantined += Number(q.rowsChanged);
    }
    const staged = inserted + quarantined;
    for (const set of batch.sets) {
      for (const r of set.rejected ?? []) {
        await c.run(
          `INSERT INTO _quarantine (family, tenant, origin, reason, text, quarantined_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [set.family, set.tenant, r.origin, r.reason, r.text, toDuckValue(now)],
        );
        quarantined++;
      }
    }
    duplicates = total - staged;
    // Sequence numbers are staging positions: the next commit starts after all of this one's.
    let seq = base + BigInt(total);
    for (const file of batch.files ?? []) {
      const r = await ingestStagedFile(c, file, seq, now, tenantsSeen);
      inserted += r.inserted;
      quarantined += r.quarantined;
      duplicates += r.duplicates;
      if (r.seqRange) {
        firstSeq = firstSeq === null || r.seqRange[0] < firstSeq ? r.seqRange[0] : firstSeq;
        lastSeq = lastSeq === null || r.seqRange[1] > lastSeq ? r.seqRange[1] : lastSeq;
      }
      seq += BigInt(file.lines[1] - file.lines[0] + 1);
    }
    await c.run(`UPDATE _meta SET value = $1 WHERE key = 'max_seq'`, [String(seq)]);
    if (batch.cursor) {
      const { key, state } = batch.cursor;
      await c.run(`INSERT OR REPLACE INTO _cursors VALUES ($1, $2, $3, $4, $5)`, [
        key.source,
        key.tenant,
        key.stream,
        JSON.stringify(state),
        toDuckValue(now),
      ]);
    }
    for (const mark of batch.contents ?? []) {
      await c.run(
        `INSERT INTO _contents VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT DO UPDATE SET status = excluded.status, error = excluded.error,
           attempts = excluded.attempts, updated = excluded.updated,
           content_uri = coalesce(excluded.content_uri, _contents.content_uri)`,
        [
          mark.key.source,
          mark.key.tenant,
          mark.key.stream,
          mark.contentId,
          mark.contentUri ?? null,
          mark.contentCreated,
          mark.contentExpiration ?? null,
          mark.status,
          mark.error ?? null,
          mark.attempts ?? 1,
          toDuckValue(now),
        ],
      );
    }
    for (const put of batch.states ?? []) await writeState(c, put.collection, put.id, put.doc);
    await c.run('COMMIT');
  } catch (error) {
    await c.run('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // Recreated rather than emptied, so that their storage is released at once.
    await c.run(STAGE_DDL);
    await c.run(STAGE_SETS_DDL);
    await c.run('DROP TABLE IF EXISTS _rows');
    if (batch.files?.length) await c.run('DROP TABLE IF EXISTS _frows');
  }
  return {
    inserted,
    quarantined,
    duplicates,
    seqRange: firstSeq !== null && lastSeq !== null ? [firstSeq, lastSeq] : null,
    ...(batch.files?.length ? { tenants: tenantsSeen } : {}),
  };
}

/**
 * Inside the caller's transaction: a staged file of records (docs/import.md, "How a file is
 * stored"). DuckDB reads the file twice, streaming: once for the keys (id, time, tenant) into the
 * narrow `_frows`, once for the new records' text, joined on their line. Its lines get sequence
 * numbers after `seq`, by their position in the file's line range. Counts records by tenant into
 * `tenants`.
 */
async function ingestStagedFile(
  c: DuckDBConnection,
  file: StagedRecordFile,
  seq: bigint,
  now: Date,
  tenants: Map<string, number>,
): Promise<IngestResult> {
  const family = familyById(file.family);
  const table = quoteIdent(family.id);
  await c.run(stagedParseStatement(family), [file.path, file.tenant ?? null]);
  const summary = (await c.runAndReadAll(STAGED_SUMMARY_STATEMENT)).getRowObjectsJS();
  let total = 0;
  let rejected = 0;
  await c.run(STAGED_SETS_DDL);
  const sets = await c.createAppender('_fsets', 'main', 'temp');
  try {
    for (const row of summary) {
      const tenant = String(row.tenant);
      const n = Number(row.n);
      total += n;
      rejected += Number(row.rejected);
      tenants.set(tenant, (tenants.get(tenant) ?? 0) + n);
      sets.appendVarchar(tenant);
      sets.appendVarchar(file.client(tenant));
      sets.appendVarchar(file.hostchain);
      sets.appendNull();
      sets.endRow();
    }
  } finally {
    sets.closeSync();
  }
  let inserted = 0;
  let seqRange: [bigint, bigint] | null = null;
  const span = (await c.runAndReadAll(SPAN_STATEMENT.replace('_rows', '_frows'))).getRows()[0];
  if (span?.[0] != null && span[1] != null) {
    // $1 + line + 1: the file's first line gets seq + 1.
    const result = await c.run(stagedInsertStatement(family), [
      toDuckValue(seq - BigInt(file.lines[0])),
      toDuckValue(now),
      span[0],
      span[1],
      file.path,
    ]);
    inserted = Number(result.rowsChanged);
    if (inserted > 0) {
      const range = (
        await c.runAndReadAll(`SELECT min(_seq), max(_seq) FROM ${table} WHERE _seq > $1`, [
          toDuckValue(seq),
        ])
      ).getRows()[0];
      seqRange = [BigInt(String(range?.[0])), BigInt(String(range?.[1]))];
      await c.run(
        `INSERT OR IGNORE INTO _subtables SELECT DISTINCT $1, _subtable FROM ${table} WHERE _seq > $2`,
        [family.id, toDuckValue(seq)],
      );
    }
  }
  if (rejected > 0) {
    await c.run(stagedQuarantineStatement(family), [toDuckValue(now), file.path, file.origin]);
  }
  return { inserted, quarantined: rejected, duplicates: total - inserted - rejected, seqRange };
}

/** Inside the caller's transaction: writes (or with a null doc deletes) a document. */
export async function writeState(
  c: DuckDBConnection,
  collection: string,
  id: string,
  doc: unknown,
): Promise<number> {
  if (doc === null) {
    await c.run(`DELETE FROM _state WHERE collection = $1 AND id = $2`, [collection, id]);
    return 0;
  }
  const r = await c.runAndReadAll(
    `INSERT INTO _state VALUES ($1, $2, $3, 1, $4)
     ON CONFLICT DO UPDATE SET doc = excluded.doc, version = _state.version + 1, updated = excluded.updated
     RETURNING version`,
    [collection, id, JSON.stringify(doc), toDuckValue(new Date())],
  );
  return Number(r.getRows()[0]?.[0] ?? 1);
}
