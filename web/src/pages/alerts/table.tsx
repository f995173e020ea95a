// The alert table and its badges (severity, status, classification), shared with the user and
// dashboard pages.
import { Link } from '../../App';
import { count, timeText } from '../../lib/format';
import { CLASSIFICATIONS, type AlertSummary, type Classification } from '../../lib/types';

export const SEVERITY_RANK: Readonly<Record<string, number>> = {
  critical: 4,
  high: 3,
  medium: 2,
  low: 1,
  informational: 0,
};

export function Severity({ value }: { value: string }) {
  return <span class={`sev sev-${value.toLowerCase()}`}>{value}</span>;
}

export function StatusBadge({ alert }: { alert: AlertSummary }) {
  return (
    <span class={`status status-${alert.status}`} data-testid="alert-status">
      {alert.status}
      {alert.status === 'closed' && alert.classification
        ? ` · ${classificationLabel(alert.classification)}`
        : ''}
    </span>
  );
}

export const classificationLabel = (c: Classification) =>
  CLASSIFICATIONS.find((x) => x.value === c)?.label.toLowerCase() ?? c;

export const users = (a: AlertSummary) => a.entities.user ?? [];

export const shortTime = (iso: string | undefined) => (iso ? timeText(iso).slice(5, 16) : '–');

/** A small table of alerts (a user's, a dashboard's): each row opens the alert. */
export function AlertTable({
  alerts,
  compact,
  hideUser,
}: {
  alerts: readonly AlertSummary[];
  compact?: boolean;
  /** On a user's page: the user goes without saying. */
  hideUser?: boolean;
}) {
  return (
    <div class="table-scroll">
      <table class={`table alert-table${compact ? ' compact' : ''}`}>
        <thead>
          <tr>
            <th>Severity</th>
            <th>Alert</th>
            {compact ? null : <th>Events</th>}
            <th>Last event (UTC)</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => (
            <tr>
              <td>
                <Severity value={a.severity} />
              </td>
              <td class="alert-cell">
                <Link href={`/alerts/${encodeURIComponent(a.id)}`} class="alert-link">
                  {a.title}
                </Link>
                {hideUser ? null : (
                  <span class="muted small"> {users(a).slice(0, 2).join(', ')}</span>
                )}
              </td>
              {compact ? null : <td class="num">{count(a.count ?? 0)}</td>}
              <td class="nowrap">{shortTime(a.lastSeen ?? a.created)}</td>
              <td>
                <StatusBadge alert={a} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
