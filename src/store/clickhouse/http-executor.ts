// A ClickHouse server through the official HTTP client. Two clients: the writer carries a
// session id, because the ingest's staging tables are TEMPORARY tables and live in a server
// session (which also makes the server refuse a second statement while one runs in it); reads go
// through a client without a session, so queries stream while the collector writes.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  createClient,
  type ClickHouseClient,
  type ClickHouseClientConfigOptions,
  type ClickHouseSettings,
} from '@clickhouse/client';
import { M365HuntError } from '../../util/errors.js';
import {
  OUTPUT_SETTINGS,
  RESULT_FORMAT,
  type ChExecutor,
  type ChSession,
  type ExecOptions,
  type RowsResult,
  type RowStream,
  type Settings,
} from './executor.js';
import { CompactRowReader } from './values.js';

/** The part of the client the store uses (tests give a fake that records the requests). */
export type ClientLike = Pick<ClickHouseClient, 'command' | 'query' | 'insert' | 'close'>;

export interface HttpTarget {
  /** `http://host:8123` or `https://host:8443` (no credentials). */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly database: string;
  /** Per-request timeout (default 300 s: an INSERT…SELECT of a large batch takes time). */
  readonly requestTimeoutMs?: number;
}

function asSettings(settings: Settings | undefined): ClickHouseSettings | undefined {
  return settings as ClickHouseSettings | undefined;
}

/** The client configuration for a target: what `createClient` gets, testable without a server. */
export function clientConfig(
  target: HttpTarget,
  extra: { database?: string | null; sessionId?: string } = {},
): ClickHouseClientConfigOptions {
  const database = extra.database === undefined ? target.database : extra.database;
  return {
    url: target.url,
    username: target.username,
    password: target.password,
    ...(database === null ? {} : { database }),
    application: 'm365hunt',
    request_timeout: target.requestTimeoutMs ?? 300_000,
    ...(extra.sessionId ? { session_id: extra.sessionId } : {}),
    clickhouse_settings: asSettings(OUTPUT_SETTINGS),
  };
}

class HttpSession implements ChSession {
  constructor(readonly client: ClientLike) {}

  async command(sql: string, options: ExecOptions = {}): Promise<void> {
    await this.client.command({
      query: sql,
      query_params: options.params,
      clickhouse_settings: asSettings(options.settings),
      ...(options.queryId ? { query_id: options.queryId } : {}),
    });
  }

  async select(sql: string, options: ExecOptions = {}): Promise<RowsResult> {
    const result = await this.client.query({
      query: sql,
      format: RESULT_FORMAT,
      query_params: options.params,
      clickhouse_settings: asSettings(options.settings),
    });
    const reader = new CompactRowReader();
    const rows = reader.push(await result.text());
    rows.push(...reader.finish());
    return { columns: reader.columns ?? [], rows };
  }

  async insertTsv(
    table: string,
    columns: readonly string[],
    payload: string,
    options: ExecOptions = {},
  ): Promise<void> {
    if (payload === '') return;
    await this.client.insert({
      table,
      columns: [...columns] as [string, ...string[]],
      values: Readable.from([Buffer.from(payload)], { objectMode: false }),
      format: 'TabSeparated',
      clickhouse_settings: asSettings(options.settings),
      ...(options.queryId ? { query_id: options.queryId } : {}),
    });
  }

  async stream(sql: string, options: ExecOptions = {}): Promise<RowStream> {
    const result = await this.client.query({
      query: sql,
      format: RESULT_FORMAT,
      query_params: options.params,
      clickhouse_settings: asSettings(options.settings),
    });
    const iterator = result.stream()[Symbol.asyncIterator]();
    const reader = new CompactRowReader();
    const early: ReturnType<CompactRowReader['push']> = [];
    let done = false;
    const take = (rows: readonly { text: string }[]) => {
      const out: ReturnType<CompactRowReader['push']> = [];
      for (const row of rows) {
        const values = reader.line(row.text);
        if (values) out.push(values);
      }
      return out;
    };
    while (!reader.columns) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      early.push(...take(next.value as readonly { text: string }[]));
    }
    return {
      columns: reader.columns ?? [],
      async *chunks() {
        try {
          if (early.length > 0) yield early;
          while (!done) {
            const next = await iterator.next();
            if (next.done) break;
            const rows = take(next.value as readonly { text: string }[]);
            if (rows.length > 0) yield rows;
          }
        } finally {
          if (!done) await iterator.return?.();
          result.close();
        }
      },
    };
  }
}

export class HttpExecutor implements ChExecutor {
  readonly kind = 'http' as const;
  readonly writer: HttpSession;
  private readonly reader: HttpSession;

  constructor(clients: { writer: ClientLike; reader: ClientLike }) {
    this.writer = new HttpSession(clients.writer);
    this.reader = new HttpSession(clients.reader);
  }

  /**
   * Connects to a server: creates the database first (through a client that names none, since a
   * request naming a missing database fails), then the writer and reader clients.
   */
  static async open(target: HttpTarget, createDatabaseSql: string): Promise<HttpExecutor> {
    const bootstrap = createClient(clientConfig(target, { database: null }));
    try {
      await bootstrap.command({ query: createDatabaseSql });
    } catch (error) {
      throw new M365HuntError(
        `Cannot reach the ClickHouse server ${target.url}: ${(error as Error).message}`,
        {
          hint: 'Check the store URL (clickhouse://host:port/db), that the server is up, and the user and password (M365HUNT_CLICKHOUSE_PASSWORD).',
          cause: error,
        },
      );
    } finally {
      await bootstrap.close();
    }
    return new HttpExecutor({
      writer: createClient(clientConfig(target, { sessionId: `m365hunt-${randomUUID()}` })),
      reader: createClient(clientConfig(target)),
    });
  }

  command(sql: string, options?: ExecOptions): Promise<void> {
    return this.reader.command(sql, options);
  }

  select(sql: string, options?: ExecOptions): Promise<RowsResult> {
    return this.reader.select(sql, options);
  }

  stream(sql: string, options?: ExecOptions): Promise<RowStream> {
    return this.reader.stream(sql, options);
  }

  async close(): Promise<void> {
    await this.writer.client.close();
    await this.reader.client.close();
  }
}
