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

  /**
   * DuckDB plans a long IN list as a join that runs before the query's other filters (several
   * times slower on rules with long lists); `list_contains` stays a filter. Same answers: a NULL
   * value gives NULL either way, and the list holds no NULL.
   */
  protected override membership(
    x: string,
    items: string[],
    negated: boolean,
    literals: boolean,
  ): string {
    if (!literals || items.length < 4) return super.membership(x, items, negated, literals);
    return `(${negated ? 'NOT ' : ''}list_contains([${items.join(', ')}], ${x}))`;
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
