// Search: the LINQ editor, the time range, a histogram of events over time, and the results grid
// that fills as the answer streams in. Exports to CSV (streamed by the server) and NDJSON; saved
// queries for the team.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Link } from '../App';
import { bucketize, seriesOf, TimeChart } from '../components/Charts';
import { Grid } from '../components/Grid';
import { LinqEditor, toEditorError, type EditorError } from '../components/LinqEditor';
import { Empty, ErrorBox } from '../components/States';
import { TimeRange, type Range } from '../components/TimeRange';
import { ApiError, call, downloadCsv, get, saveBlob, streamQuery, type QueryEnd } from '../lib/api';
import { count } from '../lib/format';
import { navigate, useLocation, userLink } from '../lib/router';
import {
  atLeast,
  type Catalog,
  type Cell,
  type Column,
  type Me,
  type SavedQuery,
} from '../lib/types';

const DEFAULT_QUERY =
  'from cloud.office365.management where Operation = "UserLoggedIn" or Operation = "UserLoginFailed" group by Operation, ActorIpAddress, UserId, split(hostchain,"-",1) as collector_id';

let catalogCache: Promise<Catalog> | undefined;
function loadCatalog(): Promise<Catalog> {
  catalogCache ??= get<Catalog>('/api/catalog').catch((e: unknown) => {
    catalogCache = undefined;
    throw e;
  });
  return catalogCache;
}

/** A cell as a link when it names a user (→ user page) or an address (→ a search for it). */
export function entityCell(column: string, value: Cell, range?: Range) {
  if (typeof value !== 'string' || !value)
    return value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^(UserId|user|MailboxOwnerUPN|actor)$/i.test(column) && value.includes('@')) {
    return <Link href={userLink(value)}>{value}</Link>;
  }
  if (
    /^(ActorIpAddress|ClientIP|ClientIPAddress|srcIp|ip|address)$/i.test(column) &&
    /^[\d.:a-f[\]]+$/i.test(value)
  ) {
    const q = `from cloud.office365.management where srcIp = ${JSON.stringify(value.replace(/^\[|\](:\d+)?$/g, '').replace(/:\d+$/, ''))} select UserId, Operation, Workload`;
    const p = new URLSearchParams({ q, from: range?.from ?? 'now-7d', to: range?.to ?? 'now' });
    return <Link href={`/search?${p.toString()}`}>{value}</Link>;
  }
  return value;
}

export function Search({ me }: { me: Me }) {
  const { params } = useLocation();
  const [text, setText] = useState(
    params.get('q') ?? localStorage.getItem('m365hunt.query') ?? DEFAULT_QUERY,
  );
  const [doc, setDoc] = useState({ text, version: 0 });
  /** Puts a query into the editor (a link, a saved query). */
  const load = (query: string) => {
    setText(query);
    setDoc((d) => ({ text: query, version: d.version + 1 }));
  };
  const [range, setRange] = useState<Range>({
    from: params.get('from') ?? 'now-1d',
    to: params.get('to') ?? 'now',
  });
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [columns, setColumns] = useState<readonly Column[]>([]);
  const rows = useRef<Cell[][]>([]);
  const [version, setVersion] = useState(0);
  const [running, setRunning] = useState(false);
  const [end, setEnd] = useState<QueryEnd | null>(null);
  const [runError, setRunError] = useState<unknown>(null);
  const [editorError, setEditorError] = useState<EditorError | null>(null);
  const [answerRange, setAnswerRange] = useState<{ from: string; to: string } | null>(null);
  const [saved, setSaved] = useState<SavedQuery[]>([]);
  const [saveName, setSaveName] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    loadCatalog().then(setCatalog, () => undefined);
    get<SavedQuery[]>('/api/saved-queries').then(setSaved, () => undefined);
    if (params.get('q')) void run(params.get('q')!, range);
    return () => abort.current?.abort();
  }, []);

  // Opening another "open in search" link while on this page.
  const q = params.get('q');
  const lastLinked = useRef(q);
  useEffect(() => {
    if (q && q !== lastLinked.current) {
      lastLinked.current = q;
      const r = { from: params.get('from') ?? range.from, to: params.get('to') ?? range.to };
      load(q);
      setRange(r);
      void run(q, r);
    }
  }, [q]);

  async function run(query = text, r = range) {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    localStorage.setItem('m365hunt.query', query);
    const link = new URLSearchParams({ q: query, from: r.from, to: r.to });
    lastLinked.current = query;
    navigate(`/search?${link.toString()}`, { replace: true });
    rows.current = [];
    setColumns([]);
    setEnd(null);
    setRunError(null);
    setEditorError(null);
    setRunning(true);
    setVersion((v) => v + 1);
    let frame = 0;
    try {
      const result = await streamQuery(
        { query, from: r.from, to: r.to, origin: 'search' },
        {
          columns: (c, answered) => {
            setColumns(c);
            setAnswerRange(answered);
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

  const fieldNames = useMemo(() => new Set(catalog?.fields.map((f) => f.name) ?? []), [catalog]);
  const histogram = useMemo(() => {
    if (!answerRange || !columns.some((c) => c.name === 'eventdate')) return null;
    // A grouped answer (group every …) carries its counts in a column of its own; plain records count 1 each.
    const valueColumn = columns.find(
      (c) => !fieldNames.has(c.name) && /int|float|double|decimal/i.test(c.type),
    );
    const points = valueColumn
      ? seriesOf(columns, rows.current, undefined)
      : rows.current.map((r) => ({
          time: Date.parse(String(r[columns.findIndex((c) => c.name === 'eventdate')] ?? '')),
          series: 'events',
          value: 1,
        }));
    return bucketize(points, Date.parse(answerRange.from), Date.parse(answerRange.to));
  }, [version, columns, answerRange, fieldNames]);

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
      await call('PUT', `/api/saved-queries/${id}`, {
        name,
        query: text,
        from: range.from,
        to: range.to,
      });
      setSaved(await get<SavedQuery[]>('/api/saved-queries'));
      setSaveName(null);
    } catch (e) {
      setRunError(e);
    }
  };

  return (
    <div class="page search-page">
      <div class="search-main">
        <h1 class="sr-only">Search</h1>
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
          <span class="spacer" />
          <span class="result-count" aria-live="polite" data-testid="result-count">
            {end
              ? `${count(end.rows)} rows${end.truncated ? ' (limit reached)' : ''} in ${end.elapsedMs} ms`
              : running
                ? `${count(rows.current.length)} rows…`
                : ''}
          </span>
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
        </div>
        {runError ? <ErrorBox error={runError} /> : null}
        {histogram && histogram.series.length ? (
          <TimeChart
            buckets={histogram.buckets}
            series={histogram.series}
            height={70}
            label="Events over time"
          />
        ) : null}
        {columns.length ? (
          rows.current.length || running ? (
            <Grid
              columns={columns}
              rows={rows.current}
              version={version}
              height={Math.max(260, window.innerHeight - 420)}
              label="Query results"
              render={(c, v) => entityCell(c, v, range)}
            />
          ) : (
            <Empty>No rows in this time range. Widen the range, or loosen the where clause.</Empty>
          )
        ) : !runError && !running ? (
          <Empty>
            Write a LINQ query and press Run (Ctrl-Enter). Tables, fields and functions complete as
            you type.
          </Empty>
        ) : null}
      </div>
      <aside class="saved" aria-label="Saved queries">
        <h2>Saved queries</h2>
        {saved.length === 0 ? (
          <p class="muted">
            None yet.{atLeast(me.role, 'analyst') ? ' Save the current query with Save….' : ''}
          </p>
        ) : null}
        <ul>
          {saved.map((s) => (
            <li>
              <button
                class="link"
                title={s.query}
                onClick={() => {
                  const r = { from: s.from, to: s.to };
                  load(s.query);
                  setRange(r);
                  void run(s.query, r);
                }}
              >
                {s.name}
              </button>
              <span class="muted small">by {s.owner}</span>
            </li>
          ))}
        </ul>
      </aside>
    </div>
  );
}
