// Lookup tables in the store (docs/lookups.md): each load is a new version, its rows appended to the
// lookups family and its description (columns, key, who, when, from what) written to the `lookups`
// state collection in the same commit, so a version is either whole and current or absent. Old
// versions stay: queries read the current one, `m365hunt lookups show NAME --version N` any.
import { createHash, randomUUID } from 'node:crypto';
import { LOOKUPS, LOOKUPS_TABLE } from './lookup-family.js';
import type { DocumentStore, QueryStore, RowStore } from './store.js';

/** The state collection holding one document per lookup. */
export const LOOKUP_COLLECTION = 'lookups';

export type LookupValueType = 'str' | 'int' | 'float' | 'bool';
export type LookupValue = string | number | boolean | null;

export interface LookupColumn {
  readonly name: string;
  readonly type: LookupValueType;
}

export interface LookupVersion {
  readonly version: number;
  /** Unique id of the version: the rows of a version are found by it. */
  readonly id: string;
  readonly loadedAt: string;
  readonly by: string;
  /** Where it came from (a file name, `api`, `web`). */
  readonly source: string;
  readonly rows: number;
  readonly key: string;
  readonly columns: readonly LookupColumn[];
  /** SHA-256 of the rows as loaded (their JSON), to tell identical versions apart. */
  readonly sha256: string;
}

export interface LookupDoc {
  readonly name: string;
  /** The version queries use. */
  readonly current: number;
  readonly versions: readonly LookupVersion[];
}

/** What a query needs of a lookup: its current version, key and columns. */
export interface LookupDef {
  readonly name: string;
  readonly version: number;
  readonly versionId: string;
  readonly key: string;
  readonly columns: readonly LookupColumn[];
  /** Every version, oldest first, with its load time (historical lookups: `hlurjson`). */
  readonly history: ReadonlyArray<{ readonly id: string; readonly loadedAt: string }>;
}

export type LookupCatalog = ReadonlyMap<string, LookupDef>;

export const LOOKUP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Lookup names are case-sensitive, as LINQ names are; at most 128 characters. */
export function checkLookupName(name: string): string | undefined {
  if (!LOOKUP_NAME.test(name))
    return `\`${name}\` is not a lookup name: use letters, digits, _ . - (at most 128, starting with a letter or digit)`;
  return undefined;
}

export interface NewLookupVersion {
  readonly name: string;
  readonly key: string;
  readonly columns: readonly LookupColumn[];
  readonly rows: ReadonlyArray<Readonly<Record<string, LookupValue>>>;
  readonly by: string;
  readonly source: string;
  /** The load time (the test clock); now by default. */
  readonly at?: Date;
}

/** Every lookup of the store, by name. */
export async function listLookups(store: DocumentStore): Promise<LookupDoc[]> {
  const docs = await store.listState<LookupDoc>(LOOKUP_COLLECTION);
  return docs.map((d) => d.doc).sort((a, b) => a.name.localeCompare(b.name));
}

export async function getLookup(
  store: DocumentStore,
  name: string,
): Promise<LookupDoc | undefined> {
  return (await store.getState<LookupDoc>(LOOKUP_COLLECTION, name))?.doc;
}

/** The current version of every lookup, as the LINQ compiler reads it. */
export function lookupCatalog(docs: readonly LookupDoc[]): LookupCatalog {
  const out = new Map<string, LookupDef>();
  for (const d of docs) {
    const v = d.versions.find((x) => x.version === d.current);
    if (!v) continue;
    out.set(d.name, {
      name: d.name,
      version: v.version,
      versionId: v.id,
      key: v.key,
      columns: v.columns,
      history: d.versions
        .filter((x) => x.version <= d.current)
        .map((x) => ({ id: x.id, loadedAt: x.loadedAt })),
    });
  }
  return out;
}

export async function loadLookupCatalog(store: DocumentStore): Promise<LookupCatalog> {
  return lookupCatalog(await listLookups(store));
}

function keyText(v: LookupValue | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

/**
 * Stores a new version of a lookup and makes it current, atomically. Throws when the key column
 * is missing, a key is empty or repeated (the row numbers are 1-based data rows).
 */
export async function saveLookupVersion(
  store: RowStore & DocumentStore,
  input: NewLookupVersion,
): Promise<LookupVersion> {
  const bad = checkLookupName(input.name);
  if (bad) throw new Error(bad);
  if (!input.columns.some((c) => c.name === input.key))
    throw new Error(`the key column \`${input.key}\` is not a column of the lookup`);
  const seen = new Map<string, number>();
  input.rows.forEach((row, i) => {
    const k = keyText(row[input.key]);
    if (k === '') throw new Error(`row ${i + 1}: the key \`${input.key}\` is empty`);
    const first = seen.get(k);
    if (first !== undefined)
      throw new Error(`row ${i + 1}: the key ${JSON.stringify(k)} is already in row ${first}`);
    seen.set(k, i + 1);
  });
  const previous = await getLookup(store, input.name);
  const version = (previous?.versions.reduce((m, v) => Math.max(m, v.version), 0) ?? 0) + 1;
  const id = `${input.name}@${version}-${randomUUID().slice(0, 8)}`;
  const loadedAt = (input.at ?? new Date()).toISOString();
  const hash = createHash('sha256');
  const records = input.rows.map((row, i) => {
    const body = JSON.stringify(row);
    hash.update(body).update('\n');
    return JSON.stringify({
      Id: `${id}#${i + 1}`,
      LoadedAt: loadedAt,
      Lookup: input.name,
      Version: version,
      VersionId: id,
      Key: keyText(row[input.key]),
      Row: JSON.parse(body) as unknown,
    });
  });
  const meta: LookupVersion = {
    version,
    id,
    loadedAt,
    by: input.by,
    source: input.source,
    rows: input.rows.length,
    key: input.key,
    columns: input.columns,
    sha256: hash.digest('hex'),
  };
  const doc: LookupDoc = {
    name: input.name,
    current: version,
    versions: [...(previous?.versions ?? []), meta],
  };
  const result = await store.ingest({
    sets: [
      {
        family: LOOKUPS.id,
        tenant: '',
        client: '',
        hostchain: '',
        contentType: LOOKUPS_TABLE,
        origin: `lookup ${input.name} v${version}`,
        records,
      },
    ],
    states: [{ collection: LOOKUP_COLLECTION, id: input.name, doc }],
  });
  if (result.quarantined > 0 || result.inserted !== records.length)
    throw new Error(
      `the store kept ${result.inserted} of ${records.length} rows of ${input.name} v${version} (${result.quarantined} set aside)`,
    );
  return meta;
}

/** Makes an earlier version current again (a new version is not made: the rows are there). */
export async function setCurrentVersion(
  store: DocumentStore,
  name: string,
  version: number,
): Promise<LookupDoc> {
  const doc = await getLookup(store, name);
  if (!doc) throw new Error(`no lookup named \`${name}\``);
  if (!doc.versions.some((v) => v.version === version))
    throw new Error(`\`${name}\` has no version ${version}`);
  const next: LookupDoc = { ...doc, current: version };
  await store.putState(LOOKUP_COLLECTION, name, next);
  return next;
}

/** Removes a lookup from queries (its rows stay in the store as a record of what was used). */
export async function deleteLookup(store: DocumentStore, name: string): Promise<boolean> {
  return store.deleteState(LOOKUP_COLLECTION, name);
}

/** The rows of a version, in load order, as objects (for display and download). */
export async function readLookupRows(
  store: QueryStore,
  version: LookupVersion,
  limit = 10_000,
): Promise<Array<Record<string, LookupValue>>> {
  const placeholder = store.dialect === 'clickhouse' ? '{p1:String}' : '$1';
  const rows = await store.queryAll({
    sql: `SELECT "Id" AS id, "message" AS m FROM "${LOOKUPS.id}" WHERE "VersionId" = ${placeholder}`,
    params: [version.id],
  });
  return rows
    .map((r) => ({
      n: Number(/#(\d+)$/.exec(String(r.id))?.[1] ?? 0),
      row: ((JSON.parse(String(r.m)) as { Row?: Record<string, LookupValue> }).Row ?? {}) as Record<
        string,
        LookupValue
      >,
    }))
    .sort((a, b) => a.n - b.n)
    .slice(0, limit)
    .map((x) => x.row);
}
