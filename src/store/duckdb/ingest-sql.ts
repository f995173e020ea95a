// The SQL that turns staged raw records into rows, in DuckDB: each record is parsed once by the
// engine (from_json into a struct of the fields the schema promotes), checked, deduplicated by
// id against the stored rows and within the batch, given its ingest sequence number, and inserted.
// Invalid records go to the quarantine with the reason. JavaScript never parses the records.
import { DLP_RECORD_TYPES, WORKLOAD_CONTENT_TYPES } from '../../records/content-types.js';
import { splitPath, type ColumnDef, type TableFamily } from '../schema.js';
import { duckdbType, quoteIdent } from './types.js';
import { SRC_IP_STEPS } from '../src-ip.js';
import { STAGED_LINE_MAX } from '../store.js';

/** SQL string literal; only for text made here from the schema, never for user input. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * A record field as text. Nested paths (`status.errorCode`) read their top-level field as JSON
 * text (parsed once with the record) and extract the rest from it, so a value of an unexpected
 * shape gives NULL rather than making the whole record unreadable.
 */
function field(path: string, row = 'r'): string {
  const { top, rest } = splitPath(path);
  const value = `struct_extract(${row}.v, ${literal(top)})`;
  if (rest.length === 0) return value;
  const jsonPath = `$${rest.map((s) => (typeof s === 'number' ? `[${s}]` : `.${JSON.stringify(s)}`)).join('')}`;
  return `json_extract_string(${value}, ${literal(jsonPath)})`;
}

/** Record fields the ingest reads: promoted columns, the id, the time, addresses, routing. */
export function parsedFields(family: TableFamily): string[] {
  const names = new Set<string>([family.idPath, family.timePath]);
  for (const p of family.ipPaths) names.add(splitPath(p).top);
  names.add('Workload');
  names.add('RecordType');
  for (const c of family.columns) for (const p of c.paths ?? []) names.add(splitPath(p).top);
  return [...names];
}

/** Fields read whole as JSON text: the tops of nested paths. */
function nestedTops(family: TableFamily): Set<string> {
  const tops = new Set<string>();
  const paths = [...family.ipPaths, ...family.columns.flatMap((c) => c.paths ?? [])];
  for (const p of paths) if (p.includes('.')) tops.add(splitPath(p).top);
  return tops;
}

function fromJsonSpec(family: TableFamily): string {
  const spec: Record<string, string> = {};
  const nested = nestedTops(family);
  for (const name of parsedFields(family)) spec[name] = nested.has(name) ? 'JSON' : 'VARCHAR';
  return literal(JSON.stringify(spec));
}

/**
 * Stage → `_rows`: the id, the event time and why a record is rejected (or NULL). Only the two
 * key fields are kept: the insert parses the new records again for the promoted fields, which
 * costs less than keeping a struct of every field for records that may be duplicates.
 */
export function parseStatement(family: TableFamily): string {
  const keySpec = literal(
    JSON.stringify({ [family.idPath]: 'VARCHAR', [family.timePath]: 'VARCHAR' }),
  );
  const id = field(family.idPath, 'k');
  // Zone-less times are UTC: the connection's TimeZone is UTC.
  const time = `TRY_CAST(${field(family.timePath, 'k')} AS TIMESTAMPTZ)::TIMESTAMP`;
  return `CREATE OR REPLACE TEMP TABLE _rows AS
    SELECT k.ord, k.set_idx, ${id} AS id, ${time} AS eventdate,
      CASE WHEN k.v IS NULL THEN 'not valid JSON'
           WHEN ${id} IS NULL OR ${id} = '' THEN 'no ${family.idPath} field'
           WHEN ${time} IS NULL THEN '${family.timePath} missing or not a time'
      END AS reason
    FROM (SELECT ord, set_idx, try(from_json(text, ${keySpec})) AS v FROM _stage
          WHERE set_idx IN (SELECT set_idx FROM _stage_sets WHERE family = ${literal(family.id)})) k`;
}

function inferredContentType(): string {
  const byWorkload = Object.entries(WORKLOAD_CONTENT_TYPES)
    .map(([w, ct]) => `WHEN ${field('Workload')} = ${literal(w)} THEN ${literal(ct)}`)
    .join(' ');
  return `CASE WHEN TRY_CAST(${field('RecordType')} AS INTEGER) IN (${DLP_RECORD_TYPES.join(', ')})
      THEN 'DLP.All' ${byWorkload} ELSE 'Audit.General' END`;
}

function subtable(): string {
  return `coalesce(nullif(lower(regexp_replace(${field('Workload')}, '[^A-Za-z0-9]', '', 'g')), ''), 'unknown')`;
}

/** Address without port or IPv6 brackets, from the first non-empty address field. */
function sourceIp(family: TableFamily): string {
  if (family.ipPaths.length === 0) return 'NULL';
  const ip = `coalesce(${family.ipPaths.map((p) => `nullif(${field(p)}, '')`).join(', ')})`;
  const stripped = SRC_IP_STEPS.reduce(
    (e, [pattern, replacement]) => `regexp_replace(${e}, '${pattern}', '${replacement}')`,
    `trim(${ip})`,
  );
  return `nullif(lower(${stripped}), '')`;
}

function columnValue(family: TableFamily, column: ColumnDef): string {
  switch (column.derived) {
    case 'seq':
      // The staging position: increasing in commit order; records dropped leave gaps.
      return '$1 + r.ord + 1';
    case 'ingested':
      return '$2::TIMESTAMP';
    case 'tenant':
      return 'ss.tenant';
    case 'contentType':
      return `coalesce(ss.content_type, ${inferredContentType()})`;
    case 'subtable':
      return subtable();
    case 'eventdate':
      return 'r.eventdate';
    case 'hostchain':
      return 'ss.hostchain';
    case 'client':
      return 'ss.client';
    case 'message':
      return 'r.text';
    case 'srcIp':
      return sourceIp(family);
    case undefined:
      break;
  }
  const paths = column.paths ?? [column.name];
  const raw =
    paths.length === 1 ? field(paths[0]!) : `coalesce(${paths.map((p) => field(p)).join(', ')})`;
  return column.type === 'string' ? raw : `TRY_CAST(${raw} AS ${duckdbType(column.type)})`;
}

/**
 * The new records of a table of parsed keys (`_rows`, `_frows`): the first of their id in the
 * batch, and not already stored. Stored rows are compared on id and event time within the batch's
 * time span ($3..$4, bound as constants so DuckDB skips the row groups of other periods).
 */
function newRows(family: TableFamily, rows: string, columns: string): string {
  const table = quoteIdent(family.id);
  const id = quoteIdent(family.idPath);
  return `SELECT ${columns} FROM ${rows} q
                SEMI JOIN (SELECT min(ord) AS ord FROM ${rows} WHERE reason IS NULL GROUP BY id) f ON f.ord = q.ord
                ANTI JOIN (SELECT t.${id} AS id, t.eventdate FROM ${table} t
                           SEMI JOIN ${rows} k ON k.id = t.${id} AND k.eventdate = t.eventdate
                           WHERE t.eventdate BETWEEN $3::TIMESTAMP AND $4::TIMESTAMP) m
                  ON m.id = q.id AND m.eventdate = q.eventdate`;
}

/**
 * `_rows` → the family's table: the new records (`newRows`).
 * Parameters: $1 the last sequence number used, $2 the commit time, $3 and $4 the time span.
 */
export function insertStatement(family: TableFamily): string {
  const names = family.columns.map((c) => quoteIdent(c.name)).join(', ');
  const values = family.columns.map((c) => columnValue(family, c)).join(',\n      ');
  // Narrow rows through the dedup (ord, id, time), the record text joined back for the new ones.
  return `INSERT INTO ${quoteIdent(family.id)} (${names})
    SELECT ${values}
    FROM (SELECT n.ord, n.set_idx, n.eventdate, s.text, try(from_json(s.text, ${fromJsonSpec(family)})) AS v
          FROM (${newRows(family, '_rows', 'q.ord, q.set_idx, q.eventdate')}) n
          JOIN _stage s ON s.ord = n.ord) r
    JOIN _stage_sets ss ON ss.set_idx = r.set_idx`;
}

/**
 * A staged file of records (`StagedRecordFile`, lines `LINE \x01 TEXT`) as a relation (ord, text),
 * read by DuckDB's CSV reader with no quoting: each line's text byte for byte. Its buffers are
 * small (4 MiB; DuckDB's default is 16 times the longest line) so that the import's bounded
 * memory holds them; staged lines are at most `STAGED_LINE_MAX` bytes (longer records go as
 * strings). Parameter: the file.
 */
export function stagedLines(param: string): string {
  return `read_csv(${param}, columns = {ord: 'BIGINT', text: 'VARCHAR'}, delim = chr(1), quote = '',
      escape = '', header = false, auto_detect = false, max_line_size = ${2 * STAGED_LINE_MAX},
      buffer_size = ${4 * STAGED_LINE_MAX})`;
}

/**
 * Staged file → `_frows`: as `parseStatement`, with each record's line as `ord` and its tenant:
 * $2 when given, else its `OrganizationId` (a string), trimmed and lower-cased, else `unknown`.
 * Parameters: $1 the file, $2 the tenant of every record or NULL.
 */
export function stagedParseStatement(family: TableFamily): string {
  const keySpec = literal(
    JSON.stringify({
      [family.idPath]: 'VARCHAR',
      [family.timePath]: 'VARCHAR',
      OrganizationId: 'JSON',
    }),
  );
  const id = field(family.idPath, 'k');
  const time = `TRY_CAST(${field(family.timePath, 'k')} AS TIMESTAMPTZ)::TIMESTAMP`;
  const org = field('OrganizationId', 'k');
  const found = `nullif(lower(trim(CASE WHEN json_type(${org}) = 'VARCHAR' THEN ${org}->>'$' END, ' \t\n\r')), '')`;
  return `CREATE OR REPLACE TEMP TABLE _frows AS
    SELECT k.ord, ${id} AS id, ${time} AS eventdate,
      CASE WHEN k.v IS NULL THEN 'not valid JSON'
           WHEN ${id} IS NULL OR ${id} = '' THEN 'no ${family.idPath} field'
           WHEN ${time} IS NULL THEN '${family.timePath} missing or not a time'
      END AS reason,
      coalesce($2::VARCHAR, ${found}, 'unknown') AS tenant
    FROM (SELECT ord, try(from_json(text, ${keySpec})) AS v FROM ${stagedLines('$1')}) k`;
}

/** Per staged file: its records by tenant, and how many of them are rejected. */
export const STAGED_SUMMARY_STATEMENT = `SELECT tenant, count(*) AS n,
    count(*) FILTER (WHERE reason IS NOT NULL) AS rejected
  FROM _frows GROUP BY tenant`;

/** The tenants of a staged file with their labels (`_stage_sets`' columns, for `columnValue`). */
export const STAGED_SETS_DDL = `CREATE OR REPLACE TEMP TABLE _fsets (tenant VARCHAR, client VARCHAR,
  hostchain VARCHAR, content_type VARCHAR)`;

/**
 * `_frows` → the family's table: the new records (`newRows`), their text read again from the
 * staged file (streamed, joined on the line to the narrow new rows, never held whole).
 * Parameters: $1 the sequence number before the file's first line minus that line, $2 the commit
 * time, $3 and $4 the time span, $5 the file.
 */
export function stagedInsertStatement(family: TableFamily): string {
  const names = family.columns.map((c) => quoteIdent(c.name)).join(', ');
  const values = family.columns.map((c) => columnValue(family, c)).join(',\n      ');
  return `INSERT INTO ${quoteIdent(family.id)} (${names})
    SELECT ${values}
    FROM (SELECT s.ord, n.eventdate, n.tenant, s.text, try(from_json(s.text, ${fromJsonSpec(family)})) AS v
          FROM ${stagedLines('$5')} s
          JOIN (${newRows(family, '_frows', 'q.ord, q.eventdate, q.tenant')}) n ON n.ord = s.ord) r
    JOIN _fsets ss ON ss.tenant = r.tenant`;
}

/** `_frows` rejected → quarantine. Parameters: $1 the commit time, $2 the file, $3 the origin. */
export function stagedQuarantineStatement(family: TableFamily): string {
  return `INSERT INTO _quarantine (family, tenant, origin, reason, text, quarantined_at)
    SELECT ${literal(family.id)}, r.tenant, $3 || ':' || r.ord,
      CASE WHEN r.reason = 'no ${family.idPath} field' AND try(json_type(s.text)) IS DISTINCT FROM 'OBJECT'
           THEN 'not a JSON object' ELSE r.reason END,
      s.text, $1::TIMESTAMP
    FROM ${stagedLines('$2')} s JOIN _frows r ON r.ord = s.ord
    WHERE r.reason IS NOT NULL`;
}

/** The time span of the valid records in `_rows` (for `insertStatement`). */
export const SPAN_STATEMENT = `SELECT min(eventdate), max(eventdate) FROM _rows WHERE reason IS NULL`;

/** `_rows` rejected → quarantine. Parameter: $1 the commit time. */
export function quarantineStatement(family: TableFamily): string {
  return `INSERT INTO _quarantine (family, tenant, origin, reason, text, quarantined_at)
    SELECT ss.family, ss.tenant, coalesce(s.rorigin, ss.origin),
      CASE WHEN r.reason = 'no ${family.idPath} field' AND try(json_type(s.text)) IS DISTINCT FROM 'OBJECT'
           THEN 'not a JSON object' ELSE r.reason END,
      s.text, $1::TIMESTAMP
    FROM _rows r JOIN _stage s ON s.ord = r.ord JOIN _stage_sets ss ON ss.set_idx = r.set_idx
    WHERE r.reason IS NOT NULL`;
}

/**
 * The yardstick of the import benchmark (bench/ingest.bench.ts, "DuckDB alone"): DuckDB doing the
 * same work as an import by itself, from an NDJSON file: each line kept whole as `message`, the
 * promoted fields parsed into the same columns by the same expressions, repeated ids dropped,
 * one commit. No JavaScript touches a record. Parameters: $1 the file, $2 the commit time.
 */
export function engineAloneStatement(family: TableFamily): string {
  const names = family.columns.map((c) => quoteIdent(c.name)).join(', ');
  const values = family.columns
    .map((c) => columnValue(family, c).replace('$1 + r.ord + 1', 'r.ord'))
    .join(',\n      ');
  const keySpec = literal(
    JSON.stringify({ [family.idPath]: 'VARCHAR', [family.timePath]: 'VARCHAR' }),
  );
  const time = `TRY_CAST(${field(family.timePath, 'k')} AS TIMESTAMPTZ)::TIMESTAMP`;
  return `INSERT INTO ${quoteIdent(family.id)} (${names})
    WITH ss AS (SELECT 'tenant' AS tenant, 'client' AS client, 'collector-10001-bench' AS hostchain,
                       NULL::VARCHAR AS content_type),
    lines AS (SELECT row_number() OVER () AS ord, line AS text
              FROM read_csv($1, columns = {line: 'VARCHAR'}, delim = chr(1), quote = '',
                            escape = '', header = false, auto_detect = false)),
    keyed AS (SELECT ord, text, try(from_json(text, ${keySpec})) AS v FROM lines)
    SELECT ${values}
    FROM (SELECT k.ord, k.text, ${time} AS eventdate, try(from_json(k.text, ${fromJsonSpec(family)})) AS v
          FROM keyed AS k
          WHERE ${field(family.idPath, 'k')} IS NOT NULL
          QUALIFY row_number() OVER (PARTITION BY ${field(family.idPath, 'k')} ORDER BY k.ord) = 1) r,
      ss`;
}
