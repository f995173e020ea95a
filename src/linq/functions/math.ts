// Conditional and math functions (docs/linq.md, "The language").
import { lit, nul, op } from '../build.js';
import { scalar, type CheckedArg, type ScalarFunction } from './types.js';

const math1 = (
  name: string,
  o: 'sqrt' | 'cbrt' | 'exp' | 'ln' | 'log10',
  doc: string,
): ScalarFunction =>
  scalar({
    name,
    signature: `${name}(x)`,
    doc,
    min: 1,
    max: 1,
    check: ([x], ctx) => op(o, [ctx.number(x!)], 'float'),
  });

const toward = (name: 'floor' | 'ceil'): ScalarFunction =>
  scalar({
    name,
    signature: `${name}(x)`,
    doc:
      name === 'floor'
        ? 'Largest whole number not above x (an int).'
        : 'Smallest whole number not below x (an int).',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const v = ctx.number(x!);
      return v.type === 'int' ? v : op(name, [v], 'int');
    },
  });

const arithmetic = (
  name: string,
  o: '+' | '-' | '*' | '/' | '\\' | '%' | '%%',
  doc: string,
): ScalarFunction =>
  scalar({
    name,
    signature: `${name}(a, b)`,
    doc,
    min: 2,
    max: 2,
    check: ([a, b], ctx) => ctx.arith(o, a!, b!),
  });

export const MATH_FUNCTIONS: readonly ScalarFunction[] = [
  // ---- conditionals
  scalar({
    name: 'ifthenelse',
    signature: 'ifthenelse(condition, a, b)',
    doc: 'a when the condition is true; b when it is false or null.',
    min: 3,
    max: 3,
    check: ([c, a, b], ctx) => {
      const type = ctx.common([a!, b!], '`ifthenelse`');
      const conv = (x: CheckedArg) => (type === 'null' ? x.expr : ctx.to(x, type));
      return op('case', [ctx.bool(c!), conv(a!), conv(b!)], type === 'null' ? 'str' : type, {
        hasElse: true,
      });
    },
  }),
  scalar({
    name: 'nvl',
    signature: 'nvl(x, default)',
    doc: 'x, or default when x is null.',
    min: 2,
    max: 2,
    check: ([x, d], ctx) => {
      const type = ctx.common([x!, d!], '`nvl`');
      if (type === 'null') return nul('null');
      return op('coalesce', [ctx.to(x!, type), ctx.to(d!, type)], type);
    },
  }),
  // ---- math
  scalar({
    name: 'round',
    signature: 'round(x[, digits])',
    doc: 'x rounded half away from zero: an int, or a float with digits after the point.',
    min: 1,
    max: 2,
    check: ([x, n], ctx) => {
      const v = ctx.number(x!);
      if (n)
        return op(
          'round_n',
          [
            ctx.to({ ...x!, expr: v }, 'float'),
            lit(BigInt(ctx.literalInt(n, 'The number of digits')), 'int'),
          ],
          'float',
        );
      return v.type === 'int' ? v : op('round', [v], 'int');
    },
  }),
  toward('floor'),
  toward('ceil'),
  scalar({
    name: 'abs',
    signature: 'abs(x)',
    doc: 'Absolute value.',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const v = ctx.number(x!);
      return op('abs', [v], v.type);
    },
  }),
  math1('sqrt', 'sqrt', 'Square root.'),
  math1('cbrt', 'cbrt', 'Cube root.'),
  math1('exp', 'exp', 'e to the power x.'),
  math1('ln', 'ln', 'Natural logarithm.'),
  math1('log', 'ln', 'Natural logarithm.'),
  math1('log10', 'log10', 'Base-10 logarithm.'),
  scalar({
    name: 'pow',
    signature: 'pow(x, y)',
    doc: 'x to the power y.',
    min: 2,
    max: 2,
    check: ([x, y], ctx) => op('pow', [ctx.to(x!, 'float'), ctx.to(y!, 'float')], 'float'),
  }),
  ...['signum', 'sign'].map((name) =>
    scalar({
      name,
      signature: `${name}(x)`,
      doc: '-1, 0 or 1.',
      min: 1,
      max: 1,
      check: ([x], ctx) => op('sign', [ctx.number(x!)], 'int'),
    }),
  ),
  arithmetic('add', '+', 'a + b'),
  arithmetic('sub', '-', 'a - b'),
  arithmetic('mul', '*', 'a * b'),
  arithmetic('div', '\\', 'a \\ b (integer division)'),
  arithmetic('rdiv', '/', 'a / b (real division)'),
  arithmetic('rem', '%', 'a % b (remainder, sign of a)'),
  arithmetic('mod', '%%', 'a %% b (modulo, never negative for positive b)'),
];
