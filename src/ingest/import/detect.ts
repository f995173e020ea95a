// Recognises a file's format from its first bytes, whatever its name: `[` opens a JSON array, `{`
// one JSON record per line, anything else a CSV header. The first record (or the CSV header) then
// tells which schema it is in. Files that hold something else (Entra sign-in or audit logs, other
// Log Analytics tables) are refused here, before anything is imported.
import { parse as parseCsv } from 'csv-parse/sync';
import { importError } from './errors.js';
import type { ImportFormat, Schema } from './formats.js';
import { endOfJsonValue, topLevelKeys, topLevelString } from './json-scan.js';

/** Characters read from the start of a file to recognise its format. */
const HEAD_CHARS = 1 << 20;
import { readHead, type TextSource } from './text-source.js';

export interface Detection {
  readonly format: ImportFormat;
  /** The CSV header's fields (CSV only). */
  readonly header?: readonly string[];
}

type Verdict =
  { readonly schema: Schema } | { readonly reject: string; readonly hint?: string } | undefined;

const SIGNIN_HINT =
  "Microsoft 365's own sign-in audit records (RecordType 15, UserLoggedIn and UserLoginFailed) can be imported from a Purview audit search export.";

/** Sign-in tables of Log Analytics (interactive, non-interactive, service principal, identity). */
function isSigninTable(name: string): boolean {
  return /sign-?in/i.test(name);
}

function has(keys: ReadonlySet<string>, ...names: string[]): boolean {
  return names.every((n) => keys.has(n));
}

/** What a record's top-level keys (or a CSV header) say about the schema. */
export function classify(
  fields: readonly string[],
  sample: Readonly<Record<string, unknown>> = {},
): Verdict {
  const keys = new Set(fields);
  const table = typeof sample.Type === 'string' ? sample.Type : undefined;
  const category = typeof sample.Category === 'string' ? sample.Category : '';
  if (
    (table !== undefined && isSigninTable(table)) ||
    isSigninTable(category) ||
    keys.has('ConditionalAccessStatus') ||
    has(keys, 'AppDisplayName', 'ResultType', 'UserPrincipalName')
  ) {
    return {
      reject: `This is an export of Entra ID sign-in logs (the ${table ?? 'SigninLogs'} table), not Microsoft 365 audit records. Entra sign-in logs go to their own table, cloud.azure.ad.signin, which a later version of m365hunt fills; \`import\` reads Management Activity API records only.`,
      hint: SIGNIN_HINT,
    };
  }
  if (
    table === 'AuditLogs' ||
    has(keys, 'InitiatedBy', 'TargetResources') ||
    has(keys, 'ActivityDisplayName', 'LoggedByService')
  ) {
    return {
      reject:
        'This is an export of Entra ID audit logs (the AuditLogs table), not Microsoft 365 audit records.',
      hint: 'The same directory changes reach the Management Activity API as RecordType 8 (Workload AzureActiveDirectory): import a Purview audit search export of them instead.',
    };
  }
  const lower = new Set(fields.map((f) => f.toLowerCase()));
  if (lower.has('auditdata')) return { schema: 'purview' };
  if (
    table === 'OfficeActivity' ||
    keys.has('OfficeWorkload') ||
    keys.has('OfficeId') ||
    keys.has('OfficeObjectId')
  ) {
    return { schema: 'sentinel' };
  }
  if (table !== undefined && keys.has('TenantId')) {
    return {
      reject: `This is an export of the Log Analytics table ${table}; of Log Analytics tables, only OfficeActivity can be imported.`,
    };
  }
  // Raw records; the field names are compared without case so that records some pipelines
  // lower-case still count as records (the store then quarantines what it cannot use).
  if (['id', 'creationtime', 'operation', 'recordtype', 'workload'].some((k) => lower.has(k))) {
    return { schema: 'management' };
  }
  return undefined;
}

function fail(file: string, line: number | undefined, verdict: Verdict, fallback: string): never {
  if (verdict && 'reject' in verdict) throw importError(file, line, verdict.reject, verdict);
  throw importError(file, line, fallback, {
    hint: 'import reads raw Management Activity API records (NDJSON or a JSON array), Purview audit search CSV exports and Sentinel OfficeActivity exports (CSV or NDJSON).',
  });
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Lines of the head tried for a first record when line 1 is not one (docs/import.md). */
const NDJSON_PROBE_LINES = 50;

function firstObjectLine(head: string, from: number): { first: string; at: number } | undefined {
  let nl = from;
  for (let tried = 0; nl >= 0 && tried < NDJSON_PROBE_LINES; tried++) {
    const start = nl + 1;
    nl = head.indexOf('\n', start);
    // The head's last line may be cut by the head's size: only whole lines are tried.
    if (nl < 0) return undefined;
    const line = head.slice(start, nl).trim();
    if (line.startsWith('{') && parseObject(line)) return { first: line, at: start };
  }
  return undefined;
}

/**
 * A first record longer than the head read for detection: its first keys (and `Type`, `Category`)
 * stand for it, when they say it is a record (the import then reads it whole, or quarantines it
 * when it is over the record size limit).
 */
function largeRecordHead(partial: string): Record<string, unknown> | undefined {
  if (!partial.startsWith('{')) return undefined;
  const keys = topLevelKeys(partial);
  if (keys.length === 0) return undefined;
  const record: Record<string, unknown> = {};
  for (const key of keys) record[key] = topLevelString(partial, key) ?? null;
  return record;
}

function detectJson(
  file: string,
  head: string,
  start: number,
  container: 'ndjson' | 'json-array',
  headCut: boolean,
): Detection {
  let first: string;
  let at = start;
  /** Whether the first record goes on past the head. */
  let cut = false;
  if (container === 'ndjson') {
    const nl = head.indexOf('\n', start);
    first = (nl < 0 ? head.slice(start) : head.slice(start, nl)).trimEnd();
    cut = headCut && nl < 0;
    // One broken first line (a cut record, a stray header) must not refuse the file: the first
    // line of the head that is a JSON object decides, and the reader quarantines the bad ones.
    const later = parseObject(first) ? undefined : firstObjectLine(head, nl);
    if (later) ({ first, at } = later);
  } else {
    at = start + 1;
    while (at < head.length && /\s/.test(head[at]!)) at++;
    if (head[at] === ']') return { format: { container, schema: 'management' } };
    const end = endOfJsonValue(head, at);
    first = end < 0 ? head.slice(at) : head.slice(at, end);
    cut = headCut && end < 0;
  }
  const line = lineOf(head, at);
  const record = parseObject(first) ?? (cut ? largeRecordHead(first) : undefined);
  if (!record) {
    // A first line that does not close its object: the records are spread over lines.
    const multiLine = container === 'ndjson' && !cut && !first.endsWith('}');
    throw importError(
      file,
      line,
      container === 'ndjson'
        ? 'The first record is not a JSON object on one line: the file is neither NDJSON (one record per line) nor a JSON array.'
        : 'The first element of the JSON array is not a JSON object.',
      multiLine
        ? { hint: 'Pretty-printed JSON is not read: write one record per line (e.g. `jq -c`).' }
        : {},
    );
  }
  const verdict = classify(Object.keys(record), record);
  if (!verdict || !('schema' in verdict) || verdict.schema === 'purview') {
    fail(
      file,
      line,
      verdict,
      'The first record has none of the Management Activity API fields (Id, CreationTime, Operation, RecordType, Workload) and is not a Sentinel OfficeActivity row.',
    );
  }
  return { format: { container, schema: verdict.schema } };
}

function detectCsv(file: string, head: string): Detection {
  let header: string[] = [];
  let sample: Record<string, unknown> = {};
  try {
    const nl = head.indexOf('\n');
    const rows = parseCsv(nl < 0 ? head : head.slice(0, nl + 1), {
      relax_quotes: true,
    }) as string[][];
    header = (rows[0] ?? []).map((h) => h.trim());
  } catch {
    header = [];
  }
  try {
    // The first data row, when it fits in the head, says which Log Analytics table this is.
    const rows = parseCsv(head.slice(0, 1 << 16), {
      to: 2,
      relax_column_count: true,
      relax_quotes: true,
    }) as string[][];
    const row = rows[1] ?? [];
    sample = Object.fromEntries(header.map((h, i) => [h, row[i] ?? '']));
  } catch {
    sample = {};
  }
  const verdict = classify(header, sample);
  if (verdict && 'schema' in verdict && verdict.schema !== 'management') {
    return { format: { container: 'csv', schema: verdict.schema }, header };
  }
  const shown = header.slice(0, 6).join(', ') + (header.length > 6 ? ', …' : '');
  return fail(
    file,
    1,
    verdict && 'reject' in verdict ? verdict : undefined,
    header.length > 1
      ? `This CSV is neither a Purview audit search export (no AuditData column) nor a Sentinel OfficeActivity export (no OfficeId or OfficeWorkload column); its header is: ${shown}.`
      : 'This file is not JSON (it does not start with { or [) and not a CSV with a header row.',
  );
}

export async function detectFormat(source: TextSource): Promise<Detection> {
  const head = await readHead(source, HEAD_CHARS);
  // The head ends inside the file: a first record longer than it is read by its first keys.
  const headCut = head.length >= HEAD_CHARS;
  let start = 0;
  while (start < head.length && /\s/.test(head[start]!)) start++;
  if (start >= head.length) {
    throw importError(source.file, undefined, 'The file is empty.');
  }
  const c = head[start];
  if (c === '{') return detectJson(source.file, head, start, 'ndjson', headCut);
  if (c === '[' && /^\[\s*[{\]]/.test(head.slice(start, start + 4096))) {
    return detectJson(source.file, head, start, 'json-array', headCut);
  }
  if (c === '[' && /^\[\s*$/.test(head.slice(start))) {
    throw importError(source.file, undefined, 'The JSON array is not terminated.');
  }
  return detectCsv(source.file, head);
}
