// Which of Devo's operations m365hunt implements (docs/linq.md lists the ones it does not): a
// function that compiles, with the shipped GeoIP databases for the GeoIP ones.
import { describe, expect, it } from 'vitest';
import { GEOIP_LINQ_FUNCTIONS, GEOIP_UNAVAILABLE } from '../../src/linq/functions/geoip.js';
import { defaultFunctions, GEOIP_FUNCTIONS } from '../../src/linq/functions/index.js';
import { DEVO_DOCUMENTED, DEVO_OPERATIONS } from './helpers/devo-operations.js';

/** GeoIP names present only to explain that they cannot run (no reputation data is shipped). */
const EXPLAINED_ONLY = new Set([
  ...GEOIP_FUNCTIONS.filter((f) => !GEOIP_LINQ_FUNCTIONS.some((g) => g.name === f)),
  ...GEOIP_UNAVAILABLE.map((f) => f.name),
]);
/**
 * Present to refuse with the reason: sketches are not kept; `at`'s index base could not be read
 * from Devo's page and m365hunt has no sets (docs/devo-sources.md).
 */
const REFUSED = new Set(['hllpp', 'at', 'mkset']);

const MISSING = ['net6', 'daynumber', 'monthnumber', 'hlut'];

describe("Devo's operations", () => {
  const table = defaultFunctions();
  const all = Object.values(DEVO_OPERATIONS).flat();
  const implemented = all.filter((n) => table.has(n) && !EXPLAINED_ONLY.has(n) && !REFUSED.has(n));

  it('implements all but the ones docs/linq.md lists', () => {
    const missing = all.filter((n) => !implemented.includes(n));
    expect(missing.sort()).toEqual(
      [...MISSING, ...EXPLAINED_ONLY, ...REFUSED].filter((n) => all.includes(n)).sort(),
    );
    console.log(`Devo operations: ${implemented.length} of ${all.length} implemented`);
  });

  it("lists every name Devo's own pages define, once, with the page", () => {
    expect(new Set(all).size).toBe(all.length);
    for (const [name, page] of Object.entries(DEVO_DOCUMENTED)) {
      expect(all, name).toContain(name);
      expect(page).toMatch(/^https:\/\/devodocs\.atlassian\.net\/wiki\//);
    }
  });
});
