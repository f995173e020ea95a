// The bundled packs: they load without problems, compile for every store dialect, cover the
// catalogue (every group, the top 15, the gaps) and the eight seed use cases, and every rule
// carries records that must and must not fire it.
import { describe, expect, it } from 'vitest';
import { coverageOf } from '../../src/alerts/rules/coverage.js';
import { loadPacks } from '../../src/alerts/rules/packs.js';
import { validateRuleLinq } from '../../src/alerts/rules/validate.js';

const packs = loadPacks();
const rules = [...packs.rules.values()];

describe('bundled rule packs', () => {
  it('load without problems', () => {
    expect(packs.problems).toEqual([]);
    expect(packs.packs.map((p) => p.name).sort()).toEqual(['entra', 'exfiltration', 'seed']);
  });

  it('compile as the engine runs them, for DuckDB and ClickHouse', () => {
    const problems = rules.flatMap((r) => validateRuleLinq(r));
    expect(problems).toEqual([]);
  });

  it('the seed pack holds the eight seed use cases, #8 as the inactivity alert', () => {
    const seed = rules.filter((r) => r.pack === 'seed');
    expect(seed).toHaveLength(8);
    const cases = seed.flatMap((r) => r.def.catalog.filter((c) => c.startsWith('seed:'))).sort();
    expect(cases).toEqual([
      'seed:1',
      'seed:2',
      'seed:3',
      'seed:4',
      'seed:5',
      'seed:6',
      'seed:7',
      'seed:8',
    ]);
    const eight = seed.find((r) => r.def.catalog.includes('seed:8'))!;
    expect(eight.def.kind).toBe('inactivity');
    expect(eight.def.inactivity!.by).toEqual(['collector_id', 'Workload']);
    expect(eight.def.query).toContain('split(hostchain,"-",1) as collector_id');
  });

  it('the exfiltration pack has 40+ rules covering every group, the top 15 and the gaps', () => {
    const exfil = rules.filter((r) => r.pack === 'exfiltration');
    expect(exfil.length).toBeGreaterThanOrEqual(40);
    const c = coverageOf(exfil);
    expect(c.missingGroups).toEqual([]);
    expect(c.missingTop15).toEqual([]);
    expect(c.missingGaps).toEqual([]);
    for (const kind of ['each', 'threshold', 'sequence'] as const) {
      expect(exfil.some((r) => r.def.kind === kind)).toBe(true);
    }
  });

  it('every rule has a positive and a negative test, names a user or an address, and suggests a response', () => {
    for (const r of rules) {
      const expected = r.def.tests.map((t) =>
        typeof t.expect === 'number' ? t.expect : t.expect.alerts,
      );
      expect(
        expected.some((n) => n > 0),
        `${r.id} has no positive test`,
      ).toBe(true);
      expect(
        expected.some((n) => n === 0),
        `${r.id} has no negative test`,
      ).toBe(true);
      expect(r.def.response.length, `${r.id} suggests no response`).toBeGreaterThan(0);
      if (r.def.kind !== 'inactivity' && r.def.kind !== 'sequence') {
        const named =
          r.def.entities.user ??
          r.def.entities.ip ??
          r.def.entities.file ??
          r.def.entities.application;
        expect(named, `${r.id} names no entity`).toBeDefined();
      }
    }
  });
});
