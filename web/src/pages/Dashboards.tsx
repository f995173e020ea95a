// Dashboards in the spirit of Devo's Activeboards: each panel is a LINQ query drawn as bars, a
// time chart or a table; bars and table rows drill down to the records behind them, dragging
// across a time chart narrows the board's range. Boards are editable: add a panel from a search,
// reorder, rename or remove panels, make a board; a built-in board can be reset.
import { useEffect, useState } from 'preact/hooks';
import { Link } from '../App';
import { BarChart, bucketize, seriesOf, TimeChart } from '../components/Charts';
import { Grid } from '../components/Grid';
import { Empty, ErrorBox, Loading } from '../components/States';
import { TimeRange } from '../components/TimeRange';
import { api, queryAll } from '../lib/api';
import { bytesText, count, durationText, isBytesColumn, timeText } from '../lib/format';
import { drillQuery, isGrouped } from '../lib/linq-edit';
import { useRange, type Range } from '../lib/range';
import { navigate, searchLink, useLocation, userLink } from '../lib/router';
import {
  atLeast,
  type AlertSummary,
  type Cell,
  type Column,
  type Dashboard,
  type Me,
  type Panel,
  type Status,
} from '../lib/types';
import { AlertTable } from './Alerts';
import { entityCell } from './Search';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Where a click on a group (a bar, a table row) leads: a user's page, or the records. */
function drill(panel: Panel, keys: Array<{ field: string; value: Cell }>, range: Range) {
  const user = keys.find((k) => /^(UserId|userPrincipalName|upn)$/i.test(k.field));
  if (keys.length === 1 && user && typeof user.value === 'string' && user.value.includes('@'))
    return navigate(userLink(user.value));
  const flat = keys.map((k) => ({
    field: k.field,
    value: typeof k.value === 'object' && k.value !== null ? JSON.stringify(k.value) : k.value,
  }));
  navigate(searchLink(drillQuery(panel.query!, flat), range.from, range.to));
}

function QueryPanel({
  panel,
  range,
  onRange,
}: {
  panel: Panel;
  range: Range;
  onRange: (r: Range) => void;
}) {
  const [answer, setAnswer] = useState<{
    columns: readonly Column[];
    rows: Cell[][];
    from: string;
    to: string;
  } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const controller = new AbortController();
    setAnswer(null);
    setError(null);
    let answered = { from: '', to: '' };
    queryAll(
      { query: panel.query!, from: range.from, to: range.to, limit: 5000, origin: 'dashboard' },
      controller.signal,
      (r) => (answered = r),
    )
      .then((a) => setAnswer({ ...a, ...answered }))
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
        onPick={(v) => drill(panel, [{ field: panel.label!, value: v }], range)}
      />
    );
  if (panel.kind === 'timeseries') {
    const points = seriesOf(answer.columns, answer.rows, panel.series);
    const data = bucketize(points, Date.parse(answer.from), Date.parse(answer.to), 60, 3_600_000);
    return (
      <TimeChart
        data={data}
        label={panel.title}
        onZoom={(from, to) => onRange({ from: iso(from), to: iso(to) })}
        onPick={(time, series) => {
          const r = Number.isNaN(time) ? range : { from: iso(time), to: iso(time + data.step) };
          const keys = panel.series ? [{ field: panel.series, value: series }] : [];
          navigate(searchLink(drillQuery(panel.query!, keys), r.from, r.to));
        }}
      />
    );
  }
  // A table: a grouped answer's row drills to its records.
  const grouped = isGrouped(panel.query!);
  const numeric = (c: Column) => /int|float|double|decimal|hugeint/i.test(c.type);
  return (
    <Grid
      columns={answer.columns}
      rows={answer.rows}
      height={Math.min(300, 32 + answer.rows.length * 26)}
      label={panel.title}
      onOpen={
        grouped
          ? (i) =>
              drill(
                panel,
                answer.columns
                  .map((c, j) => ({ c, value: answer.rows[i]![j] ?? null }))
                  .filter(
                    ({ c }) =>
                      !numeric(c) && c.name !== 'eventdate' && !/^(last|first)_/.test(c.name),
                  )
                  .map(({ c, value }) => ({ field: c.name, value })),
                range,
              )
          : undefined
      }
      render={(c, v) =>
        typeof v === 'number' && isBytesColumn(c) ? bytesText(v) : entityCell(c, v, range)
      }
    />
  );
}

function StatusPanel() {
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api('GET /api/status').then(setStatus, setError);
  }, []);
  if (error) return <ErrorBox error={error} />;
  if (!status) return <Loading what="collector status" />;
  if (status.streams.length === 0)
    return (
      <Empty>Nothing collected yet{status.collecting ? ': the collector is starting' : ''}.</Empty>
    );
  return (
    <div class="table-scroll">
      <table class="table status-table">
        <thead>
          <tr>
            <th>Tenant</th>
            <th>Stream</th>
            <th>Listed through (UTC)</th>
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
              <td class="nowrap">{timeText(s.listedThrough)}</td>
              <td class="nowrap">{durationText(s.lagMs)}</td>
              <td class="num">{count(s.records)}</td>
              <td class="num">{count(s.skipped)}</td>
              <td>{s.lastError ?? s.warning ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AlertsPanel({ rule }: { rule?: string }) {
  const [alerts, setAlerts] = useState<AlertSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api('GET /api/alerts', { query: { limit: 200, rule: rule || undefined } })
      .then((list) => setAlerts(list.filter((a) => a.status !== 'closed').slice(0, 12)))
      .catch(setError);
  }, [rule]);
  if (error) return <ErrorBox error={error} />;
  if (!alerts) return <Loading what="alerts" />;
  if (alerts.length === 0) return <Empty>No open alert.</Empty>;
  return <AlertTable alerts={alerts} compact />;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48) || 'board';

async function saveBoard(board: Dashboard): Promise<Dashboard> {
  const { id, title, description, range, panels } = board;
  return api('PUT /api/dashboards/:id', {
    params: { id },
    body: { title, description, range, panels },
  });
}

/** A panel of an answer: a chart when the query groups by time or by one key, else a table. */
export function panelFor(query: string, columns: readonly Column[], title: string): Panel {
  const numeric = columns.filter((c) => /int|float|double|decimal|hugeint/i.test(c.type));
  const keys = columns.filter((c) => !numeric.includes(c) && c.name !== 'eventdate');
  const id = `${slug(title).slice(0, 40)}-${Math.random().toString(36).slice(2, 6)}`;
  if (/\bgroup\s+every\b/i.test(query))
    return {
      id,
      title,
      kind: 'timeseries',
      query,
      description: '',
      ...(keys[0] ? { series: keys[0].name } : {}),
    };
  if (isGrouped(query) && keys.length === 1 && numeric[0])
    return {
      id,
      title,
      kind: 'bar',
      query,
      label: keys[0]!.name,
      value: numeric[0].name,
      description: '',
    };
  return { id, title, kind: 'table', query, description: '' };
}

/** The search page's "Add to dashboard…": a title, a board (or a new one), done. */
export function AddToDashboard({
  query,
  columns,
  onDone,
}: {
  query: string;
  columns: readonly Column[];
  onDone: (board: Dashboard | null) => void;
}) {
  const [boards, setBoards] = useState<Dashboard[] | null>(null);
  const [target, setTarget] = useState('');
  const [title, setTitle] = useState('');
  const [newBoard, setNewBoard] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api('GET /api/dashboards').then((b) => {
      setBoards(b);
      setTarget(b[0]?.id ?? '');
    }, setError);
  }, []);
  const add = async () => {
    try {
      const panel = panelFor(query, columns, title.trim() || 'Search');
      let board: Dashboard;
      if (target === '') {
        const name = newBoard.trim() || 'My board';
        board = { id: slug(name), title: name, description: '', range: 'now-2d', panels: [panel] };
      } else {
        const b = boards!.find((x) => x.id === target)!;
        board = { ...b, panels: [...b.panels, panel] };
      }
      onDone(await saveBoard(board));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form
      class="panel add-board"
      aria-label="Add to a dashboard"
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      <label>
        Panel title
        <input
          autoFocus
          required
          value={title}
          placeholder="e.g. Sharing by guests"
          onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <label>
        Dashboard
        <select
          aria-label="Dashboard"
          value={target}
          onChange={(e) => setTarget((e.currentTarget as HTMLSelectElement).value)}
        >
          {(boards ?? []).map((b) => (
            <option value={b.id}>{b.title}</option>
          ))}
          <option value="">A new dashboard…</option>
        </select>
      </label>
      {target === '' ? (
        <label>
          New dashboard's name
          <input
            required
            value={newBoard}
            onInput={(e) => setNewBoard((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
      ) : null}
      <button type="submit" disabled={!boards}>
        Add the panel
      </button>
      <button type="button" class="secondary" onClick={() => onDone(null)}>
        Cancel
      </button>
      {error ? <ErrorBox error={error} /> : null}
    </form>
  );
}

export function Dashboards({ id, me }: { id?: string; me: Me }) {
  const { params } = useLocation();
  const [boards, setBoards] = useState<Dashboard[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [range, setRange] = useRange(params, { from: 'now-2d', to: 'now' });
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const load = () => api('GET /api/dashboards').then(setBoards, setError);
  useEffect(() => void load(), []);
  if (error && !boards) return <ErrorBox error={error} />;
  if (!boards) return <Loading what="dashboards" />;
  const board = boards.find((b) => b.id === id) ?? boards[0]!;
  const canEdit = atLeast(me.role, 'analyst');
  const change = async (next: Dashboard) => {
    setBusy(true);
    try {
      await saveBoard(next);
      await load();
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const move = (i: number, d: -1 | 1) => {
    const panels = [...board.panels];
    const [p] = panels.splice(i, 1);
    panels.splice(i + d, 0, p!);
    void change({ ...board, panels });
  };
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
      </div>
      <div class="page-head">
        <h1>{board.title}</h1>
        <TimeRange value={range} onChange={setRange} />
        <span class="spacer" />
        {canEdit ? (
          <button
            class={editing ? '' : 'secondary'}
            onClick={() => setEditing(!editing)}
            aria-pressed={editing}
            data-testid="edit-board"
          >
            {editing ? 'Done' : 'Edit'}
          </button>
        ) : null}
        {canEdit && editing && board.edited ? (
          <button
            class="secondary"
            disabled={busy}
            onClick={() =>
              void api('DELETE /api/dashboards/:id', { params: { id: board.id } }).then(
                async () => {
                  await load();
                  if (!board.builtin) navigate('/dashboards');
                },
                setError,
              )
            }
          >
            {board.builtin ? 'Reset to the shipped panels' : 'Delete this board'}
          </button>
        ) : null}
      </div>
      <p class="muted">
        {board.description}
        {editing ? ' Add panels from Search (Add to dashboard…).' : ''}
      </p>
      {error ? <ErrorBox error={error} /> : null}
      {board.panels.length === 0 ? (
        <Empty>No panel yet: run a search and choose Add to dashboard….</Empty>
      ) : null}
      <div class="panels">
        {board.panels.map((panel, i) => (
          <section
            class={`panel panel-${panel.kind}`}
            aria-labelledby={`panel-${panel.id}`}
            data-panel={panel.id}
          >
            <header class="panel-head">
              <h2 id={`panel-${panel.id}`}>{panel.title}</h2>
              {editing ? (
                <span class="panel-edit">
                  <button
                    class="icon"
                    disabled={busy || i === 0}
                    aria-label={`Move ${panel.title} up`}
                    onClick={() => move(i, -1)}
                  >
                    ↑
                  </button>
                  <button
                    class="icon"
                    disabled={busy || i === board.panels.length - 1}
                    aria-label={`Move ${panel.title} down`}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </button>
                  <button
                    class="icon"
                    disabled={busy}
                    aria-label={`Remove ${panel.title}`}
                    onClick={() =>
                      void change({ ...board, panels: board.panels.filter((p) => p !== panel) })
                    }
                  >
                    ✕
                  </button>
                </span>
              ) : panel.query ? (
                <Link href={searchLink(panel.query, range.from, range.to)} class="small">
                  Open in search
                </Link>
              ) : panel.kind === 'alerts' ? (
                <Link href="/alerts" class="small">
                  Open alerts
                </Link>
              ) : null}
            </header>
            {panel.description ? <p class="muted small">{panel.description}</p> : null}
            {panel.kind === 'status' ? (
              <StatusPanel />
            ) : panel.kind === 'alerts' ? (
              <AlertsPanel rule={panel.rule} />
            ) : (
              <QueryPanel panel={panel} range={range} onRange={setRange} />
            )}
          </section>
        ))}
      </div>
      <p class="muted small">
        Times are UTC. Click a bar or a row for the records behind it; drag across a time chart to
        narrow the range.
      </p>
    </div>
  );
}
