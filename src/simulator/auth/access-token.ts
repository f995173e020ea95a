// Validation of the Bearer tokens presented to the Management Activity API and Graph: signature
// (the simulator's key), audience, sim-time validity. Roles are returned for the caller to check.
import type { KeyObject } from 'node:crypto';
import { decodeJwt, verifyJwt } from './jwt.js';

export interface AccessClaims {
  tid: string;
  appid: string;
  roles: string[];
  aud: string;
  exp: number;
}

export type TokenCheck =
  | { ok: true; claims: AccessClaims }
  | { ok: false; reason: 'missing' | 'malformed' | 'signature' | 'expired' | 'audience' };

export function checkAccessToken(
  authorization: string | undefined,
  audiences: readonly string[],
  key: KeyObject,
  simNowMs: number,
): TokenCheck {
  if (!authorization) return { ok: false, reason: 'missing' };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) return { ok: false, reason: 'malformed' };
  const jwt = decodeJwt(m[1] as string);
  if (!jwt) return { ok: false, reason: 'malformed' };
  if (jwt.header.alg !== 'RS256' || !verifyJwt(jwt, key)) return { ok: false, reason: 'signature' };
  const p = jwt.payload;
  const exp = typeof p.exp === 'number' ? p.exp : 0;
  const nbf = typeof p.nbf === 'number' ? p.nbf : 0;
  const now = simNowMs / 1000;
  if (now >= exp || now < nbf - 300) return { ok: false, reason: 'expired' };
  const aud = typeof p.aud === 'string' ? p.aud.replace(/\/+$/, '') : '';
  if (!audiences.includes(aud)) return { ok: false, reason: 'audience' };
  const roles = Array.isArray(p.roles)
    ? p.roles.filter((r): r is string => typeof r === 'string')
    : [];
  return {
    ok: true,
    claims: {
      tid: typeof p.tid === 'string' ? p.tid : '',
      appid: typeof p.appid === 'string' ? p.appid : '',
      roles,
      aud,
      exp,
    },
  };
}
