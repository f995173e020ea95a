// Overridable pieces of SQL (DuckDB spelling by default): the aggregates of a group.
import type { Aggregate, GroupPlan } from '../ir.js';
import { TextSql } from './text.js';

export abstract class AggregateSql extends TextSql {
  // ---- aggregates

  protected aggregate(a: Aggregate, g: GroupPlan): string {
    const x = a.args[0] ? this.expr(a.args[0]) : '';
    const order = (): string => this.orderKey(g.orderKeys.map((k) => this.expr(k)));
    switch (a.op) {
      case 'count_star':
        return 'count(*)';
      case 'count':
        return `count(${x})`;
      case 'sum':
        return a.type === 'float' ? `sum(${x})` : this.castInt(`sum(${x})`);
      case 'avg':
        return `avg(${x})`;
      case 'min':
        return `min(${x})`;
      case 'max':
        return `max(${x})`;
      case 'first':
        return this.argBy(x, order(), 'min', true);
      case 'last':
        return this.argBy(x, order(), 'max', true);
      case 'nnfirst':
        return this.argBy(x, order(), 'min', false);
      case 'nnlast':
        return this.argBy(x, order(), 'max', false);
      case 'count_distinct':
        return a.type === 'float' ? `CAST(count(DISTINCT ${x}) AS DOUBLE)` : `count(DISTINCT ${x})`;
      case 'collect_distinct':
        return this.collectDistinct(x);
      case 'quantile':
        return this.quantile(x, a.fraction ?? 0.5);
      case 'stddev_pop':
      case 'stddev_samp':
      case 'var_pop':
      case 'var_samp':
        return this.statistic(a.op, x);
      case 'sum2':
        return `sum(CAST(${x} AS DOUBLE) * CAST(${x} AS DOUBLE))`;
    }
  }

  protected orderKey(keys: string[]): string {
    return keys.length === 1 ? keys[0]! : `(${keys.join(', ')})`;
  }

  protected argBy(x: string, order: string, dir: 'min' | 'max', withNulls: boolean): string {
    return `arg_${dir}${withNulls ? '_null' : ''}(${x}, ${order})`;
  }

  protected collectDistinct(x: string): string {
    return `list_sort(list_distinct(list(${x})))`;
  }

  protected quantile(x: string, fraction: number): string {
    return `quantile_cont(CAST(${x} AS DOUBLE), ${this.param(fraction, 'float')})`;
  }

  protected statistic(
    op: 'stddev_pop' | 'stddev_samp' | 'var_pop' | 'var_samp',
    x: string,
  ): string {
    return `${op}(${x})`;
  }
}
