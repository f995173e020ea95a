// The app registration the collector and responder sign in as: secrets with expiry, certificates,
// consented roles per resource, directory roles. Changeable at run time so tests can take a
// permission away or let a secret expire. Secret values are never echoed back.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AppSettings } from '../options.js';
import { type RegisteredCertificate, registerCertificate } from './x509.js';

export const appPatchSchema = z
  .object({
    displayName: z.string().min(1),
    secrets: z.array(z.object({ value: z.string().min(1), expires: z.coerce.date() })),
    certificates: z.array(z.string().includes('BEGIN CERTIFICATE')),
    roles: z.object({ manage: z.array(z.string()), graph: z.array(z.string()) }).partial(),
    consented: z.boolean(),
    directoryRoles: z.array(z.string()),
  })
  .partial()
  .strict();

export type AppPatch = z.infer<typeof appPatchSchema>;

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export class AppRegistry {
  private settings: AppSettings;
  private certs: RegisteredCertificate[];

  constructor(
    readonly clientId: string,
    settings: AppSettings,
    /** Object id of the app's service principal in the tenant (token oid/sub). */
    readonly servicePrincipalId: string,
  ) {
    this.settings = structuredClone(settings);
    this.certs = settings.certificates.map(registerCertificate);
  }

  update(patch: AppPatch): void {
    const roles = patch.roles
      ? {
          manage: patch.roles.manage ?? this.settings.roles.manage,
          graph: patch.roles.graph ?? this.settings.roles.graph,
        }
      : this.settings.roles;
    if (patch.certificates) this.certs = patch.certificates.map(registerCertificate);
    this.settings = {
      ...this.settings,
      ...patch,
      roles,
      certificates: patch.certificates ?? this.settings.certificates,
    } as AppSettings;
  }

  get displayName(): string {
    return this.settings.displayName;
  }

  get consented(): boolean {
    return this.settings.consented;
  }

  roles(resource: 'manage' | 'graph'): string[] {
    return [...this.settings.roles[resource]];
  }

  directoryRoles(): string[] {
    return [...this.settings.directoryRoles];
  }

  /** ok, expired (matches only an expired secret) or invalid. `now` is sim time. */
  checkSecret(value: string, now: number): 'ok' | 'expired' | 'invalid' {
    let expired = false;
    const d = digest(value);
    for (const s of this.settings.secrets) {
      if (timingSafeEqual(digest(s.value), d)) {
        if (s.expires.getTime() > now) return 'ok';
        expired = true;
      }
    }
    return expired ? 'expired' : 'invalid';
  }

  certificates(): readonly RegisteredCertificate[] {
    return this.certs;
  }

  /** What GET /_sim/app shows: no secret values, only a hint and the expiry. */
  describe(): Record<string, unknown> {
    return {
      clientId: this.clientId,
      displayName: this.settings.displayName,
      consented: this.settings.consented,
      roles: structuredClone(this.settings.roles),
      directoryRoles: [...this.settings.directoryRoles],
      secrets: this.settings.secrets.map((s) => ({
        hint: s.value.slice(0, 3),
        expires: s.expires.toISOString(),
      })),
      certificates: this.certs.map((c) => ({
        thumbprint: c.thumbprint,
        notBefore: new Date(c.notBefore).toISOString(),
        notAfter: new Date(c.notAfter).toISOString(),
      })),
    };
  }
}
