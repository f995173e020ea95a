// Which rules run for which tenants, with which tunables: the configuration's packs and overrides
// applied to the loaded packs. Tenants whose settings for a rule are the same share one profile,
// so the engine evaluates each distinct setting once, filtered to the tenants it covers.
import { M365HuntError } from '../../util/errors.js';
import { closest } from '../../util/suggest.js';
import type { AlertsConfig, RuleOverride } from '../config.js';
import type { Rule } from './load.js';
import type { PackSet } from './packs.js';
import type { Severity } from './schema.js';
import { resolveTunables, type TunableValue } from './tunables.js';

/** Tenants a profile covers, by label (the `client` column). */
export type ClientScope =
  { readonly only: readonly string[] } | { readonly except: readonly string[] };

export interface RuleProfile {
  readonly rule: Rule;
  readonly scope: ClientScope;
  readonly severity: Severity;
  readonly tuning: ReadonlyMap<string, TunableValue>;
}

export interface RulePlan {
  readonly rule: Rule;
  readonly profiles: readonly RuleProfile[];
}

function checkRuleIds(
  packs: PackSet,
  overrides: Readonly<Record<string, RuleOverride>>,
  where: string,
) {
  for (const id of Object.keys(overrides)) {
    if (!packs.rules.has(id)) {
      const s = closest(id, packs.rules.keys());
      throw new M365HuntError(
        `${where}: there is no rule ${id}${s ? ` (did you mean ${s}?)` : ''}`,
        {
          hint: 'List the rules with `m365hunt rules list`.',
        },
      );
    }
  }
}

function checkPacks(packs: PackSet, names: readonly string[] | undefined, where: string) {
  for (const name of names ?? []) {
    if (!packs.packs.some((p) => p.name === name)) {
      throw new M365HuntError(`${where}: there is no pack ${name}`, {
        hint: `Packs: ${packs.packs.map((p) => p.name).join(', ')}`,
      });
    }
  }
}

interface Setting {
  readonly enabled: boolean;
  readonly severity: Severity;
  readonly tuning: ReadonlyMap<string, TunableValue>;
  readonly signature: string;
}

function settingFor(
  rule: Rule,
  packs: readonly string[] | undefined,
  overrides: ReadonlyArray<RuleOverride | undefined>,
  where: string,
): Setting {
  let enabled = rule.def.enabled && (packs === undefined || packs.includes(rule.pack));
  let severity = rule.def.severity;
  const tuning: Record<string, unknown> = {};
  for (const o of overrides) {
    if (!o) continue;
    if (o.enabled !== undefined) enabled = o.enabled;
    if (o.severity) severity = o.severity;
    Object.assign(tuning, o.tuning ?? {});
  }
  let values: Map<string, TunableValue>;
  try {
    values = resolveTunables(rule.def.tunables, tuning);
  } catch (error) {
    throw new M365HuntError(`${where}.${rule.id}.tuning: ${(error as Error).message}`);
  }
  const signature = JSON.stringify([enabled, severity, [...values].sort()]);
  return { enabled, severity, tuning: values, signature };
}

/** The rules to evaluate and, for each, its profiles (at least one, or the rule is left out). */
export function planRules(packs: PackSet, config: AlertsConfig): RulePlan[] {
  checkRuleIds(packs, config.rules, 'alerts.rules');
  checkPacks(packs, config.packs, 'alerts.packs');
  for (const t of config.tenants) {
    checkRuleIds(packs, t.rules, `alerts.tenants.${t.client}.rules`);
    checkPacks(packs, t.packs, `alerts.tenants.${t.client}.packs`);
  }
  const plans: RulePlan[] = [];
  for (const rule of packs.rules.values()) {
    const base = settingFor(rule, config.packs, [config.rules[rule.id]], 'alerts.rules');
    const specific = config.tenants.map((t) => ({
      client: t.client,
      setting: t.enabled
        ? settingFor(
            rule,
            t.packs ?? config.packs,
            [config.rules[rule.id], t.rules[rule.id]],
            `alerts.tenants.${t.client}.rules`,
          )
        : { ...base, enabled: false, signature: 'off' },
    }));
    const profiles: RuleProfile[] = [];
    const differing = specific.filter((s) => s.setting.signature !== base.signature);
    if (base.enabled) {
      profiles.push({
        rule,
        scope: { except: differing.map((s) => s.client) },
        severity: base.severity,
        tuning: base.tuning,
      });
    }
    const bySignature = new Map<string, { setting: Setting; clients: string[] }>();
    for (const s of differing) {
      if (!s.setting.enabled) continue;
      const group = bySignature.get(s.setting.signature) ?? { setting: s.setting, clients: [] };
      group.clients.push(s.client);
      bySignature.set(s.setting.signature, group);
    }
    for (const { setting, clients } of bySignature.values()) {
      profiles.push({
        rule,
        scope: { only: clients },
        severity: setting.severity,
        tuning: setting.tuning,
      });
    }
    if (profiles.length > 0) plans.push({ rule, profiles });
  }
  return plans.sort((a, b) => a.rule.id.localeCompare(b.rule.id));
}

/** A stable name of a profile's scope, for state documents. */
export function scopeKey(scope: ClientScope): string {
  return 'only' in scope ? `only:${[...scope.only].sort().join(',')}` : 'default';
}
