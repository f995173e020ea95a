// Aggregations (docs/linq.md, "The language"): allowed in any select or where after a group,
// computed over the group's input rows.
import { lit, op } from '../build.js';
import type { AggOp, TExpr } from '../ir.js';
import { arrayOf, isArray, isCompileTime, isNumeric, type LType } from '../types.js';
import { aggregate, type AggregateFunction, type CheckedArg, type FnContext } from './types.js';

function numeric(a: CheckedArg, ctx: FnContext, name: string): TExpr {
  const t = a.expr.type;
  if (t === 'bool') return op('to_int', [a.expr], 'int', { from: 'bool' });
  if (isNumeric(t) || t === 'duration' || t === 'null') return a.expr;
  if (t === 'json' || t === 'str') return ctx.to(a, 'float');
  ctx.error(`\`${name}\` needs numbers; this is ${t}`, a.span);
}

function value(a: CheckedArg, ctx: FnContext, name: string): TExpr {
  const t = a.expr.type;
  if (isCompileTime(t)) ctx.error(`\`${name}\` cannot collect a ${t}`, a.span);
  return a.expr;
}

/**
 * A statistic of the group's values. Devo's plain forms count a null as a value (0) and its `nn`
 * forms leave nulls out (docs/linq.md, "Aggregations"): `withNulls` makes a null a 0.
 */
const stat = (name: string, o: AggOp, doc: string, withNulls = false): AggregateFunction =>
  aggregate({
    name,
    signature: `${name}(x)`,
    doc,
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const v = numeric(x!, ctx, name);
      const zero = v.type === 'int' ? lit(0n, 'int') : lit(0, 'float');
      const arg = withNulls && v.type !== 'null' ? op('coalesce', [v, zero], v.type) : v;
      return { op: o, args: [arg], type: 'float' };
    },
  });

const ordered = (name: string, o: AggOp, doc: string): AggregateFunction =>
  aggregate({
    name,
    signature: `${name}(x)`,
    doc,
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const v = value(x!, ctx, name);
      return { op: o, args: [v], type: v.type === 'null' ? 'str' : v.type };
    },
  });

const percentile = (name: string, fraction: number): AggregateFunction =>
  aggregate({
    name,
    signature: `${name}(x)`,
    doc: `The ${fraction * 100}th percentile (linear interpolation).`,
    min: 1,
    max: 1,
    check: ([x], ctx) => ({
      op: 'quantile',
      args: [numeric(x!, ctx, name)],
      type: 'float',
      fraction,
    }),
  });

export const AGGREGATES: readonly AggregateFunction[] = [
  aggregate({
    name: 'count',
    signature: 'count() | count(*) | count(x)',
    doc: 'Rows of the group; with x, rows where x is not null.',
    min: 0,
    max: 1,
    star: true,
    check: (args) =>
      args.length === 0 || args[0]!.node.kind === 'star'
        ? { op: 'count_star', args: [], type: 'int' }
        : { op: 'count', args: [args[0]!.expr], type: 'int' },
  }),
  aggregate({
    name: 'sum',
    signature: 'sum(x)',
    doc: 'Sum (an int for ints).',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const v = numeric(x!, ctx, 'sum');
      const type: LType = v.type === 'int' || v.type === 'duration' ? v.type : 'float';
      return { op: 'sum', args: [v], type };
    },
  }),
  stat('avg', 'avg', 'Average, a null counting as 0 (nnavg leaves nulls out).', true),
  stat('nnavg', 'avg', 'Average of the non-null values.'),
  ordered('min', 'min', 'Smallest value; min(eventdate) is the first seen.'),
  ordered('max', 'max', 'Largest value; max(eventdate) is the last seen.'),
  ordered('first', 'first', 'Value of the earliest row (may be null).'),
  ordered('last', 'last', 'Value of the latest row (may be null).'),
  ordered('nnfirst', 'nnfirst', 'Earliest non-null value.'),
  ordered('nnlast', 'nnlast', 'Latest non-null value.'),
  aggregate({
    name: 'hllppcount',
    signature: 'hllppcount(x)',
    doc: 'Number of distinct values, as a float (computed exactly in m365hunt).',
    min: 1,
    max: 1,
    check: ([x], ctx) => ({
      op: 'count_distinct',
      args: [value(x!, ctx, 'hllppcount')],
      type: 'float',
    }),
  }),
  aggregate({
    name: 'sizedistinct',
    signature: 'sizedistinct(x)',
    doc: 'Number of distinct values (exact).',
    min: 1,
    max: 1,
    check: ([x], ctx) => ({
      op: 'count_distinct',
      args: [value(x!, ctx, 'sizedistinct')],
      type: 'int',
    }),
  }),
  aggregate({
    name: 'collectdistinct',
    signature: 'collectdistinct(x)',
    doc: 'The distinct non-null values, sorted, as an array.',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const v = value(x!, ctx, 'collectdistinct');
      if (isArray(v.type)) ctx.error('collectdistinct cannot collect arrays', x!.span);
      return {
        op: 'collect_distinct',
        args: [v],
        type: arrayOf(v.type === 'null' ? 'str' : v.type),
      };
    },
  }),
  aggregate({
    name: 'hllpp',
    signature: 'hllpp(x)',
    doc: 'A HyperLogLog sketch: not supported (use hllppcount).',
    min: 1,
    max: 1,
    check: (_a, ctx) =>
      ctx.error('`hllpp` sketches are not supported', ctx.call.nameSpan, 'use hllppcount(x)'),
  }),
  percentile('median', 0.5),
  percentile('percentile5', 0.05),
  percentile('percentile10', 0.1),
  percentile('percentile25', 0.25),
  percentile('percentile75', 0.75),
  percentile('percentile90', 0.9),
  percentile('percentile95', 0.95),
  stat('stddev', 'stddev_pop', 'Standard deviation (population, biased), a null as 0.', true),
  stat('nnstddev', 'stddev_pop', 'Standard deviation of the non-null values (population).'),
  stat('ustddev', 'stddev_samp', 'Standard deviation (sample, unbiased), a null as 0.', true),
  stat('nnustddev', 'stddev_samp', 'Standard deviation of the non-null values (sample).'),
  stat('var', 'var_pop', 'Variance (population, biased), a null as 0.', true),
  stat('nnvar', 'var_pop', 'Variance of the non-null values (population).'),
  stat('uvar', 'var_samp', 'Variance (sample, unbiased), a null as 0.', true),
  stat('nnuvar', 'var_samp', 'Variance of the non-null values (sample).'),
  stat('sum2', 'sum2', 'Sum of squares.'),
];
