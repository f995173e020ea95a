// Loading a lookup from CSV into a store, the one path the CLI, the HTTP API and the web app share.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { saveLookupVersion, type LookupVersion } from '../store/lookups.js';
import type { Store } from '../store/store.js';
import { M365HuntError } from '../util/errors.js';
import { LookupCsvError, parseLookupCsv } from './csv.js';

/** A CSV upload larger than this is refused (lookups are held in memory while loading). */
export const MAX_LOOKUP_BYTES = 64 * 1024 * 1024;

export interface LoadLookupInput {
  readonly name: string;
  readonly csv: string;
  readonly key?: string;
  readonly by: string;
  readonly source: string;
  readonly at?: Date;
}

/** Parses and stores a new version; bad CSV or keys become an M365HuntError saying where. */
export async function loadLookupCsv(store: Store, input: LoadLookupInput): Promise<LookupVersion> {
  if (Buffer.byteLength(input.csv) > MAX_LOOKUP_BYTES)
    throw new M365HuntError(
      `The lookup file is larger than ${MAX_LOOKUP_BYTES / 1024 / 1024} MiB`,
      { hint: 'split it, or keep only the columns queries read' },
    );
  try {
    const parsed = parseLookupCsv(input.csv, input.key !== undefined ? { key: input.key } : {});
    return await saveLookupVersion(store, {
      name: input.name,
      ...parsed,
      by: input.by,
      source: input.source,
      ...(input.at ? { at: input.at } : {}),
    });
  } catch (error) {
    if (error instanceof LookupCsvError) throw new M365HuntError(error.message);
    if (error instanceof Error && !(error instanceof M365HuntError))
      throw new M365HuntError(`Lookup ${input.name}: ${error.message}`);
    throw error;
  }
}

export async function loadLookupFile(
  store: Store,
  name: string,
  file: string,
  options: { key?: string; by: string },
): Promise<LookupVersion> {
  const csv = readFileSync(file === '-' ? 0 : file, 'utf8');
  return loadLookupCsv(store, {
    name,
    csv,
    by: options.by,
    source: file === '-' ? 'stdin' : basename(file),
    ...(options.key !== undefined ? { key: options.key } : {}),
  });
}
