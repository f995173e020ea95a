import { inspect } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from '../../src/config/load.js';
import { M365HuntError, describeError } from '../../src/util/errors.js';
import { tempDir } from '../helpers/temp.js';
import { CONFIG_TEMPLATE } from '../../src/config/template.js';

const dir = tempDir();
const TENANT = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const CLIENT = '6a7b8c9d-1111-4222-8333-444455556666';

// The vendor's template exactly as its page prints it (note the missing comma).
const VENDOR_TEMPLATE = `{ "inputs": { "office365": {
    "credentials": { "client_id": "<CLIENT_ID>", "client_secret": "<CLIENT_SECRET>", "tenant_id": "<TENANT_ID>" },
    "enabled": true, "id": "<UNIQUE ID>",
    "services": { "azure_active_directory": {} "general_audit": {}, "exchange": {}, "sharepoint": {}, "dlp": {} } } } }`;

function errorOf(fn: () => unknown): M365HuntError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(M365HuntError);
    return error as M365HuntError;
  }
  throw new Error('expected an error');
}

function config(instance: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ inputs: { office365: instance }, ...extra }, null, 2);
}

const instance = (overrides: Record<string, unknown> = {}) => ({
  id: '10001',
  enabled: true,
  credentials: { tenant_id: TENANT, client_id: CLIENT, client_secret_env: 'M365_SECRET' },
  services: {
    azure_active_directory: {},
    general_audit: {},
    exchange: {},
    sharepoint: {},
    dlp: {},
  },
  ...overrides,
});

describe('configuration loading', () => {
  it("points at the vendor template's missing comma", () => {
    const error = errorOf(() => resolveConfig(VENDOR_TEMPLATE, 'vendor.json'));
    expect(error.position).toMatchObject({ source: 'vendor.json', line: 4, column: 47 });
    expect(error.message).toContain('comma');
    expect(error.hint).toContain('"azure_active_directory": {}');
  });

  it('names every placeholder left in the template, with its position', () => {
    const fixed = VENDOR_TEMPLATE.replace('{} "general_audit"', '{}, "general_audit"');
    const error = errorOf(() => resolveConfig(fixed, 'vendor.json'));
    const text = describeError(error);
    expect(text).toContain('replace the placeholder <TENANT_ID>');
    expect(text).toContain('replace the placeholder <CLIENT_ID>');
    expect(text).toContain('five-digit collector id');
    expect(text).toMatch(/2:\d+ inputs\.office365\.credentials\.tenant_id/);
  });

  it('resolves a valid configuration, with the secret from the environment, hidden everywhere', () => {
    const resolved = resolveConfig(config(instance()), join(dir, 'c.json'), {
      M365_SECRET: 'sup3r~secret',
    });
    const [one] = resolved.instances;
    expect(one).toMatchObject({
      id: '10001',
      tenantId: TENANT,
      contentTypes: [
        'Audit.AzureActiveDirectory',
        'Audit.General',
        'Audit.Exchange',
        'Audit.SharePoint',
        'DLP.All',
      ],
      endpoints: {
        manage: 'https://manage.office.com',
        login: 'https://login.microsoftonline.com',
      },
      publisherId: TENANT,
    });
    expect(one!.credential.kind === 'secret' && one!.credential.secret.reveal()).toBe(
      'sup3r~secret',
    );
    expect(JSON.stringify(resolved)).not.toContain('sup3r');
    expect(inspect(resolved, { depth: 10 })).not.toContain('sup3r');
    expect(String(one!.credential.kind === 'secret' && one!.credential.secret)).not.toContain(
      'sup3r',
    );
  });

  it('sets every host of a government cloud together, and lets endpoints be overridden', () => {
    const resolved = resolveConfig(
      config(instance({ cloud: 'gcchigh', endpoints: { manage: 'http://127.0.0.1:9999/' } })),
      'c.json',
      { M365_SECRET: 'x' },
    );
    expect(resolved.instances[0]!.endpoints).toEqual({
      login: 'https://login.microsoftonline.us',
      manage: 'http://127.0.0.1:9999',
      graph: 'https://graph.microsoft.us',
    });
    expect(resolved.instances[0]!.audiences.manage).toBe('https://manage.office365.us');
  });

  it('reads the query limits, with their defaults, and places a bad one', () => {
    const env = { M365_SECRET: 'x'.repeat(40) };
    const defaults = resolveConfig(config(instance()), 'c.json', env);
    expect(defaults.query).toEqual({
      timeoutMs: 60_000,
      maxMemoryBytes: 2 * 1024 ** 3,
      jqTimeoutMs: 2_000,
    });
    const set = resolveConfig(
      config(instance(), { query: { timeout: '30s', max_memory: '512MiB', jq_timeout: '500ms' } }),
      'c.json',
      env,
    );
    expect(set.query).toEqual({
      timeoutMs: 30_000,
      maxMemoryBytes: 512 * 1024 ** 2,
      jqTimeoutMs: 500,
    });
    const error = errorOf(() =>
      resolveConfig(config(instance(), { query: { max_memory: 'lots' } }), 'c.json', env),
    );
    expect(error.message).toMatch(/query\.max_memory must be a size/);
    expect(error.position?.line).toBeGreaterThan(1);
  });

  it('rejects unknown keys with a suggestion, and only warns on unknown services', () => {
    const error = errorOf(() =>
      resolveConfig(config(instance({ pol_interval: '5m' })), 'c.json', { M365_SECRET: 'x' }),
    );
    expect(error.message).toContain('unknown key "pol_interval" (did you mean "poll_interval"?)');
    const resolved = resolveConfig(
      config(instance({ services: { exchange: {}, uri_retry: {}, exchnage_online: {} } })),
      'c.json',
      { M365_SECRET: 'x' },
    );
    expect(resolved.instances[0]!.contentTypes).toEqual(['Audit.Exchange']);
    expect(resolved.warnings.join('\n')).toContain('unknown service "exchnage_online"');
  });

  it('explains missing secrets and duplicate collector ids', () => {
    expect(errorOf(() => resolveConfig(config(instance()), 'c.json', {})).message).toContain(
      'environment variable M365_SECRET is not set',
    );
    const two = JSON.stringify({ inputs: { office365: [instance(), instance()] } });
    expect(errorOf(() => resolveConfig(two, 'c.json', { M365_SECRET: 'x' })).message).toContain(
      'collector id 10001 is used twice',
    );
    const both = instance({
      credentials: {
        tenant_id: TENANT,
        client_id: CLIENT,
        client_secret: 'a',
        client_secret_env: 'B',
      },
    });
    expect(errorOf(() => resolveConfig(config(both), 'c.json', {})).message).toContain(
      'only one credential',
    );
  });

  it('warns before a client secret expires, and reads secrets from files', () => {
    writeFileSync(join(dir, 'secret.txt'), 'from-file\n');
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const text = config(
      instance({
        credentials: {
          tenant_id: TENANT,
          client_id: CLIENT,
          client_secret_file: 'secret.txt',
          client_secret_expires: soon,
        },
      }),
    );
    writeFileSync(join(dir, 'f.json'), text);
    const resolved = loadConfig(join(dir, 'f.json'));
    const cred = resolved.instances[0]!.credential;
    expect(cred.kind === 'secret' && cred.secret.reveal()).toBe('from-file');
    expect(resolved.warnings.join('\n')).toMatch(/client secret expires on .* \(in [45] days\)/);
  });

  it('accepts comments, several tenants and relative store paths', () => {
    const text = `// two tenants\n{ "inputs": { "office365": [
      ${JSON.stringify(instance({ name: 'contoso' }))},
      ${JSON.stringify(instance({ id: '10002', name: 'fabrikam' }))} ] },
      /* the store */ "store": { "db": "data/hunt.duckdb" } }`;
    const resolved = resolveConfig(text, join(dir, 'multi.json'), { M365_SECRET: 'x' });
    expect(resolved.instances.map((i) => i.name)).toEqual(['contoso', 'fabrikam']);
    expect(resolved.store.url).toBe(join(dir, 'data/hunt.duckdb'));
  });

  it('writes a starting config whose only problems are the placeholders to fill in', () => {
    const error = errorOf(() => resolveConfig(CONFIG_TEMPLATE, 'm365hunt.json', {}));
    const text = describeError(error);
    expect(text).toContain('replace the placeholder <TENANT_ID>');
    expect(text).toContain('replace the placeholder <CLIENT_ID>');
    const filled = CONFIG_TEMPLATE.replace('<TENANT_ID>', TENANT).replace('<CLIENT_ID>', CLIENT);
    const resolved = resolveConfig(filled, join(dir, 'm365hunt.json'), {
      M365HUNT_CLIENT_SECRET: 's',
    });
    expect(resolved.instances[0]!.contentTypes).toHaveLength(5);
  });
});
