// The alerts inbox: filter, open one to see its evidence rows and entities, acknowledge it or
// close it with a reason; users lead to their page, addresses to a search.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Link } from '../App';
import { Grid } from '../components/Grid';
import { Empty, ErrorBox, Loading } from '../components/States';
import { call, get } from '../lib/api';
import { cellText, timeText } from '../lib/format';
import { navigate, searchLink, userLink } from '../lib/router';
import {
  atLeast,
  type AlertDetail,
  type AlertSummary,
  type Cell,
  type Column,
  type Me,
} from '../lib/types';
import { entityCell } from './Search';

export function Severity({ value }: { value: string }) {
  return <span class={`sev sev-${value.toLowerCase()}`}>{value}</span>;
}

export function AlertList({
  alerts,
  compact,
  selected,
}: {
  alerts: readonly AlertSummary[];
  compact?: boolean;
  selected?: string;
}) {
  return (
    <ul class={`alert-list${compact ? ' compact' : ''}`} aria-label="Alerts">
      {alerts.map((a) => (
        <li class={a.id === selected ? 'selected' : ''}>
          <Link
            href={`/alerts/${encodeURIComponent(a.id)}`}
            class="alert-item"
            aria-current={a.id === selected ? 'page' : undefined}
          >
            <Severity value={a.severity} />
            <span class="alert-title">{a.title}</span>
            <span class="muted small">
              {(a.entities.user ?? []).slice(0, 2).join(', ')} · {timeText(a.created)} · {a.status}
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

function EntityLinks({ entities }: { entities: AlertDetail['entities'] }) {
  const kinds = Object.entries(entities).filter(([, v]) => v && v.length);
  if (kinds.length === 0) return <p class="muted">No entity named.</p>;
  return (
    <dl class="entities">
      {kinds.map(([kind, values]) => (
        <>
          <dt>{kind}</dt>
          <dd>
            {values!.map((v) =>
              kind === 'user' ? (
                <Link href={userLink(v)} class="chip">
                  {v}
                </Link>
              ) : kind === 'ip' ? (
                <Link
                  href={searchLink(
                    `from cloud.office365.management where srcIp = ${JSON.stringify(v)} select UserId, Operation, Workload`,
                    'now-7d',
                  )}
                  class="chip"
                >
                  {v}
                </Link>
              ) : (
                <span class="chip">{v}</span>
              ),
            )}
          </dd>
        </>
      ))}
    </dl>
  );
}

function evidenceTable(evidence: AlertDetail['evidence']): { columns: Column[]; rows: Cell[][] } {
  const names: string[] = [];
  for (const row of evidence.slice(0, 200))
    for (const k of Object.keys(row)) if (!names.includes(k)) names.push(k);
  const shown = names.filter((n) => n !== 'message');
  return {
    columns: shown.map((name) => ({ name, type: 'str' })),
    rows: evidence.map((row) => shown.map((n) => row[n] ?? null)),
  };
}

function AlertView({ id, me, onChanged }: { id: string; me: Me; onChanged: () => void }) {
  const [alert, setAlert] = useState<AlertDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reason, setReason] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setAlert(null);
    setError(null);
    get<AlertDetail>(`/api/alerts/${encodeURIComponent(id)}`).then(setAlert, setError);
  }, [id]);
  const evidence = useMemo(() => (alert ? evidenceTable(alert.evidence) : null), [alert]);
  if (error) return <ErrorBox error={error} />;
  if (!alert || !evidence) return <Loading what="the alert" />;
  const canTriage = atLeast(me.role, 'analyst');
  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    try {
      setAlert(
        await call<AlertDetail>('POST', `/api/alerts/${encodeURIComponent(id)}/${path}`, body),
      );
      setReason(null);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const suggested = alert.suggestedResponse;
  const suggestedUser =
    suggested && typeof suggested.user === 'string' ? suggested.user : alert.entities.user?.[0];
  return (
    <article class="alert-detail" aria-labelledby="alert-title">
      <header>
        <h2 id="alert-title">
          <Severity value={alert.severity} /> {alert.title}
        </h2>
        <p class="muted small">
          {alert.rule} · raised {timeText(alert.created)} ·{' '}
          <strong data-testid="alert-status">{alert.status}</strong>
          {alert.count ? ` · ${alert.count} events` : ''}
          {alert.techniques?.length ? ` · ${alert.techniques.join(', ')}` : ''}
        </p>
      </header>
      {alert.description ? <p>{alert.description}</p> : null}
      <EntityLinks entities={alert.entities} />
      <div class="toolbar">
        {canTriage && alert.status === 'new' ? (
          <button disabled={busy} onClick={() => void act('ack')}>
            Acknowledge
          </button>
        ) : null}
        {canTriage && alert.status !== 'closed' ? (
          reason === null ? (
            <button class="secondary" disabled={busy} onClick={() => setReason('')}>
              Close…
            </button>
          ) : (
            <form
              class="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                if (reason.trim()) void act('close', { reason: reason.trim() });
              }}
            >
              <input
                aria-label="Reason for closing"
                autoFocus
                placeholder="Why is it closed? (true positive handled, benign, …)"
                size={44}
                value={reason}
                onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
              />
              <button type="submit" disabled={busy || !reason.trim()}>
                Close alert
              </button>
            </form>
          )
        ) : null}
        {!canTriage ? (
          <span class="muted small">Triage needs the analyst role; you are {me.role}.</span>
        ) : null}
        {suggestedUser ? (
          <Link href={userLink(suggestedUser)} class="button secondary">
            Open {suggestedUser}
          </Link>
        ) : null}
        {alert.query ? (
          <Link href={searchLink(alert.query, 'now-7d')} class="small">
            Open the rule's query in search
          </Link>
        ) : null}
      </div>
      {alert.closeReason ? <p class="muted">Closed: {alert.closeReason}</p> : null}
      <h3>Evidence ({alert.evidence.length})</h3>
      {alert.evidence.length ? (
        <Grid
          columns={evidence.columns}
          rows={evidence.rows}
          height={Math.min(360, 30 + evidence.rows.length * 26)}
          label="Evidence rows"
          render={(c, v) => entityCell(c, v)}
        />
      ) : (
        <Empty>No evidence row stored.</Empty>
      )}
      {alert.history?.length ? (
        <>
          <h3>History</h3>
          <ul class="history">
            {alert.history.map((h) => (
              <li>
                {Object.entries(h)
                  .map(([k, v]) => `${k}: ${cellText(v)}`)
                  .join(' · ')}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </article>
  );
}

export function Alerts({ me, selected }: { me: Me; selected?: string }) {
  const [status, setStatus] = useState('open');
  const [severity, setSeverity] = useState('');
  const [alerts, setAlerts] = useState<AlertSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const p = new URLSearchParams({ limit: '500' });
    if (status !== 'open' && status !== 'all') p.set('status', status);
    if (severity) p.set('severity', severity);
    get<AlertSummary[]>(`/api/alerts?${p.toString()}`)
      .then((list) => {
        setAlerts(status === 'open' ? list.filter((a) => a.status !== 'closed') : list);
        setError(null);
      })
      .catch(setError);
  }, [status, severity, tick]);
  return (
    <div class="page alerts-page">
      <div class="alerts-side">
        <div class="page-head">
          <h1>Alerts</h1>
          <label>
            <span class="sr-only">Status</span>
            <select
              aria-label="Status"
              value={status}
              onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value)}
            >
              <option value="open">Open</option>
              <option value="new">New</option>
              <option value="acknowledged">Acknowledged</option>
              <option value="closed">Closed</option>
              <option value="all">All</option>
            </select>
          </label>
          <label>
            <span class="sr-only">Severity</span>
            <select
              aria-label="Severity"
              value={severity}
              onChange={(e) => setSeverity((e.currentTarget as HTMLSelectElement).value)}
            >
              <option value="">Any severity</option>
              <option value="critical">Critical</option>
              <option value="high">High</option>
              <option value="medium">Medium</option>
              <option value="low">Low</option>
            </select>
          </label>
        </div>
        {error ? (
          <ErrorBox error={error} />
        ) : !alerts ? (
          <Loading what="alerts" />
        ) : alerts.length === 0 ? (
          <Empty>No alert matches. Rules run on every new batch of records.</Empty>
        ) : (
          <AlertList alerts={alerts} selected={selected} />
        )}
      </div>
      <div class="alerts-main">
        {selected ? (
          <AlertView id={selected} me={me} onChanged={() => setTick((t) => t + 1)} />
        ) : (
          <Empty>
            Open an alert to see its evidence and entities.
            {alerts?.[0] ? (
              <>
                {' '}
                <button
                  class="link"
                  onClick={() => navigate(`/alerts/${encodeURIComponent(alerts[0]!.id)}`)}
                >
                  Open the newest
                </button>
              </>
            ) : null}
          </Empty>
        )}
      </div>
    </div>
  );
}
