// The SQL that turns staged raw records into rows, in ClickHouse, mirroring ../duckdb/ingest-sql.ts:
// the record text is loaded as is into a temporary table (TabSeparated, escaped, never parsed in
// JavaScript); the engine parses each record once (JSONExtract into a tuple of the promoted
// fields), checks it, drops records already stored (same Id and event time) or seen earlier in the
// batch, numbers the new ones from the caller's base, and inserts them. Rejected records go to the
// quarantine with the reason.
import { DLP_RECORD_TYPES, WORKLOAD_CONTENT_TYPES } from '../../records/content-types.js';
import { splitPath, type ColumnDef, type TableFamily } from '../schema.js';
import { qualified, type Layout } from './ddl.js';
import { SRC_IP_STEPS } from '../src-ip.js';
import { literal, quoteIdent, TIMESTAMP_TYPE } from './types.js';

export const STAGE_COLUMNS = ['ord', 'set_idx', 'text', 'rorigin'] as const;
export const STAGE_SET_COLUMNS = [
  'set_idx',
  'family',
  'tenant',
  'client',
  'hostchain',
  'content_type',
  'origin',
] as const;

/** The staging tables' columns and types, in order (also the structure of their RowBinary files). */
export const STAGE_STRUCTURE = 'ord UInt32, set_idx UInt32, text String, rorigin Nullable(String)';
export const STAGE_SET_STRUCTURE =
  'set_idx UInt32, family String, tenant String, client String, hostchain String, content_type Nullable(String), origin String';

/** Temporary tables of the writer's session; re-created when a server session expired. */
export function stageDdl(): string[] {
  return [
    `CREATE TEMPORARY TABLE IF NOT EXISTS _stage (${STAGE_STRUCTURE}) ENGINE = Memory`,
    `CREATE TEMPORARY TABLE IF NOT EXISTS _stage_sets (${STAGE_SET_STRUCTURE}) ENGINE = Memory`,
  ];
}

export function clearStageSql(): string[] {
  return [
    'TRUNCATE TABLE IF EXISTS _stage',
    'TRUNCATE TABLE IF EXISTS _stage_sets',
    'DROP TEMPORARY TABLE IF EXISTS _rows',
    'DROP TEMPORARY TABLE IF EXISTS _new',
  ];
}

/** Record fields the ingest reads: promoted columns, the id, the time, addresses, routing. */
export function parsedFields(family: TableFamily): string[] {
  const names = new Set<string>([family.idPath, family.timePath]);
  for (const p of family.ipPaths) if (!p.includes('.')) names.add(p);
  names.add('Workload');
  names.add('RecordType');
  for (const c of family.columns) for (const p of c.paths ?? []) if (!p.includes('.')) names.add(p);
  return [...names];
}

function tupleType(family: TableFamily): string {
  return `Tuple(${parsedFields(family)
    .map((f) => `${quoteIdent(f)} Nullable(String)`)
    .join(', ')})`;
}

/**
 * A record field as text: top-level fields from the tuple parsed once per record; nested paths
 * (`status.errorCode`, `targetResources.0.type`) extracted from the record text (1-based indexes).
 */
function field(path: string): string {
  if (!path.includes('.')) return `tupleElement(v, ${literal(path)})`;
  const { top, rest } = splitPath(path);
  const steps = [
    literal(top),
    ...rest.map((s) => (typeof s === 'number' ? String(s + 1) : literal(s))),
  ];
  return `JSONExtract(text, ${steps.join(', ')}, 'Nullable(String)')`;
}

/** The expressions that read a record parsed into `v` (its text in `text`): id, time, reason. */
function recordChecks(family: TableFamily): { id: string; eventdate: string; reason: string } {
  const time = field(family.timePath);
  // parseDateTime64BestEffort reads far more than times (a bare "12" is a day of this month):
  // only texts that start with a date are times, as in DuckDB's cast.
  const eventdate = `if(match(coalesce(${time}, ''), '^[0-9]{4}-[0-9]{2}-[0-9]{2}'),
      parseDateTime64BestEffortOrNull(${time}, 3, 'UTC'), NULL)`;
  // JSONExtract maps an array onto the tuple by position, so only objects count; the first
  // byte decides without a second parse (leading whitespace is rare and takes the slow way).
  const isObject = `(startsWith(text, '{') OR startsWith(trimLeft(text, ' \\t\\r\\n'), '{'))`;
  const reason = `multiIf(isNotNull(id) AND id != '' AND ${isObject} AND isNotNull(eventdate), NULL,
        NOT isValidJSON(text), 'not valid JSON',
        NOT ${isObject}, 'not a JSON object',
        isNull(id) OR id = '', ${literal(`no ${family.idPath} field`)},
        ${literal(`${family.timePath} missing or not a time`)})`;
  return { id: field(family.idPath), eventdate, reason };
}

/**
 * Stage → `_rows`: the batch's records of one family, each parsed once, with its id, event time,
 * sub-table and why it is rejected (or NULL).
 */
export function parseStatement(family: TableFamily): string {
  const { id, eventdate, reason } = recordChecks(family);
  return `CREATE TEMPORARY TABLE _rows ENGINE = Memory AS
    SELECT s.ord AS ord, ss.family AS family, ss.tenant AS tenant, ss.client AS client,
      ss.hostchain AS hostchain, ss.content_type AS content_type,
      coalesce(s.rorigin, ss.origin) AS origin, s.text AS text, s.v AS v,
      ${id} AS id, ${eventdate} AS eventdate, ${subtable()} AS subtable,
      ${reason} AS reason
    FROM (SELECT ord, set_idx, text, rorigin, JSONExtract(text, ${literal(tupleType(family))}) AS v
          FROM _stage) AS s
    INNER JOIN _stage_sets AS ss ON ss.set_idx = s.set_idx
    WHERE ss.family = ${literal(family.id)}`;
}

/**
 * `_rows` → `_new`: the records to insert, numbered from `{base:Int64}` in batch order: valid, not
 * already stored (same Id and event time; the time bounds let the engine skip other days, the
 * bloom filter on Id other granules) and the first of their id in the batch.
 */
export function dedupStatement(family: TableFamily, layout: Layout): string {
  const table = qualified(layout, family.id);
  const id = quoteIdent(family.idPath);
  const valid = `FROM _rows WHERE reason IS NULL`;
  return `CREATE TEMPORARY TABLE _new ENGINE = Memory AS
    SELECT ord, toInt64({base:Int64} + row_number() OVER (ORDER BY ord)) AS seq
    FROM (
      SELECT ord, id FROM _rows
      WHERE reason IS NULL
        AND (id, eventdate) NOT IN (
          SELECT ${id}, eventdate FROM ${table}
          WHERE ${id} GLOBAL IN (SELECT id ${valid})
            AND eventdate >= (SELECT min(eventdate) ${valid})
            AND eventdate <= (SELECT max(eventdate) ${valid}))
      ORDER BY ord
      LIMIT 1 BY id)`;
}

function inferredContentType(): string {
  const byWorkload = Object.entries(WORKLOAD_CONTENT_TYPES)
    .map(([w, ct]) => `${field('Workload')} = ${literal(w)}, ${literal(ct)}`)
    .join(', ');
  return `multiIf(toInt32OrNull(${field('RecordType')}) IN (${DLP_RECORD_TYPES.join(', ')}), 'DLP.All',
      ${byWorkload}, 'Audit.General')`;
}

function subtable(): string {
  return `coalesce(nullIf(lower(replaceRegexpAll(${field('Workload')}, '[^A-Za-z0-9]', '')), ''), 'unknown')`;
}

/** Address without port or IPv6 brackets, from the first non-empty address field (`ip`). */
/** The client address less brackets, port and IPv4-in-IPv6 (SRC_IP_STEPS of the DuckDB store). */
function sourceIp(): string {
  const stripped = SRC_IP_STEPS.reduce(
    (e, [pattern, replacement]) =>
      `replaceRegexpOne(${e}, ${literal(pattern)}, ${literal(replacement)})`,
    'trimBoth(ip)',
  );
  return `nullIf(lower(${stripped}), '')`;
}

function typed(raw: string, column: ColumnDef): string {
  switch (column.type) {
    case 'string':
      return raw;
    case 'int':
      return `toInt64OrNull(${raw})`;
    case 'float':
      return `toFloat64OrNull(${raw})`;
    case 'bool':
      return `CAST(multiIf(lower(${raw}) IN ('true', 't', '1', 'yes', 'y'), 1,
        lower(${raw}) IN ('false', 'f', '0', 'no', 'n'), 0, NULL) AS Nullable(Bool))`;
    case 'timestamp':
      return `parseDateTime64BestEffortOrNull(${raw}, 3, 'UTC')`;
  }
}

function columnValue(column: ColumnDef): string {
  switch (column.derived) {
    case 'seq':
      return 'seq';
    case 'ingested':
      return `{now:${TIMESTAMP_TYPE}}`;
    case 'tenant':
      return 'tenant';
    case 'contentType':
      return `coalesce(content_type, ${inferredContentType()})`;
    case 'subtable':
      return 'subtable';
    case 'eventdate':
      return 'assumeNotNull(eventdate)';
    case 'hostchain':
      return 'hostchain';
    case 'client':
      return 'client';
    case 'message':
      return 'text';
    case 'srcIp':
      return sourceIp();
    case undefined:
      break;
  }
  const paths = column.paths ?? [column.name];
  const raw = paths.length === 1 ? field(paths[0]!) : `coalesce(${paths.map(field).join(', ')})`;
  return typed(raw, column);
}

/** `_rows` ⋈ `_new` → the family's table. Parameters: `now` (the commit time). */
export function insertStatement(family: TableFamily, layout: Layout): string {
  const names = family.columns.map((c) => quoteIdent(c.name)).join(', ');
  const values = family.columns
    .map((c) => `${columnValue(c)} AS ${quoteIdent(`_v_${c.name}`)}`)
    .join(',\n      ');
  const ip =
    family.ipPaths.length === 0
      ? 'CAST(NULL AS Nullable(String))'
      : `coalesce(${family.ipPaths.map((p) => `nullIf(${field(p)}, '')`).join(', ')})`;
  return `INSERT INTO ${qualified(layout, family.id)} (${names})
    SELECT ${values}
    FROM (SELECT r.*, n.seq AS seq, ${ip} AS ip
          FROM _rows AS r INNER JOIN _new AS n ON n.ord = r.ord)`;
}

/** `_rows` rejected → quarantine. Parameter: `now`. */
export function quarantineStatement(layout: Layout): string {
  return `INSERT INTO ${qualified(layout, '_quarantine')}
      (family, tenant, origin, reason, text, text_hash, quarantined_at)
    SELECT family, tenant, origin, assumeNotNull(reason), text, sipHash64(text), {now:${TIMESTAMP_TYPE}}
    FROM _rows WHERE reason IS NOT NULL`;
}

/** One record refused before staging (RawRecordSet.rejected) → the quarantine. */
export function rejectedStatement(layout: Layout): string {
  return `INSERT INTO ${qualified(layout, '_quarantine')}
      (family, tenant, origin, reason, text, text_hash, quarantined_at)
    SELECT {family:String}, {tenant:String}, {origin:String}, {reason:String}, {text:String},
      sipHash64({text:String}), {now:${TIMESTAMP_TYPE}}`;
}

/** What the batch held: valid and rejected records, and the sub-tables of the valid ones. */
export function batchSummarySql(): string {
  return `SELECT countIf(reason IS NULL) AS valid, countIf(reason IS NOT NULL) AS rejected,
      arraySort(groupUniqArrayIf(subtable, reason IS NULL)) AS subtables,
      (SELECT count() FROM _new) AS fresh
    FROM _rows`;
}

/**
 * The yardstick of the chdb import benchmark (bench/ingest-engine.bench.ts, "chdb alone"): the
 * engine doing an import's work by itself from an NDJSON file, in one statement: each line kept
 * whole as `message`, the promoted fields parsed once into the same columns by the same
 * expressions as `insertStatement`, invalid records and repeated ids dropped (the first one read
 * kept: the engine streams the ids through a set, where sorting the batch by position would hold
 * every text), numbered by position. No JavaScript touches a record. Parameters: `path` (the
 * file, absolute), `now`.
 */
export function engineAloneStatement(family: TableFamily, layout: Layout): string {
  const names = family.columns.map((c) => quoteIdent(c.name)).join(', ');
  const values = family.columns
    .map((c) => `${columnValue(c)} AS ${quoteIdent(`_v_${c.name}`)}`)
    .join(',\n      ');
  const { id, eventdate, reason } = recordChecks(family);
  const ip =
    family.ipPaths.length === 0
      ? 'CAST(NULL AS Nullable(String))'
      : `coalesce(${family.ipPaths.map((p) => `nullIf(${field(p)}, '')`).join(', ')})`;
  return `INSERT INTO ${qualified(layout, family.id)} (${names})
    SELECT ${values}
    FROM (SELECT *, toInt64(ord + 1) AS seq, ${ip} AS ip
          FROM (SELECT ord, text, v, ${id} AS id, ${eventdate} AS eventdate, ${subtable()} AS subtable,
                  ${reason} AS reason, 'tenant' AS tenant, 'client' AS client,
                  'collector-10001-bench' AS hostchain, CAST(NULL AS Nullable(String)) AS content_type
                FROM (SELECT rowNumberInAllBlocks() AS ord, line AS text,
                        JSONExtract(line, ${literal(tupleType(family))}) AS v
                      FROM file({path:String}, 'LineAsString')))
          WHERE reason IS NULL
          LIMIT 1 BY id)`;
}
