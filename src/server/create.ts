// Builds the server's dependencies from a store and a configuration, and the HTTP app from them.
import type { ResolvedConfig } from '../config/load.js';
import type { Store } from '../store/store.js';
import { createLogger, type Logger } from '../util/log.js';
import { linqEngine } from './adapters/linq.js';
import { createApp } from './app.js';
import { Accounts } from './auth/accounts.js';
import { LoginRateLimiter } from './auth/rate-limit.js';
import { Sessions } from './auth/sessions.js';
import { Tokens } from './auth/tokens.js';
import type { ServerDeps } from './deps.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import type { AlertsPort, RespondPort } from './ports.js';
import { DEFAULT_SETTINGS, type ServerSettings } from './settings.js';

export interface CreateOptions {
  readonly store: Store;
  readonly config?: ResolvedConfig;
  readonly settings?: ServerSettings;
  readonly alerts?: AlertsPort;
  readonly respond?: RespondPort;
  readonly webRoot?: string;
  readonly log?: Logger;
  readonly now?: () => Date;
}

export function createDeps(options: CreateOptions): ServerDeps {
  const settings = options.settings ?? DEFAULT_SETTINGS;
  const now = options.now ?? (() => new Date());
  return {
    store: options.store,
    config: options.config,
    settings,
    accounts: new Accounts(options.store),
    sessions: new Sessions(options.store, {
      idleMs: settings.session_idle,
      maxMs: settings.session_max,
    }),
    tokens: new Tokens(options.store),
    limiter: new LoginRateLimiter({
      windowMs: settings.login.window,
      perAccountAddress: settings.login.per_account_address,
      perAddress: settings.login.per_address,
      perAccount: settings.login.per_account,
      backoffMaxMs: settings.login.backoff_max,
    }),
    metrics: new ServerMetrics(options.store, options.config, () => options.alerts, now),
    log: options.log ?? createLogger('server'),
    queries: linqEngine(options.store),
    alerts: options.alerts,
    respond: options.respond,
    webRoot: options.webRoot,
    now,
  };
}

export { createApp };
