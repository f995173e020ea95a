// String, JSON, conversion, conditional and math functions (docs/linq.md, "The language").
import type { ScalarFunction } from './types.js';
import { CONVERSION_FUNCTIONS } from './conversions.js';
import { JSON_FUNCTIONS } from './json.js';
import { MATH_FUNCTIONS } from './math.js';
import { STRING_FUNCTIONS } from './strings.js';

export { jsonPath } from './json.js';

export const VALUES: readonly ScalarFunction[] = [
  ...STRING_FUNCTIONS,
  ...JSON_FUNCTIONS,
  ...CONVERSION_FUNCTIONS,
  ...MATH_FUNCTIONS,
];
