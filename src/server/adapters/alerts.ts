// The alerts port over src/alerts: the inbox reads and triages with the alert store's own
// functions (listAlerts, getAlert, changeStatus: the same the `alerts` CLI uses), and the engine
// runs the enabled packs after each committed batch, one run at a time.
import { alertsConfigFrom } from '../../alerts/config.js';
import { AlertEngine, type RunSummary } from '../../alerts/engine/engine.js';
import { loadPacks } from '../../alerts/rules/packs.js';
import { planRules } from '../../alerts/rules/profiles.js';
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

export interface EngineRunner {
  /** Asks for a run; runs asked for while one runs become one more run after it. */
  trigger(): void;
  /** Runs now and waits (the demo's first evaluation after the backfill). */
  runNow(): Promise<RunSummary | undefined>;
  readonly rules: number;
  close(): Promise<void>;
}

/** The alert engine over the configured packs; undefined when alerting is off in the config. */
export function alertEngine(
  store: Store,
  config: ResolvedConfig | undefined,
  log: Logger,
): EngineRunner | undefined {
  const settings = alertsConfigFrom(config);
  if (!settings.enabled) return undefined;
  for (const w of settings.warnings) log.warn(w);
  const packs = loadPacks(settings.packsDirs);
  for (const p of packs.problems) log.warn(`rule ${p.file}:${p.line}:${p.column}: ${p.message}`);
  const plans = planRules(packs, settings);
  const engine = new AlertEngine({ store, plans, config: settings, log });
  let running: Promise<RunSummary | undefined> | undefined;
  let again = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const runOnce = async (): Promise<RunSummary | undefined> => {
    try {
      const result = await engine.run();
      if (result.raised || result.errors.length) {
        log.info(
          `alerts: ${result.raised} raised, ${result.updated} updated over rows ${result.from}..${result.to}`,
        );
      }
      for (const e of result.errors) log.error(`rule ${e.rule}: ${e.message}`);
      return result;
    } catch (error) {
      log.error(`alert engine: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  const run = (): Promise<RunSummary | undefined> => {
    if (running) {
      again = true;
      return running;
    }
    running = runOnce().finally(() => {
      running = undefined;
      if (again && !closed) {
        again = false;
        void run();
      }
    });
    return running;
  };
  return {
    rules: plans.length,
    trigger() {
      if (closed || timer) return;
      // Batches come in bursts during a backfill: evaluate once the burst settles.
      timer = setTimeout(() => {
        timer = undefined;
        void run();
      }, settings.engine.debounceMs);
    },
    runNow: () => run(),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
