// The function table: every LINQ function by name. `defaultFunctions()` is what queries use unless
// a caller passes its own table (for instance one whose GeoIP functions are backed by a database).
import { AGGREGATES } from './aggregates.js';
import { CATALOGUE_FUNCTIONS } from './catalogue.js';
import { FILTERS } from './filters.js';
import { LOOKUP_FUNCTIONS } from './lookups.js';
import { NETWORK_FUNCTIONS } from './network.js';
import { TIME } from './time.js';
import type { FunctionDef, FunctionTable } from './types.js';
import { VALUES } from './values.js';

export type {
  AggregateFunction,
  CheckedArg,
  FnContext,
  FunctionDef,
  FunctionTable,
  ScalarFunction,
} from './types.js';
export { GEOIP_FUNCTIONS } from './time.js';

let table: FunctionTable | undefined;

export function defaultFunctions(): FunctionTable {
  if (!table) {
    const m = new Map<string, FunctionDef>();
    for (const f of [
      ...FILTERS,
      ...VALUES,
      ...TIME,
      ...AGGREGATES,
      ...LOOKUP_FUNCTIONS,
      ...NETWORK_FUNCTIONS,
      ...CATALOGUE_FUNCTIONS,
    ]) {
      if (m.has(f.name)) throw new Error(`duplicate LINQ function ${f.name}`);
      m.set(f.name, f);
    }
    table = m;
  }
  return table;
}

/** The default table with some functions added or replaced. */
export function withFunctions(extra: Iterable<FunctionDef>): FunctionTable {
  const m = new Map(defaultFunctions());
  for (const f of extra) m.set(f.name, f);
  return m;
}
