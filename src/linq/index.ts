// The LINQ compiler's public surface: parse, compile to DuckDB or ClickHouse SQL, run on a store.
export type * from './ast.js';
export { parseLinq } from './parser.js';
export {
  compileLinq,
  type CompileOptions,
  type CompiledLinq,
  type CompiledColumn,
} from './compile.js';
export { LinqError } from './errors.js';
export { runLinq, type RunOptions, type LinqResult } from './run.js';
export {
  baseFunctions,
  defaultFunctions,
  withFunctions,
  GEOIP_FUNCTIONS,
} from './functions/index.js';
export type { FunctionDef, FunctionTable } from './functions/index.js';
export { parseTimeSpec, resolveTimeRange, parseTimestampLiteral } from './time-range.js';
export { registerLinqFunctions } from './udf.js';
