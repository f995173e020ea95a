// Local accounts, kept as small documents in the store (collection `server.accounts`, id = the
// lower-cased name). The CLI's `users` command and the admin API call these same functions.
import type { Store } from '../../store/store.js';
import { M365HuntError } from '../../util/errors.js';
import { isRole, type Role } from '../roles.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';

const COLLECTION = 'server.accounts';

interface AccountDoc {
  name: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
  created: string;
  passwordChanged: string;
}

/** An account as the API and the CLI show it: never the hash. */
export interface Account {
  readonly name: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly created: string;
  readonly passwordChanged: string;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function accountNameProblem(name: string): string | null {
  return NAME_RE.test(name)
    ? null
    : 'an account name has 1 to 64 letters, digits, dots, dashes, underscores or @, starting with a letter or digit';
}

function publicView(doc: AccountDoc): Account {
  return {
    name: doc.name,
    role: doc.role,
    disabled: doc.disabled,
    created: doc.created,
    passwordChanged: doc.passwordChanged,
  };
}

function isAccountDoc(doc: unknown): doc is AccountDoc {
  const d = doc as Partial<AccountDoc> | null;
  return !!d && typeof d.name === 'string' && isRole(d.role) && typeof d.passwordHash === 'string';
}

export class Accounts {
  constructor(private readonly store: Store) {}

  async list(): Promise<Account[]> {
    const docs = await this.store.listState<AccountDoc>(COLLECTION);
    return docs
      .map((d) => d.doc)
      .filter(isAccountDoc)
      .map(publicView)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<Account | undefined> {
    const doc = await this.store.getState<AccountDoc>(COLLECTION, name.toLowerCase());
    return doc && isAccountDoc(doc.doc) ? publicView(doc.doc) : undefined;
  }

  async count(): Promise<number> {
    return (await this.store.listState(COLLECTION)).length;
  }

  async create(name: string, role: Role, password: string): Promise<Account> {
    const problem = accountNameProblem(name) ?? passwordProblem(password);
    if (problem) throw new M365HuntError(problem);
    const now = new Date().toISOString();
    const doc: AccountDoc = {
      name,
      role,
      passwordHash: await hashPassword(password),
      disabled: false,
      created: now,
      passwordChanged: now,
    };
    const version = await this.store.putState(COLLECTION, name.toLowerCase(), doc, 0);
    if (version === null) throw new M365HuntError(`The account ${name} exists already.`);
    return publicView(doc);
  }

  async update(
    name: string,
    patch: { role?: Role; password?: string; disabled?: boolean },
  ): Promise<Account> {
    const id = name.toLowerCase();
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.store.getState<AccountDoc>(COLLECTION, id);
      if (!current || !isAccountDoc(current.doc)) {
        throw new M365HuntError(`There is no account ${name}.`, { exitCode: 4 });
      }
      const next: AccountDoc = { ...current.doc };
      if (patch.role) next.role = patch.role;
      if (patch.disabled !== undefined) next.disabled = patch.disabled;
      if (patch.password !== undefined) {
        const problem = passwordProblem(patch.password);
        if (problem) throw new M365HuntError(problem);
        next.passwordHash = await hashPassword(patch.password);
        next.passwordChanged = new Date().toISOString();
      }
      if ((await this.store.putState(COLLECTION, id, next, current.version)) !== null) {
        return publicView(next);
      }
    }
    throw new M365HuntError(`The account ${name} kept changing; try again.`);
  }

  async remove(name: string): Promise<boolean> {
    return this.store.deleteState(COLLECTION, name.toLowerCase());
  }

  /**
   * The account when the password is right and the account enabled, else null. An unknown name
   * costs a hash too, so that timing does not tell which names exist.
   */
  async verify(name: string, password: string): Promise<Account | null> {
    const doc = await this.store.getState<AccountDoc>(COLLECTION, name.toLowerCase());
    const stored = doc && isAccountDoc(doc.doc) ? doc.doc : undefined;
    const ok = await verifyPassword(password, stored?.passwordHash ?? (await dummyHash()));
    if (!ok || !stored || stored.disabled) return null;
    return publicView(stored);
  }
}

let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= hashPassword('not-a-real-password-used-for-timing');
  return dummy;
}
