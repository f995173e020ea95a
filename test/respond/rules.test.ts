// The pure parts of the responder: which permission a sharing record created, which Graph
// permissions an operation needs and what a 403 means, and the `respond` config section.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { autoApproved, respondConfig } from '../../src/respond/config.js';
import type { GraphPermission } from '../../src/respond/graph/drives.js';
import { diagnose403, missingFor, tokenRoles } from '../../src/respond/graph/permissions.js';
import { parseSharingRecord } from '../../src/respond/sharing/discover.js';
import { guestEmail, matches, wantedBy } from '../../src/respond/sharing/match.js';
import { tempDir } from '../helpers/temp.js';

const record = (fields: Record<string, unknown>) =>
  parseSharingRecord({
    Id: '1',
    CreationTime: '2026-03-02T09:00:00',
    Workload: 'OneDrive',
    ...fields,
  });

const anyone: GraphPermission = {
  id: 'a',
  roles: ['read'],
  link: { scope: 'anonymous', type: 'view' },
};
const org: GraphPermission = {
  id: 'o',
  roles: ['write'],
  link: { scope: 'organization', type: 'edit' },
};
const guest: GraphPermission = {
  id: 'g',
  roles: ['read'],
  grantedToV2: { user: { id: 'x', email: 'bob@fabrikam.com', displayName: 'Bob' } },
};
const invited: GraphPermission = {
  id: 'i',
  roles: ['read'],
  grantedToV2: { user: { email: 'someone@gmail.com' } },
  invitation: { email: 'someone@gmail.com' },
};

describe('matching records to permissions', () => {
  it('reads a guest UPN as the e-mail Graph shows', () => {
    expect(guestEmail('bob_fabrikam.com#ext#@contoso.onmicrosoft.com')).toBe('bob@fabrikam.com');
    expect(guestEmail('ana@contoso.com')).toBeNull();
  });

  it('links match their scope (and type), grants their person', () => {
    const link = wantedBy(
      record({ Operation: 'AnonymousLinkCreated', EventData: '<Type>View</Type>' }),
    );
    expect([anyone, org, guest].filter((p) => matches(link, p))).toEqual([anyone]);
    const edit = wantedBy(
      record({ Operation: 'AnonymousLinkCreated', EventData: '<Type>Edit</Type>' }),
    );
    expect(matches(edit, anyone)).toBe(false);
    const share = wantedBy(
      record({
        Operation: 'SharingSet',
        TargetUserOrGroupName: 'bob_fabrikam.com#ext#@contoso.onmicrosoft.com',
        TargetUserOrGroupType: 'Guest',
      }),
    );
    expect([anyone, guest, invited].filter((p) => matches(share, p))).toEqual([guest]);
    const invite = wantedBy(
      record({
        Operation: 'SharingInvitationCreated',
        TargetUserOrGroupName: 'someone@gmail.com',
        TargetUserOrGroupType: 'Guest',
      }),
    );
    expect([anyone, guest, invited].filter((p) => matches(invite, p))).toEqual([invited]);
  });

  it("reads SharePoint's hidden link groups, and leaves group memberships to a person", () => {
    const viaGroup = wantedBy(
      record({
        Operation: 'SharingSet',
        TargetUserOrGroupName: 'SharingLinks.1a2b.OrganizationEdit.3c4d',
        TargetUserOrGroupType: 'SharePointGroup',
      }),
    );
    expect([anyone, org].filter((p) => matches(viaGroup, p))).toEqual([org]);
    const members = wantedBy(
      record({
        Operation: 'SharingSet',
        TargetUserOrGroupName: 'Deals Members',
        TargetUserOrGroupType: 'SharePointGroup',
      }),
    );
    expect(members.kind).toBe('none');
    expect(members.kind === 'none' && members.reason).toMatch(
      /group membership, not an item permission/,
    );
  });
});

describe('Graph permissions', () => {
  it('names what is missing, least privileged first; broader grants suffice', () => {
    expect(missingFor('enable-disable', ['User.Read.All'])).toEqual([
      'User.EnableDisableAccount.All',
    ]);
    expect(missingFor('enable-disable', ['User.ReadWrite.All'])).toEqual([]);
    expect(missingFor('write-files', ['Files.Read.All'])).toEqual(['Files.ReadWrite.All']);
    expect(missingFor('read-files', ['Sites.Read.All'])).toEqual([]);
  });

  it('tells a missing permission from a privileged target', () => {
    const missing = diagnose403('revoke-sessions', ['User.Read.All'], 'ana@contoso.com');
    expect(missing.missing).toEqual(['User.RevokeSessions.All']);
    expect(missing.fix).toMatch(
      /Microsoft Graph > Application permissions > User.RevokeSessions.All > Add permissions, then Grant admin consent/,
    );
    const privileged = diagnose403(
      'enable-disable',
      ['User.EnableDisableAccount.All', 'User.Read.All'],
      'admin@contoso.com',
    );
    expect(privileged.missing).toEqual([]);
    expect(privileged.fix).toMatch(
      /admin@contoso.com probably holds a privileged administrator role/,
    );
    expect(diagnose403('read-user', null, 'x').problem).toMatch(/may lack User.Read.All/);
  });

  it("reads only the token's roles claim", () => {
    const body = Buffer.from(JSON.stringify({ roles: ['User.Read.All'], aud: 'x' })).toString(
      'base64url',
    );
    expect(tokenRoles(`e30.${body}.sig`)).toEqual(['User.Read.All']);
    expect(tokenRoles('opaque')).toBeNull();
  });
});

describe('the respond section', () => {
  const load = (respond: unknown) => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    const text = JSON.stringify(
      {
        inputs: {
          office365: {
            id: '10001',
            name: 'contoso',
            credentials: {
              tenant_id: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
              client_id: '1b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
              client_secret: 'not-a-real-secret',
            },
            services: { sharepoint: {} },
          },
        },
        respond,
      },
      null,
      2,
    );
    writeFileSync(file, text);
    return respondConfig(resolveConfig(text, file));
  };

  it('is off for every rule by default; auto-approval names rules or packs', () => {
    const c = load({});
    expect(c.autoApprove).toEqual([]);
    expect(autoApproved(c, 'seed/exfiltration-strategic-file-shared')).toBe(false);
    const on = load({ auto_approve: ['seed/*', 'exfiltration/collection-mass-download'] });
    expect(autoApproved(on, 'seed/exfiltration-strategic-file-shared')).toBe(true);
    expect(autoApproved(on, 'exfiltration/collection-mass-download')).toBe(true);
    expect(autoApproved(on, 'exfiltration/exfiltration-anonymous-link-created')).toBe(false);
  });

  it('names the line and column of a mistake', () => {
    expect(() => load({ since: 'a week' })).toThrow(
      /\d+:\d+ respond.since: since must be a duration/,
    );
    expect(() => load({ tenants: ['fabrikam'] })).toThrow(
      /respond.tenants.0: no configured tenant is named fabrikam/,
    );
    expect(() => load({ auto_approve: ['everything'] })).toThrow(/respond.auto_approve.0/);
    expect(() => load({ autoapprove: [] })).toThrow(/Unrecognized key/i);
  });
});
