// HTTPS mode: a self-signed certificate for the host, exposed so that clients can trust it.
import { request } from 'node:https';
import { describe, expect, it } from 'vitest';
import { small } from './helpers.js';

function post(url: string, body: string, ca?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        ...(ca ? { ca } : {}),
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('https', () => {
  it('serves TLS with a certificate clients can trust, and refuses clients that do not trust it', async () => {
    const sim = await small({ days: 0, https: true });
    try {
      expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(sim.caCertificate).toContain('BEGIN CERTIFICATE');
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sim.clientId,
        client_secret: sim.clientSecret,
        scope: 'https://manage.office.com/.default',
      }).toString();
      const ok = await post(
        `${sim.url}/${sim.tenantId}/oauth2/v2.0/token`,
        body,
        sim.caCertificate ?? undefined,
      );
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.text)).toHaveProperty('access_token');
      await expect(post(`${sim.url}/${sim.tenantId}/oauth2/v2.0/token`, body)).rejects.toThrow(
        /self.signed|certificate/i,
      );
    } finally {
      await sim.close();
    }
  });
});
