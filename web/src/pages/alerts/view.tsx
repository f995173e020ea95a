// One alert, whole: its events, entities, searches into its records, evidence, comments, history
// and triage steps.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Link } from '../../App';
import { Grid } from '../../components/Grid';
import { RecordView } from '../../components/RecordView';
import { Empty, ErrorBox, Loading } from '../../components/States';
import { api } from '../../lib/api';
import { count, timeText } from '../../lib/format';
import { huntLink, userLink } from '../../lib/router';
import {
  atLeast,
  CLASSIFICATIONS,
  type AlertDetail,
  type AlertHistoryItem,
  type Cell,
  type Classification,
  type Column,
  type Me,
} from '../../lib/types';
import { entityCell } from '../Search';
import { Severity, StatusBadge, classificationLabel, users } from './table';
import { QUEUE_KEY } from './queue';

function evidenceTable(evidence: AlertDetail['evidence']): { columns: Column[]; rows: Cell[][] } {
  const names: string[] = [];
  for (const row of evidence.slice(0, 200))
    for (const k of Object.keys(row)) if (!names.includes(k)) names.push(k);
  return {
    columns: names.map((name) => ({ name, type: name === 'time' ? 'timestamp' : 'str' })),
    rows: evidence.map((row) => names.map((n) => row[n] ?? null)),
  };
}

function historyText(h: AlertHistoryItem): string {
  switch (h.event) {
    case 'raised':
      return 'raised';
    case 'updated':
      return 'more events';
    case 'closed':
      return `closed${h.classification ? ` as ${classificationLabel(h.classification)}` : ''}${h.reason ? `: ${h.reason}` : ''}`;
    case 'assigned':
      return h.assignee ? `assigned to ${h.assignee}` : 'unassigned';
    case 'commented':
      return `commented: ${h.comment ?? ''}`;
    default:
      return `${h.event}${h.reason ? `: ${h.reason}` : ''}`;
  }
}

export function AlertView({ id, me }: { id: string; me: Me }) {
  const [alert, setAlert] = useState<AlertDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [closing, setClosing] = useState(false);
  const [classification, setClassification] = useState<Classification | ''>('');
  const [reason, setReason] = useState('');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [assignees, setAssignees] = useState<string[]>([]);
  const [open, setOpen] = useState<number | null>(null);
  useEffect(() => {
    setAlert(null);
    setError(null);
    api('GET /api/alerts/:id', { params: { id } }).then(setAlert, setError);
    api('GET /api/alerts/assignees').then(setAssignees, () => undefined);
  }, [id]);
  const evidence = useMemo(() => (alert ? evidenceTable(alert.evidence) : null), [alert]);
  const queue = sessionStorage.getItem(QUEUE_KEY) ?? '/alerts';
  if (error && !alert) return <ErrorBox error={error} />;
  if (!alert || !evidence) return <Loading what="the alert" />;
  const canTriage = atLeast(me.role, 'analyst');
  /** One triage step on this alert: the alert as it is after it. */
  const act = async (step: () => Promise<AlertDetail>) => {
    setBusy(true);
    try {
      setAlert(await step());
      setError(null);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const here = `/alerts/${encodeURIComponent(alert.id)}`;
  const back = { href: here, label: `the alert “${alert.title}”` };
  const suggestedUser = alert.suggestedResponse?.user ?? users(alert)[0];
  const visible = evidence.columns.map((c) => c.name).filter((n) => n !== 'record');
  return (
    <article class="page alert-detail" aria-labelledby="alert-title">
      <p class="backlink">
        <Link href={queue}>← Alert queue</Link>
      </p>
      <header class="alert-head">
        <h1 id="alert-title">
          <Severity value={alert.severity} /> {alert.title}
        </h1>
        <StatusBadge alert={alert} />
      </header>
      <dl class="facts">
        <dt>Events</dt>
        <dd>
          {count(alert.count ?? 0)} from {timeText(alert.firstSeen)} to {timeText(alert.lastSeen)}{' '}
          UTC
        </dd>
        <dt>Raised</dt>
        <dd>{timeText(alert.created)} UTC</dd>
        <dt>Rule</dt>
        <dd>
          <code>{alert.rule}</code>
          {alert.techniques?.length ? ` · MITRE ${alert.techniques.join(', ')}` : ''}
        </dd>
        <dt>Assignee</dt>
        <dd>
          {canTriage ? (
            <select
              aria-label="Assignee"
              disabled={busy}
              value={alert.assignee ?? ''}
              onChange={(e) => {
                const v = (e.currentTarget as HTMLSelectElement).value;
                void act(() =>
                  api('POST /api/alerts/:id/assign', {
                    params: { id },
                    body: { assignee: v || null },
                  }),
                );
              }}
            >
              <option value="">nobody</option>
              {[
                ...new Set([me.user, ...assignees, ...(alert.assignee ? [alert.assignee] : [])]),
              ].map((a) => (
                <option value={a}>{a === me.user ? `${a} (me)` : a}</option>
              ))}
            </select>
          ) : (
            (alert.assignee ?? 'nobody')
          )}
        </dd>
      </dl>
      {canTriage ? (
        <div class="toolbar triage-bar">
          {alert.status === 'new' ? (
            <button
              disabled={busy}
              onClick={() => void act(() => api('POST /api/alerts/:id/ack', { params: { id } }))}
              data-testid="ack"
            >
              Acknowledge
            </button>
          ) : null}
          {alert.status !== 'closed' && !closing ? (
            <button class="secondary" disabled={busy} onClick={() => setClosing(true)}>
              Close…
            </button>
          ) : null}
          {alert.status === 'closed' ? (
            <button
              class="secondary"
              disabled={busy}
              onClick={() =>
                void act(() => api('POST /api/alerts/:id/reopen', { params: { id }, body: {} }))
              }
            >
              Reopen
            </button>
          ) : null}
        </div>
      ) : (
        <p class="muted small">Triage needs the analyst role; you are {me.role}.</p>
      )}
      {closing ? (
        <form
          class="panel close-form"
          aria-label="Close the alert"
          onSubmit={(e) => {
            e.preventDefault();
            if (classification && reason.trim())
              void act(() =>
                api('POST /api/alerts/:id/close', {
                  params: { id },
                  body: { classification, reason: reason.trim() },
                }),
              ).then((ok) => ok && setClosing(false));
          }}
        >
          <fieldset>
            <legend>What was it?</legend>
            {CLASSIFICATIONS.map((c) => (
              <label class="check">
                <input
                  type="radio"
                  name="classification"
                  value={c.value}
                  checked={classification === c.value}
                  onChange={() => setClassification(c.value)}
                />{' '}
                <strong>{c.label}</strong> <span class="muted small">{c.hint}</span>
              </label>
            ))}
          </fieldset>
          <label>
            Reason
            <input
              aria-label="Reason for closing"
              placeholder="What you found, what was done"
              value={reason}
              onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <div class="toolbar">
            <button type="submit" disabled={busy || !classification || !reason.trim()}>
              Close the alert
            </button>
            <button type="button" class="secondary" onClick={() => setClosing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
      {alert.status === 'closed' && alert.closeReason ? (
        <p class="state">
          Closed
          {alert.classification ? ` as ${classificationLabel(alert.classification)}` : ''}:{' '}
          {alert.closeReason}
        </p>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
      {alert.description ? <p class="description">{alert.description}</p> : null}

      <div class="alert-columns">
        <section class="panel" aria-labelledby="entities-title">
          <h2 id="entities-title">Entities</h2>
          <EntityList entities={alert.entities} back={back} />
        </section>
        <section class="panel" aria-labelledby="hunt-title">
          <h2 id="hunt-title">Hunt</h2>
          <ul class="hunts">
            {(alert.hunts ?? []).map((h) => (
              <li>
                <Link href={huntLink(h.query, h.from, h.to, back)} data-testid="hunt">
                  {h.label}
                </Link>
              </li>
            ))}
          </ul>
          {suggestedUser ? (
            <p class="suggested">
              {alert.suggestedResponse?.action && alert.suggestedResponse.action !== 'review' ? (
                <>
                  The rule suggests <strong>{alert.suggestedResponse.action}</strong> for{' '}
                  {suggestedUser}.{' '}
                </>
              ) : null}
              <Link href={`${userLink(suggestedUser)}#respond`} class="button secondary small">
                Investigate {suggestedUser}
              </Link>
            </p>
          ) : null}
        </section>
      </div>

      <section class="panel" aria-labelledby="evidence-title">
        <h2 id="evidence-title">
          Evidence{' '}
          <span class="muted small">
            ({alert.evidence.length}
            {alert.count && alert.count > alert.evidence.length ? ` of ${alert.count} events` : ''};
            click a row for the record)
          </span>
        </h2>
        {alert.evidence.length ? (
          <div class={`results no-fields${open !== null ? ' with-record' : ''}`}>
            <div class="results-main">
              <Grid
                columns={evidence.columns}
                rows={evidence.rows}
                visible={visible}
                height={Math.min(360, 32 + evidence.rows.length * 26)}
                label="Evidence rows"
                defaultSort={{ column: 'time', desc: false }}
                onOpen={setOpen}
                selected={open ?? undefined}
                render={(c, v) => entityCell(c, v)}
              />
            </div>
            {open !== null ? (
              <RecordView
                columns={evidence.columns}
                row={evidence.rows[open]!}
                onClose={() => setOpen(null)}
              />
            ) : null}
          </div>
        ) : (
          <Empty>No evidence row stored.</Empty>
        )}
      </section>

      <div class="alert-columns">
        <section class="panel" aria-labelledby="comments-title">
          <h2 id="comments-title">Comments</h2>
          {alert.commentList?.length ? (
            <ul class="comments">
              {alert.commentList.map((c) => (
                <li>
                  <span class="muted small">
                    {timeText(c.at)} · {c.by}
                  </span>
                  <p>{c.text}</p>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">No comment yet.</p>
          )}
          {canTriage ? (
            <form
              class="comment-form"
              onSubmit={(e) => {
                e.preventDefault();
                if (comment.trim())
                  void act(() =>
                    api('POST /api/alerts/:id/comment', {
                      params: { id },
                      body: { text: comment.trim() },
                    }),
                  ).then((ok) => ok && setComment(''));
              }}
            >
              <textarea
                aria-label="Comment"
                rows={2}
                placeholder="What you checked, what you found"
                value={comment}
                onInput={(e) => setComment((e.currentTarget as HTMLTextAreaElement).value)}
              />
              <button type="submit" class="secondary" disabled={busy || !comment.trim()}>
                Add the comment
              </button>
            </form>
          ) : null}
        </section>
        <section class="panel" aria-labelledby="history-title">
          <h2 id="history-title">History</h2>
          <ol class="history">
            {(alert.history ?? []).map((h) => (
              <li>
                <span class="muted small nowrap">{timeText(h.at)}</span> <strong>{h.by}</strong>{' '}
                {historyText(h)}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </article>
  );
}

function EntityList({
  entities,
  back,
}: {
  entities: AlertDetail['entities'];
  back: { href: string; label: string };
}) {
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
                  href={huntLink(
                    `from cloud.office365.management where srcIp = ${JSON.stringify(v)}`,
                    'now-7d',
                    'now',
                    back,
                  )}
                  class="chip"
                >
                  {v}
                </Link>
              ) : (
                <span class="chip" title={v}>
                  {v}
                </span>
              ),
            )}
          </dd>
        </>
      ))}
    </dl>
  );
}
