// The empty, loading and error states every view uses, so they look and read the same everywhere.
import type { ComponentChildren } from 'preact';
import { ApiError } from '../lib/api';

export function Loading({ what }: { what: string }) {
  return (
    <div class="state loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="state empty">{children}</div>;
}

export function ErrorBox({ error }: { error: unknown }) {
  const body =
    error instanceof ApiError
      ? error.body
      : { error: error instanceof Error ? error.message : String(error) };
  const status = error instanceof ApiError ? error.status : 0;
  return (
    <div class="state error" role="alert">
      <strong>{status === 503 ? 'Not available' : status === 403 ? 'Not allowed' : 'Error'}</strong>
      <span>{body.error}</span>
      {'hint' in body && body.hint ? <span class="hint">{body.hint}</span> : null}
      {'problems' in body && body.problems ? (
        <ul>
          {body.problems.map((p) => (
            <li>
              <code>{p.field}</code>: {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
