// Alerting beside the collectors, started the one way every process starts it (`collect`, `serve`,
// the demo): the runner of src/alerts over the bundled packs and the config's own, evaluating after
// each commit (debounced) and on its interval. Problems of rule files or of the alerts section are
// logged, never thrown: a broken rule must not stop collection or the server (the rules that load
// still run); `m365hunt rules validate` names them.
import { formatProblem } from '../alerts/rules/load.js';
import { AlertRunner } from '../alerts/runner.js';
import { setupAlerting } from '../alerts/setup.js';
import type { ResolvedConfig } from '../config/load.js';
import type { Store } from '../store/store.js';
import { describeError } from '../util/errors.js';
import { createLogger, type Logger } from '../util/log.js';

export interface AlertingOptions {
  readonly log?: Logger;
  /** The alerts' clock (the demo's simulated one); the real clock by default. */
  readonly now?: () => Date;
}

/** A started runner when the configuration enables alerts, or undefined. */
export function startAlerting(
  store: Store,
  config: ResolvedConfig | undefined,
  options: AlertingOptions = {},
): AlertRunner | undefined {
  const log = options.log ?? createLogger('alerts');
  try {
    const alerting = setupAlerting(config, { tolerant: true });
    for (const p of alerting.packs.problems) log.error(`rule file skipped: ${formatProblem(p)}`);
    for (const w of alerting.config.warnings) log.warn(w);
    if (!alerting.config.enabled) return undefined;
    log.info(`alerting with ${alerting.plans.length} rules`);
    const now = options.now;
    return new AlertRunner(store, alerting, { log, ...(now ? { now } : {}) }).start();
  } catch (error) {
    log.error(`alerting is off: ${describeError(error)}`);
    return undefined;
  }
}
