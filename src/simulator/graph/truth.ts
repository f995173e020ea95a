// Ground truth of the Graph sources, in the shape of the Management API's (`TruthLine`), with a
// contentType of their own: `Graph.SignIns` (interactive sign-ins, what v1.0 lists),
// `Graph.NonInteractiveSignIns` (what beta lists with signInEventTypes), `Graph.DirectoryAudits`,
// `Graph.MessageTraces` (one line per entry: Id = the Graph id, contentId = its event time) and
// `Graph.Reports` (one line per report row: Id = `<function>|<refresh date>|<row key>`,
// contentId = the function).
import type { TruthLine } from '../../records/audit-record.js';
import { USAGE_REPORTS, type ReportPeriod } from '../../records/usage-reports.js';
import type { Simulator } from '../simulator.js';
import { activityLogs, type LogSource } from './activity-logs.js';
import { refreshDate } from './reports.js';

export const GRAPH_TRUTH_SOURCES = [
  'signIns',
  'nonInteractiveSignIns',
  'directoryAudits',
  'messageTraces',
  'reports',
] as const;
export type GraphTruthSource = (typeof GRAPH_TRUTH_SOURCES)[number];

const CONTENT_TYPES: Record<Exclude<GraphTruthSource, 'reports'>, string> = {
  signIns: 'Graph.SignIns',
  nonInteractiveSignIns: 'Graph.NonInteractiveSignIns',
  directoryAudits: 'Graph.DirectoryAudits',
  messageTraces: 'Graph.MessageTraces',
};

export function isGraphTruthSource(s: string): s is GraphTruthSource {
  return (GRAPH_TRUTH_SOURCES as readonly string[]).includes(s);
}

/**
 * availableOnly: entries Graph shows now (visible after their delay), else every entry of the
 * finished history. Reports: the rows of the current refresh date (period D7 unless given).
 */
export function* graphTruth(
  sim: Simulator,
  source: GraphTruthSource,
  availableOnly: boolean,
  period: ReportPeriod = 'D7',
): Generator<TruthLine> {
  const now = sim.sync();
  if (source === 'reports') {
    const refresh = new Date(refreshDate(now)).toISOString().slice(0, 10);
    for (const r of USAGE_REPORTS)
      for (const u of sim.tenant.users)
        yield {
          Id: `${r.fn}|${refresh}|${u.upn}`,
          contentType: 'Graph.Reports',
          contentId: r.fn,
          label: period,
        };
    return;
  }
  const logs = activityLogs(sim);
  const log: LogSource = source === 'nonInteractiveSignIns' ? 'signIns' : source;
  for (const e of logs.entries(log, logs.historyStart, now, availableOnly ? now : undefined)) {
    if (log === 'signIns' && (e.body.isInteractive === false) !== (source !== 'signIns')) continue;
    yield {
      Id: e.id,
      contentType: CONTENT_TYPES[source],
      contentId: new Date(e.t).toISOString(),
      label: e.label,
    };
  }
}
