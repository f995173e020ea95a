// ClickHouse store: application documents, `doc` rows of the journal, so that they can commit with rows.
import { M365HuntError } from '../../util/errors.js';
import type { StateDoc } from '../store.js';
import { type StateRow, str } from './store-base.js';
import { ClickHouseIngest } from './ingest.js';

export abstract class ClickHouseDocuments extends ClickHouseIngest {
  protected async docs(collection: string, id?: string): Promise<StateDoc[]> {
    // Read as the commit path reads: a version compared against must be the latest one.
    const result = await this.executor.select(
      `SELECT name, value, n, updated FROM ${this.table('_journal')} FINAL
       WHERE kind = 'doc' AND source = {c:String} ${id === undefined ? '' : 'AND name = {id:String}'}
         AND value != '' ORDER BY name`,
      {
        params: id === undefined ? { c: collection } : { c: collection, id },
        settings: this.readSettings(),
      },
    );
    return result.rows.map(([name, value, n, updated]) => ({
      id: str(name),
      doc: JSON.parse(str(value)) as unknown,
      version: Number(n),
      updated: updated as Date,
    }));
  }

  async getState<T = unknown>(collection: string, id: string): Promise<StateDoc<T> | undefined> {
    return (await this.docs(collection, id))[0] as StateDoc<T> | undefined;
  }

  async listState<T = unknown>(collection: string): Promise<Array<StateDoc<T>>> {
    return (await this.docs(collection)) as Array<StateDoc<T>>;
  }

  /** Journal rows of document writes: each one version above the one stored. */
  protected async docRows(
    puts: ReadonlyArray<{ collection: string; id: string; json: string | null }>,
    version: bigint,
  ): Promise<StateRow[]> {
    const rows: StateRow[] = [];
    for (const put of puts) {
      const current = await this.getState(put.collection, put.id);
      rows.push({
        kind: 'doc',
        source: put.collection,
        name: put.id,
        value: put.json ?? '',
        n: put.json === null ? 0 : (current?.version ?? 0) + 1,
        version,
      });
    }
    return rows;
  }

  /** A commit of documents alone (the same protocol as an ingest: one insert with C+1). */
  protected writeDocs<T>(
    /** What to write (`json`: the document, null to delete, absent to write nothing). */
    task: (current: StateDoc | undefined) => { result: T; json?: string | null },
    collection: string,
    id: string,
  ): Promise<T> {
    if (this.options.readOnly) throw new M365HuntError('The store was opened read-only.');
    const run = async () => {
      const current = await this.getState(collection, id);
      const decision = task(current);
      if (decision.json !== undefined) {
        await this.fenceZombieWrites();
        const meta = await this.watermarks(this.executor.writer);
        const version = meta.commit + 1n;
        const rows = await this.docRows([{ collection, id, json: decision.json }], version);
        rows.push({ kind: 'meta', name: 'commit', value: version.toString(), version });
        await this.writeState(this.executor.writer, rows);
      }
      return decision.result;
    };
    return this.commit(run);
  }

  putState(
    collection: string,
    id: string,
    doc: unknown,
    expectedVersion?: number,
  ): Promise<number | null> {
    const json = doc === null ? null : JSON.stringify(doc);
    return this.writeDocs<number | null>(
      (current) => {
        const version = current?.version ?? 0;
        if (expectedVersion !== undefined && version !== expectedVersion) return { result: null };
        return { json, result: json === null ? 0 : version + 1 };
      },
      collection,
      id,
    );
  }

  deleteState(collection: string, id: string): Promise<boolean> {
    return this.writeDocs<boolean>(
      (current) => (current ? { json: null, result: true } : { result: false }),
      collection,
      id,
    );
  }
}
