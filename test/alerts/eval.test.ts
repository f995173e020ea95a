// `rules eval` on a tenant small enough for CI: the simulator in-process with every scenario on,
// the real collector, every bundled rule. Each labelled attack must raise an alert that names its
// actor, and benign activity must raise fewer than 1 alert per 1,000 user-days.
import { describe, expect, it } from 'vitest';
import { formatEvaluation } from '../../src/alerts/eval/evaluate.js';
import { evaluatePacks } from '../../src/app/evaluate-packs.js';
import { setupAlerting } from '../../src/alerts/setup.js';
import { SCENARIO_NAMES } from '../../src/simulator/index.js';

describe('rules eval', () => {
  it('detects every scenario and names its actor, with fewer than 1 false positive per 1,000 user-days', async () => {
    const { plans } = setupAlerting(undefined);
    const result = await evaluatePacks({ plans, users: 50, days: 2, seed: 3 });
    const text = formatEvaluation(result);
    expect(result.scenarios).toHaveLength(SCENARIO_NAMES.length);
    for (const s of result.scenarios) expect(s.detected, `${s.name} missed\n${text}`).toBe(true);
    expect(result.recall).toBe(1);
    expect(result.falsePositivesPer1000UserDays, text).toBeLessThan(1);
    expect(result.passed).toBe(true);
    expect(text).toContain(`Recall: 100% of ${SCENARIO_NAMES.length} scenarios`);
    // Per rule: the rules that caught something, and which.
    const spray = result.perRule.find(
      (r) => r.id === 'exfiltration/credential-access-spray-then-sign-in',
    )!;
    expect(spray.scenarios).toEqual(['password-spray']);
    expect(spray.falsePositives).toBe(0);
  });
});
