// Benign activity: interactive sign-ins to the usual apps (docs/simulator.md).
import { SYNC_UA, userIp } from './context.js';
import { APPS } from './events.js';
import type { Maker } from './benign-maker.js';

const SIGN_IN_APPS = [
  [APPS.teamsClient, APPS.teamsService, 'OAuth2:Token'],
  [APPS.officeClient, APPS.exchangeOnline, 'OAuth2:Token'],
  [APPS.officeHome, APPS.graph, 'Login:login'],
  [APPS.oneDriveSync, APPS.sharePointOnline, 'OAuth2:Token'],
  [APPS.officeHome, APPS.sharePointOnline, 'OAuth2:Authorize'],
] as const;

export const signIn: Maker = (_g, rng, t, u, key) => {
  const [appId, resourceId, requestType] = rng.pick(SIGN_IN_APPS);
  const failed = rng.chance(0.035);
  const errorCode = failed
    ? rng.weighted([
        [50126, 6],
        [50074, 2.5],
        [50140, 1],
        [50055, 0.5],
      ] as const)
    : 0;
  return [
    {
      kind: 'signIn',
      t,
      label: 'benign',
      key,
      user: u.index,
      ip: userIp(rng, u),
      appId,
      resourceId,
      errorCode,
      userAgent: appId === APPS.oneDriveSync ? SYNC_UA : u.userAgent,
      requestType: failed ? 'Login:login' : requestType,
    },
  ];
};
