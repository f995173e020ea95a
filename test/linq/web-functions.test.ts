// IPv6 networks (`net6`, `ip <- net6(…)`), and the URL and user-agent recipes docs/linq.md gives
// ("URL and user-agent operations"), on DuckDB and ClickHouse (chdb) over real records: the
// Management Activity API examples of Microsoft Learn and Panther's rule tests
// (test/fixtures/real/management), and the user agents of Microsoft's Sentinel training tenant
// (test/fixtures/real/sentinel). Both engines must give the same answers; bad input gives null or a
// positioned error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLinq } from '../../src/linq/compile.js';
import { LinqError } from '../../src/linq/errors.js';
import { createCatalog, MANAGEMENT } from '../../src/store/schema.js';
import { chdbEngine, duckdbEngine, type RawEngine, type Value } from './helpers/engines.js';
import { rowsOf } from './helpers/rows.js';
import { idWhere, LINES, records } from './helpers/web-records.js';

const catalog = createCatalog();
const RANGE = {
  from: new Date('2019-01-01T00:00:00Z'),
  to: new Date('2027-01-01T00:00:00Z'),
  now: new Date('2026-12-08T00:00:00Z'),
};
const M = 'from cloud.office365.management';

function failure(text: string, dialect: 'duckdb' | 'clickhouse'): LinqError {
  try {
    compileLinq(text, { dialect, catalog, ...RANGE });
  } catch (e) {
    if (e instanceof LinqError) return e;
    throw e;
  }
  throw new Error(`no error for ${text}`);
}

/** [expression, expected value] for one row (ints as strings). */
const VALUES: Array<[string, Value]> = [
  // IPv6 networks are written canonically, host bits cleared
  ['str(net6("2001:0DB8:0:0::/32"))', '2001:db8::/32'],
  ['str(net6("2001:db8::1/32"))', '2001:db8::/32'],
  ['str(net6("2603:10a6:208:ab::15/64"))', '2603:10a6:208:ab::/64'],
  ['str(net6("::ffff:10.11.0.0/112"))', '::ffff:10.11.0.0/112'],
  ['str(net6("::/0"))', '::/0'],
  ['net6("2001:db8::/32")', '2001:db8::/32'],
  // ip6 writes an IPv4-compatible address as ClickHouse's IPv6NumToString does
  ['ip6("0:0::0:ED3F:6B45")', '::237.63.107.69'],
  ['ip6("::1:0")', '::0.1.0.0'],
  ['ip6("::ffff")', '::ffff'],
  ['ip6("::1")', '::1'],
  ['str(net6("::237.63.0.0/112"))', '::237.63.0.0/112'],
  // membership: the first n bits
  ['"2001:db8::1" <- net6("2001:db8::/32")', true],
  ['"2001:DB8:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF" <- net6("2001:db8::/32")', true],
  ['"2001:db9::" <- net6("2001:db8::/32")', false],
  ['"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff" <- net6("2001:db8::/32")', false],
  ['"2001:0db8:0000:0000:0000:0000:0000:0001" <- net6("2001:db8::1/128")', true],
  ['"2001:db8::2" <- net6("2001:db8::1/128")', false],
  ['"fe80::1" <- net6("fe80::/10")', true],
  ['"febf::1" <- net6("fe80::/10")', true],
  ['"fec0::1" <- net6("fe80::/10")', false],
  ['"::1" <- net6("::/0")', true],
  ['has(net6("2001:db8::/32"), "2001:db8::5")', true],
  // IPv4 in an IPv6 network: as ::ffff:a.b.c.d, in Microsoft's ffff:a.b.c.d, or plain
  ['"::ffff:10.11.0.229" <- net6("::ffff:10.0.0.0/104")', true],
  ['"ffff:10.11.0.229" <- net6("::ffff:10.0.0.0/104")', true],
  ['"10.11.0.229" <- net6("::ffff:10.0.0.0/104")', true],
  ['"11.0.0.1" <- net6("::ffff:10.0.0.0/104")', false],
  ['ip4("10.11.0.229") <- net6("::ffff:0:0/96")', true],
  ['"10.11.0.229" <- net6("2001:db8::/32")', false],
  // not an address: null (as for `ip <- net4`)
  ['"[2a01:110:8068:7:9bf8:aa87:e00a:5f1f]:45955" <- net6("2a01:110::/32")', null],
  ['"2001:db8::1%eth0" <- net6("2001:db8::/32")', null],
  ['"2001:db8::g" <- net6("2001:db8::/32")', null],
  ['"1.2.3.999" <- net6("::/0")', null],
  ['"contoso.com" <- net6("::/0")', null],
  ['"" <- net6("::/0")', null],
  ['null <- net6("::/0")', null],
  // Devo's urihost, uripath, uriquery: the parts as written (RFC 3986, appendix B), else null
  ['urihost("https://contoso.sharepoint.com/sites/x")', 'contoso.sharepoint.com'],
  ['urihost("https://user:pw@contoso.sharepoint.com:443/x?y=1#z")', 'contoso.sharepoint.com'],
  ['urihost("http://[2001:db8::1]:8080/a")', '[2001:db8::1]'],
  ['urihost("//cdn.contoso.com/a.js")', 'cdn.contoso.com'],
  ['urihost("HTTPS://Contoso.SharePoint.com")', 'Contoso.SharePoint.com'],
  ['urihost("/index.html?a=1")', null],
  ['urihost("contoso.com")', null],
  ['urihost("")', null],
  ['urihost(null)', null],
  [
    'uripath("https://contoso-my.sharepoint.com/personal/ana/Documents/Q1 Report.xlsx")',
    '/personal/ana/Documents/Q1 Report.xlsx',
  ],
  ['uripath("https://h/a/b?x=1#f")', '/a/b'],
  ['uripath("https://h/a%20b/")', '/a%20b/'],
  ['uripath("https://h")', null],
  ['uripath("https://h?x=1")', null],
  ['uripath("/index.php?id=1")', '/index.php'],
  ['uripath("mailto:ana@contoso.com")', 'ana@contoso.com'],
  ['uriquery("https://h/p?a=1&b=%20x#frag")', 'a=1&b=%20x'],
  ['uriquery("/index.php?id=1?x")', 'id=1?x'],
  ['uriquery("https://h/p#frag?no")', null],
  ['uriquery("https://h/p?")', null],
  ['uriquery("https://h/p")', null],
  ['urldecode(uriquery("https://h/p?q=Q1%20Report"))', 'q=Q1 Report'],
  // docs/linq.md's recipe for one parameter
  [
    'urldecode(peek(uriquery("https://h/p?xweb=2&web=Q1%20Report#web=3"), re("(?:^|&)web=([^&]*)"), 1))',
    'Q1 Report',
  ],
  // the URL and user-agent recipes of docs/linq.md
  [
    'split("https://yourorg.sharepoint.com/personal/user_yourorg", "/", 2)',
    'yourorg.sharepoint.com',
  ],
  [
    'peek("https://microsoft.sharepoint.com/teams/OfficeSerbia/Shared%20Documents/Document1.docx?web=1", re("^[a-z]+://[^/?#]*([^?#]*)"), 1)',
    '/teams/OfficeSerbia/Shared%20Documents/Document1.docx',
  ],
  [
    'peek("https://microsoft.sharepoint.com/teams/Document1.docx?web=1&x=2#top", re("[?&]web=([^&#]*)"), 1)',
    '1',
  ],
  [
    'urldecode("Shared%20Documents/Crawled%20Word%20documents")',
    'Shared Documents/Crawled Word documents',
  ],
];

describe.each([
  ['duckdb', duckdbEngine],
  ['clickhouse', chdbEngine],
] as const)('IPv6 networks, URLs and user agents on %s', (_name, open) => {
  let engine: RawEngine;
  beforeAll(async () => {
    engine = await open();
    await engine.load(MANAGEMENT, rowsOf(MANAGEMENT, LINES));
  });
  afterAll(async () => {
    await engine?.close();
  });

  const run = async (text: string) =>
    engine.run(compileLinq(text, { dialect: engine.dialect, catalog, ...RANGE }));
  const ids = async (where: string) =>
    (await run(`${M} where ${where} select Id`)).map((r) => String(r.Id)).sort();

  it.each(VALUES)('%s', async (expr, expected) => {
    const rows = await run(`${M} select ${expr} as v limit 1`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.v).toEqual(expected);
  });

  it('finds the real records whose address is in an IPv6 network', async () => {
    // Microsoft's Copilot example: a bare IPv6 address
    const indian = idWhere((r) => String(r.ClientIP).startsWith('2401:4900:'));
    expect(indian).toHaveLength(1);
    expect(await ids('ClientIP <- net6("2401:4900::/32")')).toEqual(indian);
    expect(await ids('srcIp <- net6("2401:4900:60d2:179b::/64")')).toEqual(indian);
    expect(await ids('srcIp <- net6("2401:4900:60d2:179c::/64")')).toEqual([]);
    // an Exchange record of the Sentinel tenant writes its address with brackets and a port: the
    // raw text is no address, srcIp (without the port) is
    const bracketed = idWhere((r) => String(r.ClientIP).startsWith('[2603:1036:'));
    expect(bracketed).toHaveLength(1);
    expect(await ids('ClientIP <- net6("2603:1036::/32")')).toEqual([]);
    expect(await ids('srcIp <- net6("2603:1036::/32")')).toEqual(bracketed);
    expect(await ids('srcIp <- net6("2603:1036:4:3f::/64")')).toEqual(bracketed);
    // the loopback of the Sentinel tenant's Exchange records
    const loopback = idWhere((r) => r.ClientIP === '::1');
    expect(loopback.length).toBeGreaterThan(0);
    expect(await ids('srcIp <- net6("::1/128")')).toEqual(loopback);
  });

  it('reads an IPv4 written as IPv6 in an IPv6 network and in an IPv4 one alike', async () => {
    const mapped = idWhere((r) => r.ClientIP === 'ffff:10.11.0.229');
    expect(mapped).toHaveLength(1);
    expect(await ids('srcIp <- net6("::ffff:10.11.0.0/112")')).toEqual(mapped);
    expect(await ids('srcIp <- 10.11.0.0/16')).toEqual(mapped);
    // every IPv4 address of the records is in ::ffff:0:0/96, and no IPv6 one
    const v4 = await ids('srcIp <- net6("::ffff:0:0/96")');
    expect(v4).toEqual(await ids('isipv4(srcIp)'));
    expect(v4.length).toBeGreaterThan(3);
    const all = await ids('srcIp <- net6("::/0")');
    expect(all).toEqual(await ids('isipv4(srcIp) or isipv6(srcIp)'));
  });

  it('counts the real user agents by browser with the recipe of docs/linq.md', async () => {
    // Edge writes Chrome/ and Safari/ too, Chrome writes Safari/: test the most specific first
    const rows = await run(
      `${M} where isnotnull(UserAgent) select ifthenelse(UserAgent -> "Edg/", "Edge", ifthenelse(UserAgent -> "Chrome/", "Chrome", ifthenelse(UserAgent -> "Firefox/", "Firefox", ifthenelse(UserAgent -> "Safari/", "Safari", "other")))) as browser, peek(UserAgent, re("(?:Edg|Chrome|Firefox|Version)/([0-9]+)"), 1) as major group by browser, major select count() as n`,
    );
    const got = Object.fromEntries(
      rows.map((r) => [`${String(r.browser)} ${String(r.major)}`, Number(r.n)]),
    );
    const ua = records.map((r) => r.UserAgent).filter((u): u is string => typeof u === 'string');
    const count = (re: RegExp) => ua.filter((u) => re.test(u)).length;
    expect(got['Edge 90']).toBe(count(/Edg\/90\./));
    expect(got['Edge 90']).toBeGreaterThan(100);
    expect(got['Chrome 108']).toBe(count(/Chrome\/108\./));
    expect(got['Chrome 108']).toBeGreaterThan(0);
    // Microsoft's own clients (OneDriveMpc-Transform_Thumbnail/1.0, MSWAC, …) are no browser
    expect(got['other null']).toBe(count(/^(?!.*(Edg|Chrome|Firefox|Safari)\/)/));
    expect(got['other null']).toBeGreaterThan(10);
    expect(Object.values(got).reduce((x, y) => x + y, 0)).toBe(ua.length);
  });

  it('takes the host, path and query of the real SharePoint URLs', async () => {
    const rows = await run(
      `${M} where ObjectId -> "://" select urihost(ObjectId) as host, split(ObjectId, "/", 2) as split2 group by host, split2 select count() as n`,
    );
    const expected = new Map<string, number>();
    for (const r of records) {
      const m = /^[a-z]+:\/\/([^/]*)/.exec(String(r.ObjectId));
      if (m) expected.set(`${m[1]} ${m[1]}`, (expected.get(`${m[1]} ${m[1]}`) ?? 0) + 1);
    }
    expect(
      new Map(rows.map((r) => [`${String(r.host)} ${String(r.split2)}`, Number(r.n)])),
    ).toEqual(expected);
    expect(expected.size).toBeGreaterThan(1);
    // Microsoft's Copilot example: a resource's SiteUrl with an encoded path and a query
    const resource = `str(jsonparse(message)["CopilotEventData"]["AccessedResources"][0]["SiteUrl"])`;
    const site = await run(
      `${M} where Operation = "CopilotInteraction" select ${resource} as u where isnotnull(u) select urihost(u) as h, urldecode(uripath(u)) as p, uriquery(u) as q`,
    );
    const url = records
      .map(
        (r) =>
          (r.CopilotEventData as { AccessedResources?: { SiteUrl?: string }[] } | undefined)
            ?.AccessedResources?.[0]?.SiteUrl,
      )
      .find((u) => u !== undefined)!;
    const parsed = new URL(url);
    expect(site.map((r) => [r.h, r.p, r.q])).toEqual([
      [parsed.host, decodeURIComponent(parsed.pathname), parsed.search.slice(1)],
    ]);
  });

  it('gives the registrable domain with rootdomain on DuckDB, and refuses it on ClickHouse', async () => {
    const cases: Array<[string, string | null]> = [
      ['"a.b.example.co.uk"', 'example.co.uk'],
      ['"WWW.Contoso.COM."', 'contoso.com'],
      ['"https://user@www.bbc.co.uk:443/news?x=1"', 'bbc.co.uk'],
      ['urihost("https://contoso-my.sharepoint.com/personal/ana")', 'sharepoint.com'],
      ['"co.uk"', null],
      ['"localhost"', null],
      ['"10.1.2.3"', null],
      ['"2001:db8::1"', null],
      ['"not a domain"', null],
      ['""', null],
      ['null', null],
    ];
    const text = `${M} select ${cases.map(([e], i) => `rootdomain(${e}) as d${i}`).join(', ')} limit 1`;
    if (engine.dialect === 'clickhouse') {
      const e = failure(text, 'clickhouse');
      expect(e.message).toMatch(/runs on the DuckDB store only/);
      expect(text.slice(e.offset, e.offset + e.length)).toBe('rootdomain');
      expect(e.hint).toMatch(/urihost/);
      return;
    }
    const [row] = await run(text);
    expect(cases.map((_c, i) => row![`d${i}`])).toEqual(cases.map(([, v]) => v));
    // the sites of the real SharePoint records all belong to sharepoint.com
    const roots = await run(
      `${M} where ObjectId -> "://" select rootdomain(ObjectId) as root group by root select count() as n`,
    );
    const urls = records.filter((r) => /^[a-z]+:\/\//.test(String(r.ObjectId)));
    expect(roots.map((r) => [r.root, Number(r.n)])).toEqual([['sharepoint.com', urls.length]]);
  });

  it.each([
    [`${M} select net6("10.0.0.0/8") as n`, /not an IPv6 network/, '"10.0.0.0/8"'],
    [`${M} select net6("2001:db8::/129") as n`, /not an IPv6 network/, '"2001:db8::/129"'],
    [`${M} select net6("2001:db8::") as n`, /not an IPv6 network/, '"2001:db8::"'],
    [`${M} select net6("2001:db8:::1/64") as n`, /not an IPv6 network/, '"2001:db8:::1/64"'],
    [`${M} select net6(srcIp) as n`, /literal/, 'srcIp'],
    [
      `${M} where jsonparse(message) <- net6("::/0")`,
      /Cannot test whether a json/,
      'jsonparse(message)',
    ],
    [`${M} where ip4(srcIp) in {net6("::/0")}`, /Networks cannot be in a set/, 'net6("::/0")'],
    [
      `${M} where srcIp in {net6("::/0")}`,
      /Cannot look for a str in a set of net6/,
      'net6("::/0")',
    ],
    [`${M} select [net6("::/0")] as a`, /cannot hold net6/, '[net6("::/0")]'],
    [`${M} select urihost(jsonparse(message)) as h`, /json/, 'jsonparse(message)'],
    [`${M} select uripath(ObjectId, 1) as p`, /uripath/, 'uripath(ObjectId, 1)'],
  ])('refuses %s with a positioned error', (text, message, under) => {
    const e = failure(text, engine.dialect);
    expect(e.message).toMatch(message);
    expect(text.slice(e.offset, e.offset + e.length)).toBe(under);
  });
});

/** Address texts in every form, and near misses, from a fixed seed. */
function addressTexts(n: number): string[] {
  // mulberry32
  let seed = 15;
  const rnd = (k: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % k;
  };
  const group = () =>
    rnd(0x10000)
      .toString(16)
      .padStart(rnd(3) === 0 ? 4 : 1, '0');
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const g = Array.from({ length: 8 }, () => (rnd(3) === 0 ? '0' : group()));
    if (rnd(4) === 0) g[0] = rnd(2) ? '2001' : 'db8';
    if (rnd(3) === 0) g[1] = 'db8';
    let t = g.join(':');
    if (rnd(2)) {
      // compress a run of groups
      const a = rnd(8);
      const b = Math.min(8, a + 1 + rnd(4));
      t = `${g.slice(0, a).join(':')}::${g.slice(b).join(':')}`;
    }
    const v4 = `${rnd(300)}.${rnd(256)}.${rnd(256)}.${rnd(256)}`;
    switch (rnd(12)) {
      case 0:
        t = v4;
        break;
      case 1:
        t = `::ffff:${v4}`;
        break;
      case 2:
        t = `ffff:${v4}`;
        break;
      case 3:
        t = t.toUpperCase();
        break;
      case 4:
        t = `[${t}]:${rnd(65536)}`;
        break;
      case 5:
        t = `${t}%eth0`;
        break;
      case 6:
        t = `${t}:${group()}`;
        break;
      case 7:
        t = t.replace(':', ':::');
        break;
      case 8:
        t = `${t.slice(0, -1)}g`;
        break;
    }
    out.push(t);
  }
  return out;
}

/**
 * DuckDB and chdb, each with one management record per text (`field` holds it, `Id` is
 * `prefix-i`), opened before the suite's tests and closed after.
 */
function bothEngines(field: string, prefix: string, texts: readonly string[]): RawEngine[] {
  const engines: RawEngine[] = [];
  beforeAll(async () => {
    const lines = texts.map((t, i) =>
      JSON.stringify({ Id: `${prefix}-${i}`, CreationTime: '2026-03-02T13:04:05', [field]: t }),
    );
    for (const open of [duckdbEngine, chdbEngine]) {
      const e = await open();
      await e.load(MANAGEMENT, rowsOf(MANAGEMENT, lines));
      engines.push(e);
    }
  });
  afterAll(async () => {
    for (const e of engines) await e.close();
  });
  return engines;
}

describe('IPv6 texts on DuckDB and ClickHouse', () => {
  const texts = addressTexts(600);
  const engines = bothEngines('ClientIP', 'a', texts);

  it('read every form alike: ip6, and membership of two IPv6 networks', async () => {
    const text = `${M} select Id, ip6(ClientIP) as c, ClientIP <- net6("2001:db8::/32") as a, ClientIP <- net6("::ffff:0:0/96") as b, ClientIP <- net6("8000::/1") as h`;
    const [duck, ch] = await Promise.all(
      engines.map(async (e) =>
        (await e.run(compileLinq(text, { dialect: e.dialect, catalog, ...RANGE })))
          .map((r) => `${String(r.Id)} ${String(r.c)} ${String(r.a)} ${String(r.b)} ${String(r.h)}`)
          .sort(),
      ),
    );
    expect(duck).toHaveLength(texts.length);
    expect(duck).toEqual(ch);
    // the set exercises every outcome: addresses in and out of each network, and non-addresses
    const rows = duck!.map((l) => l.split(' '));
    for (const col of [2, 3, 4]) {
      expect([col, new Set(rows.map((r) => r[col]))]).toEqual([
        col,
        new Set(['true', 'false', 'null']),
      ]);
    }
  });
});

/** URL texts in many shapes (schemes, users, ports, IPv6 hosts, spaces, queries, fragments). */
function urlTexts(n: number): string[] {
  let seed = 99;
  const rnd = (k: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % k;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const scheme = pick(['https:', 'http:', 'HTTPS:', 'ms-word:ofe|u|https:', 'mailto:', '']);
    const auth = pick([
      '//contoso.sharepoint.com',
      '//user:pw@contoso-my.sharepoint.com:443',
      '//[2001:db8::1]:8080',
      '//10.1.2.3',
      '//',
      '',
    ]);
    const path = pick(['/sites/a b/Doc 1.docx', '/x/%20y/', '', '/', 'relative/file', '/é/ü']);
    const query = pick(['', '?', '?web=1', '?a=1&b=%20x', '?q=a?b']);
    const frag = pick(['', '#', '#top', '#a?b']);
    out.push(`${scheme}${auth}${path}${query}${frag}`);
  }
  return out;
}

/** RFC 3986, appendix B, as JavaScript reads it: what urihost, uripath and uriquery give. */
function uriParts(u: string): [string | null, string | null, string | null] {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?/.exec(u)!;
  const host =
    m[2] === undefined ? null : /^(?:[^/?#]*@)?(\[[^\]/?#]*\]|[^/?#:@]*)/.exec(m[2])![1]!;
  return [host || null, m[3] || null, m[4] || null];
}

describe('URL texts on DuckDB and ClickHouse', () => {
  const texts = urlTexts(400);
  const engines = bothEngines('ObjectId', 'u', texts);

  it('cut every URL alike, as RFC 3986 reads it', async () => {
    const text = `${M} select Id, urihost(ObjectId) as h, uripath(ObjectId) as p, uriquery(ObjectId) as q`;
    const expected = texts.map((u, i) => JSON.stringify([`u-${i}`, ...uriParts(u)])).sort();
    for (const e of engines) {
      const rows = await e.run(compileLinq(text, { dialect: e.dialect, catalog, ...RANGE }));
      expect([e.name, rows.map((r) => JSON.stringify([r.Id, r.h, r.p, r.q])).sort()]).toEqual([
        e.name,
        expected,
      ]);
    }
    const parts = texts.map(uriParts);
    for (const k of [0, 1, 2]) {
      expect(parts.some((p) => p[k] === null)).toBe(true);
      expect(parts.some((p) => p[k] !== null)).toBe(true);
    }
  });
});
