// API tokens for scripts: `m365h_<id>_<secret>`, shown once at creation and stored as a SHA-256
// of the secret (the secret is 32 random bytes, so a fast hash is enough), checked in constant time.
import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../../store/store.js';
import { M365HuntError } from '../../util/errors.js';
import type { Role } from '../roles.js';
import { safeEqual } from './sessions.js';

const COLLECTION = 'server.tokens';
const TOKEN_RE = /^m365h_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

interface TokenDoc {
  id: string;
  name: string;
  user: string;
  role: Role;
  secretHash: string;
  created: string;
  lastUsed: string | null;
}

/** A token as listed: never its secret nor the hash. */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly role: Role;
  readonly created: string;
  readonly lastUsed: string | null;
}

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('base64url');

function info(doc: TokenDoc): TokenInfo {
  return {
    id: doc.id,
    name: doc.name,
    user: doc.user,
    role: doc.role,
    created: doc.created,
    lastUsed: doc.lastUsed,
  };
}

export class Tokens {
  constructor(private readonly store: Store) {}

  async create(
    user: string,
    name: string,
    role: Role,
  ): Promise<{ token: string; info: TokenInfo }> {
    const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
    const secret = randomBytes(32).toString('base64url');
    const doc: TokenDoc = {
      id,
      name,
      user,
      role,
      secretHash: hashSecret(secret),
      created: new Date().toISOString(),
      lastUsed: null,
    };
    if ((await this.store.putState(COLLECTION, id, doc, 0)) === null) {
      throw new M365HuntError('Token id collision; try again.');
    }
    return { token: `m365h_${id}_${secret}`, info: info(doc) };
  }

  async list(user?: string): Promise<TokenInfo[]> {
    const docs = await this.store.listState<TokenDoc>(COLLECTION);
    return docs
      .map((d) => info(d.doc))
      .filter((t) => !user || t.user.toLowerCase() === user.toLowerCase())
      .sort((a, b) => a.created.localeCompare(b.created));
  }

  async get(id: string): Promise<TokenInfo | undefined> {
    const doc = await this.store.getState<TokenDoc>(COLLECTION, id);
    return doc ? info(doc.doc) : undefined;
  }

  async revoke(id: string): Promise<boolean> {
    return this.store.deleteState(COLLECTION, id);
  }

  async revokeUser(user: string): Promise<void> {
    for (const t of await this.list(user)) await this.revoke(t.id);
  }

  /** The token's owner and role when the bearer value is a valid token, else null. */
  async verify(bearer: string): Promise<TokenInfo | null> {
    const match = TOKEN_RE.exec(bearer);
    if (!match) return null;
    const doc = await this.store.getState<TokenDoc>(COLLECTION, match[1]!);
    if (!doc || !safeEqual(hashSecret(match[2]!), doc.doc.secretHash)) return null;
    const now = Date.now();
    // Record use at most once an hour: a script polling /metrics should not write every time.
    if (!doc.doc.lastUsed || now - Date.parse(doc.doc.lastUsed) > 3_600_000) {
      await this.store.putState(COLLECTION, doc.id, {
        ...doc.doc,
        lastUsed: new Date(now).toISOString(),
      });
    }
    return info(doc.doc);
  }
}
