// A user's page, the investigation view of an account: who they are and the account's state in
// the directory now (enabled, sessions valid from), the alerts naming them, their activity over
// time, the addresses they signed in from (country and network from GeoIP), what they shared and
// with whom, their timeline, the actions taken on the account; and last, the respond panel.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Link } from '../App';
import { bucketize, seriesOf, TimeChart } from '../components/Charts';
import { Grid } from '../components/Grid';
import { Empty, ErrorBox, Loading } from '../components/States';
import { TimeRange } from '../components/TimeRange';
import { api } from '../lib/api';
import { count, timeText } from '../lib/format';
import { useRange } from '../lib/range';
import { huntLink, navigate, searchLink, useLocation } from '../lib/router';
import { atLeast, type Me, type Section, type UserPage as Page } from '../lib/types';
import { AlertTable } from './Alerts';
import { RespondPanel } from './Respond';
import { entityCell } from './Search';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function AccountFacts({ page }: { page: Page }) {
  const account = page.account;
  if (!account) return null;
  const d = account.directory;
  if (!d)
    return (
      <p class="muted small" data-testid="directory-unavailable">
        The directory could not be asked about this account: {account.error ?? 'no tenant'}.
      </p>
    );
  return (
    <dl class="facts directory" data-testid="directory">
      <dt>Account</dt>
      <dd>
        <span
          class={`status ${d.accountEnabled === false ? 'status-disabled' : 'status-enabled'}`}
          data-testid="account-state"
        >
          {d.accountEnabled === false ? 'disabled' : d.accountEnabled ? 'enabled' : 'unknown'}
        </span>
        {d.userType && d.userType !== 'Member' ? ` · ${d.userType}` : ''}
        {d.onPremisesSyncEnabled ? ' · synchronised from on-premises' : ''}
      </dd>
      <dt>Sessions valid from</dt>
      <dd data-testid="sessions-from">
        {d.signInSessionsValidFrom ? `${timeText(d.signInSessionsValidFrom)} UTC` : 'never revoked'}
      </dd>
      <dt>Name</dt>
      <dd>{d.displayName ?? '–'}</dd>
      <dt>Job</dt>
      <dd>
        {[d.jobTitle, d.department].filter(Boolean).join(', ') || '–'}
        {d.officeLocation ? ` · ${d.officeLocation}` : ''}
      </dd>
      <dt>Created</dt>
      <dd>{d.createdDateTime ? timeText(d.createdDateTime).slice(0, 10) : '–'}</dd>
    </dl>
  );
}

function SectionGrid({ s, range }: { s: Section; range: { from: string; to: string } }) {
  if (s.rows.length === 0) return <Empty>Nothing in this time range.</Empty>;
  return (
    <Grid
      columns={s.columns}
      rows={s.rows}
      height={Math.min(s.id === 'timeline' ? 420 : 260, 32 + s.rows.length * 26)}
      label={s.title}
      render={(c, v) => entityCell(c, v, range)}
    />
  );
}

export function UserPage({ me, upn }: { me: Me; upn: string }) {
  const { params } = useLocation();
  const [range, setRange] = useRange(params, { from: 'now-7d', to: 'now' });
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    setError(null);
    api('GET /api/users/:upn', {
      params: { upn },
      query: { from: range.from, to: range.to },
    }).then(setPage, setError);
  }, [upn, range.from, range.to, tick]);
  useEffect(() => setPage(null), [upn]);
  const section = (id: string) => page?.sections.find((s) => s.id === id);
  const activity = useMemo(() => {
    const s = page?.sections.find((x) => x.id === 'activity');
    if (!page || !s || s.rows.length === 0) return null;
    return bucketize(
      seriesOf(s.columns, s.rows, 'Workload'),
      Date.parse(page.from),
      Date.parse(page.to),
      84,
      3_600_000,
    );
  }, [page]);
  const back = { href: `/users/${encodeURIComponent(upn)}`, label: upn };
  const openAlerts = (page?.alerts ?? []).filter((a) => a.status !== 'closed');
  // The alerts about what this account did (it is their first user), not those where it is one
  // target among many (a password spray).
  const ownAlerts = openAlerts.filter(
    (a) => (a.entities.user ?? [])[0]?.toLowerCase() === upn.toLowerCase(),
  );
  const actions = page?.account?.actions ?? [];
  const disabledBy = actions.find(
    (a) => a.action === 'disable-user' && (a.status === 'verified' || a.status === 'executed'),
  );
  const pending = actions.filter((a) => a.status === 'proposed').map((a) => String(a.id));
  const closeAll = async () => {
    try {
      const answer = await api('POST /api/alerts/triage', {
        body: {
          action: 'close',
          ids: ownAlerts.map((a) => a.id),
          classification: 'true-positive',
          reason: `handled: account disabled by ${String(disabledBy?.id ?? 'a response')}`,
        },
      });
      setNote(`${answer.changed.length} alerts closed as true positive.`);
      setTick((t) => t + 1);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div class="page user-page">
      <div class="page-head">
        <h1>
          <span class="muted">User</span> {upn}
        </h1>
        <TimeRange value={range} onChange={setRange} />
        <span class="spacer" />
        <Link
          href={huntLink(
            `from cloud.office365.management where lower(UserId) = ${JSON.stringify(upn.toLowerCase())}`,
            range.from,
            range.to,
            back,
          )}
          class="button secondary"
        >
          Hunt in {upn}'s records
        </Link>
      </div>
      {error ? <ErrorBox error={error} /> : null}
      {!page && !error ? <Loading what={`${upn}'s activity`} /> : null}
      {page ? (
        <>
          <div class="user-top">
            <section class="panel" aria-labelledby="user-account">
              <h2 id="user-account">In the directory now</h2>
              {page.account ? (
                <AccountFacts page={page} />
              ) : (
                <p class="muted small">No tenant to ask: the directory is not available here.</p>
              )}
              {page.respond && atLeast(me.role, 'analyst') ? (
                <p>
                  <a href="#respond" class="button secondary small">
                    Respond ↓
                  </a>{' '}
                  {pending.length ? (
                    <span class="status status-proposed">
                      {pending.length} proposal{pending.length > 1 ? 's' : ''} awaiting approval
                    </span>
                  ) : null}
                </p>
              ) : null}
              {actions.length ? (
                <>
                  <h3>Actions on this account</h3>
                  <ul class="actions-list" data-testid="user-actions">
                    {actions.slice(0, 6).map((a) => (
                      <li>
                        <Link href={`/actions?open=${encodeURIComponent(String(a.id))}`}>
                          {String(a.action)}
                        </Link>{' '}
                        <span class={`status status-${String(a.status)}`}>{String(a.status)}</span>{' '}
                        <span class="muted small">
                          {timeText(String(a.created))} · {String(a.proposed_by)}
                          {a.approved_by ? ` → ${String(a.approved_by)}` : ''}
                        </span>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </section>
            <section class="panel" aria-labelledby="user-alerts">
              <header class="panel-head">
                <h2 id="user-alerts">
                  Alerts{' '}
                  <span class="muted small">
                    ({openAlerts.length} open of {page.alerts?.length ?? 0})
                  </span>
                </h2>
                <Link href={`/alerts?status=all&q=${encodeURIComponent(upn)}`} class="small">
                  In the queue
                </Link>
              </header>
              {disabledBy && ownAlerts.length && atLeast(me.role, 'analyst') ? (
                <p class="state fresh">
                  The account was disabled ({String(disabledBy.id)}); {ownAlerts.length} alerts
                  about what it did are still open.{' '}
                  <button class="small" onClick={() => void closeAll()} data-testid="close-handled">
                    Close them as true positive (handled)
                  </button>
                </p>
              ) : null}
              {note ? (
                <p class="state fresh" role="status">
                  {note}
                </p>
              ) : null}
              {page.alerts === null ? (
                <p class="muted">Alerting is not available on this server.</p>
              ) : page.alerts.length === 0 ? (
                <Empty>No alert names this user.</Empty>
              ) : (
                <AlertTable alerts={page.alerts} hideUser />
              )}
            </section>
          </div>
          {activity ? (
            <section class="panel" aria-labelledby="user-activity">
              <header class="panel-head">
                <h2 id="user-activity">Activity over time, by workload</h2>
                <Link
                  href={searchLink(section('activity')!.query, range.from, range.to)}
                  class="small"
                >
                  Open in search
                </Link>
              </header>
              <TimeChart
                data={activity}
                height={120}
                label="Activity over time"
                onZoom={(from, to) => setRange({ from: iso(from), to: iso(to) })}
                onPick={(time, workload) =>
                  navigate(
                    huntLink(
                      `from cloud.office365.management where lower(UserId) = ${JSON.stringify(upn.toLowerCase())}, Workload = ${JSON.stringify(workload)}`,
                      Number.isNaN(time) ? range.from : iso(time),
                      Number.isNaN(time) ? range.to : iso(time + activity.step),
                      back,
                    ),
                  )
                }
              />
            </section>
          ) : null}
          {page.sections
            .filter((s) => s.id !== 'activity')
            .map((s) => (
              <section class="panel" aria-labelledby={`user-${s.id}`} data-section={s.id}>
                <header class="panel-head">
                  <h2 id={`user-${s.id}`}>
                    {s.title}{' '}
                    <span class="muted small">
                      ({count(s.rows.length)}
                      {s.truncated ? '+' : ''})
                    </span>
                  </h2>
                  <Link href={huntLink(s.query, range.from, range.to, back)} class="small">
                    Open in search
                  </Link>
                </header>
                <SectionGrid s={s} range={range} />
              </section>
            ))}
          {atLeast(me.role, 'analyst') ? (
            !page.respond ? (
              <p class="state empty" data-testid="respond-unavailable">
                Response actions (disable the account, revoke sessions, remove sharing) are not
                available on this server.
              </p>
            ) : (
              <RespondPanel
                upn={upn}
                me={me}
                fourEyes={page.fourEyes}
                pending={pending}
                onChanged={() => setTick((t) => t + 1)}
              />
            )
          ) : null}
        </>
      ) : null}
    </div>
  );
}
