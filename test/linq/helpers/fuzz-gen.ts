// The query generator and mutator of the fuzz test: queries from the grammar with sentinel
// literals and hostile quoted names, and mutations of the seed and conformance queries.
import { defaultFunctions } from '../../../src/linq/functions/index.js';
import { createCatalog, MANAGEMENT } from '../../../src/store/schema.js';
import { CONFORMANCE } from './conformance.js';

/** Every literal and quoted name the generator writes contains this. */
export const SENTINEL = 'ZQX';
const catalog = createCatalog();
const columns = catalog.columns(MANAGEMENT).map((c) => c.name);
const functions = [...defaultFunctions().keys()];
const tables = catalog.names();
const HOSTILE = [
  `'`,
  `"`,
  `;`,
  `--`,
  `\\`,
  `/*`,
  `$1`,
  `{p1:String}`,
  `\``,
  `\n`,
  `\u0000`,
  `🙂`,
  `é`,
  ` OR 1=1`,
  `)`,
  `%`,
];
const JQ = [
  '.a',
  '.a.b[0]',
  '.["k y"]',
  '.',
  '.ParticipantInfo.HasForeignTenantUsers',
  '.a | length',
  '[.[]?]',
];

export function generator(rnd: () => number, seeds: readonly string[]) {
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  let sentinel = 0;
  const str = (): string => {
    const body = `${SENTINEL}${sentinel++}${Array.from({ length: int(4) }, () => pick(HOSTILE)).join('')}`;
    return rnd() < 0.8 ? JSON.stringify(body) : `'${body.replace(/'/g, '')}'`;
  };
  const name = (): string =>
    rnd() < 0.85
      ? pick(columns)
      : rnd() < 0.5
        ? `\`${SENTINEL}${sentinel++}${pick(HOSTILE).replace(/`/g, '')}\``
        : pick(['x', 'Userid', 'eventdate', 'message', 'srcIp']);
  const leaf = (): string => {
    switch (int(11)) {
      case 0:
        return String(int(1000) - 10);
      case 1:
        return pick(['1.5', '0.0', '9223372036854775807', '6.02e23']);
      case 2:
      case 3:
        return str();
      case 4:
        return pick(['true', 'false', 'null']);
      case 5:
        return pick(['5m', '1h', '1d', '15h45m50s', '250ms']);
      case 6:
        return pick(['10.1.2.3', '10.0.0.0/8', '192.168.1.0/24']);
      default:
        return name();
    }
  };
  const expr = (d: number): string => {
    if (d <= 0) return leaf();
    switch (int(12)) {
      case 0:
        return `not ${expr(d - 1)}`;
      case 1:
        return `-${expr(d - 1)}`;
      case 2:
        return `${expr(d - 1)} ${pick(['and', 'or', '+', '-', '*', '/', '\\', '%', '%%'])} ${expr(d - 1)}`;
      case 3:
        return `${expr(d - 1)} ${pick(['=', '==', '!=', '/=', '<', '<=', '>', '>=', '->', '->>', '<-', '~'])} ${expr(d - 1)}${rnd() < 0.2 ? ` < ${expr(d - 1)}` : ''}`;
      case 4:
        return `${expr(d - 1)} ${rnd() < 0.3 ? 'not ' : ''}in ${rnd() < 0.7 ? `{${Array.from({ length: int(3) }, () => leaf()).join(', ')}}` : `[${leaf()}]`}`;
      case 5:
        return `(${expr(d - 1)})`;
      case 6:
        return `${expr(d - 1)}[${rnd() < 0.5 ? str() : String(int(4))}]`;
      case 7:
        return pick([
          `re(${str()})`,
          `nameglob(${str()})`,
          `jqeval(jqcompile(${JSON.stringify(pick(JQ))}), jsonparse(message))`,
          `template(${str()})`,
        ]);
      case 8:
        return `${expr(d - 1)} is ${rnd() < 0.5 ? 'not ' : ''}null`;
      default: {
        const f = rnd() < 0.9 ? pick(functions) : pick(['weakhass', 'lu', 'countrycode', '`in`']);
        const n = int(5);
        return `${f}(${Array.from({ length: n }, () => (rnd() < 0.05 ? '*' : expr(d - 1))).join(', ')})`;
      }
    }
  };
  const alias = (): string =>
    rnd() < 0.6
      ? ` as a${int(50)}`
      : rnd() < 0.5
        ? ` as \`${SENTINEL}${sentinel++} ${pick(HOSTILE).replace(/`/g, '')}\``
        : '';
  const query = (): string => {
    const parts = [
      `from ${rnd() < 0.9 ? pick(tables) : pick(['cloud.office365.managment', 'x.y', '"t"'])}`,
    ];
    const n = int(6);
    for (let i = 0; i < n; i++) {
      switch (int(4)) {
        case 0:
        case 1:
          parts.push(`where ${Array.from({ length: 1 + int(2) }, () => expr(int(4))).join(', ')}`);
          break;
        case 2:
          parts.push(
            `select ${Array.from({ length: 1 + int(3) }, () => `${expr(int(3))}${alias()}`).join(', ')}`,
          );
          break;
        default:
          parts.push(
            `group${rnd() < 0.5 ? ` every ${pick(['5m', '1h', '-'])}` : ''}${rnd() < 0.7 ? ` by ${Array.from({ length: 1 + int(2) }, () => `${expr(int(2))}${alias()}`).join(', ')}` : ''}`,
          );
          if (rnd() < 0.7)
            parts.push(
              `select ${pick(['count()', 'count(*)', `sum(${name()})`, `first(${name()})`, `hllppcount(${name()})`])} as n${int(9)}`,
            );
      }
    }
    if (rnd() < 0.1) parts.push(`order by ${expr(1)} ${pick(['asc', 'desc', ''])}`);
    if (rnd() < 0.1) parts.push(`limit ${int(100)}`);
    if (rnd() < 0.05) parts.push(`pragma tz: ${str()}`);
    return parts.join(rnd() < 0.5 ? ' ' : '\n');
  };
  const corpus = [...seeds, ...CONFORMANCE.map((c) => c.text)];
  const TOKENS = [
    ' ',
    '(',
    ')',
    '"',
    "'",
    '`',
    ',',
    '.',
    '[',
    ']',
    '{',
    '}',
    '\\',
    'not ',
    ' and ',
    ' or ',
    'where ',
    'select ',
    'group by ',
    ' as ',
    '->',
    '<-',
    '~',
    '5m',
    '10.0.0.0/8',
    '#',
    '!',
    '/*',
    '*/',
    '\u00e9',
    '\ud800',
    `"${SENTINEL}x'"`,
  ];
  const mutate = (text: string): string => {
    let t = text;
    for (let k = 1 + int(3); k > 0; k--) {
      const i = int(t.length + 1);
      switch (int(5)) {
        case 0:
          t = t.slice(0, i) + t.slice(i + 1 + int(8));
          break;
        case 1:
          t = t.slice(0, i) + pick(TOKENS) + t.slice(i);
          break;
        case 2: {
          const j = int(t.length + 1);
          t = t.slice(0, i) + t.slice(Math.min(i, j), Math.max(i, j)) + t.slice(i);
          break;
        }
        case 3:
          t = t.slice(0, i) + String.fromCharCode(int(128)) + t.slice(i + 1);
          break;
        default:
          t = t.slice(0, i) + expr(1) + t.slice(i);
      }
    }
    return t;
  };
  return {
    next: (): string => (rnd() < 0.5 ? query() : mutate(rnd() < 0.3 ? query() : pick(corpus))),
  };
}
