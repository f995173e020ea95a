// Putting the alerting parts together from a configuration: the packs (bundled and the config's
// own folders), the `alerts` section, and the plan of rules and profiles the engine runs. The CLI,
// the collector hook and the evaluation all start here.
import type { ResolvedConfig } from '../config/load.js';
import { M365HuntError } from '../util/errors.js';
import { alertsConfigFrom, type AlertsConfig } from './config.js';
import { formatProblem } from './rules/load.js';
import { BUNDLED_PACKS_DIR, loadPacks, type PackSet } from './rules/packs.js';
import { planRules, type RulePlan } from './rules/profiles.js';

export interface Alerting {
  readonly config: AlertsConfig;
  readonly packs: PackSet;
  readonly plans: readonly RulePlan[];
}

export interface AlertingOptions {
  /** More pack roots (each a folder of pack folders), e.g. from `--packs`. */
  readonly packsDirs?: readonly string[];
  /** Load even when some rule files are broken (they are left out); default: refuse. */
  readonly tolerant?: boolean;
}

export function packRoots(config: AlertsConfig, extra: readonly string[] = []): string[] {
  return [BUNDLED_PACKS_DIR, ...config.packsDirs, ...extra];
}

export function setupAlerting(
  resolved: ResolvedConfig | undefined,
  options: AlertingOptions = {},
): Alerting {
  const config = alertsConfigFrom(resolved);
  const packs = loadPacks(packRoots(config, options.packsDirs));
  if (packs.problems.length > 0 && !options.tolerant) {
    throw new M365HuntError(
      `Some rule files are not valid:\n  ${packs.problems.map(formatProblem).join('\n  ')}`,
      { hint: 'Fix them, or check them with `m365hunt rules validate`.' },
    );
  }
  return { config, packs, plans: planRules(packs, config) };
}
