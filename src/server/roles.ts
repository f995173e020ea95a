// The four roles, each including the rights of the ones before it: a viewer reads, an analyst
// triages and saves, a responder acts on accounts, an admin manages accounts and tokens. The roles
// are the API contract's (src/contracts/roles.ts), which the web app reads.
import { ROLES } from '../contracts/roles.js';
import type { Role } from '../contracts/roles.js';

export { ROLES, atLeast, type Role } from '../contracts/roles.js';

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
