// Small query answers gathered whole (the user page's sections, at most a few hundred rows).
import type { QueryEngine, TimeRange } from '../ports.js';
import { toJson, type JsonValue } from './values.js';

export interface Table {
  readonly columns: ReadonlyArray<{ name: string; type: string }>;
  readonly rows: JsonValue[][];
  readonly truncated: boolean;
}

export async function collectRows(
  engine: QueryEngine,
  text: string,
  range: TimeRange,
  limit: number,
): Promise<Table> {
  const run = await engine.run(text, range);
  const rows: JsonValue[][] = [];
  let truncated = false;
  outer: for await (const chunk of run.chunks()) {
    for (const row of chunk) {
      if (rows.length >= limit) {
        truncated = true;
        break outer;
      }
      rows.push(row.map(toJson));
    }
  }
  return { columns: run.columns.map((c) => ({ name: c.name, type: c.type })), rows, truncated };
}
