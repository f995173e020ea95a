// The four roles, each including the rights of the ones before it: a viewer reads, an analyst
// triages and saves, a responder acts on accounts, an admin manages accounts and tokens.
export const ROLES = ['viewer', 'analyst', 'responder', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** True when `role` has at least the rights of `minimum`. */
export function atLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

/** Who is signed in (`POST /api/auth/login`, `GET /api/auth/me`). */
export interface Me {
  readonly user: string;
  readonly role: Role;
  /** The token every cookie-authenticated write carries in `X-CSRF-Token`. */
  readonly csrf: string | null;
  /** How the caller signed in (`GET /api/auth/me` only). */
  readonly via?: 'session' | 'token';
}
