// DuckDB: the default generator is written in DuckDB's spelling, so only placeholders ($1::TYPE,
// 1-based) and type names are DuckDB's own here.
import type { Dialect } from '../../store/store.js';
import { SqlGenerator } from '../sql/generator.js';
import { elementOf, isArray, type LType } from '../types.js';

export class DuckDBGenerator extends SqlGenerator {
  readonly dialect: Dialect = 'duckdb';

  protected placeholder(index: number, type: LType): string {
    return `$${index}::${this.sqlType(type)}`;
  }

  protected sqlType(t: LType): string {
    if (isArray(t)) return `${this.sqlType(elementOf(t))}[]`;
    switch (t) {
      case 'int':
      case 'duration':
      case 'ip4':
        return 'BIGINT';
      case 'float':
        return 'DOUBLE';
      case 'bool':
        return 'BOOLEAN';
      case 'timestamp':
        return 'TIMESTAMP';
      case 'json':
        return 'JSON';
      default:
        return 'VARCHAR';
    }
  }
}
