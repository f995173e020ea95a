// The action log: every response proposed, approved, run and verified, with who and when. Read
// only: the product cannot edit it.
import { useEffect, useState } from 'preact/hooks';
import { Grid } from '../components/Grid';
import { Empty, ErrorBox, Loading } from '../components/States';
import { get } from '../lib/api';
import type { Action, Cell, Column } from '../lib/types';
import { entityCell } from './Search';

export function Actions() {
  const [actions, setActions] = useState<Action[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    get<Action[]>('/api/actions?limit=500').then(setActions, setError);
  }, []);
  const names: string[] = [];
  for (const a of actions ?? [])
    for (const k of Object.keys(a))
      if (!names.includes(k) && typeof a[k] !== 'object') names.push(k);
  const columns: Column[] = names.map((name) => ({ name, type: 'str' }));
  const rows: Cell[][] = (actions ?? []).map((a) => names.map((n) => a[n] ?? null));
  return (
    <div class="page">
      <h1>Action log</h1>
      <p class="muted">
        Every response: who proposed it, who approved it, what Microsoft Graph answered. It cannot
        be edited.
      </p>
      {error ? (
        <ErrorBox error={error} />
      ) : !actions ? (
        <Loading what="the action log" />
      ) : actions.length === 0 ? (
        <Empty>No action yet.</Empty>
      ) : (
        <Grid
          columns={columns}
          rows={rows}
          label="Action log"
          render={(c, v) => entityCell(c, v)}
        />
      )}
    </div>
  );
}
