// Benign activity in Teams: chats, messages, links and sessions (docs/simulator.md).
import { Rng } from '../util/prng.js';
import type { TenantUser } from '../tenant/model.js';
import { type GenContext, userIp } from './context.js';
import type { Maker } from './benign-maker.js';

function teamsChat(g: GenContext, rng: Rng, u: TenantUser) {
  const r = rng.next();
  if (r < 0.4) {
    const team =
      g.tenant.teams.find((tm) => tm.memberIndexes.includes(u.index)) ?? rng.pick(g.tenant.teams);
    return {
      threadId: team.threadId,
      communicationType: 'Team' as const,
      teamName: team.name,
      foreignTenantIds: [],
      foreignDomains: [],
      hasGuests: team.guestIndexes.length > 0,
    };
  }
  // Partner chats through external access: foreign-tenant participants (a benign near-miss).
  const foreign = rng.chance(0.07) ? rng.pick(g.tenant.foreignTenants.slice(0, 2)) : null;
  const oneOnOne = r < 0.7;
  return {
    threadId: oneOnOne ? `19:${u.id}_${rng.guid()}@unq.gbl.spaces` : `19:${rng.hex(32)}@thread.v2`,
    communicationType: oneOnOne ? ('OneOnOne' as const) : ('GroupChat' as const),
    teamName: null,
    foreignTenantIds: foreign ? [foreign.id] : [],
    foreignDomains: foreign ? [foreign.domain] : [],
    hasGuests: false,
  };
}

export function teams(op: 'MessageSent' | 'ChatCreated' | 'MessageCreatedHasLink'): Maker {
  return (g, rng, t, u, key) => [
    {
      kind: 'teams',
      op,
      t,
      label: 'benign',
      key,
      actor: u.index,
      ip: userIp(rng, u),
      chat: teamsChat(g, rng, u),
    },
  ];
}

export const teamsSession: Maker = (_g, rng, t, u, key) => [
  {
    kind: 'teams',
    op: 'TeamsSessionStarted',
    t,
    label: 'benign',
    key,
    actor: u.index,
    ip: userIp(rng, u),
    chat: null,
  },
];
