// `m365hunt lookups`: Devo-style lookup tables (allow-lists, VIP lists, IOC lists) for LINQ's
// lu(…): load a CSV as a new version, list them, show a version's rows, make a version current.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadLookupFile } from '../../lookups/load.js';
import {
  deleteLookup,
  getLookup,
  listLookups,
  readLookupRows,
  setCurrentVersion,
} from '../../store/lookups.js';
import { M365HuntError } from '../../util/errors.js';
import { openStoreFromOptions, type StoreCliOptions } from '../../app/store.js';
import { addStoreOptions } from '../store-options.js';
import { renderTable } from '../table.js';
import { csvField } from '../../linq/format.js';

function who(): string {
  try {
    return userInfo().username;
  } catch {
    return 'cli';
  }
}

function version(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(text))
    throw new M365HuntError(`--version must be 1, 2, …, not \`${text}\``);
  return Number(text);
}

export function registerLookups(program: Command): void {
  const lookups = program
    .command('lookups')
    .description('Lookup tables for LINQ (lu): load CSV files, list and show versions');

  const load = lookups
    .command('load')
    .description('Load a CSV file (header line, UTF-8) as a new version of a lookup')
    .argument('<name>', 'lookup name, as queries write it: lu("NAME", "column", key)')
    .argument('<file>', 'CSV file (- for standard input)')
    .option('--key <column>', 'key column (default: the first)');
  addStoreOptions(load);
  load.action(async (name: string, file: string, o: StoreCliOptions & { key?: string }) => {
    const store = await openStoreFromOptions(o);
    try {
      const v = await loadLookupFile(store, name, file, {
        by: who(),
        ...(o.key !== undefined ? { key: o.key } : {}),
      });
      const cols = v.columns.map((c) => `${c.name} (${c.type})`).join(', ');
      process.stdout.write(
        `Loaded ${name} version ${v.version}: ${v.rows} rows, key ${v.key}; columns ${cols}\n`,
      );
    } finally {
      await store.close();
    }
  });

  const list = lookups.command('list').description('Every lookup with its current version');
  addStoreOptions(list);
  list.action(async (o: StoreCliOptions) => {
    const store = await openStoreFromOptions(o, { readOnly: true });
    try {
      const docs = await listLookups(store);
      if (docs.length === 0) {
        process.stdout.write('No lookup. Load one with: m365hunt lookups load NAME FILE.csv\n');
        return;
      }
      const rows = docs.map((d) => {
        const v = d.versions.find((x) => x.version === d.current)!;
        return [
          d.name,
          `${d.current} of ${d.versions.length}`,
          String(v.rows),
          v.key,
          v.columns.map((c) => c.name).join(', '),
          v.loadedAt,
          v.by,
        ];
      });
      process.stdout.write(
        `${renderTable(['lookup', 'version', 'rows', 'key', 'columns', 'loaded', 'by'], rows)}\n`,
      );
    } finally {
      await store.close();
    }
  });

  const show = lookups
    .command('show')
    .description("A lookup's versions and the rows of one (the current by default)")
    .argument('<name>')
    .option('--version <n>', 'the version to show')
    .option('--csv', 'write the rows as CSV');
  addStoreOptions(show);
  show.action(async (name: string, o: StoreCliOptions & { version?: string; csv?: boolean }) => {
    const store = await openStoreFromOptions(o, { readOnly: true });
    try {
      const doc = await getLookup(store, name);
      if (!doc) throw new M365HuntError(`No lookup named \`${name}\``);
      const n = version(o.version) ?? doc.current;
      const v = doc.versions.find((x) => x.version === n);
      if (!v) throw new M365HuntError(`\`${name}\` has no version ${n}`);
      const rows = await readLookupRows(store, v, Number.MAX_SAFE_INTEGER);
      const names = v.columns.map((c) => c.name);
      const text = (x: unknown) => (x === null || x === undefined ? '' : String(x));
      if (o.csv) {
        process.stdout.write(`${names.map(csvField).join(',')}\r\n`);
        for (const r of rows)
          process.stdout.write(`${names.map((c) => csvField(text(r[c]))).join(',')}\r\n`);
        return;
      }
      process.stdout.write(
        `${renderTable(
          ['version', 'rows', 'key', 'loaded', 'by', 'from'],
          doc.versions.map((x) => [
            `${x.version}${x.version === doc.current ? ' (current)' : ''}`,
            String(x.rows),
            x.key,
            x.loadedAt,
            x.by,
            x.source,
          ]),
        )}\n\nVersion ${n}:\n${renderTable(
          names,
          rows.map((r) => names.map((c) => text(r[c]))),
        )}\n`,
      );
    } finally {
      await store.close();
    }
  });

  const use = lookups
    .command('use')
    .description('Make a version of a lookup the one queries read')
    .argument('<name>')
    .argument('<version>');
  addStoreOptions(use);
  use.action(async (name: string, v: string, o: StoreCliOptions) => {
    const store = await openStoreFromOptions(o);
    try {
      await setCurrentVersion(store, name, version(v)!);
      process.stdout.write(`${name}: queries now read version ${v}\n`);
    } catch (error) {
      throw error instanceof M365HuntError ? error : new M365HuntError((error as Error).message);
    } finally {
      await store.close();
    }
  });

  const del = lookups
    .command('delete')
    .description('Remove a lookup from queries (its rows stay in the store)')
    .argument('<name>');
  addStoreOptions(del);
  del.action(async (name: string, o: StoreCliOptions) => {
    const store = await openStoreFromOptions(o);
    try {
      if (!(await deleteLookup(store, name)))
        throw new M365HuntError(`No lookup named \`${name}\``);
      process.stdout.write(
        `${name} deleted: queries that read it now fail with "Unknown lookup"\n`,
      );
    } finally {
      await store.close();
    }
  });
}
