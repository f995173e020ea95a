// End to end in headless Chromium on a test-sized demo: sign in, run the eight seed queries and
// see their rows, the editor's completion and positioned errors, the dashboards, an alert followed
// to its user page, the user disabled (dry run, then for real) and seen in the action log, and a
// viewer refused in the app and at the API.
// Each page's screenshot lands in test-results/screenshots/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/server/auth/accounts.js';
import { startDemo, type Demo } from '../../src/server/demo.js';
import { setLogLevel } from '../../src/util/log.js';
import { SEEDS } from '../linq/helpers/seeds.js';
import { chromiumMissing, launch, screenshot, signIn, VIEWPORT } from './browser.js';

const WEB_BUILT = existsSync(fileURLToPath(new URL('../../dist/web/index.html', import.meta.url)));
const skip =
  chromiumMissing() ?? (WEB_BUILT ? undefined : 'dist/web is not built: run npm run build');
const VIEWER = { name: 'vera', password: 'viewer-password-e2e' };
const ANALYST = { name: 'ana', password: 'analyst-password-e2e' };

describe.skipIf(skip !== undefined)('the web app in Chromium', () => {
  let demo: Demo;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    setLogLevel('error');
    demo = await startDemo({ port: 0, users: 30, days: 1 });
    await new Accounts(demo.store).create(VIEWER.name, 'viewer', VIEWER.password);
    await new Accounts(demo.store).create(ANALYST.name, 'analyst', ANALYST.password);
    browser = await launch();
    context = await browser.newContext({ viewport: VIEWPORT });
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  const insider = () => demo.scenarios.find((s) => s.name === 'insider-exfiltration')!.actors[0]!;

  it('signs in', async () => {
    await page.goto(`${demo.url}/`);
    await page.getByLabel('Account').waitFor();
    await screenshot(page, '01-sign-in');
    await page.getByLabel('Account').fill('admin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(
      /wrong account name or password/,
    );
    await page.getByLabel('Password').fill(demo.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('whoami').textContent()).resolves.toMatch(/admin/);
  });

  it.each(Object.entries(SEEDS))('runs seed query %s and shows its rows', async (n, query) => {
    const link = new URLSearchParams({ q: query, from: 'now-7d', to: 'now' });
    await page.goto(`${demo.url}/search?${link.toString()}`);
    const counter = page.getByTestId('result-count');
    await expect
      .poll(() => counter.textContent(), { timeout: 30_000 })
      .toMatch(/ rows( \(limit reached\))? in \d+ ms/);
    const rows = Number((await counter.textContent())!.replace(/,/g, '').split(' ')[0]);
    expect(rows, `seed ${n}`).toBeGreaterThan(0);
    await expect(page.locator('.grid-row').count()).resolves.toBeGreaterThan(0);
    if (n === '5') await screenshot(page, '02-search-seed-5');
  });

  it('keeps only the rows in view in the page (virtualised grid)', async () => {
    const link = new URLSearchParams({
      q: 'from cloud.office365.management',
      from: 'now-7d',
      to: 'now',
    });
    await page.goto(`${demo.url}/search?${link.toString()}`);
    const counter = page.getByTestId('result-count');
    await expect
      .poll(() => counter.textContent(), { timeout: 30_000 })
      .toMatch(/ rows( \(limit reached\))? in \d+ ms/);
    const rows = Number((await counter.textContent())!.replace(/,/g, '').split(' ')[0]);
    // Far more rows than the page holds (the demo's count in range depends on its clock; 200 is
    // well under what a day of a 30-user tenant gives at any hour).
    expect(rows).toBeGreaterThan(200);
    await expect(page.locator('.grid-row').count()).resolves.toBeLessThan(80);
    // Scrolling to the end shows the last rows, still few in the page.
    await page.locator('.grid').first().focus();
    await page.keyboard.press('End');
    await page.locator(`.grid-row[aria-rowindex="${rows + 1}"]`).waitFor();
    await expect(page.locator('.grid-row').count()).resolves.toBeLessThan(80);
  });

  it('completes table names and runs with Ctrl-Enter', async () => {
    await page.goto(`${demo.url}/search`);
    const editor = page.locator('.cm-content');
    await editor.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await page.keyboard.type('from cloud.office365.management.oned');
    await page
      .locator('.cm-tooltip-autocomplete')
      .getByText('cloud.office365.management.onedrive')
      .waitFor();
    await screenshot(page, '03-search-completion');
    await page.keyboard.press('Enter');
    await page.keyboard.type(' where Operation = "SharingSet"');
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(() => page.getByTestId('result-count').textContent(), { timeout: 30_000 })
      .toMatch(/ rows( \(limit reached\))? in \d+ ms/);
  });

  it('underlines a compile error where it is', async () => {
    const editor = page.locator('.cm-content');
    await editor.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type(
      'from cloud.office365.management where Operation = "x" group by UserIdd',
    );
    await page.keyboard.press('Control+Enter');
    await page.getByRole('alert').filter({ hasText: 'UserIdd' }).waitFor();
    await page.locator('.cm-lintRange-error').first().waitFor();
    await screenshot(page, '04-search-error');
  });

  it('draws every dashboard', async () => {
    for (const board of ['overview', 'signins', 'workloads', 'teams', 'entra', 'health']) {
      await page.goto(`${demo.url}/dashboards/${board}`);
      await page.locator('.panel').first().waitFor();
      await expect.poll(() => page.locator('.state.loading').count(), { timeout: 30_000 }).toBe(0);
      const errors = await page.locator('.panel .state.error').allTextContents();
      expect(
        errors.filter((e) => !/Not available/.test(e)),
        board,
      ).toEqual([]);
      // The demo collects the Graph sources too: their dashboard has data in every panel.
      if (board === 'entra') expect(await page.locator('.panel .state.empty').count()).toBe(0);
      await screenshot(page, `05-dashboard-${board}`);
    }
    // Each panel opens in search.
    await page.goto(`${demo.url}/dashboards/signins`);
    await page.getByRole('link', { name: 'Open in search' }).first().click();
    await expect
      .poll(() => page.getByTestId('result-count').textContent(), { timeout: 30_000 })
      .toMatch(/ rows( \(limit reached\))? in \d+ ms/);
  });

  it('opens an alert and follows it to the user page', async () => {
    await page.goto(`${demo.url}/alerts`);
    const item = page.locator('.alert-item').filter({ hasText: insider() }).first();
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    await page.locator('.alert-detail').waitFor();
    await screenshot(page, '06-alert');
    await page.locator('.entities').getByRole('link', { name: insider() }).first().click();
    await page.getByRole('heading', { name: new RegExp(insider().replace('.', '\\.')) }).waitFor();
  });

  it("shows the insider's page: sign-ins, sharing, timeline", async () => {
    await page.goto(`${demo.url}/users/${encodeURIComponent(insider())}`);
    await page.locator('[data-section="timeline"] .grid-row').first().waitFor({ timeout: 30_000 });
    await expect(
      page.locator('[data-section="shared"] .grid-row').count(),
    ).resolves.toBeGreaterThan(0);
    await expect(
      page.locator('[data-section="signins"] .grid-row').count(),
    ).resolves.toBeGreaterThan(0);
    await screenshot(page, '07-user');
  });

  it('disables the user with a dry run, then for real, and logs it', async () => {
    await page.goto(`${demo.url}/users/${encodeURIComponent(insider())}`);
    await page.getByTestId('dry-run').click();
    await page.getByTestId('plan').waitFor();
    await page.getByTestId('confirm').click();
    await page.getByTestId('done').waitFor();
    await page.goto(`${demo.url}/actions`);
    await page.locator('.grid-row').filter({ hasText: insider() }).first().waitFor();
    await screenshot(page, '08-actions');
  });

  it('lets an analyst propose, a responder approve, and undoes a disable', async () => {
    const other = demo.scenarios.find((s) => s.name === 'mail-forwarding')!.actors[0]!;
    const analystContext = await browser.newContext({ viewport: VIEWPORT });
    const analyst = await analystContext.newPage();
    try {
      await signIn(analyst, demo.url, ANALYST.name, ANALYST.password);
      await analyst.goto(`${demo.url}/users/${encodeURIComponent(other)}`);
      await expect(analyst.getByTestId('dry-run').count()).resolves.toBe(0);
      await analyst.getByTestId('propose').click();
      await analyst.getByTestId('done').waitFor();
    } finally {
      await analystContext.close();
    }
    await page.goto(`${demo.url}/actions`);
    const proposed = page
      .locator('.grid-row')
      .filter({ hasText: other })
      .filter({ hasText: 'proposed' });
    await proposed.getByRole('button', { name: 'Approve' }).click();
    await page
      .locator('.grid-row')
      .filter({ hasText: other })
      .filter({ hasText: /verified|executed/ })
      .waitFor({ timeout: 30_000 });
    // The insider's disable, undone: the account is enabled again, as a new step of the log.
    const insiderRow = page
      .locator('.grid-row')
      .filter({ hasText: insider() })
      .filter({ hasText: 'disable-user' });
    await insiderRow.getByTestId('undo').first().click();
    await page
      .locator('.grid-row')
      .filter({ hasText: insider() })
      .filter({ hasText: 'undone' })
      .waitFor({ timeout: 30_000 });
  });

  it('shows the action log and settings pages', async () => {
    await page.goto(`${demo.url}/actions`);
    await page.getByRole('heading', { name: 'Action log' }).waitFor();
    await page.goto(`${demo.url}/settings`);
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    await screenshot(page, '09-settings');
  });

  it('refuses a viewer in the app and at the API', async () => {
    const viewerContext = await browser.newContext({ viewport: VIEWPORT });
    const viewer = await viewerContext.newPage();
    try {
      await signIn(viewer, demo.url, VIEWER.name, VIEWER.password);
      // No triage, no respond, no accounts in the app.
      await viewer.goto(`${demo.url}/users/${encodeURIComponent(insider())}`);
      await viewer.locator('[data-section="timeline"]').waitFor({ timeout: 30_000 });
      await expect(viewer.getByTestId('dry-run').count()).resolves.toBe(0);
      await expect(viewer.getByRole('heading', { name: 'Respond' }).count()).resolves.toBe(0);
      await viewer.goto(`${demo.url}/settings`);
      await viewer.getByRole('heading', { name: 'API tokens' }).waitFor();
      await expect(viewer.getByRole('heading', { name: 'Accounts' }).count()).resolves.toBe(0);
      await viewer.goto(`${demo.url}/search`);
      await expect(viewer.getByRole('button', { name: 'Save…' }).count()).resolves.toBe(0);
      await screenshot(viewer, '10-viewer');
      // The API refuses the same calls even when the page makes them.
      const statuses = await viewer.evaluate(async () => {
        const me = (await (await fetch('/api/auth/me')).json()) as { csrf: string };
        const post = (path: string, body: unknown) =>
          fetch(path, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf },
            body: JSON.stringify(body),
          }).then((r) => r.status);
        return {
          ack: await post('/api/alerts/any/ack', {}),
          respond: await post('/api/actions', {
            action: 'disable-user',
            user: 'a@b.c',
            dryRun: true,
          }),
          accounts: (await fetch('/api/accounts')).status,
        };
      });
      expect(statuses).toEqual({ ack: 403, respond: 403, accounts: 403 });
    } finally {
      await viewerContext.close();
    }
  });
});
