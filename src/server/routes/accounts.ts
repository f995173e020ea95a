// Local accounts (admin only) and API tokens (each user their own; an admin any).
import { z } from 'zod';
import { accountNameProblem } from '../auth/accounts.js';
import { passwordProblem } from '../auth/passwords.js';
import type { ServerDeps } from '../deps.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { jsonBody } from '../http/validate.js';
import { atLeast, ROLES, type Role } from '../roles.js';
import { caller, type Routes } from './types.js';

const role = z.enum(ROLES);
const password = z.string().refine((p) => passwordProblem(p) === null, {
  message: 'the password must have 12 to 1024 characters',
});

const createSchema = z
  .object({
    name: z.string().refine((n) => accountNameProblem(n) === null, {
      message: 'an account name has 1 to 64 letters, digits, dots, dashes, underscores or @',
    }),
    role,
    password,
  })
  .strict();

const patchSchema = z
  .object({
    role: role.optional(),
    password: password.optional(),
    disabled: z.boolean().optional(),
  })
  .strict()
  .refine((p) => p.role !== undefined || p.password !== undefined || p.disabled !== undefined, {
    message: 'give role, password or disabled',
  });

export function accountRoutes(r: Routes, deps: ServerDeps): void {
  /** Refuses a change that would leave no enabled admin. */
  async function keepAnAdmin(
    name: string,
    next: { role?: Role; disabled?: boolean; deleted?: boolean },
  ) {
    const accounts = await deps.accounts.list();
    const admins = accounts.filter((a) => a.role === 'admin' && !a.disabled);
    const target = admins.find((a) => a.name.toLowerCase() === name.toLowerCase());
    const losesAdmin =
      next.deleted || next.disabled === true || (next.role !== undefined && next.role !== 'admin');
    if (target && losesAdmin && admins.length === 1) {
      throw conflict('this is the last enabled admin account; make another admin first');
    }
  }

  r.add('GET', '/api/accounts', async (c) => c.json(await deps.accounts.list()));

  r.add('POST', '/api/accounts', async (c) => {
    const body = await jsonBody(c, createSchema);
    if (await deps.accounts.get(body.name))
      throw conflict(`the account ${body.name} exists already`);
    const account = await deps.accounts.create(body.name, body.role, body.password);
    deps.log.info(`${caller(c).user} created account ${account.name} (${account.role})`);
    return c.json(account, 201);
  });

  r.add('PATCH', '/api/accounts/:name', async (c) => {
    const name = c.req.param('name') ?? '';
    const body = await jsonBody(c, patchSchema);
    if (!(await deps.accounts.get(name))) throw notFound(`account ${name}`);
    await keepAnAdmin(name, body);
    const account = await deps.accounts.update(name, body);
    // A new password, a lower role or a disabled account ends the sessions opened before.
    if (body.password !== undefined || body.disabled || body.role)
      await deps.sessions.destroyUser(name);
    deps.log.info(`${caller(c).user} changed account ${account.name}`);
    return c.json(account);
  });

  r.add('DELETE', '/api/accounts/:name', async (c) => {
    const name = c.req.param('name') ?? '';
    if (!(await deps.accounts.get(name))) throw notFound(`account ${name}`);
    await keepAnAdmin(name, { deleted: true });
    await deps.accounts.remove(name);
    await deps.sessions.destroyUser(name);
    await deps.tokens.revokeUser(name);
    deps.log.info(`${caller(c).user} deleted account ${name}`);
    return c.json({ deleted: true });
  });

  r.add('GET', '/api/tokens', async (c) => {
    const me = caller(c);
    return c.json(await deps.tokens.list(me.role === 'admin' ? undefined : me.user));
  });

  r.add('POST', '/api/tokens', async (c) => {
    const me = caller(c);
    const body = await jsonBody(
      c,
      z
        .object({
          name: z.string().trim().min(1, 'name the token (what script uses it)').max(100),
          role: role.optional(),
        })
        .strict(),
    );
    const wanted = body.role ?? me.role;
    if (!atLeast(me.role, wanted)) {
      throw badRequest(`a token cannot have more rights than its account: you have ${me.role}`, {
        problems: [{ field: 'role', message: `at most ${me.role}` }],
      });
    }
    const { token, info } = await deps.tokens.create(me.user, body.name, wanted);
    deps.log.info(`${me.user} created API token ${info.id} (${info.role})`);
    // The only time the token is shown: it is stored hashed.
    return c.json({ ...info, token }, 201);
  });

  r.add('DELETE', '/api/tokens/:id', async (c) => {
    const me = caller(c);
    const id = c.req.param('id') ?? '';
    const token = await deps.tokens.get(id);
    if (!token || (me.role !== 'admin' && token.user.toLowerCase() !== me.user.toLowerCase())) {
      throw notFound(`token ${id}`);
    }
    await deps.tokens.revoke(id);
    return c.json({ deleted: true });
  });
}
