// `m365hunt respond` as a user runs it (its own process, through tsx) on the simulator: the dry
// run, the refusal to act without confirmation when there is no terminal, acting with --yes, the
// log (list, show), undo, and a proposal approved later. The actor is the OS user.
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { respondWorld, tenantUsers, type RespondWorld } from './helpers.js';

let world: RespondWorld;
let members: string[];
const me = userInfo().username;

beforeAll(async () => {
  world = await respondWorld({ users: 20, days: 1 });
  members = (await tenantUsers(world.sim))
    .filter((u) => u.adminRoles.length === 0 && u.userPrincipalName !== world.insider)
    .map((u) => u.userPrincipalName);
  // The commands open the DuckDB file themselves.
  await world.store.close();
});

const respond = (...args: string[]) => runCli(['respond', ...args, '--config', world.file]);

describe('m365hunt respond', () => {
  let id = '';

  it('shows a dry run: what would change, what is left alone, what Microsoft guarantees', async () => {
    const r = await respond(
      'disable-user',
      world.insider,
      '--revoke-sessions',
      '--remove-sharing',
      '--since',
      '7d',
      '--dry-run',
    );
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^DRY RUN: nothing changed\./);
    expect(r.stdout).toMatch(/would change \(\d+\):/);
    expect(r.stdout).toMatch(/disable +\S+\n +accountEnabled: true → accountEnabled: false/);
    expect(r.stdout).toMatch(/anonymous link \(view\) → anyone with the link/);
    expect(r.stdout).toMatch(/inherited from \/Projects: removed there by this action/);
    expect(r.stdout).toMatch(/access tokens already issued stay valid until they expire/);
  });

  it('will not act without confirmation when there is no terminal to ask on', async () => {
    const r = await respond('disable-user', members[0]!, '--revoke-sessions');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/There is no terminal to ask for confirmation on/);
    expect(r.stderr).toMatch(/hint: Add --yes/);
  });

  it('acts with --yes, as the OS user, and the log lists and shows it', async () => {
    const r = await respond(
      'disable-user',
      members[0]!,
      '--revoke-sessions',
      '--yes',
      '--reason',
      'test',
    );
    expect(r.code).toBe(0);
    const first = r.stdout.split('\n')[0] ?? '';
    expect(first).toMatch(
      new RegExp(`^act-\\S+  disable-user ${members[0]!.replace('.', '\\.')}  VERIFIED$`),
    );
    id = first.split(' ')[0]!;
    expect(r.stdout).toMatch(/✔ done +disable/);
    expect(r.stdout).toMatch(/accountEnabled is false/);
    expect(r.stdout).toContain(`proposed `);
    expect(r.stdout).toContain(`by ${me} (cli); approved by ${me}`);

    const list = await respond('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      new RegExp(`${id} .* disable-user +${members[0]!.replace('.', '\\.')} +verified`),
    );

    const show = await respond('show', id.slice(0, 15), '--format', 'json');
    const view = JSON.parse(show.stdout) as { id: string; checks: Array<{ outcome: string }> };
    expect(view.id).toBe(id);
    expect(view.checks.map((c) => c.outcome)).toEqual(['ok', 'ok']);
  });

  it('undoes it: the account is enabled again', async () => {
    const r = await respond('undo', id, '--yes');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/enable-user \S+ {2}VERIFIED/);
    expect(r.stdout).toContain(`undoes ${id}`);
  });

  it('records a proposal that a responder approves later', async () => {
    const p = await respond('revoke-sessions', members[1]!, '--propose');
    expect(p.code).toBe(0);
    const pid = /^(act-\S+)/.exec(p.stdout)?.[1] ?? '';
    expect(p.stdout).toMatch(/PROPOSED/);
    expect(p.stderr).toContain(`respond approve ${pid}`);
    // Four eyes: the operator who proposed it may not approve it too.
    const own = await respond('approve', pid, '--yes');
    expect(own.code).not.toBe(0);
    expect(own.stderr).toMatch(/a second person must approve it \(four eyes\)/);
    // Where one person runs everything, respond.four_eyes: false lets them.
    const config = JSON.parse(readFileSync(world.file, 'utf8')) as Record<string, unknown>;
    const single = join(dirname(world.file), 'single-operator.json');
    writeFileSync(
      single,
      JSON.stringify({ ...config, respond: { ...(config.respond ?? {}), four_eyes: false } }),
    );
    const a = await runCli(['respond', 'approve', pid, '--yes', '--config', single]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/revoke-sessions \S+ {2}VERIFIED/);
    expect(a.stdout).toMatch(
      /approved by the person who proposed it \(respond\.four_eyes is off\)/,
    );
  });
});
