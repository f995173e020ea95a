// Everything the routes use, made once at start-up and passed down: no module-level state.
import type { ResolvedConfig } from '../config/load.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/log.js';
import type { Accounts } from './auth/accounts.js';
import type { LoginRateLimiter } from './auth/rate-limit.js';
import type { Sessions } from './auth/sessions.js';
import type { Tokens } from './auth/tokens.js';
import type { ServerMetrics } from './metrics/server-metrics.js';
import type { AlertsPort, QueryEngine, RespondPort } from './ports.js';
import type { ServerSettings } from './settings.js';

export interface ServerDeps {
  readonly store: Store;
  readonly config: ResolvedConfig | undefined;
  readonly settings: ServerSettings;
  readonly accounts: Accounts;
  readonly sessions: Sessions;
  readonly tokens: Tokens;
  readonly limiter: LoginRateLimiter;
  readonly metrics: ServerMetrics;
  readonly log: Logger;
  /** The LINQ compiler; undefined only in tests of the frame. */
  readonly queries: QueryEngine | undefined;
  readonly alerts: AlertsPort | undefined;
  readonly respond: RespondPort | undefined;
  /** Folder of the built web app (dist/web); undefined: the API only. */
  readonly webRoot: string | undefined;
  /**
   * The server's present: what `now` means in a time range, and what collection lag is measured
   * against. The real clock, except in the demo, whose simulated tenant has a clock of its own.
   */
  readonly now: () => Date;
}
