// The action log: every response proposed, approved, run and verified, with who and when. Read
// only: the product cannot edit it. Responders approve or reject proposals and undo a disable
// from here; each of those is itself a new step in the log.
import { useEffect, useState } from 'preact/hooks';
import { Grid } from '../components/Grid';
import { Empty, ErrorBox, Loading } from '../components/States';
import { call, get } from '../lib/api';
import { atLeast, type Action, type Cell, type Column, type Me } from '../lib/types';
import { entityCell } from './Search';

interface Target {
  readonly id: string;
  readonly status: string;
  readonly action: string;
}

function Steps({
  target,
  onDone,
  onError,
}: {
  target: Target;
  onDone: () => void;
  onError: (e: unknown) => void;
}) {
  const [busy, setBusy] = useState(false);
  const step = async (path: string, body: unknown) => {
    setBusy(true);
    try {
      await call('POST', `/api/actions/${encodeURIComponent(target.id)}/${path}`, body);
      onDone();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };
  if (target.status === 'proposed') {
    return (
      <span class="row-actions">
        <button class="small" disabled={busy} onClick={() => void step('approve', {})}>
          Approve
        </button>
        <button
          class="secondary small"
          disabled={busy}
          onClick={() => {
            const reason = window.prompt('Why is this response rejected?');
            if (reason?.trim()) void step('reject', { reason: reason.trim() });
          }}
        >
          Reject
        </button>
      </span>
    );
  }
  if (
    target.action === 'disable-user' &&
    (target.status === 'verified' || target.status === 'executed')
  ) {
    return (
      <button
        class="secondary small"
        disabled={busy}
        onClick={() => void step('undo', {})}
        data-testid="undo"
      >
        Undo
      </button>
    );
  }
  return null;
}

export function Actions({ me }: { me: Me }) {
  const [actions, setActions] = useState<Action[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    get<Action[]>('/api/actions?limit=500').then(setActions, setError);
  }, [tick]);
  const responder = atLeast(me.role, 'responder');
  const names: string[] = [];
  for (const a of actions ?? [])
    for (const k of Object.keys(a))
      if (!names.includes(k) && typeof a[k] !== 'object') names.push(k);
  const columns: Column[] = [
    ...(responder ? [{ name: 'do', type: 'action' }] : []),
    ...names.map((name) => ({ name, type: 'str' })),
  ];
  const rows: Cell[][] = (actions ?? []).map((a) => [
    ...(responder
      ? [{ id: String(a.id ?? ''), status: String(a.status ?? ''), action: String(a.action ?? '') }]
      : []),
    ...names.map((n) => a[n] ?? null),
  ]);
  return (
    <div class="page">
      <h1>Action log</h1>
      <p class="muted">
        Every response: who proposed it, who approved it, what Microsoft Graph answered. It cannot
        be edited.
      </p>
      {error ? <ErrorBox error={error} /> : null}
      {!actions && !error ? (
        <Loading what="the action log" />
      ) : actions && actions.length === 0 ? (
        <Empty>
          No action yet. Responses start from a user's page, or from the rules that suggest them.
        </Empty>
      ) : actions ? (
        <Grid
          columns={columns}
          rows={rows}
          label="Action log"
          render={(c, v) =>
            c === 'do' && v && typeof v === 'object' && !Array.isArray(v) ? (
              <Steps
                target={v as unknown as Target}
                onDone={() => setTick((t) => t + 1)}
                onError={setError}
              />
            ) : (
              entityCell(c, v)
            )
          }
        />
      ) : null}
    </div>
  );
}
