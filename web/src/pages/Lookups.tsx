// Lookups: the tables `lu("Name", "column", key)` reads in queries and rules (allow-lists, VIP
// lists, IOC lists). Load a CSV as a new version, see each version's rows, choose the version
// queries read. Loading needs the analyst role; every role can read.
import { useEffect, useState } from 'preact/hooks';
import { Empty, ErrorBox, Loading } from '../components/States';
import { api } from '../lib/api';
import { timeText } from '../lib/format';
import { atLeast, type LookupDoc, type LookupShown, type Me } from '../lib/types';

function LoadForm({ onLoaded }: { onLoaded: (name: string) => void }) {
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="inline-form"
      aria-label="Load a lookup"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!file) return;
        setBusy(true);
        try {
          const csv = await file.text();
          await api('POST /api/lookups/:name', {
            params: { name },
            body: { csv, source: file.name, ...(key.trim() ? { key: key.trim() } : {}) },
          });
          setError(null);
          onLoaded(name);
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <input
        aria-label="Lookup name"
        placeholder="Name, e.g. SecOpsAssetRole"
        required
        pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}"
        value={name}
        onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
      />
      <input
        aria-label="Key column"
        placeholder="Key column (default: the first)"
        value={key}
        onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)}
      />
      <input
        aria-label="CSV file"
        type="file"
        accept=".csv,text/csv"
        required
        onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)}
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Loading…' : 'Load as new version'}
      </button>
      {error ? <ErrorBox error={error} /> : null}
    </form>
  );
}

function Detail({
  name,
  me,
  stamp,
  onChange,
}: {
  name: string;
  me: Me;
  /** Changes when a version was loaded, so that the detail reads the lookup again. */
  stamp: number;
  onChange: () => void;
}) {
  const [doc, setDoc] = useState<LookupShown | null>(null);
  const [version, setVersion] = useState<number | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const load = () =>
    api('GET /api/lookups/:name', { params: { name }, query: { version } }).then((d) => {
      setDoc(d);
      setError(null);
    }, setError);
  useEffect(() => void load(), [name, version, stamp]);
  if (error) return <ErrorBox error={error} />;
  if (!doc) return <Loading what={name} />;
  const shown = doc.versions.find((v) => v.version === doc.shown)!;
  const canEdit = atLeast(me.role, 'analyst');
  return (
    <section class="panel" aria-labelledby="lookup-title">
      <h2 id="lookup-title">{doc.name}</h2>
      <p class="muted small">
        In a query:{' '}
        <code>{`lu("${doc.name}", "${shown.columns[1]?.name ?? shown.key}", field)`}</code> gives
        the column of the row whose <code>{shown.key}</code> is the field; null when none.
      </p>
      <table class="table" aria-label="Versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Rows</th>
            <th>Key</th>
            <th>Columns</th>
            <th>Loaded</th>
            <th>By</th>
            <th>From</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {[...doc.versions].reverse().map((v) => (
            <tr aria-current={v.version === doc.shown ? 'true' : undefined}>
              <td>
                <button class="link" onClick={() => setVersion(v.version)}>
                  {v.version}
                </button>
                {v.version === doc.current ? <span class="badge">current</span> : null}
              </td>
              <td>{v.rows.toLocaleString()}</td>
              <td>
                <code>{v.key}</code>
              </td>
              <td class="small">{v.columns.map((c) => `${c.name} (${c.type})`).join(', ')}</td>
              <td>{timeText(v.loadedAt)}</td>
              <td>{v.by}</td>
              <td>{v.source}</td>
              <td>
                {canEdit && v.version !== doc.current ? (
                  <button
                    class="secondary small"
                    onClick={() =>
                      void api('PUT /api/lookups/:name/current', {
                        params: { name },
                        body: { version: v.version },
                      }).then(() => {
                        onChange();
                        void load();
                      }, setError)
                    }
                  >
                    Make current
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>
        Rows of version {doc.shown}
        {doc.truncated ? ` (the first ${doc.rows.length} of ${shown.rows})` : ''}
      </h3>
      {doc.rows.length === 0 ? (
        <Empty>No rows.</Empty>
      ) : (
        <div class="table-scroll">
          <table class="table" aria-label={`Rows of ${doc.name}`}>
            <thead>
              <tr>
                {shown.columns.map((c) => (
                  <th>{c.name}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {doc.rows.map((r) => (
                <tr>
                  {shown.columns.map((c) => (
                    <td>
                      {r[c.name] === null || r[c.name] === undefined ? '' : String(r[c.name])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canEdit ? (
        <p>
          <button
            class="secondary small"
            onClick={() => {
              if (!confirm(`Remove ${doc.name} from queries? Queries that read it will fail.`))
                return;
              void api('DELETE /api/lookups/:name', { params: { name } }).then(onChange, setError);
            }}
          >
            Delete lookup
          </button>
        </p>
      ) : null}
    </section>
  );
}

export function Lookups({ me }: { me: Me }) {
  const [docs, setDocs] = useState<LookupDoc[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [stamp, setStamp] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const load = () => api('GET /api/lookups').then(setDocs, setError);
  useEffect(() => void load(), []);
  return (
    <div class="page">
      <h1>Lookups</h1>
      <p class="muted">
        Tables that queries and rules read with <code>lu("Name", "column", key)</code> (or{' '}
        <code>`lu/Name/column`(key)</code>): asset roles, VIP lists, allow-lists, indicators. Each
        load is a new version; queries read the current one.
      </p>
      {atLeast(me.role, 'analyst') ? (
        <LoadForm
          onLoaded={(name) => {
            void load();
            setSelected(name);
            setStamp((n) => n + 1);
          }}
        />
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
      {!docs ? (
        <Loading what="lookups" />
      ) : docs.length === 0 ? (
        <Empty>No lookup yet. Load a CSV file with a header line.</Empty>
      ) : (
        <table class="table" aria-label="Lookups">
          <thead>
            <tr>
              <th>Name</th>
              <th>Version</th>
              <th>Rows</th>
              <th>Key</th>
              <th>Columns</th>
              <th>Loaded</th>
            </tr>
          </thead>
          <tbody>
            {docs.map((d) => {
              const v = d.versions.find((x) => x.version === d.current);
              return (
                <tr aria-current={d.name === selected ? 'true' : undefined}>
                  <td>
                    <button class="link" onClick={() => setSelected(d.name)}>
                      {d.name}
                    </button>
                  </td>
                  <td>
                    {d.current} of {d.versions.length}
                  </td>
                  <td>{v?.rows.toLocaleString()}</td>
                  <td>
                    <code>{v?.key}</code>
                  </td>
                  <td class="small">{v?.columns.map((c) => c.name).join(', ')}</td>
                  <td>{v ? timeText(v.loadedAt) : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {selected && docs?.some((d) => d.name === selected) ? (
        <Detail
          key={selected}
          name={selected}
          me={me}
          stamp={stamp}
          onChange={() => {
            void load();
          }}
        />
      ) : null}
    </div>
  );
}
