// Devo's lookups (docs/lookups.md): `lu("Lookup", "column", key)`, its four-argument form with the
// owning domain first, and the function form `` `lu/Lookup/column`(key) `` (the checker rewrites
// that name into the first form). The value of the column in the row whose key is the given key
// (compared as text), null when no row has it. Each use compiles to a join with the lookup's
// current version, so a lookup of a million rows costs one hash table per query, not a scan per row.
import { lit, nul, op } from '../build.js';
import { formatTimestamp } from '../time-range.js';
import type { TExpr } from '../ir.js';
import { didYouMean } from '../errors.js';
import type { LType } from '../types.js';
import { scalar, type CheckedArg, type FnContext, type ScalarFunction } from './types.js';

function lookupOf(a: CheckedArg, ctx: FnContext) {
  const name = ctx.literalString(a, 'The lookup name');
  const def = ctx.lookups.get(name);
  if (!def) {
    ctx.error(
      `Unknown lookup \`${name}\``,
      a.span,
      didYouMean(name, ctx.lookups.keys()) ??
        (ctx.lookups.size === 0
          ? 'no lookup is loaded: load one with `m365hunt lookups load NAME FILE.csv` or on the Lookups page'
          : `the lookups are ${[...ctx.lookups.keys()].join(', ')}`),
    );
  }
  return def!;
}

function valueOf(args: readonly CheckedArg[], ctx: FnContext): TExpr {
  const [l, c, k] = args.length === 4 ? args.slice(1) : args;
  const def = lookupOf(l!, ctx);
  const column = ctx.literalString(c!, 'The lookup column');
  const col = def.columns.find((x) => x.name === column);
  if (!col) {
    ctx.error(
      `The lookup \`${def.name}\` has no column \`${column}\``,
      c!.span,
      didYouMean(
        column,
        def.columns.map((x) => x.name),
      ) ?? `its columns are ${def.columns.map((x) => x.name).join(', ')}`,
    );
  }
  const key = k!.expr.type === 'null' ? nul('str') : ctx.str(k!);
  const type: LType = col!.type;
  return op('lookup', [key], type, {
    lookup: { versionId: def.versionId, column: col!.name },
  });
}

/** Versions a historical lookup reads at most (the most recent ones). */
const HISTORY = 16;

/**
 * `hlurjson("Lookup", key, time)`: the whole row for the key, as JSON, from the version that was
 * current at `time` (the last one loaded at or before it; times before the first version read the
 * first). Devo's historical lookup (its library's SecOpsCDIocIpSuspiciousO365Data); the reading
 * of its arguments is m365hunt's (docs/lookups.md).
 */
function historicalRow(args: readonly CheckedArg[], ctx: FnContext): TExpr {
  const [l, k, t] = args;
  const def = lookupOf(l!, ctx);
  const key = k!.expr.type === 'null' ? nul('str') : ctx.str(k!);
  const time = ctx.timestamp(t!);
  const versions = def.history.slice(-HISTORY);
  const row = (versionId: string): TExpr =>
    op('lookup', [key], 'json', { lookup: { versionId, column: '' } });
  if (versions.length <= 1) return row(def.versionId);
  const parts: TExpr[] = [];
  for (let i = versions.length - 1; i >= 1; i--) {
    const since = lit(formatTimestamp(new Date(versions[i]!.loadedAt)), 'timestamp');
    parts.push(op('ge', [time, since], 'bool'), row(versions[i]!.id));
  }
  parts.push(row(versions[0]!.id));
  return op('case', parts, 'json', { hasElse: true });
}

export const LOOKUP_FUNCTIONS: readonly ScalarFunction[] = [
  scalar({
    name: 'hlurjson',
    signature: 'hlurjson("Lookup", key, time)',
    doc: 'The lookup row for key as JSON, from the version current at time; null when none.',
    min: 3,
    max: 3,
    check: (args, ctx) => historicalRow(args, ctx),
  }),
  scalar({
    name: 'lu',
    signature: 'lu("Lookup", "column", key) | lu("domain", "Lookup", "column", key)',
    doc: 'The column of the lookup row whose key is key; null when none. Also `lu/Lookup/column`(key).',
    min: 3,
    max: 4,
    check: (args, ctx) => valueOf(args, ctx),
  }),
];
