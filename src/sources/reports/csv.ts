// A usage report's CSV as JSON records: one per row, keys in camelCase as Graph's JSON format
// names them (`Send Count` → `sendCount`), numbers and booleans typed, empty cells null, plus
// `reportName` and an `id` that is stable across downloads (a hash of report, refresh date,
// period and the row's key: the user or site), so that downloading a report again stores nothing
// twice. Columns Microsoft adds later are kept too (in `message`).
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { reportJsonKey, type UsageReportDef } from '../../records/usage-reports.js';
import { M365HuntError } from '../../util/errors.js';

export interface ReportRecords {
  /** `YYYY-MM-DD`, from the rows' Report Refresh Date (null when the report has no row). */
  readonly refreshDate: string | null;
  readonly records: string[];
}

export function reportRowId(fn: string, refreshDate: string, period: string, key: string): string {
  return createHash('sha256')
    .update(`${fn}\u0000${refreshDate}\u0000${period}\u0000${key}`)
    .digest('hex')
    .slice(0, 32);
}

function typed(
  value: string,
  type: 'string' | 'int' | 'bool' | undefined,
): string | number | boolean | null {
  if (value === '') return null;
  if (type === 'int' && /^-?\d+$/.test(value)) return Number(value);
  if (type === 'bool' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return value;
}

export function reportRecords(def: UsageReportDef, csv: string, period: string): ReportRecords {
  let rows: string[][];
  try {
    rows = parse(csv, {
      bom: true,
      relax_column_count: false,
      skip_empty_lines: true,
    }) as string[][];
  } catch (error) {
    throw new M365HuntError(
      `The usage report ${def.fn} is not valid CSV: ${(error as Error).message}`,
    );
  }
  const [header, ...body] = rows;
  if (!header) return { refreshDate: null, records: [] };
  const types = new Map(def.columns.map((c) => [c.header, c.type]));
  const keyIndex = header.indexOf(def.key);
  const refreshIndex = header.indexOf('Report Refresh Date');
  if (refreshIndex < 0 || keyIndex < 0) {
    throw new M365HuntError(
      `The usage report ${def.fn} lacks the columns "Report Refresh Date" and "${def.key}" (its header: ${header.join(', ')}).`,
    );
  }
  const keys = header.map(reportJsonKey);
  let refreshDate: string | null = null;
  const records = body.map((cells) => {
    const refresh = cells[refreshIndex] ?? '';
    refreshDate ??= refresh;
    const record: Record<string, unknown> = {
      id: reportRowId(def.fn, refresh, period, cells[keyIndex] ?? JSON.stringify(cells)),
      reportName: def.fn,
    };
    header.forEach((h, i) => {
      record[keys[i]!] = typed(cells[i] ?? '', types.get(h));
    });
    return JSON.stringify(record);
  });
  return { refreshDate, records };
}
