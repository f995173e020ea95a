// Local accounts and API tokens as the API lists them: never a password hash nor a token's hash;
// a token's secret only once, in the answer that creates it.
import type { Role } from './roles.js';

export interface Account {
  readonly name: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly created: string;
  readonly passwordChanged?: string;
}

export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly role: Role;
  readonly created: string;
  readonly lastUsed: string | null;
  /** The secret, in the answer that creates the token only. */
  readonly token?: string;
}
