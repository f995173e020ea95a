// The app frame: who is signed in (or the sign-in page), the navigation, and the page for the path.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, setCsrf, whenSignedOut } from './lib/api';
import { navigate, useLocation } from './lib/router';
import type { Me } from './lib/types';
import { Loading } from './components/States';
import { Actions } from './pages/Actions';
import { Alerts } from './pages/Alerts';
import { Dashboards } from './pages/Dashboards';
import { Login } from './pages/Login';
import { Lookups } from './pages/Lookups';
import { Search } from './pages/Search';
import { Settings } from './pages/Settings';
import { UserPage } from './pages/User';

const NAV: ReadonlyArray<{ path: string; label: string; key: string }> = [
  { path: '/search', label: 'Search', key: 's' },
  { path: '/dashboards', label: 'Dashboards', key: 'd' },
  { path: '/alerts', label: 'Alerts', key: 'a' },
  { path: '/actions', label: 'Actions', key: 'r' },
  { path: '/lookups', label: 'Lookups', key: 'l' },
  { path: '/settings', label: 'Settings', key: 'g' },
];

export function Link({
  href,
  children,
  class: cls,
  ...rest
}: {
  href: string;
  children: preact.ComponentChildren;
  class?: string;
  title?: string;
  'aria-current'?: 'page';
  'data-testid'?: string;
}) {
  return (
    <a
      href={href}
      class={cls}
      {...rest}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const { path } = useLocation();

  useEffect(() => {
    whenSignedOut(() => setMe(null));
    api('GET /api/auth/me')
      .then((m) => {
        setCsrf(m.csrf);
        setMe(m);
      })
      .catch((e: unknown) => {
        if (!(e instanceof ApiError)) console.error(e);
        setMe(null);
      });
  }, []);

  // g then a letter jumps between pages, as in many SOC tools.
  useEffect(() => {
    let armed = false;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (
        target.closest('input, textarea, select, .cm-editor') ||
        e.metaKey ||
        e.ctrlKey ||
        e.altKey
      )
        return;
      if (armed) {
        armed = false;
        const item = NAV.find((n) => n.key === e.key);
        if (item) navigate(item.path);
        return;
      }
      if (e.key === 'g') {
        armed = true;
        setTimeout(() => (armed = false), 1500);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (me === undefined) return <Loading what="m365hunt" />;
  if (me === null) {
    return (
      <Login
        onSignedIn={(m) => {
          setCsrf(m.csrf);
          setMe(m);
          if (location.pathname === '/' || location.pathname === '/login')
            navigate('/search', { replace: true });
        }}
      />
    );
  }

  const signOut = async () => {
    try {
      await api('POST /api/auth/logout');
    } finally {
      setCsrf(null);
      setMe(null);
    }
  };

  let page;
  if (path.startsWith('/dashboards')) page = <Dashboards id={path.split('/')[2]} me={me} />;
  else if (path.startsWith('/alerts'))
    page = (
      <Alerts
        me={me}
        selected={path.split('/')[2] ? decodeURIComponent(path.split('/')[2]!) : undefined}
      />
    );
  else if (path.startsWith('/users/'))
    page = <UserPage me={me} upn={decodeURIComponent(path.slice('/users/'.length))} />;
  else if (path.startsWith('/actions')) page = <Actions me={me} />;
  else if (path.startsWith('/settings')) page = <Settings me={me} />;
  else if (path.startsWith('/lookups')) page = <Lookups me={me} />;
  else page = <Search me={me} />;

  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link href="/search" class="brand">
          m365hunt
        </Link>
        <nav aria-label="Main">
          {NAV.map((n) => (
            <Link
              href={n.path}
              class="nav-link"
              aria-current={
                path.startsWith(n.path) || (n.path === '/search' && path === '/')
                  ? 'page'
                  : undefined
              }
            >
              {n.label}
            </Link>
          ))}
        </nav>
        <div class="whoami">
          <span data-testid="whoami">
            {me.user} <span class={`role role-${me.role}`}>{me.role}</span>
          </span>
          <button class="secondary small" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </div>
  );
}
