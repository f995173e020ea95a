// Search: the LINQ editor, the time range (kept across pages), a chart of the answer over time
// (one series per group key; drag to zoom, click a bar to drill down), the field sidebar (column
// chooser, top values), the results grid (newest first, sortable, filling as the answer streams),
// and a record opened whole beside it with filter for / out. Exports to CSV (streamed by the
// server) and NDJSON; saved queries for the team; a panel for a dashboard.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Link } from '../App';
import { bucketize, seriesOf, TimeChart } from '../components/Charts';
import { FieldList } from '../components/FieldList';
import { defaultColumns } from '../lib/compact-columns';
import { Grid, rowOrder, type Sort } from '../components/Grid';
import { LinqEditor, toEditorError, type EditorError } from '../components/LinqEditor';
import { RecordView } from '../components/RecordView';
import { Empty, ErrorBox } from '../components/States';
import { TimeRange } from '../components/TimeRange';
import { api, ApiError, downloadCsv, saveBlob, streamQuery, type QueryEnd } from '../lib/api';
import { cellText, count } from '../lib/format';
import { itemParts } from '../lib/item-url';
import { addFilter, drillQuery, isGrouped, isOrdered } from '../lib/linq-edit';
import { rememberRange, useRange, type Range } from '../lib/range';
import { navigate, useLocation, userLink } from '../lib/router';
import {
  atLeast,
  type Catalog,
  type Cell,
  type Column,
  type Dashboard,
  type Me,
  type SavedQuery,
} from '../lib/types';
import { AddToDashboard } from './Dashboards';

const DEFAULT_QUERY =
  'from cloud.office365.management where Operation = "UserLoggedIn" or Operation = "UserLoginFailed" group by Operation, ActorIpAddress, UserId, split(hostchain,"-",1) as collector_id';

let catalogCache: Promise<Catalog> | undefined;
function loadCatalog(): Promise<Catalog> {
  catalogCache ??= api('GET /api/catalog').catch((e: unknown) => {
    catalogCache = undefined;
    throw e;
  });
  return catalogCache;
}

const USER_COLUMN = /^(UserId|user|MailboxOwnerUPN|actor|userPrincipalName|upn|senderAddress)$/i;
const ADDRESS_COLUMN = /^(ActorIpAddress|ClientIP|ClientIPAddress|srcIp|ip|ipAddress|address)$/i;

const ITEM_COLUMN = /^(ObjectId|OfficeObjectId|file|item|url)$/i;

/** A cell as a link when it names a user (→ their page) or an address (→ a search for it). */
export function entityCell(column: string, value: Cell, range?: Range) {
  if (typeof value !== 'string' || !value) return cellText(value);
  if (USER_COLUMN.test(column) && value.includes('@')) {
    return <Link href={userLink(value)}>{value}</Link>;
  }
  if (ADDRESS_COLUMN.test(column) && /^[\d.:a-f[\]]+$/i.test(value)) {
    const ip = value.replace(/^\[|\](:\d+)?$/g, '').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
    const q = `from cloud.office365.management where srcIp = ${JSON.stringify(ip)} select UserId, Operation, Workload`;
    const p = new URLSearchParams({ q, from: range?.from ?? 'now-7d', to: range?.to ?? 'now' });
    return <Link href={`/search?${p.toString()}`}>{value}</Link>;
  }
  if (ITEM_COLUMN.test(column)) {
    const item = itemParts(value);
    if (item)
      return (
        <>
          {item.name} <span class="muted">· {item.where}</span>
        </>
      );
  }
  return cellText(value);
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export function Search({ me }: { me: Me }) {
  const { params } = useLocation();
  const [text, setText] = useState(
    params.get('q') ?? localStorage.getItem('m365hunt.query') ?? DEFAULT_QUERY,
  );
  const [doc, setDoc] = useState({ text, version: 0 });
  /** Puts a query into the editor (a link, a saved query, a filter). */
  const load = (query: string) => {
    setText(query);
    setDoc((d) => ({ text: query, version: d.version + 1 }));
  };
  const [range, setRange] = useRange(params);
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [columns, setColumns] = useState<readonly Column[]>([]);
  const rows = useRef<Cell[][]>([]);
  const [version, setVersion] = useState(0);
  const [running, setRunning] = useState(false);
  const [end, setEnd] = useState<QueryEnd | null>(null);
  const [runError, setRunError] = useState<unknown>(null);
  const [editorError, setEditorError] = useState<EditorError | null>(null);
  const [answer, setAnswer] = useState<{ from: string; to: string; query: string } | null>(null);
  const [saved, setSaved] = useState<SavedQuery[]>([]);
  const [saveName, setSaveName] = useState<string | null>(null);
  const [toBoard, setToBoard] = useState(false);
  const [visible, setVisible] = useState<string[] | null>(null);
  const [sort, setSort] = useState<Sort | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [fieldsShown, setFieldsShown] = useState(localStorage.getItem('m365hunt.fields') !== 'off');
  const abort = useRef<AbortController | null>(null);
  const back = params.get('back');
  const backLabel = params.get('backLabel');

  useEffect(() => {
    loadCatalog().then(setCatalog, () => undefined);
    api('GET /api/saved-queries').then(setSaved, () => undefined);
    if (params.get('q')) void run(params.get('q')!, range);
    return () => abort.current?.abort();
  }, []);

  // Opening another "open in search" link while on this page.
  const q = params.get('q');
  const linkFrom = params.get('from');
  const linkTo = params.get('to');
  const lastLinked = useRef(`${q}|${linkFrom}|${linkTo}`);
  useEffect(() => {
    const key = `${q}|${linkFrom}|${linkTo}`;
    if (q && key !== lastLinked.current) {
      lastLinked.current = key;
      const r = { from: linkFrom ?? range.from, to: linkTo ?? range.to };
      load(q);
      setRange(r);
      void run(q, r);
    }
  }, [q, linkFrom, linkTo]);

  async function run(query = text, r = range) {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    localStorage.setItem('m365hunt.query', query);
    rememberRange(r);
    const link = new URLSearchParams({ q: query, from: r.from, to: r.to });
    if (back) link.set('back', back);
    if (backLabel) link.set('backLabel', backLabel);
    lastLinked.current = `${query}|${r.from}|${r.to}`;
    navigate(`/search?${link.toString()}`, { replace: true });
    rows.current = [];
    setColumns([]);
    setEnd(null);
    setRunError(null);
    setEditorError(null);
    setRunning(true);
    setOpen(null);
    setVersion((v) => v + 1);
    let frame = 0;
    try {
      const result = await streamQuery(
        { query, from: r.from, to: r.to, origin: 'search' },
        {
          columns: (c, answered) => {
            setColumns(c);
            setAnswer({ ...answered, query });
            // Newest first, unless the query orders its rows itself.
            setSort(
              c.some((x) => x.name === 'eventdate') && !isOrdered(query)
                ? { column: 'eventdate', desc: true }
                : null,
            );
            setVisible((v) => {
              const names = c.map((x) => x.name);
              const kept = v?.filter((n) => names.includes(n)) ?? [];
              return kept.length >= 2 ? kept : null;
            });
          },
          rows: (batch) => {
            for (const row of batch) rows.current.push(row);
            // Re-render at most once a frame while rows pour in.
            if (!frame)
              frame = requestAnimationFrame(() => ((frame = 0), setVersion((v) => v + 1)));
          },
        },
        controller.signal,
      );
      setEnd(result);
    } catch (e) {
      if (controller.signal.aborted) return;
      setRunError(e);
      if (e instanceof ApiError && e.status === 400) setEditorError(toEditorError(e));
    } finally {
      if (abort.current === controller) {
        setRunning(false);
        setVersion((v) => v + 1);
      }
    }
  }

  const shown = useMemo(
    () => visible ?? defaultColumns(columns, rows.current, answer?.query ?? ''),
    // The compact view is chosen once the first rows are in.
    [visible, columns, answer, rows.current.length > 0],
  );

  const chart = useMemo(() => {
    if (!answer || !columns.some((c) => c.name === 'eventdate')) return null;
    const grouped = isGrouped(answer.query);
    // A grouped answer (group every …) carries its counts in a column of its own, one series per
    // group key; records count 1 each.
    const points = grouped
      ? seriesOf(columns, rows.current)
      : rows.current.map((r) => ({
          time: Date.parse(String(r[columns.findIndex((c) => c.name === 'eventdate')] ?? '')),
          series: 'records',
          value: 1,
        }));
    const data = bucketize(points, Date.parse(answer.from), Date.parse(answer.to), 80);
    return data.series.length ? { data, grouped } : null;
  }, [version, columns, answer]);

  const runWith = (query: string, r: Range = range) => {
    load(query);
    setRange(r);
    void run(query, r);
  };

  const filter = (field: string, value: Cell, negate: boolean, raw?: boolean) => {
    const v = typeof value === 'object' && value !== null ? JSON.stringify(value) : value;
    runWith(addFilter(text, field, v, negate, raw));
  };

  /** A bar of the chart: its bucket (and, for a grouped answer, its group's records). */
  const pick = (time: number, series: string) => {
    if (!chart || !answer) return;
    const r = Number.isNaN(time) ? range : { from: iso(time), to: iso(time + chart.data.step) };
    if (!chart.grouped) return runWith(text, r);
    // The group's key values, from a row of that series.
    const ti = columns.findIndex((c) => c.name === 'eventdate');
    const points = seriesOf(columns, rows.current);
    const at = points.findIndex((p) => p.series === series);
    const row = rows.current[at];
    if (!row) return;
    const numeric = (c: Column) => /int|float|double|decimal|hugeint|number/i.test(c.type);
    const vi = columns.findIndex((c, i) => i !== ti && numeric(c));
    const keys = columns
      .map((c, i) => ({ field: c.name, value: row[i] ?? null, i }))
      .filter((k) => k.i !== ti && k.i !== vi)
      .map(({ field, value }) => ({
        field,
        value: typeof value === 'object' && value !== null ? JSON.stringify(value) : value,
      }));
    runWith(drillQuery(answer.query, keys), r);
  };

  const exportNdjson = () => {
    const names = columns.map((c) => c.name);
    const lines = rows.current.map((r) =>
      JSON.stringify(Object.fromEntries(names.map((n, i) => [n, r[i] ?? null]))),
    );
    saveBlob(
      new Blob([lines.join('\n') + '\n'], { type: 'application/x-ndjson' }),
      'm365hunt-query.ndjson',
    );
  };

  const saveQuery = async (name: string) => {
    const id =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 64) || 'query';
    try {
      await api('PUT /api/saved-queries/:id', {
        params: { id },
        body: { name, query: text, from: range.from, to: range.to },
      });
      setSaved(await api('GET /api/saved-queries'));
      setSaveName(null);
    } catch (e) {
      setRunError(e);
    }
  };

  const openRow = open === null ? null : rows.current[open];
  const gridHeight = Math.max(280, window.innerHeight - (chart ? 400 : 270));
  return (
    <div class="page search-page">
      <h1 class="sr-only">Search</h1>
      {back ? (
        <p class="backlink">
          <Link href={back}>← Back to {backLabel ?? 'where you came from'}</Link>
        </p>
      ) : null}
      <LinqEditor
        doc={doc}
        onChange={setText}
        onRun={() => void run()}
        catalog={catalog}
        error={editorError}
      />
      <div class="toolbar">
        <button
          onClick={() => void run()}
          disabled={running}
          title="Run (Ctrl-Enter)"
          data-testid="run"
        >
          {running ? 'Running…' : 'Run'}
        </button>
        {running ? (
          <button class="secondary" onClick={() => abort.current?.abort()}>
            Stop
          </button>
        ) : null}
        <TimeRange
          value={range}
          onChange={(r) => {
            setRange(r);
            void run(text, r);
          }}
        />
        <span class="result-count" aria-live="polite" data-testid="result-count">
          {end
            ? `${count(end.rows)} rows${end.truncated ? ' (limit reached)' : ''} in ${end.elapsedMs} ms`
            : running
              ? `${count(rows.current.length)} rows…`
              : ''}
        </span>
        <span class="spacer" />
        {saved.length ? (
          <details class="menu">
            <summary class="button secondary">Saved ({saved.length})</summary>
            <ul class="menu-list" aria-label="Saved queries">
              {saved.map((s) => (
                <li>
                  <button
                    class="link"
                    title={s.query}
                    onClick={(e) => {
                      (e.currentTarget as HTMLElement).closest('details')!.open = false;
                      runWith(s.query, { from: s.from, to: s.to });
                    }}
                  >
                    {s.name}
                  </button>
                  <span class="muted small"> by {s.owner}</span>
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        {atLeast(me.role, 'analyst') ? (
          saveName === null ? (
            <button class="secondary" onClick={() => setSaveName('')}>
              Save…
            </button>
          ) : (
            <form
              class="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                if (saveName.trim()) void saveQuery(saveName.trim());
              }}
            >
              <input
                aria-label="Name of the saved query"
                autoFocus
                placeholder="Name"
                value={saveName}
                onInput={(e) => setSaveName((e.currentTarget as HTMLInputElement).value)}
                onKeyDown={(e) => e.key === 'Escape' && setSaveName(null)}
              />
              <button type="submit">Save</button>
            </form>
          )
        ) : null}
        {atLeast(me.role, 'analyst') ? (
          <button
            class="secondary"
            disabled={!columns.length}
            onClick={() => setToBoard(!toBoard)}
            aria-expanded={toBoard}
          >
            Add to dashboard…
          </button>
        ) : null}
        <button
          class="secondary"
          disabled={!columns.length}
          onClick={() =>
            void downloadCsv({ query: text, from: range.from, to: range.to }).catch(setRunError)
          }
        >
          CSV
        </button>
        <button class="secondary" disabled={!rows.current.length} onClick={exportNdjson}>
          NDJSON
        </button>
      </div>
      {toBoard ? (
        <AddToDashboard
          query={text}
          columns={columns}
          onDone={(board: Dashboard | null) => {
            setToBoard(false);
            if (board) navigate(`/dashboards/${board.id}`);
          }}
        />
      ) : null}
      {runError ? <ErrorBox error={runError} /> : null}
      {columns.length ? (
        <div class={`results${fieldsShown ? '' : ' no-fields'}${openRow ? ' with-record' : ''}`}>
          {fieldsShown ? (
            <FieldList
              columns={columns}
              rows={rows.current}
              version={version}
              visible={shown}
              onVisible={setVisible}
              onFilter={filter}
            />
          ) : null}
          <div class="results-main">
            <div class="results-head">
              <button
                class="link small"
                onClick={() => {
                  localStorage.setItem('m365hunt.fields', fieldsShown ? 'off' : 'on');
                  setFieldsShown(!fieldsShown);
                }}
              >
                {fieldsShown ? '◂ Hide fields' : '▸ Fields'}
              </button>
              <span class="muted small">
                {shown.length < columns.length
                  ? `${shown.length} of ${columns.length} columns (choose in Fields); `
                  : ''}
                click a row to open the record
              </span>
            </div>
            {chart ? (
              <TimeChart
                data={chart.data}
                height={110}
                label={chart.grouped ? 'Counts over time, by group' : 'Records over time'}
                onZoom={(from, to) => runWith(text, { from: iso(from), to: iso(to) })}
                onPick={pick}
              />
            ) : null}
            {rows.current.length || running ? (
              <Grid
                columns={columns}
                rows={rows.current}
                version={version}
                visible={shown}
                sort={sort}
                onSort={setSort}
                height={gridHeight}
                label="Query results"
                onOpen={setOpen}
                selected={open ?? undefined}
                render={(c, v) => entityCell(c, v, range)}
              />
            ) : (
              <Empty>
                No rows in this time range. Widen the range, or loosen the where clause.
              </Empty>
            )}
          </div>
          {openRow ? (
            <RecordView
              columns={columns}
              row={openRow}
              position={`${count(rows.current.length)} rows`}
              onFilter={filter}
              onClose={() => setOpen(null)}
              onStep={(d) => {
                // Next and previous as the grid shows them (its sort).
                const order = rowOrder(columns, rows.current, sort);
                const at = order.indexOf(open!);
                const next = order[Math.min(order.length - 1, Math.max(0, at + d))];
                if (next !== undefined) setOpen(next);
              }}
            />
          ) : null}
        </div>
      ) : !runError && !running ? (
        <Empty>
          Write a LINQ query and press Run (Ctrl-Enter). Tables, fields and functions complete as
          you type.
        </Empty>
      ) : null}
    </div>
  );
}
