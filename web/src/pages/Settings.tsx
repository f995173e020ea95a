// Settings: your API tokens (shown once when made), and for admins the local accounts.
import { useEffect, useState } from 'preact/hooks';
import { Empty, ErrorBox, Loading } from '../components/States';
import { api } from '../lib/api';
import { timeText } from '../lib/format';
import {
  atLeast,
  ROLES,
  type Account,
  type Me,
  type Role,
  type TokenInfo,
  type ApiBody,
} from '../lib/types';

function Tokens({ me }: { me: Me }) {
  const [tokens, setTokens] = useState<TokenInfo[] | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(me.role);
  const [fresh, setFresh] = useState<TokenInfo | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => api('GET /api/tokens').then(setTokens, setError);
  useEffect(() => void load(), []);
  return (
    <section class="panel" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p class="muted small">
        For scripts and Prometheus: send <code>Authorization: Bearer TOKEN</code>. A token has at
        most your role.
      </p>
      <form
        class="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            setFresh(await api('POST /api/tokens', { body: { name, role } }));
            setName('');
            await load();
          } catch (err) {
            setError(err);
          }
        }}
      >
        <input
          aria-label="Token name"
          placeholder="What uses it (e.g. prometheus)"
          value={name}
          required
          onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
        />
        <select
          aria-label="Token role"
          value={role}
          onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as Role)}
        >
          {ROLES.filter((r) => atLeast(me.role, r)).map((r) => (
            <option value={r}>{r}</option>
          ))}
        </select>
        <button type="submit">Create token</button>
      </form>
      {fresh?.token ? (
        <p class="state fresh" role="status">
          Copy it now, it is shown once: <code data-testid="new-token">{fresh.token}</code>
        </p>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
      {!tokens ? (
        <Loading what="tokens" />
      ) : tokens.length === 0 ? (
        <Empty>No token.</Empty>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Account</th>
              <th>Role</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr>
                <td>{t.name}</td>
                <td>{t.user}</td>
                <td>{t.role}</td>
                <td>{timeText(t.created)}</td>
                <td>{timeText(t.lastUsed)}</td>
                <td>
                  <button
                    class="secondary small"
                    onClick={() =>
                      void api('DELETE /api/tokens/:id', { params: { id: t.id } }).then(
                        load,
                        setError,
                      )
                    }
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Accounts() {
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ name: '', role: 'viewer' as Role, password: '' });
  const load = () => api('GET /api/accounts').then(setAccounts, setError);
  useEffect(() => void load(), []);
  const change = (name: string, patch: ApiBody<'PATCH /api/accounts/:name'>) =>
    api('PATCH /api/accounts/:name', { params: { name }, body: patch }).then(load, setError);
  return (
    <section class="panel" aria-labelledby="accounts-title">
      <h2 id="accounts-title">Accounts</h2>
      <form
        class="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await api('POST /api/accounts', { body: form });
            setForm({ name: '', role: 'viewer', password: '' });
            setError(null);
            await load();
          } catch (err) {
            setError(err);
          }
        }}
      >
        <input
          aria-label="Account name"
          placeholder="Name"
          required
          value={form.name}
          onInput={(e) => setForm({ ...form, name: (e.currentTarget as HTMLInputElement).value })}
        />
        <select
          aria-label="Role"
          value={form.role}
          onChange={(e) =>
            setForm({ ...form, role: (e.currentTarget as HTMLSelectElement).value as Role })
          }
        >
          {ROLES.map((r) => (
            <option value={r}>{r}</option>
          ))}
        </select>
        <input
          aria-label="Password"
          type="password"
          autoComplete="new-password"
          placeholder="Password (12+ characters)"
          required
          value={form.password}
          onInput={(e) =>
            setForm({ ...form, password: (e.currentTarget as HTMLInputElement).value })
          }
        />
        <button type="submit">Add account</button>
      </form>
      {error ? <ErrorBox error={error} /> : null}
      {!accounts ? (
        <Loading what="accounts" />
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>State</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr>
                <td>{a.name}</td>
                <td>
                  <select
                    aria-label={`Role of ${a.name}`}
                    value={a.role}
                    onChange={(e) =>
                      void change(a.name, {
                        role: (e.currentTarget as HTMLSelectElement).value as Role,
                      })
                    }
                  >
                    {ROLES.map((r) => (
                      <option value={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>
                  <button
                    class="secondary small"
                    onClick={() => void change(a.name, { disabled: !a.disabled })}
                  >
                    {a.disabled ? 'Enable' : 'Disable'}
                  </button>
                </td>
                <td>{timeText(a.created)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function Settings({ me }: { me: Me }) {
  return (
    <div class="page">
      <h1>Settings</h1>
      <p class="muted">
        Signed in as {me.user} ({me.role}). Keyboard: Ctrl-Enter runs a query; g then s, d, a, r or
        g opens Search, Dashboards, Alerts, Actions or Settings.
      </p>
      <Tokens me={me} />
      {me.role === 'admin' ? <Accounts /> : null}
    </div>
  );
}
