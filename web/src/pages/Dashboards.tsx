// Dashboards in the spirit of Devo's Activeboards: each panel is a LINQ query drawn as bars, a
// time chart or a table, with a link that opens it in search; the board's range applies to all.
import { useEffect, useState } from 'preact/hooks';
import { Link } from '../App';
import { BarChart, bucketize, seriesOf, TimeChart } from '../components/Charts';
import { Grid } from '../components/Grid';
import { Empty, ErrorBox, Loading } from '../components/States';
import { TimeRange, type Range } from '../components/TimeRange';
import { get, queryAll } from '../lib/api';
import { count, durationText, timeText } from '../lib/format';
import { searchLink } from '../lib/router';
import type { AlertSummary, Cell, Column, Dashboard, Panel, Status } from '../lib/types';
import { AlertList } from './Alerts';
import { entityCell } from './Search';

function QueryPanel({ panel, range }: { panel: Panel; range: Range }) {
  const [answer, setAnswer] = useState<{
    columns: readonly Column[];
    rows: Cell[][];
    from: number;
    to: number;
  } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const controller = new AbortController();
    setAnswer(null);
    setError(null);
    const started = Date.now();
    queryAll(
      { query: panel.query!, from: range.from, to: range.to, limit: 5000, origin: 'dashboard' },
      controller.signal,
    )
      .then((a) => setAnswer({ ...a, from: started, to: started }))
      .catch((e: unknown) => !controller.signal.aborted && setError(e));
    return () => controller.abort();
  }, [panel.query, range.from, range.to]);
  if (error) return <ErrorBox error={error} />;
  if (!answer) return <Loading what={panel.title.toLowerCase()} />;
  if (answer.rows.length === 0) return <Empty>Nothing in this time range.</Empty>;
  if (panel.kind === 'bar')
    return (
      <BarChart
        columns={answer.columns}
        rows={answer.rows}
        label={panel.label!}
        value={panel.value!}
      />
    );
  if (panel.kind === 'timeseries') {
    const points = seriesOf(answer.columns, answer.rows, panel.series);
    const times = points.map((p) => p.time);
    const { buckets, series } = bucketize(points, Math.min(...times), Math.max(...times) + 1, 48);
    return <TimeChart buckets={buckets} series={series} label={panel.title} />;
  }
  return (
    <Grid
      columns={answer.columns}
      rows={answer.rows}
      height={Math.min(300, 30 + answer.rows.length * 26)}
      label={panel.title}
      render={(c, v) => entityCell(c, v, range)}
    />
  );
}

function StatusPanel() {
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    get<Status>('/api/status').then(setStatus, setError);
  }, []);
  if (error) return <ErrorBox error={error} />;
  if (!status) return <Loading what="collector status" />;
  if (status.streams.length === 0)
    return (
      <Empty>Nothing collected yet{status.collecting ? ': the collector is starting' : ''}.</Empty>
    );
  return (
    <table class="table">
      <thead>
        <tr>
          <th>Tenant</th>
          <th>Stream</th>
          <th>Listed through</th>
          <th>Lag</th>
          <th class="num">Records</th>
          <th class="num">Skipped</th>
          <th>Last error</th>
        </tr>
      </thead>
      <tbody>
        {status.streams.map((s) => (
          <tr class={s.warning || s.lastError ? 'warn' : ''}>
            <td>{s.tenant}</td>
            <td>{s.stream}</td>
            <td>{timeText(s.listedThrough)}</td>
            <td>{durationText(s.lagMs)}</td>
            <td class="num">{count(s.records)}</td>
            <td class="num">{count(s.skipped)}</td>
            <td>{s.lastError ?? s.warning ?? '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AlertsPanel({ rule }: { rule?: string }) {
  const [alerts, setAlerts] = useState<AlertSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    get<AlertSummary[]>(`/api/alerts?limit=50${rule ? `&rule=${encodeURIComponent(rule)}` : ''}`)
      .then((list) => setAlerts(list.filter((a) => a.status !== 'closed')))
      .catch(setError);
  }, [rule]);
  if (error) return <ErrorBox error={error} />;
  if (!alerts) return <Loading what="alerts" />;
  if (alerts.length === 0) return <Empty>No open alert.</Empty>;
  return <AlertList alerts={alerts} compact />;
}

export function Dashboards({ id }: { id?: string }) {
  const [boards, setBoards] = useState<Dashboard[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [range, setRange] = useState<Range>({ from: 'now-2d', to: 'now' });
  useEffect(() => {
    get<Dashboard[]>('/api/dashboards').then(setBoards, setError);
  }, []);
  if (error) return <ErrorBox error={error} />;
  if (!boards) return <Loading what="dashboards" />;
  const board = boards.find((b) => b.id === id) ?? boards[0]!;
  return (
    <div class="page">
      <div class="page-head">
        <nav class="tabs" aria-label="Dashboards">
          {boards.map((b) => (
            <Link
              href={`/dashboards/${b.id}`}
              class="tab"
              aria-current={b.id === board.id ? 'page' : undefined}
            >
              {b.title}
            </Link>
          ))}
        </nav>
        <TimeRange value={range} onChange={setRange} />
      </div>
      <h1>{board.title}</h1>
      <p class="muted">{board.description}</p>
      <div class="panels">
        {board.panels.map((panel) => (
          <section
            class={`panel panel-${panel.kind}`}
            aria-labelledby={`panel-${panel.id}`}
            data-panel={panel.id}
          >
            <header class="panel-head">
              <h2 id={`panel-${panel.id}`}>{panel.title}</h2>
              {panel.query ? (
                <Link href={searchLink(panel.query, range.from, range.to)} class="small">
                  Open in search
                </Link>
              ) : panel.kind === 'alerts' ? (
                <Link href="/alerts" class="small">
                  Open alerts
                </Link>
              ) : null}
            </header>
            <p class="muted small">{panel.description}</p>
            {panel.kind === 'status' ? (
              <StatusPanel />
            ) : panel.kind === 'alerts' ? (
              <AlertsPanel rule={panel.rule} />
            ) : (
              <QueryPanel panel={panel} range={range} />
            )}
          </section>
        ))}
      </div>
    </div>
  );
}
