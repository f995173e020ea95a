// The alerts port over src/alerts: the inbox reads and triages with the alert store's own
// functions (listAlerts, getAlert, changeStatus: the same the `alerts` CLI uses), and the alert
// runner (src/alerts/runner.ts) evaluates the enabled packs beside the collectors.
import { formatProblem } from '../../alerts/rules/load.js';
import { AlertRunner } from '../../alerts/runner.js';
import { setupAlerting } from '../../alerts/setup.js';
import { changeStatus, getAlert, listAlerts } from '../../alerts/store/alert-store.js';
import type { AlertView } from '../../alerts/store/model.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { Store } from '../../store/store.js';
import { M365HuntError } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';
import type { AlertDetail, AlertsPort, AlertSummary } from '../ports.js';

function summary(a: AlertView): AlertSummary {
  return {
    id: a.id,
    rule: a.rule,
    title: a.title,
    severity: a.severity,
    status: a.status,
    created: a.created,
    entities: a.entities,
    count: a.count,
  };
}

/** Evidence as rows: time, record id and the rule's own columns (the raw record stays out of the grid). */
function detail(a: AlertView): AlertDetail {
  const closed = [...a.history].reverse().find((h) => h.event === 'closed');
  const response = a.response[0];
  return {
    ...summary(a),
    description: a.description,
    techniques: a.mitre,
    evidence: a.evidence.map((e) => ({
      time: e.time,
      Id: e.id,
      ...(e.step ? { step: e.step } : {}),
      ...(e.fields ?? {}),
    })),
    history: a.history.map((h) => ({
      event: h.event,
      at: h.at,
      by: h.by,
      ...(h.reason ? { reason: h.reason } : {}),
    })),
    ...(closed?.reason ? { closeReason: closed.reason } : {}),
    ...(response
      ? {
          suggestedResponse: {
            action: response.action,
            ...(response.targets[0] ? { user: response.targets[0] } : {}),
          },
        }
      : {}),
  };
}

export function alertsPort(store: Store): AlertsPort {
  return {
    async list(filter) {
      const user = filter.user?.toLowerCase();
      const all = await listAlerts(store, filter.status ? { status: [filter.status] } : {});
      return all
        .filter((a) => !filter.severity || a.severity === filter.severity)
        .filter((a) => !filter.rule || a.rule.includes(filter.rule))
        .filter((a) => !user || (a.entities.user ?? []).some((u) => u.toLowerCase() === user))
        .slice(0, filter.limit)
        .map(summary);
    },
    async get(id) {
      try {
        return detail(await getAlert(store, id));
      } catch (error) {
        if (error instanceof M365HuntError && /There is no alert/.test(error.message))
          return undefined;
        throw error;
      }
    },
    ack: async (id, by) => detail(await changeStatus(store, id, 'acknowledged', by)),
    close: async (id, by, reason) => detail(await changeStatus(store, id, 'closed', by, reason)),
    async counts() {
      const tally = new Map<string, { status: string; severity: string; count: number }>();
      for (const a of await listAlerts(store)) {
        const key = `${a.status}/${a.severity}`;
        const t = tally.get(key) ?? { status: a.status, severity: a.severity, count: 0 };
        t.count++;
        tally.set(key, t);
      }
      return [...tally.values()];
    },
  };
}

/**
 * The alert runner of src/alerts over the bundled packs and the config's own: evaluates after each
 * commit (debounced) and on its interval. Broken rule files are logged and left out rather than
 * stopping the server (and the collectors with it); `m365hunt rules validate` names them.
 */
export function alertRunner(
  store: Store,
  config: ResolvedConfig | undefined,
  log: Logger,
  now?: () => Date,
): AlertRunner | undefined {
  const alerting = setupAlerting(config, { tolerant: true });
  if (!alerting.config.enabled) return undefined;
  for (const w of alerting.config.warnings) log.warn(w);
  for (const p of alerting.packs.problems) log.warn(`rule left out: ${formatProblem(p)}`);
  return new AlertRunner(store, alerting, { log, ...(now ? { now } : {}) });
}
