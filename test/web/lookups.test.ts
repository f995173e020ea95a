// The Lookups page in headless Chromium: an analyst loads a CSV file as a lookup, sees its version
// and rows, loads a second version and makes the first current again; a viewer reads but cannot
// load. Screenshots at 1440 and 1100 px land in test-results/screenshots/.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { PASSWORDS, startTestServer, type TestServer } from '../server/helpers.js';
import { chromiumMissing, launch, screenshot, signIn } from './browser.js';

const WEB_BUILT = existsSync(fileURLToPath(new URL('../../dist/web/index.html', import.meta.url)));
const skip =
  chromiumMissing() ?? (WEB_BUILT ? undefined : 'dist/web is not built: run npm run build');

describe.skipIf(skip !== undefined)('the Lookups page', () => {
  let t: TestServer;
  let browser: Browser;
  const dir = tempDir();

  beforeAll(async () => {
    t = await startTestServer(dir, { web: true });
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('an analyst loads a CSV, sees the rows, and chooses the version queries read', async () => {
    const v1 = join(dir, 'asset-roles.csv');
    writeFileSync(
      v1,
      'key,class,owner\n203.0.113.44,office-egress,netops\nana@contoso.com,finance,hr\n',
    );
    const v2 = join(dir, 'asset-roles-v2.csv');
    writeFileSync(v2, 'key,class,owner\n203.0.113.44,vpn,netops\n');
    for (const width of [1440, 1100]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await signIn(page, t.url, 'analyst', PASSWORDS.analyst);
      await page.getByRole('link', { name: 'Lookups' }).click();
      const name = `SecOpsAssetRole${width}`;
      await page.getByLabel('Lookup name').fill(name);
      await page.getByLabel('CSV file').setInputFiles(v1);
      await page.getByRole('button', { name: 'Load as new version' }).click();
      const rows = page.getByRole('table', { name: `Rows of ${name}` });
      await rows.waitFor();
      expect(await rows.locator('tbody tr').count()).toBe(2);
      expect(await rows.locator('tbody tr').first().innerText()).toContain('office-egress');
      await page.getByLabel('Lookup name').fill(name);
      await page.getByLabel('CSV file').setInputFiles(v2);
      await page.getByRole('button', { name: 'Load as new version' }).click();
      const versions = page.getByRole('table', { name: 'Versions' }).locator('tbody tr');
      // newest first: version 2 is current, version 1 can be made current again
      await versions.nth(1).waitFor();
      expect(await versions.first().innerText()).toMatch(/^2\s*current/);
      await page.getByRole('button', { name: 'Make current' }).click();
      await versions.nth(1).locator('.badge').waitFor();
      expect(await versions.first().locator('.badge').count()).toBe(0);
      await screenshot(page, `lookups-${width}`);
      await page.close();
    }
    const api = await fetch(`${t.url}/api/lookups`, {
      headers: { authorization: `Bearer ${t.tokens.viewer}` },
    });
    const docs = (await api.json()) as Array<{ name: string; current: number }>;
    expect(docs.map((d) => [d.name, d.current])).toEqual([
      ['SecOpsAssetRole1100', 1],
      ['SecOpsAssetRole1440', 1],
    ]);
  });

  it('a viewer reads lookups but has no form to load them', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signIn(page, t.url, 'viewer', PASSWORDS.viewer);
    await page.goto(`${t.url}/lookups`);
    await page.getByRole('table', { name: 'Lookups' }).waitFor();
    expect(await page.getByLabel('Lookup name').count()).toBe(0);
    await page.close();
  });
});
