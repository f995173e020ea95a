// The request context the routes see: who is calling, and how they proved it.
import type { Role } from './roles.js';

export interface Principal {
  readonly user: string;
  readonly role: Role;
  readonly via: 'session' | 'token';
  /** For sessions: the CSRF token that cookie-authenticated writes must echo. */
  readonly csrf?: string;
  readonly sessionId?: string;
  readonly tokenId?: string;
}

export interface AppEnv {
  Variables: {
    principal: Principal | undefined;
    /** The client's address (the socket's, or the last X-Forwarded-For entry when the proxy is trusted). */
    clientAddress: string;
  };
}
