// The function table: every LINQ function by name. `defaultFunctions()` is what queries use unless
// a caller passes its own table: the GeoIP functions there are backed by the shipped databases.
import { AGGREGATES } from './aggregates.js';
import { CATALOGUE_FUNCTIONS } from './catalogue.js';
import { FILTERS } from './filters.js';
import { GEOIP_LINQ_FUNCTIONS, GEOIP_UNAVAILABLE } from './geoip.js';
import { LOOKUP_FUNCTIONS } from './lookups.js';
import { NETWORK_FUNCTIONS } from './network.js';
import { TIME } from './time.js';
import type { FunctionDef, FunctionTable } from './types.js';
import { VALUES } from './values.js';
import { WEB_FUNCTIONS } from './web.js';

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
let defaults: FunctionTable | undefined;

/** Every LINQ function, with the GeoIP ones backed by the shipped databases (DuckDB only). */
export function defaultFunctions(): FunctionTable {
  defaults ??= withFunctions([...GEOIP_LINQ_FUNCTIONS, ...GEOIP_UNAVAILABLE], baseFunctions());
  return defaults;
}

/** The functions without a GeoIP database: the GeoIP names say they cannot run. */
export function baseFunctions(): FunctionTable {
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
      ...WEB_FUNCTIONS,
    ]) {
      if (m.has(f.name)) throw new Error(`duplicate LINQ function ${f.name}`);
      m.set(f.name, f);
    }
    table = m;
  }
  return table;
}

/** A table (the default one unless given) with some functions added or replaced. */
export function withFunctions(
  extra: Iterable<FunctionDef>,
  base: FunctionTable = defaultFunctions(),
): FunctionTable {
  const m = new Map(base);
  for (const f of extra) m.set(f.name, f);
  return m;
}
