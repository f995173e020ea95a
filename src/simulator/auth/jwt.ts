// Compact JWTs with node:crypto: RS256 signing for the simulator's access tokens, RS256/PS256
// verification for client assertions.
import { type KeyObject, constants, sign, verify } from 'node:crypto';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function json(part: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  const header = json(h);
  const payload = json(p);
  if (!header || !payload || !/^[A-Za-z0-9_-]*$/.test(s)) return null;
  return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject,
): string {
  const input = `${Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'RS256', ...header })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** Verifies RS256 or PS256; false for any other algorithm or a bad signature. */
export function verifyJwt(jwt: DecodedJwt, key: KeyObject): boolean {
  const alg = jwt.header.alg;
  const data = Buffer.from(jwt.signingInput);
  try {
    if (alg === 'RS256') return verify('sha256', data, key, jwt.signature);
    if (alg === 'PS256') {
      return verify(
        'sha256',
        data,
        {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        },
        jwt.signature,
      );
    }
  } catch {
    return false;
  }
  return false;
}
