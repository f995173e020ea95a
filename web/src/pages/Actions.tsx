// The action log: every response proposed, approved, run and verified, with who and when. Read
// only: the product cannot edit it. A row opens the action whole — its plan as a change table,
// what Graph answered, its log — where a responder reviews a proposal and approves it (with a
// confirmation; never their own: four eyes), rejects it, or undoes a disable.
import { useEffect, useState } from 'preact/hooks';
import { Grid } from '../components/Grid';
import { Empty, ErrorBox, Loading } from '../components/States';
import { api } from '../lib/api';
import { navigate, useLocation, withParams } from '../lib/router';
import type { Action, Cell, Column, Me } from '../lib/types';
import { ActionReview } from './Respond';
import { entityCell } from './Search';

const COLUMNS: ReadonlyArray<{ name: string; label: string }> = [
  { name: 'created', label: 'created' },
  { name: 'status', label: 'status' },
  { name: 'action', label: 'action' },
  { name: 'user', label: 'user' },
  { name: 'proposed_by', label: 'proposed_by' },
  { name: 'approved_by', label: 'approved_by' },
  { name: 'changed', label: 'changed' },
  { name: 'failed', label: 'failed' },
  { name: 'reason', label: 'reason' },
  { name: 'rule', label: 'rule' },
  { name: 'id', label: 'id' },
];

export function Actions({ me }: { me: Me }) {
  const { params } = useLocation();
  const open = params.get('open');
  const filter = params.get('status') ?? '';
  const [actions, setActions] = useState<Action[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    api('GET /api/actions', { query: { limit: 1000 } }).then(setActions, setError);
  }, [tick]);
  const shown = (actions ?? []).filter((a) => !filter || a.status === filter);
  const columns: Column[] = COLUMNS.map((c) => ({
    name: c.name,
    type: c.name === 'created' ? 'timestamp' : 'str',
  }));
  const rows: Cell[][] = shown.map((a) => COLUMNS.map((c) => a[c.name] ?? null));
  const waiting = (actions ?? []).filter((a) => a.status === 'proposed').length;
  return (
    <div class="page actions-page">
      <div class="page-head">
        <h1>Action log</h1>
        <nav class="tabs" aria-label="Status">
          <button
            class="tab"
            aria-current={!filter ? 'page' : undefined}
            onClick={() => navigate(withParams({ status: null }), { replace: true })}
          >
            All
          </button>
          <button
            class="tab"
            aria-current={filter === 'proposed' ? 'page' : undefined}
            onClick={() => navigate(withParams({ status: 'proposed' }), { replace: true })}
          >
            Awaiting approval {waiting}
          </button>
        </nav>
      </div>
      <p class="muted">
        Every response: who proposed it, who approved it, what Microsoft Graph answered. It cannot
        be edited. Open a row to review it.
      </p>
      {error ? <ErrorBox error={error} /> : null}
      {!actions && !error ? (
        <Loading what="the action log" />
      ) : actions && shown.length === 0 && !open ? (
        <Empty>
          No action{filter ? ' here' : ' yet'}. Responses start from a user's page, or from the
          rules that suggest them.
        </Empty>
      ) : actions ? (
        <div class={`results no-fields${open ? ' with-record wide-record' : ''}`}>
          <div class="results-main">
            <Grid
              columns={columns}
              rows={rows}
              label="Action log"
              height={Math.max(300, window.innerHeight - 260)}
              defaultSort={{ column: 'created', desc: true }}
              selected={open ? shown.findIndex((a) => a.id === open) : undefined}
              onOpen={(i) =>
                navigate(withParams({ open: String(shown[i]!.id) }), { replace: true })
              }
              render={(c, v) =>
                c === 'status' ? (
                  <span class={`status status-${String(v)}`}>{String(v)}</span>
                ) : (
                  entityCell(c, v)
                )
              }
            />
          </div>
          {open ? (
            <aside class="record-view">
              <ActionReview
                id={open}
                me={me}
                onChanged={() => setTick((t) => t + 1)}
                onClose={() => navigate(withParams({ open: null }), { replace: true })}
              />
            </aside>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
