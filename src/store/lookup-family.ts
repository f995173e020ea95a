// Lookup tables (docs/lookups.md) as a table family: each row of each version of each lookup is
// one record, appended when a version is loaded and never edited, so a version stays readable as
// long as the store keeps it. The current version of each lookup, its columns and its key are in
// the `lookups` state collection (src/store/lookups.ts), written in the same commit as the rows.
// Kept in its own file so that schema.ts only lists it.
import { col, derived } from './column-def.js';
import type { TableFamily } from './schema.js';

export const LOOKUPS_TABLE = 'm365hunt.lookups';

export const LOOKUPS: TableFamily = {
  id: 'lookups',
  table: LOOKUPS_TABLE,
  description: 'Rows of every version of every lookup table (allow-lists, VIP lists, IOC lists).',
  idPath: 'Id',
  timePath: 'LoadedAt',
  ipPaths: [],
  keep: true,
  columns: [
    derived('_seq', 'int', 'seq', 'Ingest sequence number.', true),
    derived('_ingested', 'timestamp', 'ingested', 'When the row was stored.', true),
    derived('_tenant', 'string', 'tenant', 'Unused (lookups belong to the installation).', true),
    derived('_content_type', 'string', 'contentType', `Always ${LOOKUPS_TABLE}.`, true),
    derived('_subtable', 'string', 'subtable', 'Unused (no Workload).', true),
    derived('eventdate', 'timestamp', 'eventdate', 'When the version was loaded (UTC).'),
    col('Id', 'string', 'Row id: lookup, version id and row number.'),
    col('LoadedAt', 'string', 'When the version was loaded (ISO, UTC).'),
    col('Lookup', 'string', "The lookup's name."),
    col('Version', 'int', 'Version number (1, 2, …).'),
    col('VersionId', 'string', 'Unique id of the version (queries read rows by it).'),
    col('Key', 'string', "The row's key, as text."),
    derived('message', 'string', 'message', 'The row as JSON: column name → value.'),
  ],
};
