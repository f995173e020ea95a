// The respond panel: disable the account, revoke its sessions and remove the sharing it created.
// Always a dry run first, showing exactly what would change; then a confirmation runs it for real.
import { useState } from 'preact/hooks';
import { Link } from '../App';
import { ErrorBox } from '../components/States';
import { call } from '../lib/api';
import { cellText } from '../lib/format';
import type { Action } from '../lib/types';

function Outcome({ action }: { action: Action }) {
  return (
    <dl class="outcome">
      {Object.entries(action)
        .filter(([, v]) => v !== null && v !== undefined)
        .slice(0, 20)
        .map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{typeof v === 'object' ? <pre>{JSON.stringify(v, null, 2)}</pre> : cellText(v)}</dd>
          </>
        ))}
    </dl>
  );
}

/**
 * `run`: a responder's dry run, then confirmation. `propose`: an analyst's proposal, recorded with
 * its dry run for a responder to approve in the action log.
 */
export function RespondPanel({ upn, mode = 'run' }: { upn: string; mode?: 'run' | 'propose' }) {
  const [revoke, setRevoke] = useState(true);
  const [sharing, setSharing] = useState(true);
  const [since, setSince] = useState('7d');
  const [plan, setPlan] = useState<Action | null>(null);
  const [done, setDone] = useState<Action | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const request = (dryRun: boolean) => ({
    action: 'disable-user',
    user: upn,
    revokeSessions: revoke,
    removeSharing: sharing,
    since,
    dryRun,
  });
  const propose = async () => {
    setBusy(true);
    setError(null);
    try {
      const { dryRun: _dryRun, ...proposal } = request(false);
      setDone(await call<Action>('POST', '/api/actions/propose', proposal));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = async (dryRun: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await call<Action>('POST', '/api/actions', request(dryRun));
      if (dryRun) setPlan(answer);
      else {
        setDone(answer);
        setPlan(null);
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel respond" aria-labelledby="respond-title">
      <h2 id="respond-title">Respond</h2>
      <fieldset disabled={busy || plan !== null}>
        <legend class="sr-only">What to do</legend>
        <label class="check">
          <input type="checkbox" checked disabled /> Disable the account
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={revoke}
            onChange={(e) => setRevoke((e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          Revoke sign-in sessions
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={sharing}
            onChange={(e) => setSharing((e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          Remove sharing created in the last
          <input
            aria-label="Period"
            value={since}
            size={4}
            onInput={(e) => setSince((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
      </fieldset>
      <div class="toolbar">
        {mode === 'propose' ? (
          <button
            disabled={busy || done !== null}
            onClick={() => void propose()}
            data-testid="propose"
          >
            Propose: disable {upn}, for a responder to approve
          </button>
        ) : plan === null ? (
          <button disabled={busy} onClick={() => void submit(true)} data-testid="dry-run">
            Dry run: disable {upn}…
          </button>
        ) : (
          <>
            <button
              class="danger"
              disabled={busy}
              onClick={() => void submit(false)}
              data-testid="confirm"
            >
              Confirm: disable {upn}
            </button>
            <button class="secondary" disabled={busy} onClick={() => setPlan(null)}>
              Cancel
            </button>
          </>
        )}
      </div>
      {error ? <ErrorBox error={error} /> : null}
      {plan ? (
        <div class="plan" data-testid="plan">
          <h3>What would change (dry run: nothing changed yet)</h3>
          <Outcome action={plan} />
        </div>
      ) : null}
      {done ? (
        <div class="plan done" data-testid="done" role="status">
          <h3>{mode === 'propose' ? 'Proposed: awaiting a responder' : 'Done'}</h3>
          <Outcome action={done} />
          <Link href="/actions">See it in the action log</Link>
        </div>
      ) : null}
    </section>
  );
}
