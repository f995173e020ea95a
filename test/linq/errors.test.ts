// Mistakes in queries: each gives a LinqError at the right place, with a caret and, where one is
// close, the name the analyst probably meant.
import { describe, expect, it } from 'vitest';
import { compileLinq } from '../../src/linq/compile.js';
import { LinqError } from '../../src/linq/errors.js';
import { createCatalog } from '../../src/store/schema.js';

const catalog = createCatalog();
const range = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-02T00:00:00Z') };

function failure(text: string, dialect: 'duckdb' | 'clickhouse' = 'duckdb'): LinqError {
  try {
    compileLinq(text, { dialect, catalog, ...range });
  } catch (e) {
    if (e instanceof LinqError) return e;
    throw e;
  }
  throw new Error(`no error for ${text}`);
}

const M = 'from cloud.office365.management';

/** [query, message pattern, the text under the caret, hint pattern?] */
const CASES: Array<[string, RegExp, string, RegExp?]> = [
  // names
  [
    'from cloud.office365.managment.exchange',
    /Unknown table/,
    'cloud.office365.managment.exchange',
    /cloud\.office365\.management\.exchange/,
  ],
  [`${M} where UsrId = "x"`, /Unknown identifier `UsrId`/, 'UsrId', /did you mean `UserId`/],
  [`${M} where userid = "x"`, /Unknown identifier `userid`/, 'userid', /`UserId`/],
  [`${M} where rawMesage -> "x"`, /Unknown identifier/, 'rawMesage', /`rawMessage`/],
  [`${M} where weakhass(UserId, "x")`, /No function named `weakhass`/, 'weakhass', /`weakhas`/],
  [`${M} where countdistinct(UserId) > 1`, /countdistinct/, 'countdistinct', /sizedistinct/],
  [`${M} select lu("Assets", "role", UserId) as r`, /Unknown lookup `Assets`/, '"Assets"'],
  // countrycode and asn are backed by the shipped databases, cities by one installed apart;
  // Devo's reputation data is not public
  [`${M} select reputation(srcIp) as c`, /reputation data is not public/, 'reputation', /lu\(/],
  [`${M} select _seq as s`, /internal column/, '_seq'],
  // arity and types
  [
    `${M} select split(UserId) as s`,
    /`split` takes 2 to 3 arguments, not 1/,
    'split(UserId)',
    /split\(s, sep\[, i\]\)/,
  ],
  [`${M} where UserId`, /must be true or false/, 'UserId'],
  [
    `${M} where has(jsonparse(message)["a"], "x")`,
    /A json value is not a string/,
    'jsonparse(message)["a"]',
    /str\(/,
  ],
  [
    `${M} where startswith(jsonparse(message)["a"], "x")`,
    /needs a str here; this is json/,
    'jsonparse(message)["a"]',
    /str\(/,
  ],
  [
    `${M} where eventdate > "last tuesday"`,
    /Cannot read "last tuesday" as a time/,
    '"last tuesday"',
  ],
  [`${M} where eventdate = 1.5`, /Cannot compare timestamp with float/, '='],
  [`${M} where UserId ~ "x"`, /needs a regular expression/, '"x"', /re\("…"\)/],
  [`${M} where matches(UserId, "a.*")`, /needs re\("…"\)/, '"a.*"', /re\("a\.\*"\)/],
  [`${M} where matches(UserId, re("(?=x)"))`, /Look-around/, '"(?=x)"'],
  [`${M} where matches(UserId, re("(a)\\\\1"))`, /Back-references/, '"(a)\\\\1"'],
  [`${M} select peek(UserId, re("(a)"), 2) as p`, /has 1 group; there is no group 2/, '2'],
  [`${M} select split(UserId, "@", -1) as p`, /cannot be negative/, '-1'],
  [
    `${M} select jqeval(jqcompile(".a | ."), jsonparse(message)) as j`,
    /ClickHouse can only run simple paths/,
    '".a | ."',
  ],
  [
    `${M} select jqeval(jqcompile("env.HOME"), jsonparse(message)) as j`,
    /`env` is not allowed/,
    '"env.HOME"',
  ],
  [
    `${M} select jqeval(jqcompile(".a | "), jsonparse(message)) as j`,
    /jq cannot compile/,
    '".a | "',
  ],
  [`${M} select UserId + jsonparse(message) as x`, /`\+` cannot combine str and json/, '+'],
  [`${M} where UserId in {10.1.2.3}`, /str in a set of ip4/, '10.1.2.3', /quote the address/],
  [
    `${M} where UserId in (from cloud.office365.management group by UserId, Operation)`,
    /gives 2 columns; 1 is needed/,
    '(from cloud.office365.management group by UserId, Operation)',
  ],
  // aliases
  [
    `${M} select lower(UserId) as userid`,
    /`userid` is used more than once \(as `UserId`\)/,
    'userid',
  ],
  [`${M} select 1 as a select 2 as A`, /`A` is used more than once/, 'A'],
  [`${M} select 1 as tag`, /keyword/, 'tag'],
  [`${M} select 1 as __x`, /reserved/, '__x'],
  // grouping
  [`${M} select count() as n`, /needs a `group` before it/, 'count()', /add `group`/],
  [
    `${M} group by UserId select Operation as op`,
    /`Operation` does not exist after `group`/,
    'Operation',
    /last\(Operation\)/,
  ],
  [`${M} group by count() as n`, /group key cannot be an aggregate/, 'count()'],
  [`${M} group select count(count()) as n`, /cannot be nested/, 'count()'],
  [`${M} group by UserId group every 1h`, /previous group had no time buckets/, '1h'],
  [`${M} group every 1m | 5 by UserId`, /Aligning buckets/, '5'],
  // syntax
  [`${M} where`, /Expected an expression, found the end of the query/, ''],
  [`FROM cloud.office365.management`, /Expected `from`/, 'FROM', /lower case/],
  [`${M} WHERE UserId = "x"`, /Expected a clause/, 'WHERE', /lower case: `where`/],
  [
    `${M} where UserId = "x" Operation = "y"`,
    /Expected a clause/,
    'Operation',
    /separate conditions/,
  ],
  [`${M} select UserId Operation`, /Expected a clause/, 'Operation', /separate select items/],
  [`${M} where UserId <> "x"`, /`<>` is not an operator/, '<>', /!=/],
  [`${M} where UserId = "x" || UserId = "y"`, /found `\|`/, '|', /use `or`/],
  [`${M} where !isnull(UserId)`, /`!` is not an operator/, '!', /`not`/],
  [`${M} where UserId = "x`, /Unterminated string/, '"'],
  [`${M} where UserId = "a\\.b"`, /Unknown escape `\\.`/, '\\.', /single quotes/],
  [`${M} group every 5min by UserId`, /Malformed number or duration `5min`/, '5min'],
  [`${M} where srcIp = 10.1.2`, /Malformed number or IPv4 address/, '10.1.2'],
  [`${M} where srcIp = 10.1.2.300`, /not an IPv4 address/, '10.1.2.300'],
  [`${M} # comment`, /does not start a comment/, '#', /\/\//],
  [`${M} limit 5 where UserId = "x"`, /cannot come after/, 'where'],
  [`${M} limit 5 limit 6`, /`limit` appears twice/, 'limit'],
  ['where UserId = "x"', /A query starts with `from`/, 'where'],
  [
    `from "cloud.office365.management"`,
    /not a string/,
    '"cloud.office365.management"',
    /without quotes/,
  ],
  [`${M} where ((((UserId = "x")`, /Expected `\)`/, ''],
  [`${M} where x(`, /Expected an expression/, ''],
];

describe('query errors', () => {
  it.each(CASES)('%s', (text, message, under, hint) => {
    const e = failure(text, text.includes('".a | ."') ? 'clickhouse' : 'duckdb');
    expect(e.message).toMatch(message);
    const got = text.slice(e.offset, e.offset + e.length);
    if (under === '') expect(e.offset).toBe(text.length);
    else expect(got).toBe(under);
    if (hint) expect(e.hint ?? '').toMatch(hint);
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.column).toBeGreaterThanOrEqual(1);
  });

  it('names the line and column of a query written over several lines, with a caret', () => {
    const text = `from cloud.office365.management
where Operation = "UserLoggedIn"
select lower(UsrId) as user`;
    const e = failure(text);
    expect([e.line, e.column, e.length]).toEqual([3, 14, 5]);
    expect(e.render(text)).toBe(
      [
        'error: Unknown identifier `UsrId` (line 3, column 14)',
        '3 | select lower(UsrId) as user',
        '                 ^^^^^',
        'hint: did you mean `UserId`?',
      ].join('\n'),
    );
  });

  it('keeps the caret on a window of a very long line', () => {
    const text = `${M} where ${Array.from({ length: 40 }, (_, i) => `UserId = "user${i}@contoso.com"`).join(' or ')} or Bogus = 1`;
    const e = failure(text);
    const [, line, caret] = e.render(text).split('\n');
    expect(line!.length).toBeLessThan(130);
    expect(line!.slice(caret!.indexOf('^'), caret!.lastIndexOf('^') + 1)).toBe('Bogus');
  });

  it('refuses queries nested too deeply, with a position', () => {
    const text = `${M} where ${'('.repeat(300)}UserId = "x"${')'.repeat(300)}`;
    expect(failure(text).message).toMatch(/nested too deeply/);
    const chain = `${M} select ${Array.from({ length: 400 }, () => '1').join(' + ')} as n`;
    expect(failure(chain).message).toMatch(/nested too deeply/);
  });

  it('is an M365HuntError printed by the CLI with its place', () => {
    const e = failure(`${M} where UsrId = "x"`);
    expect(e.exitCode).toBe(2);
    expect(e.position).toEqual({ source: 'query', line: 1, column: e.column });
  });
});
