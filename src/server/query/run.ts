// Runs a LINQ query for an HTTP answer: the time range read once, the row limit applied, and the
// answer streamed as NDJSON (a line of columns, lines of row batches, a closing line) or CSV, so
// that a 100,000-row answer never sits whole in memory. The compiler's errors arrive before the
// first byte, so they become a 400 with the position.
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { QueryEngine, QueryRun, TimeRange } from '../ports.js';
import { QueryLimitError } from '../../store/query-limits.js';
import { badRequest, HttpError } from '../http/errors.js';
import { csvLine, toJson, type JsonValue } from './values.js';

export interface QueryRequest {
  readonly query: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
}

/** NDJSON lines of a query answer, as the web app and scripts read them. */
export type AnswerLine =
  | {
      readonly columns: ReadonlyArray<{ name: string; type: string; origin?: 'query' | 'table' }>;
      readonly from: string;
      readonly to: string;
    }
  | { readonly rows: readonly JsonValue[][] }
  | {
      readonly done: true;
      readonly rows: number;
      readonly truncated: boolean;
      readonly elapsedMs: number;
    }
  | { readonly error: string };

export function resolveRange(
  engine: QueryEngine,
  from: string | undefined,
  to: string | undefined,
  now = new Date(),
): TimeRange {
  const range = {
    from: engine.parseTime(from ?? 'now-1d', now, 'from'),
    to: engine.parseTime(to ?? 'now', now, 'to'),
  };
  if (range.from.getTime() >= range.to.getTime()) {
    throw badRequest(
      `the time range is empty: from (${range.from.toISOString()}) is not before to (${range.to.toISOString()})`,
      {
        problems: [{ field: 'from', message: 'must be before to' }],
      },
    );
  }
  return range;
}

/** Rows of a run, at most `limit`, in batches of at most `batch`; notes when rows were left out. */
async function* limited(
  run: QueryRun,
  limit: number,
  batch: number,
  state: { count: number; truncated: boolean },
): AsyncGenerator<JsonValue[][]> {
  for await (const chunk of run.chunks()) {
    let i = 0;
    while (i < chunk.length) {
      const room = limit - state.count;
      if (room <= 0) {
        state.truncated = true;
        return;
      }
      const slice = chunk.slice(i, i + Math.min(batch, room));
      i += slice.length;
      state.count += slice.length;
      yield slice.map((row) => row.map(toJson));
    }
  }
}

export async function answerQuery(
  c: Context,
  engine: QueryEngine,
  metrics: ServerMetrics,
  request: QueryRequest,
  options: { maxRows: number; format: 'ndjson' | 'csv'; origin: string; now?: Date },
): Promise<Response> {
  const started = performance.now();
  const range = resolveRange(engine, request.from, request.to, options.now);
  let run: QueryRun;
  try {
    run = await engine.run(request.query, range);
  } catch (error) {
    if (error instanceof QueryLimitError) {
      // Stopped at a limit before its first row: the query asked too much, said as such.
      metrics.queryErrors.inc({ reason: 'limit' });
      throw new HttpError(422, {
        error: error.message,
        ...(error.hint ? { hint: error.hint } : {}),
      });
    }
    metrics.queryErrors.inc({ reason: 'compile' });
    throw error;
  }
  const limit = Math.min(request.limit ?? options.maxRows, options.maxRows);
  const state = { count: 0, truncated: false };
  const columns = run.columns.map((col) => ({
    name: col.name,
    type: col.type,
    ...(col.origin ? { origin: col.origin } : {}),
  }));
  let first = true;
  const firstRow = () => {
    if (first) {
      first = false;
      metrics.queryFirstRow.observe((performance.now() - started) / 1000, {
        origin: options.origin,
      });
    }
  };
  if (options.format === 'csv') {
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', 'attachment; filename="m365hunt-query.csv"');
  } else {
    c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
  }
  return stream(c, async (out) => {
    let aborted = false;
    out.onAbort(() => {
      aborted = true;
    });
    try {
      if (options.format === 'csv') await out.write(csvLine(columns.map((col) => col.name)));
      else
        await out.write(
          `${JSON.stringify({ columns, from: range.from.toISOString(), to: range.to.toISOString() })}\n`,
        );
      for await (const rows of limited(run, limit, options.format === 'csv' ? 2000 : 1000, state)) {
        if (aborted) break;
        firstRow();
        if (options.format === 'csv') await out.write(rows.map(csvLine).join(''));
        else await out.write(`${JSON.stringify({ rows })}\n`);
      }
      const elapsedMs = Math.round(performance.now() - started);
      metrics.queryDuration.observe(elapsedMs / 1000, { origin: options.origin });
      if (options.format === 'ndjson' && !aborted) {
        await out.write(
          `${JSON.stringify({ done: true, rows: state.count, truncated: state.truncated, elapsedMs })}\n`,
        );
      }
    } catch (error) {
      metrics.queryErrors.inc({ reason: 'runtime' });
      // Engine errors (a regex the engine refuses, a cast) are the query's fault; the message
      // names the problem and holds no secret. Nothing else can be sent once streaming began.
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      if (options.format === 'ndjson') await out.write(`${JSON.stringify({ error: message })}\n`);
    }
  });
}
