// The file formats `import` reads. A format is a container (how records are laid out in the file)
// and a schema (what a record looks like): raw Management Activity API records, a Purview audit
// search CSV (raw records in its AuditData column) or Sentinel's OfficeActivity table.

export type Container = 'ndjson' | 'json-array' | 'csv';
export type Schema = 'management' | 'purview' | 'sentinel';

export interface ImportFormat {
  readonly container: Container;
  readonly schema: Schema;
}

/** How the summary names a format. */
export function formatLabel(format: ImportFormat): string {
  const container =
    format.container === 'ndjson' ? 'NDJSON' : format.container === 'csv' ? 'CSV' : 'JSON array';
  switch (format.schema) {
    case 'management':
      return `Management Activity API records (${container})`;
    case 'purview':
      return 'Purview audit search export (CSV, AuditData column)';
    case 'sentinel':
      return `Sentinel OfficeActivity export (${container}), converted to the API shape`;
  }
}

/** Whether the stored message is the record's text exactly as in the file. */
export function keepsRecordText(format: ImportFormat): boolean {
  return format.schema !== 'sentinel';
}
