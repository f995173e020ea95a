// A canonical text for expressions: the same expression written with different spacing prints the
// same, so `group by str(ip)` is found again by a later `str( ip )`.
import type { Arg, Expr } from './ast.js';
import { IDENT_RE, KEYWORDS } from './tokens.js';

const name = (n: string, quoted: boolean): string =>
  quoted || !IDENT_RE.test(n) || KEYWORDS.has(n) ? `\`${n}\`` : n;

export function printExpr(e: Expr | Arg): string {
  switch (e.kind) {
    case 'str':
      return JSON.stringify(e.value);
    case 'int':
      return e.value.toString();
    case 'float':
      return String(e.value);
    case 'bool':
      return String(e.value);
    case 'null':
      return 'null';
    case 'duration':
      return `${e.ms}ms`;
    case 'ip4':
    case 'cidr4': {
      const v = e.value;
      const ip = [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
      return e.kind === 'cidr4' ? `${ip}/${e.bits}` : ip;
    }
    case 'name':
      return name(e.name, e.quoted);
    case 'star':
      return '*';
    case 'call':
      return `${name(e.name, e.quoted)}(${e.args.map(printExpr).join(', ')})`;
    case 'unary':
      return e.op === 'not' ? `not (${printExpr(e.operand)})` : `-(${printExpr(e.operand)})`;
    case 'binary':
      return `(${printExpr(e.left)} ${e.op} ${printExpr(e.right)})`;
    case 'compare':
      return `(${[printExpr(e.first), ...e.rest.map((r) => `${r.op} ${printExpr(r.operand)}`)].join(' ')})`;
    case 'in':
      return `(${printExpr(e.value)} ${e.negated ? 'not in' : 'in'} ${printExpr(e.container)})`;
    case 'isnull':
      return `(${printExpr(e.operand)} is ${e.negated ? 'not ' : ''}null)`;
    case 'index':
      return `${printExpr(e.target)}[${e.keys.map(printExpr).join(', ')}]`;
    case 'set':
      return `{${e.elements.map(printExpr).join(', ')}}`;
    case 'array':
      return `[${e.elements.map(printExpr).join(', ')}]`;
    case 'tuple':
      return `(${e.elements.map(printExpr).join(', ')})`;
    case 'subquery':
      return `(subquery@${e.span.start})`;
  }
}
