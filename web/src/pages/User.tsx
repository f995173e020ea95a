// A user's page: their alerts, the addresses they signed in from, what they shared and with whom,
// their activity by workload and their timeline; and, for responders, the respond panel.
import { useEffect, useState } from 'preact/hooks';
import { Link } from '../App';
import { Grid } from '../components/Grid';
import { Empty, ErrorBox, Loading } from '../components/States';
import { TimeRange, type Range } from '../components/TimeRange';
import { get } from '../lib/api';
import { searchLink } from '../lib/router';
import { atLeast, type Me, type UserPage as Page } from '../lib/types';
import { AlertList } from './Alerts';
import { RespondPanel } from './Respond';
import { entityCell } from './Search';

export function UserPage({ me, upn }: { me: Me; upn: string }) {
  const [range, setRange] = useState<Range>({ from: 'now-7d', to: 'now' });
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setPage(null);
    setError(null);
    const p = new URLSearchParams({ from: range.from, to: range.to });
    get<Page>(`/api/users/${encodeURIComponent(upn)}?${p.toString()}`).then(setPage, setError);
  }, [upn, range.from, range.to]);
  return (
    <div class="page">
      <div class="page-head">
        <h1>
          <span class="muted">User</span> {upn}
        </h1>
        <TimeRange value={range} onChange={setRange} />
      </div>
      {atLeast(me.role, 'analyst') && page ? (
        !page.respond ? (
          <p class="state empty" data-testid="respond-unavailable">
            Response actions (disable the account, revoke sessions, remove sharing) are not
            available on this server.
          </p>
        ) : (
          <RespondPanel upn={upn} mode={atLeast(me.role, 'responder') ? 'run' : 'propose'} />
        )
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
      {!page && !error ? <Loading what={`${upn}'s activity`} /> : null}
      {page ? (
        <>
          <section class="panel" aria-labelledby="user-alerts">
            <h2 id="user-alerts">Alerts</h2>
            {page.alerts === null ? (
              <p class="muted">Alerting is not available on this server.</p>
            ) : page.alerts.length === 0 ? (
              <Empty>No alert names this user.</Empty>
            ) : (
              <AlertList alerts={page.alerts} compact />
            )}
          </section>
          {page.sections.map((s) => (
            <section class="panel" aria-labelledby={`user-${s.id}`} data-section={s.id}>
              <header class="panel-head">
                <h2 id={`user-${s.id}`}>
                  {s.title}{' '}
                  <span class="muted small">
                    ({s.rows.length}
                    {s.truncated ? '+' : ''})
                  </span>
                </h2>
                <Link href={searchLink(s.query, range.from, range.to)} class="small">
                  Open in search
                </Link>
              </header>
              {s.rows.length === 0 ? (
                <Empty>Nothing in this time range.</Empty>
              ) : (
                <Grid
                  columns={s.columns}
                  rows={s.rows}
                  height={Math.min(s.id === 'timeline' ? 420 : 260, 30 + s.rows.length * 26)}
                  label={s.title}
                  render={(c, v) => entityCell(c, v, range)}
                />
              )}
            </section>
          ))}
        </>
      ) : null}
    </div>
  );
}
