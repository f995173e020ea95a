// The alerts port over src/alerts: the queue reads and triages with the alert store's own
// functions (listAlerts, getAlert, triageAlerts: the same the `alerts` CLI uses). The alert runner
// beside the collectors is started by src/app/alerting.ts.
import type { Rule } from '../../alerts/rules/load.js';
import { setupAlerting } from '../../alerts/setup.js';
import { getAlert, listAlerts, triageAlerts } from '../../alerts/store/alert-store.js';
import { AlertNotFoundError, type AlertView } from '../../alerts/store/model.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { JsonValue } from '../../contracts/json.js';
import { createCatalog } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { HttpError } from '../http/errors.js';
import type { AlertDetail, AlertHunt, AlertsPort, AlertSummary, TriageStep } from '../ports.js';

function summary(a: AlertView): AlertSummary {
  return {
    id: a.id,
    rule: a.rule,
    title: a.title,
    severity: a.severity,
    status: a.status,
    created: a.created,
    updated: a.updated,
    firstSeen: a.first_seen,
    lastSeen: a.last_seen,
    entities: a.entities,
    count: a.count,
    assignee: a.assignee,
    classification: a.classification,
    comments: a.comments.length,
    suggested: a.response.find((r) => r.targets.length > 0)?.action ?? null,
    tenant: a.client,
  };
}

const HOUR = 3_600_000;

/** `from` tables of a rule's queries (one per step of a sequence). */
function ruleTables(rule: Rule | undefined): string[] {
  if (!rule) return [];
  const texts = [
    rule.def.query,
    ...(rule.def.sequence?.steps.map((s: { query?: string }) => s.query) ?? []),
  ];
  const tables = texts.flatMap((t) => (t ? [/^\s*from\s+(\S+)/.exec(t)?.[1]] : []));
  return [...new Set(tables.filter((t): t is string => !!t))];
}

/**
 * Searches that open an alert's records and their surroundings: the evidence records themselves
 * (by their record id, in the table the rule reads), and each named user's activity around the
 * alert's events. Ranges pad the events by an hour either side.
 */
export function huntsOf(a: AlertView, rule: Rule | undefined): AlertHunt[] {
  const from = new Date(Date.parse(a.first_seen) - HOUR).toISOString();
  const to = new Date(Date.parse(a.last_seen) + HOUR).toISOString();
  const catalog = createCatalog();
  const hunts: AlertHunt[] = [];
  const ids = [...new Set(a.evidence.map((e) => e.id))].slice(0, 200);
  for (const table of ruleTables(rule)) {
    const resolved = catalog.resolve(table);
    if (!resolved || ids.length === 0) continue;
    const key = resolved.family.idPath;
    hunts.push({
      label: `The alert's records in ${table}`,
      query: `from ${table} where ${key} in {${ids.map((i) => JSON.stringify(i)).join(', ')}}`,
      from,
      to,
    });
  }
  for (const user of (a.entities.user ?? []).slice(0, 3)) {
    hunts.push({
      label: `Everything ${user} did around it`,
      query: `from cloud.office365.management where lower(UserId) = ${JSON.stringify(user.toLowerCase())}`,
      from,
      to,
    });
  }
  for (const ip of (a.entities.ip ?? []).slice(0, 2)) {
    hunts.push({
      label: `Everything from ${ip} around it`,
      query: `from cloud.office365.management where srcIp = ${JSON.stringify(ip)}`,
      from,
      to,
    });
  }
  return hunts;
}

/** Evidence as rows: time, record id and the rule's own columns; the raw record beside them. */
function detail(a: AlertView, rule?: Rule): AlertDetail {
  const response = a.response.find((r) => r.targets.length > 0) ?? a.response[0];
  return {
    ...summary(a),
    description: a.description,
    techniques: a.mitre,
    // Evidence read back from the store was parsed from its JSON text: JSON values throughout.
    evidence: a.evidence.map((e) => ({
      time: e.time,
      Id: e.id,
      ...(e.step ? { step: e.step } : {}),
      ...((e.fields ?? {}) as Readonly<Record<string, JsonValue>>),
      ...(e.record !== undefined ? { record: e.record as JsonValue } : {}),
    })),
    history: a.history.map((h) => ({
      event: h.event,
      at: h.at,
      by: h.by,
      ...(h.reason ? { reason: h.reason } : {}),
      ...(h.classification ? { classification: h.classification } : {}),
      ...(h.event === 'assigned' ? { assignee: h.assignee ?? null } : {}),
      ...(h.comment ? { comment: h.comment } : {}),
    })),
    ...(a.close_reason ? { closeReason: a.close_reason } : {}),
    commentList: a.comments,
    hunts: huntsOf(a, rule),
    ...(response
      ? {
          suggestedResponse: {
            action: response.action,
            ...(response.targets[0] ? { user: response.targets[0] } : {}),
            ...(response.note ? { note: response.note } : {}),
          },
        }
      : {}),
  };
}

export function alertsPort(
  store: Store,
  config?: ResolvedConfig,
  /** When triage steps happen: the server's clock (the demo's simulated one). */
  now: () => Date = () => new Date(),
): AlertsPort {
  // The rules, for the tables an alert's records are in (hunt links); loaded once, tolerantly.
  let rules: ReadonlyMap<string, Rule> | undefined;
  const ruleOf = (id: string) => {
    try {
      rules ??= setupAlerting(config, { tolerant: true }).packs.rules;
    } catch {
      rules = new Map();
    }
    return rules.get(id);
  };
  const one = async (id: string) => {
    try {
      return await getAlert(store, id);
    } catch (error) {
      if (error instanceof AlertNotFoundError) return undefined;
      throw error;
    }
  };
  const apply = async (id: string, step: TriageStep, by: string) => {
    const result = await triageAlerts(store, [id], step, by, now());
    if (result.refused[0]) throw new HttpError(409, { error: result.refused[0].reason });
    const a = result.changed[0]!;
    return detail(a, ruleOf(a.rule));
  };
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
      const a = await one(id);
      return a ? detail(a, ruleOf(a.rule)) : undefined;
    },
    ack: (id, by) => apply(id, { kind: 'acknowledged' }, by),
    close: (id, by, reason, classification = 'undetermined') =>
      apply(id, { kind: 'closed', reason, classification }, by),
    triage: apply,
    async triageMany(ids, step, by) {
      const result = await triageAlerts(store, ids, step, by, now());
      return { changed: result.changed.map(summary), refused: result.refused };
    },
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
