// Certificate client assertions: a good one (RS256 + x5t, PS256 + x5t#S256) and every way one
// can be wrong: another key, an unregistered thumbprint, an expired certificate, an expired
// assertion, the wrong audience or issuer, garbage, the wrong assertion type.
import { randomUUID, sign, constants, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Certificate,
  type SimulatorHandle,
  createCertificate,
} from '../../src/simulator/index.js';
import { NOW, small, tokenRequest } from './helpers.js';

let sim: SimulatorHandle;
let good: Certificate;
let expired: Certificate;

beforeAll(async () => {
  good = createCertificate({ notBefore: new Date('2026-01-01'), notAfter: new Date('2027-01-01') });
  // Expired in sim time (the sim clock is 2026-03-04).
  expired = createCertificate({
    notBefore: new Date('2025-01-01'),
    notAfter: new Date('2026-02-01'),
  });
  sim = await small({ days: 0, app: { certificates: [good.certPem, expired.certPem] } });
});
afterAll(async () => {
  await sim.close();
});

function assertion(
  key: KeyObject,
  header: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
  alg: 'RS256' | 'PS256' = 'RS256',
): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    aud: `${sim.url}/${sim.tenantId}/oauth2/v2.0/token`,
    iss: sim.clientId,
    sub: sim.clientId,
    jti: randomUUID(),
    nbf: now,
    iat: now,
    exp: now + 600,
    ...overrides,
  };
  const input = `${Buffer.from(JSON.stringify({ alg, typ: 'JWT', ...header })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const sig =
    alg === 'RS256'
      ? sign('sha256', Buffer.from(input), key)
      : sign('sha256', Buffer.from(input), {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        });
  return `${input}.${sig.toString('base64url')}`;
}

function request(jwt: string, type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
  return tokenRequest(sim, {
    grant_type: 'client_credentials',
    client_id: sim.clientId,
    client_assertion_type: type,
    client_assertion: jwt,
    scope: 'https://manage.office.com/.default',
  });
}

function code(body: Record<string, unknown>): number | undefined {
  return (body.error_codes as number[] | undefined)?.[0];
}

describe('certificate client assertions', () => {
  it('accepts RS256 with x5t and PS256 with x5t#S256 signed by the registered certificate', async () => {
    const a = await request(assertion(good.privateKey, { x5t: good.x5t }));
    expect(a.status).toBe(200);
    const b = await request(assertion(good.privateKey, { 'x5t#S256': good.x5tS256 }, {}, 'PS256'));
    expect(b.status).toBe(200);
    // The v1 endpoint's audience works too.
    const v1 = await tokenRequest(
      sim,
      {
        grant_type: 'client_credentials',
        client_id: sim.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion(
          good.privateKey,
          { x5t: good.x5t },
          { aud: `https://login.microsoftonline.com/${sim.tenantId}/oauth2/token` },
        ),
        resource: 'https://manage.office.com',
      },
      'v1',
    );
    expect(v1.status).toBe(200);
  });

  it('AADSTS700027 when another key signs under the registered thumbprint', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const r = await request(assertion(other, { x5t: good.x5t }));
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_client');
    expect(code(r.body)).toBe(700027);
    expect(String(r.body.error_description)).toContain(
      'Key was found, but use of the key to verify the signature failed',
    );
    expect(String(r.body.error_description)).toContain(good.thumbprint);
  });

  it('AADSTS700027 for a certificate that is not registered', async () => {
    const stranger = createCertificate();
    const r = await request(assertion(stranger.privateKey, { x5t: stranger.x5t }));
    expect(code(r.body)).toBe(700027);
    expect(String(r.body.error_description)).toContain('The key was not found');
    expect(String(r.body.error_description)).toContain(stranger.thumbprint);
  });

  it('AADSTS700027 for a registered certificate that has expired (sim time)', async () => {
    const r = await request(assertion(expired.privateKey, { x5t: expired.x5t }));
    expect(code(r.body)).toBe(700027);
    expect(String(r.body.error_description)).toContain('The key used is expired');
  });

  it('AADSTS700024 for an assertion past its exp', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const r = await request(
      assertion(good.privateKey, { x5t: good.x5t }, { nbf: past - 600, exp: past }),
    );
    expect(code(r.body)).toBe(700024);
    expect(String(r.body.error_description)).toContain('not within its valid time range');
  });

  it('AADSTS700023 for the wrong audience, AADSTS700021 for another issuer', async () => {
    const aud = await request(
      assertion(
        good.privateKey,
        { x5t: good.x5t },
        { aud: 'https://login.microsoftonline.com/someone-else/oauth2/v2.0/token' },
      ),
    );
    expect(code(aud.body)).toBe(700023);
    const iss = await request(
      assertion(good.privateKey, { x5t: good.x5t }, { iss: randomUUID(), sub: randomUUID() }),
    );
    expect(code(iss.body)).toBe(700021);
  });

  it('AADSTS50027 for a malformed assertion, AADSTS7000216 for a wrong assertion type', async () => {
    const bad = await request('not-a-jwt');
    expect(bad.status).toBe(400);
    expect(code(bad.body)).toBe(50027);
    const type = await request(assertion(good.privateKey, { x5t: good.x5t }), 'urn:other');
    expect(code(type.body)).toBe(7000216);
  });

  it('a certificate registered at run time works at once; NOW stays the sim clock', async () => {
    const late = createCertificate({
      notBefore: new Date(NOW.getTime() - 86400_000),
      notAfter: new Date(NOW.getTime() + 86400_000),
    });
    expect(code((await request(assertion(late.privateKey, { x5t: late.x5t }))).body)).toBe(700027);
    sim.setApp({ certificates: [good.certPem, expired.certPem, late.certPem] });
    expect((await request(assertion(late.privateKey, { x5t: late.x5t }))).status).toBe(200);
  });
});
