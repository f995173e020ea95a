// Lookup tables through the API (`/api/lookups…`): each load is a new version; queries read the
// current one.

export type LookupValue = string | number | boolean | null;

export interface LookupColumn {
  readonly name: string;
  readonly type: 'str' | 'int' | 'float' | 'bool';
}

export interface LookupVersion {
  readonly version: number;
  readonly loadedAt: string;
  readonly by: string;
  /** Where it came from (a file name, `api`, `web`). */
  readonly source: string;
  readonly rows: number;
  readonly key: string;
  readonly columns: readonly LookupColumn[];
}

export interface LookupDoc {
  readonly name: string;
  /** The version queries use. */
  readonly current: number;
  readonly versions: readonly LookupVersion[];
}

/** One lookup with the rows of the version shown (`GET /api/lookups/:name[?version=n]`). */
export interface LookupShown extends LookupDoc {
  readonly shown: number;
  readonly rows: ReadonlyArray<Readonly<Record<string, LookupValue>>>;
  readonly truncated: boolean;
}
