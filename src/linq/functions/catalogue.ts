// Devo operations that map to one engine function each (sql/calls.ts): strings, hashes, URL
// coding, entropy, trigonometry, bit operations and `midnight` (docs/linq.md, "Functions").
import { op } from '../build.js';
import type { TExpr } from '../ir.js';
import type { LType } from '../types.js';
import { scalar, type CheckedArg, type FnContext, type ScalarFunction } from './types.js';

type Arg = 'str' | 'int' | 'float' | 'timestamp';

function convert(a: CheckedArg, t: Arg, ctx: FnContext): TExpr {
  switch (t) {
    case 'str':
      return ctx.str(a);
    case 'int':
      return ctx.int(a);
    case 'float':
      return ctx.to(a, 'float');
    case 'timestamp':
      return ctx.timestamp(a);
  }
}

const call = (
  name: string,
  args: readonly Arg[],
  type: LType,
  doc: string,
  signature = `${name}(${args.map((a) => (a === 'str' ? 's' : a === 'timestamp' ? 'ts' : 'x')).join(', ')})`,
): ScalarFunction =>
  scalar({
    name,
    signature,
    doc,
    min: args.length,
    max: args.length,
    check: (given, ctx) =>
      op(
        'call',
        given.map((a, i) => convert(a, args[i]!, ctx)),
        type,
        { call: name },
      ),
  });

export const CATALOGUE_FUNCTIONS: readonly ScalarFunction[] = [
  // strings
  call('trim', ['str'], 'str', 'Without leading and trailing spaces.'),
  call('ltrim', ['str'], 'str', 'Without leading spaces.'),
  call('rtrim', ['str'], 'str', 'Without trailing spaces.'),
  call('reverse', ['str'], 'str', 'The characters in reverse order.'),
  call(
    'lpad',
    ['str', 'int', 'str'],
    'str',
    'Padded on the left to n characters with c (cut to n when longer).',
    'lpad(s, n, c)',
  ),
  call(
    'rpad',
    ['str', 'int', 'str'],
    'str',
    'Padded on the right to n characters with c (cut to n when longer).',
    'rpad(s, n, c)',
  ),
  call('urldecode', ['str'], 'str', 'Percent-decoded text (%20 → space).'),
  call('urlencode', ['str'], 'str', 'Percent-encoded text.'),
  call(
    'shannonentropy',
    ['str'],
    'float',
    'Shannon entropy of the characters of s, in bits (random-looking domains score high).',
  ),
  // hashes (lower-case hexadecimal)
  call('md5', ['str'], 'str', 'MD5 of s, in hexadecimal.'),
  call('sha1', ['str'], 'str', 'SHA-1 of s, in hexadecimal.'),
  call('sha256', ['str'], 'str', 'SHA-256 of s, in hexadecimal.'),
  // time
  call('midnight', ['timestamp'], 'timestamp', 'The start of the day of ts (UTC).'),
  // math
  call('sin', ['float'], 'float', 'Sine (radians).'),
  call('cos', ['float'], 'float', 'Cosine (radians).'),
  call('tan', ['float'], 'float', 'Tangent (radians).'),
  call('asin', ['float'], 'float', 'Arc sine; null outside [-1, 1].'),
  call('acos', ['float'], 'float', 'Arc cosine; null outside [-1, 1].'),
  call('atan', ['float'], 'float', 'Arc tangent.'),
  call(
    'atan2',
    ['float', 'float'],
    'float',
    'Arc tangent of y/x, in the right quadrant.',
    'atan2(y, x)',
  ),
  call('log2', ['float'], 'float', 'Base-2 logarithm; null for x ≤ 0.'),
  // bits of 64-bit integers
  call('band', ['int', 'int'], 'int', 'Bitwise and.', 'band(a, b)'),
  call('bor', ['int', 'int'], 'int', 'Bitwise or.', 'bor(a, b)'),
  call('bxor', ['int', 'int'], 'int', 'Bitwise exclusive or.', 'bxor(a, b)'),
  call('bnot', ['int'], 'int', 'Bitwise not.', 'bnot(a)'),
  call(
    'shl',
    ['int', 'int'],
    'int',
    'a shifted left by n bits (null for n outside 0-63).',
    'shl(a, n)',
  ),
  call(
    'shr',
    ['int', 'int'],
    'int',
    'a shifted right by n bits, sign kept (null for n outside 0-63).',
    'shr(a, n)',
  ),
];
