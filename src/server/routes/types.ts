// How route modules register: by method and path, the role coming from the policy table.
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';
import type { Method } from '../policy.js';
import type { Role } from '../roles.js';

export type Handler = (c: Context<AppEnv>) => Response | Promise<Response>;

export interface Routes {
  add(method: Method, path: string, handler: Handler): void;
}

/** The signed-in caller; the guard has checked there is one before any handler runs. */
export function caller(c: Context<AppEnv>): { user: string; role: Role } {
  const principal = c.get('principal');
  if (!principal) throw new Error('handler reached without a principal');
  return principal;
}
