// Browser sessions: a random id in an HttpOnly cookie, stored hashed (collection
// `server.sessions`), each with its own CSRF token. Idle sessions expire; sign-out deletes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../store/store.js';

const COLLECTION = 'server.sessions';

export interface Session {
  readonly user: string;
  readonly csrf: string;
  readonly created: string;
  readonly expires: string;
}

export interface SessionOptions {
  /** Idle lifetime; every authenticated request within it extends the session. */
  readonly idleMs: number;
  /** Absolute lifetime from sign-in. */
  readonly maxMs: number;
}

function sessionKey(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Sessions {
  /** Recently read sessions, so that not every request reads the store. */
  private readonly cache = new Map<string, { session: Session; checked: number }>();

  constructor(
    private readonly store: Store,
    private readonly options: SessionOptions,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Starts a session; returns the cookie value (shown to the browser only) and the session. */
  async create(user: string): Promise<{ id: string; session: Session }> {
    const id = randomBytes(32).toString('base64url');
    const now = this.clock();
    const session: Session = {
      user,
      csrf: randomBytes(24).toString('base64url'),
      created: new Date(now).toISOString(),
      expires: new Date(now + this.options.idleMs).toISOString(),
    };
    await this.store.putState(COLLECTION, sessionKey(id), session);
    return { id, session };
  }

  async get(id: string): Promise<Session | undefined> {
    if (id.length < 20 || id.length > 100) return undefined;
    const key = sessionKey(id);
    const now = this.clock();
    const cached = this.cache.get(key);
    let session = cached?.session;
    if (!cached || now - cached.checked > 5_000) {
      session = (await this.store.getState<Session>(COLLECTION, key))?.doc;
      if (!session) {
        this.cache.delete(key);
        return undefined;
      }
    }
    if (!session) return undefined;
    const absoluteEnd = Date.parse(session.created) + this.options.maxMs;
    if (Date.parse(session.expires) < now || absoluteEnd < now) {
      await this.destroy(id);
      return undefined;
    }
    // Slide the idle expiry, writing at most once a minute per session, and more often when the
    // idle lifetime is short (a quarter of it), or a session under a minute would never slide.
    const writeEvery = Math.min(60_000, Math.floor(this.options.idleMs / 4));
    if (Date.parse(session.expires) - now <= this.options.idleMs - writeEvery) {
      session = {
        ...session,
        expires: new Date(Math.min(now + this.options.idleMs, absoluteEnd)).toISOString(),
      };
      await this.store.putState(COLLECTION, key, session);
    }
    this.cache.set(key, {
      session,
      checked: cached && now - cached.checked <= 5_000 ? cached.checked : now,
    });
    return session;
  }

  async destroy(id: string): Promise<void> {
    const key = sessionKey(id);
    this.cache.delete(key);
    await this.store.deleteState(COLLECTION, key);
  }

  /** Ends every session of a user (account disabled, deleted or its password changed). */
  async destroyUser(user: string): Promise<void> {
    for (const doc of await this.store.listState<Session>(COLLECTION)) {
      if (doc.doc.user.toLowerCase() === user.toLowerCase()) {
        this.cache.delete(doc.id);
        await this.store.deleteState(COLLECTION, doc.id);
      }
    }
  }
}
