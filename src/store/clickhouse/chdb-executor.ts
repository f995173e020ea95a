// The ClickHouse engine in-process (chdb). libchdb binds ONE data directory per process, and
// locks it against other processes (its `status` file), so a chdb store is owned by one process
// as a DuckDB file is. Within the process, connections ("sessions") to that directory are cheap
// (well under a millisecond) and coexist: the store keeps one for ingest (its temporary staging
// tables live there) and opens one per query, so a streamed result never blocks a write.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
// Before chdb: its allocator reads its options when the library loads.
import './chdb-allocator.js';
import { drainPending, Session } from 'chdb';
import { M365HuntError } from '../../util/errors.js';
import {
  OUTPUT_SETTINGS,
  RESULT_FORMAT,
  settingsSql,
  type ChExecutor,
  type ChSession,
  type ExecOptions,
  type RowsResult,
  type RowStream,
} from './executor.js';
import { RowBinaryFile } from './ingest-binary.js';
import { quoteIdent } from './types.js';
import { CompactRowReader } from './values.js';

/** The data directory this process has bound, and how many executors use it. */
let bound: { dir: string; users: number } | undefined;

async function bindDirectory(dir: string): Promise<void> {
  if (bound && bound.dir !== dir) {
    if (bound.users > 0) {
      throw new M365HuntError(
        `chdb can open one data directory per process; ${bound.dir} is open, so ${dir} cannot be.`,
        {
          hint: 'Close the other chdb store first, or keep several stores in one directory as databases: chdb:DIR?database=NAME.',
        },
      );
    }
    // The last connection to the old directory may still be closing on a worker thread.
    await drainPending();
    bound = undefined;
  }
  bound ??= { dir, users: 0 };
  bound.users++;
}

function unbindDirectory(): void {
  if (bound) bound.users--;
}

function openSession(dir: string): Session {
  try {
    return new Session(dir);
  } catch (error) {
    const text = error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : '';
    if (/Cannot lock file|already running/i.test(text)) {
      throw new M365HuntError(`The store chdb:${dir} is in use by another m365hunt process.`, {
        hint: 'A chdb data directory belongs to one process at a time: stop that process, or run `m365hunt serve`, which collects, alerts and answers queries in one process.',
        cause: error,
      });
    }
    throw new M365HuntError(`Cannot open the chdb store ${dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Where the writer puts a batch's RowBinary file for the engine to read: in the store's own
 * directory (as private as the data it becomes), one file per load, deleted once loaded. Files of
 * another process are leftovers of one that crashed (the directory is locked to one process).
 */
function stagingDir(dir: string): string {
  const staging = join(dir, 'm365hunt-staging');
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(staging)) {
    if (!name.startsWith(`${process.pid}-`)) rmSync(join(staging, name), { force: true });
  }
  return staging;
}

class ChdbSession implements ChSession {
  constructor(
    readonly session: Session,
    private readonly staging?: string,
  ) {}

  /** Selects the database and the output settings on a fresh connection. */
  async prepare(database: string): Promise<void> {
    await this.session.queryAsync(`USE ${quoteIdent(database)}`);
    await this.session.queryAsync(`SET ${settingsSql(OUTPUT_SETTINGS)}`);
  }

  private async run(sql: string, options: ExecOptions, format: string): Promise<string> {
    if (options.settings && Object.keys(options.settings).length > 0) {
      await this.session.queryAsync(`SET ${settingsSql(options.settings)}`);
    }
    const params = options.params;
    const result =
      params && Object.keys(params).length > 0
        ? await this.session.queryBindAsync(sql, params, { format })
        : await this.session.queryAsync(sql, { format });
    return result.text();
  }

  async command(sql: string, options: ExecOptions = {}): Promise<void> {
    await this.run(sql, options, 'Null');
  }

  async select(sql: string, options: ExecOptions = {}): Promise<RowsResult> {
    const reader = new CompactRowReader();
    const rows = reader.push(await this.run(sql, options, RESULT_FORMAT));
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
    // The payload goes to the engine as bytes, and its own parser reads it. (Query ids are a
    // server's: in-process, a crash ends every statement with the process.)
    await this.session.insert({
      table,
      columns,
      values: Buffer.from(payload),
      format: 'TSV',
      ...(options.settings ? { settings: { ...options.settings } } : {}),
    });
  }

  async insertRowBinary(
    table: string,
    structure: string,
    write: (out: RowBinaryFile) => void,
  ): Promise<void> {
    if (!this.staging) throw new Error('This chdb connection stages no files.');
    const file = new RowBinaryFile(join(this.staging, `${process.pid}-${randomUUID()}.bin`));
    try {
      try {
        write(file);
      } finally {
        file.close();
      }
      if (file.bytes === 0) return;
      // The engine reads the file itself: the bytes never pass through the query or a string.
      await this.session.queryBindAsync(
        `INSERT INTO ${table} SELECT * FROM file({path:String}, 'RowBinary', {structure:String})`,
        { path: file.path, structure },
        { format: 'Null' },
      );
    } finally {
      rmSync(file.path, { force: true });
    }
  }

  close(): void {
    this.session.close();
  }
}

/** Idle query connections kept for the next query (each holds its USE and output settings). */
const IDLE_SESSIONS = 4;

export class ChdbExecutor implements ChExecutor {
  readonly kind = 'chdb' as const;
  private closed = false;
  private readonly idle: ChdbSession[] = [];

  private constructor(
    readonly dir: string,
    readonly database: string,
    readonly writer: ChdbSession,
  ) {}

  static async open(dir: string, database: string): Promise<ChdbExecutor> {
    const path = resolve(dir);
    mkdirSync(path, { recursive: true });
    await bindDirectory(path);
    let session: ChdbSession | undefined;
    try {
      session = new ChdbSession(openSession(path), stagingDir(path));
      await session.session.queryAsync(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(database)}`);
      await session.prepare(database);
      return new ChdbExecutor(path, database, session);
    } catch (error) {
      session?.close();
      unbindDirectory();
      throw error;
    }
  }

  private async fresh(): Promise<ChdbSession> {
    if (this.closed) throw new M365HuntError('The store is closed.');
    const reused = this.idle.pop();
    if (reused) return reused;
    const session = new ChdbSession(openSession(this.dir));
    try {
      await session.prepare(this.database);
    } catch (error) {
      session.close();
      throw error;
    }
    return session;
  }

  /** Back to the idle list, unless it ran with settings of its own (they would stay set). */
  private release(session: ChdbSession, options: ExecOptions = {}): void {
    const clean = !options.settings || Object.keys(options.settings).length === 0;
    if (!this.closed && clean && this.idle.length < IDLE_SESSIONS) this.idle.push(session);
    else session.close();
  }

  async command(sql: string, options?: ExecOptions): Promise<void> {
    const session = await this.fresh();
    let ok = false;
    try {
      await session.command(sql, options);
      ok = true;
    } finally {
      if (ok) this.release(session, options);
      else session.close();
    }
  }

  async select(sql: string, options?: ExecOptions): Promise<RowsResult> {
    const session = await this.fresh();
    let ok = false;
    try {
      const result = await session.select(sql, options);
      ok = true;
      return result;
    } finally {
      if (ok) this.release(session, options);
      else session.close();
    }
  }

  async stream(sql: string, options: ExecOptions = {}): Promise<RowStream> {
    const session = await this.fresh();
    try {
      if (options.settings && Object.keys(options.settings).length > 0) {
        await session.session.queryAsync(`SET ${settingsSql(options.settings)}`);
      }
      const params = options.params;
      const stream =
        params && Object.keys(params).length > 0
          ? session.session.queryStreamBind(sql, params, { format: RESULT_FORMAT })
          : session.session.queryStream(sql, { format: RESULT_FORMAT });
      const iterator = stream[Symbol.asyncIterator]();
      const reader = new CompactRowReader();
      // The names and types come first: read until they are there, keeping the rows read with them.
      const early: ReturnType<CompactRowReader['push']> = [];
      let done = false;
      while (!reader.columns) {
        const next = await iterator.next();
        if (next.done) {
          early.push(...reader.finish());
          done = true;
          break;
        }
        early.push(...reader.push(next.value.text()));
      }
      // Each chunk is a document of its own, its complete lines headed by the names and types.
      early.push(...reader.finish());
      const release = (finished: boolean) => {
        if (!stream.closed) stream.cancel();
        if (finished) this.release(session, options);
        else session.close();
      };
      return {
        columns: reader.columns ?? [],
        async *chunks() {
          let finished = false;
          try {
            if (early.length > 0) yield early;
            while (!done) {
              const next = await iterator.next();
              if (next.done) break;
              reader.startDocument();
              const rows = reader.push(next.value.text());
              if (rows.length > 0) yield rows;
            }
            const last = reader.finish();
            if (last.length > 0) yield last;
            finished = true;
          } finally {
            release(finished);
          }
        },
      };
    } catch (error) {
      session.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const session of this.idle.splice(0)) session.close();
    this.writer.close();
    unbindDirectory();
  }
}
