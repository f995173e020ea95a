// The triage queue: counts per status, filters and sort in the URL, repeats grouped, bulk triage.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Link } from '../../App';
import { Empty, ErrorBox, Loading } from '../../components/States';
import { api } from '../../lib/api';
import { count } from '../../lib/format';
import { navigate, useLocation, userLink, withParams } from '../../lib/router';
import {
  atLeast,
  CLASSIFICATIONS,
  type AlertSummary,
  type Classification,
  type Me,
  type TriageAnswer,
  type BulkTriageRequest,
} from '../../lib/types';
import { SEVERITY_RANK, Severity, StatusBadge, users, shortTime } from './table';

type SortKey =
  | 'severity'
  | 'title'
  | 'user'
  | 'count'
  | 'firstSeen'
  | 'lastSeen'
  | 'created'
  | 'status'
  | 'assignee';

const SORTS: ReadonlyArray<{ key: SortKey; label: string; num?: boolean }> = [
  { key: 'severity', label: 'Severity' },
  { key: 'title', label: 'Alert' },
  { key: 'user', label: 'User' },
  { key: 'count', label: 'Events', num: true },
  { key: 'firstSeen', label: 'First event' },
  { key: 'lastSeen', label: 'Last event' },
  { key: 'created', label: 'Raised' },
  { key: 'status', label: 'Status' },
  { key: 'assignee', label: 'Assignee' },
];

function sortValue(a: AlertSummary, key: SortKey): string | number {
  switch (key) {
    case 'severity':
      return SEVERITY_RANK[a.severity] ?? -1;
    case 'count':
      return a.count ?? 0;
    case 'user':
      return users(a)[0] ?? '';
    case 'firstSeen':
      return a.firstSeen ?? a.created;
    case 'lastSeen':
      return a.lastSeen ?? a.created;
    case 'assignee':
      return a.assignee ?? '';
    default:
      return a[key] ?? '';
  }
}

interface Group {
  readonly key: string;
  readonly alerts: AlertSummary[];
  /** The group's own summary: the most severe, the widest span of events. */
  readonly head: AlertSummary;
}

function groupAlerts(alerts: readonly AlertSummary[], on: boolean): Group[] {
  if (!on) return alerts.map((a) => ({ key: a.id, alerts: [a], head: a }));
  const byKey = new Map<string, AlertSummary[]>();
  for (const a of alerts) {
    const key = `${a.rule}|${users(a)[0] ?? (a.entities.ip ?? [])[0] ?? ''}`;
    const list = byKey.get(key) ?? [];
    list.push(a);
    byKey.set(key, list);
  }
  return [...byKey].map(([key, list]) => {
    const first = list.reduce(
      (m, a) => ((a.firstSeen ?? a.created) < m ? (a.firstSeen ?? a.created) : m),
      '9',
    );
    const last = list.reduce(
      (m, a) => ((a.lastSeen ?? a.created) > m ? (a.lastSeen ?? a.created) : m),
      '',
    );
    const newest = list.reduce((m, a) => (a.created > m.created ? a : m), list[0]!);
    const status = list.some((a) => a.status === 'new')
      ? 'new'
      : list.some((a) => a.status === 'acknowledged')
        ? 'acknowledged'
        : 'closed';
    return {
      key,
      alerts: list,
      head: {
        ...newest,
        firstSeen: first,
        lastSeen: last,
        count: list.reduce((n, a) => n + (a.count ?? 0), 0),
        status,
      },
    };
  });
}

/** A bulk step, before the selected alerts' ids are added. */
type BulkStep = BulkTriageRequest extends infer R
  ? R extends unknown
    ? Omit<R, 'ids'>
    : never
  : never;

/** The bulk bar: one step on every selected alert. */
function BulkBar({
  ids,
  assignees,
  me,
  onDone,
}: {
  ids: readonly string[];
  assignees: readonly string[];
  me: Me;
  onDone: (answer: TriageAnswer | null, error?: unknown) => void;
}) {
  const [closing, setClosing] = useState(false);
  const [classification, setClassification] = useState<Classification | ''>('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const send = async (step: BulkStep) => {
    setBusy(true);
    try {
      onDone(await api('POST /api/alerts/triage', { body: { ...step, ids } }));
      setClosing(false);
      setReason('');
      setClassification('');
    } catch (e) {
      onDone(null, e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="bulk-bar" role="region" aria-label="Selected alerts">
      <strong>{ids.length} selected</strong>
      <button disabled={busy} onClick={() => void send({ action: 'ack' })}>
        Acknowledge
      </button>
      <label>
        <span class="sr-only">Assign the selected alerts to</span>
        <select
          aria-label="Assign the selected alerts to"
          disabled={busy}
          value=""
          onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            if (v) void send({ action: 'assign', assignee: v === '-' ? null : v });
          }}
        >
          <option value="">Assign to…</option>
          <option value={me.user}>me ({me.user})</option>
          {assignees
            .filter((a) => a !== me.user)
            .map((a) => (
              <option value={a}>{a}</option>
            ))}
          <option value="-">nobody</option>
        </select>
      </label>
      {closing ? (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (classification && reason.trim())
              void send({ action: 'close', classification, reason: reason.trim() });
          }}
        >
          <select
            aria-label="Classification"
            required
            value={classification}
            onChange={(e) =>
              setClassification((e.currentTarget as HTMLSelectElement).value as Classification)
            }
          >
            <option value="">What was it?</option>
            {CLASSIFICATIONS.map((c) => (
              <option value={c.value}>{c.label}</option>
            ))}
          </select>
          <input
            aria-label="Reason for closing"
            required
            placeholder="Why (e.g. handled: account disabled)"
            size={34}
            value={reason}
            onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit" disabled={busy || !classification || !reason.trim()}>
            Close {ids.length}
          </button>
          <button type="button" class="secondary" onClick={() => setClosing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button class="secondary" disabled={busy} onClick={() => setClosing(true)}>
          Close…
        </button>
      )}
    </div>
  );
}

export const QUEUE_KEY = 'm365hunt.queue';

export function Queue({ me }: { me: Me }) {
  const { params } = useLocation();
  const status = params.get('status') ?? 'open';
  const severity = params.get('severity') ?? '';
  const assignee = params.get('assignee') ?? '';
  const find = params.get('q') ?? '';
  const grouped = params.get('group') !== '0';
  const sortKey = (params.get('sort') as SortKey | null) ?? 'lastSeen';
  const desc = params.get('dir') !== 'asc';
  const [alerts, setAlerts] = useState<AlertSummary[] | null>(null);
  const [assignees, setAssignees] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [note, setNote] = useState<string | null>(null);
  const canTriage = atLeast(me.role, 'analyst');
  const set = (patch: Record<string, string | null>) =>
    navigate(withParams(patch), { replace: true });

  useEffect(() => {
    sessionStorage.setItem(QUEUE_KEY, location.pathname + location.search);
  });
  useEffect(() => {
    api('GET /api/alerts', { query: { limit: 5000 } }).then((list) => {
      setAlerts(list);
      setError(null);
    }, setError);
  }, [tick]);
  useEffect(() => {
    api('GET /api/alerts/assignees').then(setAssignees, () => undefined);
  }, []);

  const counts = useMemo(() => {
    const c = { new: 0, acknowledged: 0, closed: 0 };
    for (const a of alerts ?? []) c[a.status]++;
    return c;
  }, [alerts]);

  const shown = useMemo(() => {
    const text = find.toLowerCase();
    const list = (alerts ?? [])
      .filter((a) =>
        status === 'open' ? a.status !== 'closed' : status === 'all' ? true : a.status === status,
      )
      .filter((a) => !severity || a.severity === severity)
      .filter((a) => (!assignee ? true : assignee === '-' ? !a.assignee : a.assignee === assignee))
      .filter(
        (a) =>
          !text ||
          a.title.toLowerCase().includes(text) ||
          a.rule.toLowerCase().includes(text) ||
          Object.values(a.entities).some((v) => v?.some((x) => x.toLowerCase().includes(text))),
      );
    const groups = groupAlerts(list, grouped);
    const dir = desc ? -1 : 1;
    const cmp = (x: AlertSummary, y: AlertSummary) => {
      const a = sortValue(x, sortKey);
      const b = sortValue(y, sortKey);
      return (a < b ? -1 : a > b ? 1 : 0) * dir || (x.created < y.created ? 1 : -1);
    };
    for (const g of groups) g.alerts.sort(cmp);
    return { groups: groups.sort((x, y) => cmp(x.head, y.head)), total: list.length };
  }, [alerts, status, severity, assignee, find, grouped, sortKey, desc]);

  const visibleIds = shown.groups.flatMap((g) => g.alerts.map((a) => a.id));
  const selectedIds = visibleIds.filter((id) => selected.has(id));
  const toggle = (ids: readonly string[], on: boolean) => {
    const next = new Set(selected);
    for (const id of ids)
      if (on) next.add(id);
      else next.delete(id);
    setSelected(next);
  };
  const header = (key: SortKey, label: string, num?: boolean) => {
    const active = sortKey === key;
    return (
      <th
        class={num ? 'num' : ''}
        aria-sort={active ? (desc ? 'descending' : 'ascending') : 'none'}
      >
        <button
          class="sort-button"
          onClick={() => set({ sort: key, dir: active && desc ? 'asc' : null })}
        >
          {label}
          <span class="sort-mark" aria-hidden="true">
            {active ? (desc ? '▼' : '▲') : ''}
          </span>
        </button>
      </th>
    );
  };
  const row = (a: AlertSummary, group?: Group, child?: boolean) => {
    const ids = group ? group.alerts.map((x) => x.id) : [a.id];
    const on = ids.every((id) => selected.has(id));
    const isGroup = group && group.alerts.length > 1;
    return (
      <tr
        class={`${child ? 'child' : ''}${on ? ' picked' : ''} sev-row-${a.severity}`}
        data-alert={a.id}
      >
        {canTriage ? (
          <td class="pick">
            <input
              type="checkbox"
              checked={on}
              aria-label={`Select ${a.title}${isGroup ? ` (${group.alerts.length} alerts)` : ''}`}
              onChange={(e) => toggle(ids, (e.currentTarget as HTMLInputElement).checked)}
            />
          </td>
        ) : null}
        <td>
          <Severity value={a.severity} />
        </td>
        <td class="alert-cell">
          {isGroup ? (
            <button
              class="expand"
              aria-expanded={expanded.has(group.key)}
              aria-label={`${expanded.has(group.key) ? 'Hide' : 'Show'} the ${group.alerts.length} alerts`}
              onClick={() => {
                const next = new Set(expanded);
                if (next.has(group.key)) next.delete(group.key);
                else next.add(group.key);
                setExpanded(next);
              }}
            >
              {expanded.has(group.key) ? '▾' : '▸'}
            </button>
          ) : null}
          <Link href={`/alerts/${encodeURIComponent(a.id)}`} class="alert-link" title={a.rule}>
            {a.title}
          </Link>
          {isGroup ? <span class="repeat">×{group.alerts.length}</span> : null}
        </td>
        <td class="user-cell">
          {users(a)[0] ? (
            <Link href={userLink(users(a)[0]!)} title={users(a).join(', ')}>
              {users(a)[0]}
            </Link>
          ) : (
            <span class="muted">{(a.entities.ip ?? [])[0] ?? '–'}</span>
          )}
          {users(a).length > 1 ? <span class="muted small"> +{users(a).length - 1}</span> : null}
        </td>
        <td class="num">{count(a.count ?? 0)}</td>
        <td class="nowrap time">{shortTime(a.firstSeen)}</td>
        <td class="nowrap time">{shortTime(a.lastSeen)}</td>
        <td class="nowrap time muted">{shortTime(a.created)}</td>
        <td>
          <StatusBadge alert={a} />
        </td>
        <td class="nowrap">{a.assignee ?? <span class="muted">–</span>}</td>
      </tr>
    );
  };

  return (
    <div class="page alerts-page">
      <div class="page-head">
        <h1>Alerts</h1>
        <nav class="tabs status-tabs" aria-label="Status">
          {[
            { v: 'open', label: `Open ${count(counts.new + counts.acknowledged)}` },
            { v: 'new', label: `New ${count(counts.new)}` },
            { v: 'acknowledged', label: `Acknowledged ${count(counts.acknowledged)}` },
            { v: 'closed', label: `Closed ${count(counts.closed)}` },
            { v: 'all', label: 'All' },
          ].map((t) => (
            <button
              class="tab"
              aria-current={status === t.v ? 'page' : undefined}
              onClick={() => set({ status: t.v === 'open' ? null : t.v })}
            >
              {t.label}
            </button>
          ))}
        </nav>
      </div>
      <div class="toolbar filters">
        <input
          type="search"
          aria-label="Find alerts"
          placeholder="Find: title, rule, user, address"
          value={find}
          size={30}
          onInput={(e) => set({ q: (e.currentTarget as HTMLInputElement).value || null })}
        />
        <select
          aria-label="Severity"
          value={severity}
          onChange={(e) => set({ severity: (e.currentTarget as HTMLSelectElement).value || null })}
        >
          <option value="">Any severity</option>
          <option value="critical">Critical</option>
          <option value="high">High</option>
          <option value="medium">Medium</option>
          <option value="low">Low</option>
        </select>
        <select
          aria-label="Assignee"
          value={assignee}
          onChange={(e) => set({ assignee: (e.currentTarget as HTMLSelectElement).value || null })}
        >
          <option value="">Anyone's</option>
          <option value={me.user}>Mine</option>
          <option value="-">Unassigned</option>
          {assignees
            .filter((a) => a !== me.user)
            .map((a) => (
              <option value={a}>{a}'s</option>
            ))}
        </select>
        <label class="check">
          <input
            type="checkbox"
            checked={grouped}
            onChange={(e) =>
              set({ group: (e.currentTarget as HTMLInputElement).checked ? null : '0' })
            }
          />{' '}
          Group repeats (rule and user)
        </label>
        <span class="spacer" />
        <span class="muted" data-testid="alert-count">
          {alerts
            ? `${count(shown.total)} alerts${grouped && shown.groups.length !== shown.total ? ` in ${count(shown.groups.length)} groups` : ''}`
            : ''}
        </span>
      </div>
      {canTriage && selectedIds.length ? (
        <BulkBar
          ids={selectedIds}
          assignees={assignees}
          me={me}
          onDone={(answer, e) => {
            if (e) setError(e);
            if (answer) {
              setNote(
                `${answer.changed.length} changed${answer.refused.length ? `; ${answer.refused.length} left as they were (${answer.refused[0]!.reason})` : ''}.`,
              );
              setSelected(new Set());
            }
            setTick((t) => t + 1);
          }}
        />
      ) : null}
      {note ? (
        <p class="state fresh" role="status">
          {note}{' '}
          <button class="link" onClick={() => setNote(null)}>
            OK
          </button>
        </p>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
      {!alerts && !error ? <Loading what="alerts" /> : null}
      {alerts && shown.groups.length === 0 ? (
        <Empty>No alert matches. Rules run on every new batch of records.</Empty>
      ) : null}
      {alerts && shown.groups.length ? (
        <div class="table-scroll queue-scroll">
          <table class="table queue" aria-label="Alert queue">
            <thead>
              <tr>
                {canTriage ? (
                  <th class="pick">
                    <input
                      type="checkbox"
                      aria-label="Select every alert shown"
                      checked={visibleIds.length > 0 && selectedIds.length === visibleIds.length}
                      onChange={(e) =>
                        toggle(visibleIds, (e.currentTarget as HTMLInputElement).checked)
                      }
                    />
                  </th>
                ) : null}
                {SORTS.map((s) => header(s.key, s.label, s.num))}
              </tr>
            </thead>
            <tbody>
              {shown.groups.flatMap((g) => [
                row(g.head, g),
                ...(g.alerts.length > 1 && expanded.has(g.key)
                  ? g.alerts.map((a) => row(a, undefined, true))
                  : []),
              ])}
            </tbody>
          </table>
        </div>
      ) : null}
      <p class="muted small">
        Times are UTC. First and last event: when the activity happened; raised: when the rule found
        it.
      </p>
    </div>
  );
}
