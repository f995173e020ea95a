// `m365hunt users …`: the local accounts of the web app and API (the first admin is made here),
// and API tokens for scripts. The admin API calls the same Accounts and Tokens functions.
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { Accounts } from '../../server/auth/accounts.js';
import { Tokens } from '../../server/auth/tokens.js';
import { isRole, ROLES, type Role } from '../../server/roles.js';
import type { Store } from '../../store/store.js';
import { M365HuntError } from '../../util/errors.js';
import { renderTable } from '../table.js';
import { openStoreFromOptions, type StoreCliOptions } from '../../app/store.js';
import { addStoreOptions } from '../store-options.js';

const PASSWORD_ENV = 'M365HUNT_PASSWORD';

/** The password from $M365HUNT_PASSWORD, a hidden prompt on a terminal, or the first line of stdin. */
async function readPassword(prompt: string): Promise<string> {
  const fromEnv = process.env[PASSWORD_ENV];
  if (fromEnv) return fromEnv;
  const rl = createInterface({
    input: process.stdin,
    output: process.stderr,
    terminal: process.stdin.isTTY,
  });
  try {
    if (process.stdin.isTTY) {
      // Echo nothing while the password is typed.
      const output = rl as unknown as { _writeToOutput?: (s: string) => void };
      process.stderr.write(prompt);
      output._writeToOutput = () => undefined;
    }
    const line = await new Promise<string>((resolve) => rl.once('line', resolve));
    if (process.stdin.isTTY) process.stderr.write('\n');
    return line;
  } finally {
    rl.close();
  }
}

function role(text: string): Role {
  if (!isRole(text))
    throw new M365HuntError(`Unknown role "${text}".`, { hint: `Roles: ${ROLES.join(', ')}.` });
  return text;
}

async function withStore<T>(
  options: StoreCliOptions,
  run: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStoreFromOptions(options);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

export function registerUsers(program: Command): void {
  const users = program
    .command('users')
    .description(
      `Local accounts of the web app and API (roles: ${ROLES.join(', ')}) and API tokens.`,
    );

  const add = users
    .command('add <name>')
    .description(`Create an account; the password comes from $${PASSWORD_ENV}, a prompt, or stdin.`)
    .option('--role <role>', ROLES.join(', '), 'viewer');
  addStoreOptions(add).action(async (name: string, options: StoreCliOptions & { role: string }) => {
    const wanted = role(options.role);
    const password = await readPassword(`Password for ${name} (12 characters or more): `);
    await withStore(options, async (store) => {
      const account = await new Accounts(store).create(name, wanted, password);
      console.log(`Created ${account.name} (${account.role}) in ${store.location}.`);
    });
  });

  const list = users.command('list').description('List the accounts.');
  addStoreOptions(list).action(async (options: StoreCliOptions) => {
    await withStore(options, async (store) => {
      const accounts = await new Accounts(store).list();
      if (accounts.length === 0) {
        console.log(
          'No account yet. Create the first admin: npx m365hunt users add NAME --role admin',
        );
        return;
      }
      console.log(
        renderTable(
          ['name', 'role', 'state', 'created'],
          accounts.map((a) => [a.name, a.role, a.disabled ? 'disabled' : 'enabled', a.created]),
        ),
      );
    });
  });

  const passwd = users.command('passwd <name>').description('Set a new password.');
  addStoreOptions(passwd).action(async (name: string, options: StoreCliOptions) => {
    const password = await readPassword(`New password for ${name}: `);
    await withStore(options, async (store) => {
      await new Accounts(store).update(name, { password });
      console.log(`Password of ${name} changed.`);
    });
  });

  const setRole = users.command('role <name> <role>').description("Change an account's role.");
  addStoreOptions(setRole).action(
    async (name: string, newRole: string, options: StoreCliOptions) => {
      await withStore(options, async (store) => {
        const account = await new Accounts(store).update(name, { role: role(newRole) });
        console.log(`${account.name} is now ${account.role}.`);
      });
    },
  );

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    const c = users
      .command(`${verb} <name>`)
      .description(`${verb === 'disable' ? 'Disable' : 'Enable'} an account.`);
    addStoreOptions(c).action(async (name: string, options: StoreCliOptions) => {
      await withStore(options, async (store) => {
        await new Accounts(store).update(name, { disabled });
        console.log(`${name} ${disabled ? 'disabled' : 'enabled'}.`);
      });
    });
  }

  const remove = users
    .command('remove <name>')
    .description('Delete an account and its API tokens.');
  addStoreOptions(remove).action(async (name: string, options: StoreCliOptions) => {
    await withStore(options, async (store) => {
      if (!(await new Accounts(store).remove(name)))
        throw new M365HuntError(`There is no account ${name}.`);
      await new Tokens(store).revokeUser(name);
      console.log(`${name} deleted.`);
    });
  });

  const token = users
    .command('token <name>')
    .description('Create an API token for an account (printed once; stored hashed).')
    .requiredOption('--label <label>', 'what the token is for, e.g. prometheus')
    .option('--role <role>', "the token's role (at most the account's)");
  addStoreOptions(token).action(
    async (name: string, options: StoreCliOptions & { label: string; role?: string }) => {
      await withStore(options, async (store) => {
        const account = await new Accounts(store).get(name);
        if (!account) throw new M365HuntError(`There is no account ${name}.`);
        const wanted = options.role ? role(options.role) : account.role;
        if (ROLES.indexOf(wanted) > ROLES.indexOf(account.role)) {
          throw new M365HuntError(
            `A token cannot have more rights than its account (${account.role}).`,
          );
        }
        const created = await new Tokens(store).create(account.name, options.label, wanted);
        console.log(created.token);
        console.error(
          `Token ${created.info.id} (${created.info.role}) for ${account.name}: shown once, keep it safe.`,
        );
      });
    },
  );
}
