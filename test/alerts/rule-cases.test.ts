// Every rule's own test records, through the same code as `m365hunt rules test`: ingested into a
// real DuckDB file, evaluated by the engine (batch by batch), the stored alerts checked.
import { describe, expect, it } from 'vitest';
import { loadPacks } from '../../src/alerts/rules/packs.js';
import { duckdbOpener, runRuleTests } from '../../src/alerts/rules/testing.js';
import { tempDir } from '../helpers/temp.js';

const rules = [...loadPacks().rules.values()].sort((a, b) => a.id.localeCompare(b.id));
const open = duckdbOpener(tempDir('m365hunt-rule-cases-'));

describe.concurrent('rule test records', () => {
  it.each(rules.map((r) => [r.id, r] as const))('%s', async (_id, rule) => {
    const results = await runRuleTests(rule, open);
    const failures = results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.message}`);
    expect(failures).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(2);
  });
});
