// Microsoft clouds: one setting changes the sign-in host, the API hosts and the token audiences
// together (peers that change only one get AF20052 or AADSTS500011 in government clouds).
import type { CloudName } from './types.js';

export interface CloudEndpoints {
  /** Entra ID authority host. */
  readonly login: string;
  /** Management Activity API host; also its token audience. */
  readonly manage: string;
  /** Microsoft Graph host; also its token audience. */
  readonly graph: string;
}

export const CLOUDS: Readonly<Record<CloudName, CloudEndpoints>> = {
  commercial: {
    login: 'https://login.microsoftonline.com',
    manage: 'https://manage.office.com',
    graph: 'https://graph.microsoft.com',
  },
  gcc: {
    login: 'https://login.microsoftonline.com',
    manage: 'https://manage-gcc.office.com',
    graph: 'https://graph.microsoft.com',
  },
  gcchigh: {
    login: 'https://login.microsoftonline.us',
    manage: 'https://manage.office365.us',
    graph: 'https://graph.microsoft.us',
  },
  dod: {
    login: 'https://login.microsoftonline.us',
    manage: 'https://manage.protection.apps.mil',
    graph: 'https://dod-graph.microsoft.us',
  },
};

/** The `scope` of a client-credentials token for an API host (its audience + `/.default`). */
export function scopeFor(audience: string): string {
  return `${audience.replace(/\/+$/, '')}/.default`;
}
