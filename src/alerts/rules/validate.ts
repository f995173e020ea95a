// Checks a loaded rule's LINQ the way the engine will run it — the rule's query plus the clauses
// the engine appends (keys, entities, tenant filter) — for every store dialect, and points each
// mistake at the line and column of the rule file.
import { compileLinq, LinqError } from '../../linq/index.js';
import type { Dialect } from '../../store/store.js';
import { createCatalog } from '../../store/schema.js';
import { ALL_TIME, checkRowQuery, type RowQuery } from '../engine/query.js';
import type { Rule, RuleProblem } from './load.js';
import { resolveTunables, renderQuery } from './tunables.js';
import { mapIntoFile } from './yaml.js';

const RESERVED = /\bm365(_|k\b|d\b|g\b|e_)/;

interface QueryAt {
  readonly query: RowQuery;
  readonly path: PropertyKey[];
  /** Where the clauses the engine adds come from, for errors in them. */
  readonly extrasPath: PropertyKey[];
}

function queriesOf(rule: Rule): QueryAt[] {
  const def = rule.def;
  const tuning = resolveTunables(def.tunables);
  const render = (t: string) => renderQuery(t, def.tunables, tuning);
  const scope = { except: [] };
  switch (def.kind) {
    case 'each':
      return [
        {
          query: {
            text: render(def.query!),
            scope,
            group: def.group.by?.map((g) => def.entities[g as 'user'] ?? g) ?? [],
            entities: def.entities,
          },
          path: ['query'],
          extrasPath: ['entities'],
        },
      ];
    case 'threshold':
      return [
        {
          query: {
            text: render(def.query!),
            scope,
            keys: def.threshold!.by,
            ...(def.threshold!.distinct ? { distinct: def.threshold!.distinct } : {}),
            entities: def.entities,
          },
          path: ['query'],
          extrasPath: ['threshold'],
        },
      ];
    case 'inactivity':
      return [
        {
          query: {
            text: render(def.query!),
            scope,
            keys: def.inactivity!.by,
            entities: def.entities,
          },
          path: ['query'],
          extrasPath: ['inactivity'],
        },
      ];
    case 'sequence':
      return def.sequence!.steps.map((step, i) => ({
        query: {
          text: render(step.query),
          scope,
          keys: step.by,
          ...(step.distinct ? { distinct: step.distinct } : {}),
          entities: step.entities ?? def.entities,
        },
        path: ['sequence', 'steps', i, 'query'],
        extrasPath: ['sequence', 'steps', i],
      }));
  }
}

/** Problems of a rule's queries (empty when every query compiles for every dialect). */
export function validateRuleLinq(
  rule: Rule,
  dialects: readonly Dialect[] = ['duckdb', 'clickhouse'],
): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const catalog = createCatalog();
  const at = (path: PropertyKey[], message: string) => {
    const pos = rule.source.positionOf(path);
    problems.push({ file: rule.file, line: pos.line, column: pos.column, message });
  };
  let queries: QueryAt[];
  try {
    queries = queriesOf(rule);
  } catch (error) {
    at(['tunables'], (error as Error).message);
    return problems;
  }
  for (const q of queries) {
    const m = RESERVED.exec(q.query.text);
    if (m) at(q.path, `names starting with m365 are reserved for the engine (${m[0]}…)`);
    const inQuery = (error: LinqError) => {
      // An error at the end of the text points at the end of its last line.
      const text = q.query.text.replace(/\s+$/, '');
      const lines = text.split('\n');
      const line = Math.min(error.line, lines.length);
      const column = error.line > lines.length ? (lines[line - 1]?.length ?? 0) + 1 : error.column;
      const origin = rule.source.scalarOrigin(q.path);
      const pos = origin ? mapIntoFile(origin, line, column) : rule.source.positionOf(q.path);
      problems.push({
        file: rule.file,
        line: pos.line,
        column: pos.column,
        message: `LINQ: ${error.message}`,
      });
    };
    for (const dialect of dialects) {
      let own;
      try {
        // The rule's own query first, so that its mistakes are reported as its own.
        own = compileLinq(q.query.text, { dialect, catalog, from: ALL_TIME.from, to: ALL_TIME.to });
      } catch (error) {
        if (error instanceof LinqError) inQuery(error);
        else at(q.path, `${dialect}: ${(error as Error).message}`);
        break;
      }
      if (own.grouped) {
        at(
          q.path,
          'a rule query must not group: the kind (threshold, sequence, …) does the counting',
        );
        break;
      }
      try {
        checkRowQuery(catalog, q.query, dialect);
      } catch (error) {
        at(
          q.extrasPath,
          `LINQ (keys, distinct or entities, ${dialect}): ${(error as Error).message}`,
        );
        break;
      }
    }
  }
  return problems;
}
