// End to end in headless Chromium on a test-sized demo whose clock is pinned (so the data, and
// every count below, is the same at any hour): sign in; the analyst's path — triage the queue
// (group, bulk acknowledge, assign), open an alert, hunt into its records and back, investigate
// the insider, propose the disable from a dry run's change table, a second person approves it
// (four eyes), the account shows disabled and the insider's alerts close as handled — without
// reading JSON; then the hunting grid (seed queries, sort, record view, filter, fields, chart
// zoom), the editor, dashboards (drill-down, editing), no sideways scroll at 1024–1440 px, and a
// viewer refused in the app and at the API.
// Each page's screenshot lands in test-results/screenshots/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/server/auth/accounts.js';
import { startDemo, type Demo } from '../../src/app/demo.js';
import { setLogLevel } from '../../src/util/log.js';
import { SEEDS } from '../linq/helpers/seeds.js';
import { chromiumMissing, launch, screenshot, signIn, VIEWPORT } from './browser.js';

const WEB_BUILT = existsSync(fileURLToPath(new URL('../../dist/web/index.html', import.meta.url)));
const skip =
  chromiumMissing() ?? (WEB_BUILT ? undefined : 'dist/web is not built: run npm run build');
const VIEWER = { name: 'vera', password: 'viewer-password-e2e' };
const ANALYST = { name: 'ana', password: 'analyst-password-e2e' };
const SECOND = { name: 'rui', password: 'responder-password-e2e' };
/** The demo's simulated present: pinned, so that what it holds does not depend on the hour. */
const NOW = new Date('2026-03-04T16:00:00Z');

const countOf = async (page: Page) =>
  Number((await page.getByTestId('result-count').textContent())!.replace(/,/g, '').split(' ')[0]);

/** Opens a grid row: a click on its first cell's text (not on a link or a copy button in it). */
const openRow = (row: Locator) =>
  row
    .locator('.grid-cell')
    .first()
    .click({ position: { x: 6, y: 6 } });

async function answered(page: Page): Promise<number> {
  await expect
    .poll(() => page.getByTestId('result-count').textContent(), { timeout: 30_000 })
    .toMatch(/ rows( \(limit reached\))? in \d+ ms/);
  return countOf(page);
}

describe.skipIf(skip !== undefined)('the web app in Chromium', () => {
  let demo: Demo;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    setLogLevel('error');
    demo = await startDemo({ port: 0, users: 30, days: 1, now: NOW, speed: 1 });
    const accounts = new Accounts(demo.store);
    await accounts.create(VIEWER.name, 'viewer', VIEWER.password);
    await accounts.create(ANALYST.name, 'analyst', ANALYST.password);
    await accounts.create(SECOND.name, 'responder', SECOND.password);
    browser = await launch();
    context = await browser.newContext({ viewport: VIEWPORT });
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  const insider = () => demo.scenarios.find((s) => s.name === 'insider-exfiltration')!.actors[0]!;
  const insiderRe = () => new RegExp(insider().replace(/[.@]/g, '\\$&'));

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

  describe("the analyst's path: triage, hunt and back, respond with four eyes", () => {
    let alertUrl = '';

    it('triages the queue: counts, grouped repeats, bulk acknowledge and assign', async () => {
      await page.goto(`${demo.url}/alerts`);
      const queue = page.getByRole('table', { name: 'Alert queue' });
      await queue.waitFor({ timeout: 30_000 });
      const total = Number(
        (await page.getByTestId('alert-count').textContent())!.replace(/,/g, '').split(' ')[0],
      );
      expect(total).toBeGreaterThan(10);
      // Repeats of one rule on one user are one row: fewer rows than alerts.
      expect(await queue.locator('tbody tr').count()).toBeLessThan(total);
      await screenshot(page, '02-alert-queue');
      // The insider's alerts, found by name; filters live in the URL.
      await page.getByLabel('Find alerts').fill(insider());
      await expect.poll(() => page.url()).toContain(`q=${encodeURIComponent(insider())}`);
      const rows = queue.locator('tbody tr');
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
      // Select them all, acknowledge in bulk, assign to the analyst.
      await page.getByLabel('Select every alert shown').check();
      const bulk = page.getByRole('region', { name: 'Selected alerts' });
      await bulk.getByRole('button', { name: 'Acknowledge' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /changed/ })
        .waitFor();
      await expect.poll(() => queue.locator('.status-new').count()).toBe(0);
      await page.getByLabel('Select every alert shown').check();
      await bulk.getByLabel('Assign the selected alerts to').selectOption(ANALYST.name);
      await expect
        .poll(() => queue.locator('td', { hasText: new RegExp(`^${ANALYST.name}$`) }).count())
        .toBeGreaterThan(0);
      // Sorted by a header: the most events first.
      await queue.getByRole('button', { name: 'Events' }).click();
      await expect.poll(() => page.url()).toContain('sort=count');
      await screenshot(page, '03-alert-queue-triaged');
    });

    it('opens an alert: when it happened, entities, evidence records, a comment', async () => {
      const queue = page.getByRole('table', { name: 'Alert queue' });
      await queue.locator('a.alert-link').first().click();
      await page.locator('article.alert-detail').waitFor();
      alertUrl = page.url();
      await expect(page.locator('.facts').textContent()).resolves.toMatch(
        /Events.*from 2026-03-0\d .* to 2026-03-0\d/,
      );
      await expect(page.getByTestId('alert-status').textContent()).resolves.toMatch(/acknowledged/);
      // An evidence row opens its record whole, as fields.
      const evidence = page.getByRole('grid', { name: 'Evidence rows' });
      await openRow(evidence.locator('.grid-row').first());
      await page.getByTestId('record-view').waitFor();
      await page
        .getByLabel('Comment', { exact: true })
        .fill('Checked the recipients: outside the company.');
      await page.getByRole('button', { name: 'Add the comment' }).click();
      await page.locator('.comments').getByText('Checked the recipients').waitFor();
      await screenshot(page, '04-alert');
    });

    it('hunts from the alert into its records, opens one, filters, and comes back', async () => {
      await page.getByTestId('hunt').first().click();
      const rows = await answered(page);
      expect(rows).toBeGreaterThan(0);
      // A record opens whole: its fields, and the raw record as Microsoft sent it.
      await openRow(page.locator('.grid-row').first());
      const record = page.getByTestId('record-view');
      await record.waitFor();
      await record.getByRole('tab', { name: /Raw record/ }).click();
      await expect(record.getByTestId('record-json').textContent()).resolves.toMatch(
        /"CreationTime": "2026-03-0/,
      );
      await record.getByRole('tab', { name: 'Fields' }).click();
      // Filter for this record's operation: the query gains a where clause and runs again.
      await record.getByRole('button', { name: 'Filter for Operation' }).click();
      await expect
        .poll(() => page.locator('.cm-content').textContent())
        .toMatch(/where Operation = "/);
      const filtered = await answered(page);
      expect(filtered).toBeLessThanOrEqual(rows);
      await screenshot(page, '05-hunt-from-alert');
      // And back to the alert.
      await page.getByRole('link', { name: /Back to the alert/ }).click();
      await page.locator('article.alert-detail').waitFor();
      expect(page.url()).toBe(alertUrl);
    });

    it('investigates the insider: directory facts, GeoIP on addresses, alerts, timeline', async () => {
      await page.goto(`${demo.url}/users/${encodeURIComponent(insider())}`);
      await expect
        .poll(() => page.getByTestId('account-state').textContent(), { timeout: 30_000 })
        .toBe('enabled');
      await page.locator('[data-section="timeline"] .grid-row').first().waitFor();
      const signins = page.locator('[data-section="signins"]');
      await expect(signins.getByRole('columnheader', { name: /country/ }).count()).resolves.toBe(1);
      await expect(
        page.locator('[data-section="shared"] .grid-row').count(),
      ).resolves.toBeGreaterThan(0);
      // A shared file's cell starts with its name (a cell is cut at its width), then where it is.
      const firstFile = await page
        .locator('[data-section="shared"] .grid-row')
        .first()
        .locator('.cell-text')
        .first()
        .textContent();
      expect(firstFile).toMatch(/^[^/]+\.\w{2,5} · [\w.-]+\.sharepoint\.com\//);
      await screenshot(page, '06-user');
    });

    it('proposes the disable from a dry run; the proposer cannot approve it', async () => {
      await page.getByTestId('revoke').check();
      await page.getByTestId('dry-run').click();
      const plan = page.getByTestId('plan');
      await plan.waitFor({ timeout: 30_000 });
      // The plan is a change table: the account's state now → after, and the Graph call.
      const table = plan.getByTestId('plan-table');
      await expect(
        table.getByRole('row', { name: /Disable the account/ }).textContent(),
      ).resolves.toMatch(/accountEnabled: true.*accountEnabled: false.*PATCH \/users\//);
      await table.getByRole('row', { name: /Revoke sign-in sessions/ }).waitFor();
      expect(await page.locator('.plan pre').count()).toBe(0);
      await screenshot(page, '07-dry-run');
      await page.getByTestId('propose').click();
      const review = page.getByTestId('action-review').first();
      await review.getByTestId('four-eyes').waitFor();
      await expect(review.getByTestId('approve').count()).resolves.toBe(0);
    });

    it('a second responder reviews the plan and approves it; the account is disabled', async () => {
      const second = await browser.newContext({ viewport: VIEWPORT });
      const rui = await second.newPage();
      try {
        await signIn(rui, demo.url, SECOND.name, SECOND.password);
        await rui.goto(`${demo.url}/actions?status=proposed`);
        const row = rui
          .locator('.grid-row')
          .filter({ hasText: insiderRe() })
          .filter({ has: rui.locator('.grid-cell', { hasText: /^admin$/ }) })
          .first();
        await openRow(row);
        const review = rui.getByTestId('action-review');
        await review.getByTestId('approve').click();
        // The confirmation shows the plan before anything runs.
        await review.getByTestId('plan-table').waitFor();
        await screenshot(rui, '08-approve');
        await review.getByTestId('confirm-approve').click();
        await expect
          .poll(() => review.getByTestId('action-status').textContent(), { timeout: 30_000 })
          .toMatch(/verified|executed/);
        await review.getByTestId('results-table').waitFor();
        await expect(review.textContent()).resolves.toMatch(/approved by rui/);
        await screenshot(rui, '09-approved');
      } finally {
        await second.close();
      }
    });

    it("shows the account disabled and closes the insider's alerts as handled", async () => {
      await page.goto(`${demo.url}/users/${encodeURIComponent(insider())}`);
      await expect
        .poll(() => page.getByTestId('account-state').textContent(), { timeout: 30_000 })
        .toBe('disabled');
      await expect(page.getByTestId('sessions-from').textContent()).resolves.toMatch(/2026-03-0/);
      await page.getByTestId('close-handled').click();
      await page
        .getByRole('status')
        .filter({ hasText: /closed as true positive/ })
        .waitFor();
      await page.goto(`${demo.url}/alerts?status=closed&q=${encodeURIComponent(insider())}`);
      const queue = page.getByRole('table', { name: 'Alert queue' });
      await queue.locator('tbody tr').first().waitFor();
      await expect(queue.locator('.status-closed').first().textContent()).resolves.toMatch(
        /true positive/,
      );
      await screenshot(page, '10-closed');
    });
  });

  it.each(Object.entries(SEEDS))('runs seed query %s and shows its rows', async (n, query) => {
    const link = new URLSearchParams({ q: query, from: 'now-7d', to: 'now' });
    await page.goto(`${demo.url}/search?${link.toString()}`);
    expect(await answered(page), `seed ${n}`).toBeGreaterThan(0);
    await expect(page.locator('.grid-row').count()).resolves.toBeGreaterThan(0);
    if (n === '5') await screenshot(page, '11-search-seed-5');
  });

  it('keeps only the rows in view, newest first, sortable, with fields and a zoomable chart', async () => {
    const link = new URLSearchParams({
      q: 'from cloud.office365.management',
      from: 'now-7d',
      to: 'now',
    });
    await page.goto(`${demo.url}/search?${link.toString()}`);
    const rows = await answered(page);
    // The clock is pinned: a day of the 30-user tenant is the same thousands of rows at any hour.
    expect(rows).toBeGreaterThan(1000);
    await expect(page.locator('.grid-row').count()).resolves.toBeLessThan(80);
    // Newest first: the first row's time is the latest.
    const times = await page.locator('.grid-row .grid-cell:first-child').allTextContents();
    expect(times.slice(0, 5)).toEqual([...times.slice(0, 5)].sort().reverse());
    // A wide answer shows a compact set of columns; the field list adds one.
    const headers = page.getByRole('columnheader');
    const shown = await headers.count();
    expect(shown).toBeLessThan(12);
    // The compact view leaves out the raw address fields when srcIp has the address.
    const clientIp = page.getByLabel('Show ClientIP in the grid');
    await expect(clientIp.isChecked()).resolves.toBe(false);
    await clientIp.check();
    await expect.poll(() => headers.count()).toBe(shown + 1);
    // A field's top values, with filter buttons.
    await page.locator('.field-name', { hasText: /^Workload$/ }).click();
    await page
      .getByRole('button', { name: /^Filter for Workload / })
      .first()
      .waitFor();
    // Sort by a header, both ways.
    const grid = page.getByRole('grid', { name: 'Query results' });
    await grid.getByRole('button', { name: /^Operation/ }).click();
    await expect(
      grid.getByRole('columnheader', { name: /Operation/ }).getAttribute('aria-sort'),
    ).resolves.toBe('ascending');
    // Scrolling to the end shows the last rows, still few in the page.
    await page.locator('.grid').first().focus();
    await page.keyboard.press('End');
    await page.locator(`.grid-row[aria-rowindex="${rows + 1}"]`).waitFor();
    await expect(page.locator('.grid-row').count()).resolves.toBeLessThan(80);
    await screenshot(page, '12-search-grid');
    // Drag across the chart: the range narrows to what was dragged, and the query runs again.
    const over = page.locator('.chart-box .u-over').first();
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toMatch(/^2026-03-0/);
    const zoomed = await answered(page);
    expect(zoomed).toBeLessThan(rows);
  });

  it('draws one series per group of a `group every` query, and a bar drills down', async () => {
    const link = new URLSearchParams({
      q: 'from cloud.office365.management group every 1h by Workload select count() as events',
      from: 'now-2d',
      to: 'now',
    });
    await page.goto(`${demo.url}/search?${link.toString()}`);
    await answered(page);
    const legend = page.locator('.chart-legend .legend-item');
    await expect.poll(() => legend.count()).toBeGreaterThan(2);
    // A series' legend entry opens its records.
    await legend.filter({ hasText: 'Exchange' }).click();
    await expect
      .poll(() => page.locator('.cm-content').textContent())
      .toMatch(/^from cloud\.office365\.management\s*where Workload = "Exchange"$/);
    expect(await answered(page)).toBeGreaterThan(0);
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
    await screenshot(page, '13-search-completion');
    await page.keyboard.press('Enter');
    await page.keyboard.type(' where Operation = "SharingSet"');
    await page.keyboard.press('Control+Enter');
    await answered(page);
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
    await screenshot(page, '14-search-error');
  });

  it('draws every dashboard; a bar drills down to what is behind it', async () => {
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
      await screenshot(page, `15-dashboard-${board}`);
    }
    // Top downloaders: a bar is a user, and opens their page.
    await page.goto(`${demo.url}/dashboards/overview`);
    const bar = page.locator('[data-panel="top-downloaders"] .bar-button').first();
    const who = (await bar.locator('.bar-label').textContent())!;
    await bar.click();
    await page.getByRole('heading', { name: new RegExp(who.replace(/[.@]/g, '\\$&')) }).waitFor();
  });

  it('edits a dashboard: a panel added from a search, moved, removed, the board reset', async () => {
    const link = new URLSearchParams({
      q: 'from cloud.office365.management group by Workload select count() as events',
      from: 'now-2d',
      to: 'now',
    });
    await page.goto(`${demo.url}/search?${link.toString()}`);
    await answered(page);
    await page.getByRole('button', { name: 'Add to dashboard…' }).click();
    const form = page.getByRole('form', { name: 'Add to a dashboard' });
    await form.getByLabel('Panel title').fill('Records by workload');
    await form.getByLabel('Dashboard', { exact: true }).selectOption('health');
    await form.getByRole('button', { name: 'Add the panel' }).click();
    await page.getByRole('heading', { name: 'Records by workload' }).waitFor();
    const titles = () => page.locator('.panel-head h2').allTextContents();
    expect((await titles()).at(-1)).toBe('Records by workload');
    // It is drawn as bars (a group by one key, a count).
    await page
      .locator('.panel', { hasText: 'Records by workload' })
      .locator('.bar-button')
      .first()
      .waitFor();
    await page.getByTestId('edit-board').click();
    await page.getByRole('button', { name: 'Move Records by workload up' }).click();
    await expect.poll(async () => (await titles()).at(-2)).toBe('Records by workload');
    await page.getByRole('button', { name: 'Remove Collector status' }).click();
    await expect.poll(async () => (await titles()).includes('Collector status')).toBe(false);
    await screenshot(page, '16-dashboard-edited');
    // Kept in the store: a reload shows the same panels; the reset brings back the shipped ones.
    await page.reload();
    await page.getByRole('heading', { name: 'Records by workload' }).waitFor();
    await page.getByTestId('edit-board').click();
    await page.getByRole('button', { name: 'Reset to the shipped panels' }).click();
    await expect.poll(async () => (await titles()).includes('Records by workload')).toBe(false);
    expect(await titles()).toContain('Collector status');
  });

  it('never scrolls sideways at 1024, 1100 and 1440 px', async () => {
    const narrow = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    const p = await narrow.newPage();
    try {
      await signIn(p, demo.url, 'admin', demo.admin.password);
      const paths = [
        '/alerts',
        `/users/${encodeURIComponent(insider())}`,
        `/search?${new URLSearchParams({ q: 'from cloud.office365.management', from: 'now-1d', to: 'now' }).toString()}`,
        '/dashboards/entra',
        '/dashboards/health',
        '/actions',
        '/settings',
      ];
      for (const width of [1024, 1100, 1440]) {
        await p.setViewportSize({ width, height: 800 });
        for (const path of paths) {
          await p.goto(`${demo.url}${path}`);
          await p.locator('main h1, main .editor').first().waitFor();
          await expect.poll(() => p.locator('.state.loading').count(), { timeout: 30_000 }).toBe(0);
          if (path.startsWith('/search')) await answered(p);
          const wide = await p.evaluate<number>(
            'document.documentElement.scrollWidth - document.documentElement.clientWidth',
          );
          expect(wide, `${path} at ${width} px`).toBeLessThanOrEqual(0);
          if (width === 1100)
            await screenshot(
              p,
              `17-${width}-${path.split(/[/?]/)[1]}-${path.includes('entra') ? 'entra' : ''}`,
            );
        }
      }
    } finally {
      await narrow.close();
    }
  });

  it('shows the settings page', async () => {
    await page.goto(`${demo.url}/settings`);
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    await screenshot(page, '18-settings');
  });

  it('lets an analyst propose; a responder approves it; a disable is undone', async () => {
    const other = demo.scenarios.find((s) => s.name === 'mail-forwarding')!.actors[0]!;
    const analystContext = await browser.newContext({ viewport: VIEWPORT });
    const analyst = await analystContext.newPage();
    try {
      await signIn(analyst, demo.url, ANALYST.name, ANALYST.password);
      await analyst.goto(`${demo.url}/users/${encodeURIComponent(other)}`);
      await analyst.getByTestId('propose').waitFor({ timeout: 30_000 });
      await expect(analyst.getByTestId('dry-run').count()).resolves.toBe(0);
      await analyst.getByTestId('propose').click();
      // The proposal recorded (rules may have proposed for this user too: theirs are by rule:…).
      await analyst
        .getByTestId('action-review')
        .filter({ hasText: `by ${ANALYST.name}` })
        .waitFor({ timeout: 30_000 });
    } finally {
      await analystContext.close();
    }
    await page.goto(`${demo.url}/actions?status=proposed`);
    const proposal = page
      .locator('.grid-row')
      .filter({ hasText: new RegExp(other.replace(/[.@]/g, '\\$&')) })
      .filter({ has: page.locator('.grid-cell', { hasText: new RegExp(`^${ANALYST.name}$`) }) })
      .first();
    await openRow(proposal);
    const review = page.getByTestId('action-review');
    await review.getByTestId('approve').click();
    await review.getByTestId('confirm-approve').click();
    await expect
      .poll(() => review.getByTestId('action-status').textContent(), { timeout: 30_000 })
      .toMatch(/verified|executed/);
    // Undo: the account is enabled again, as a new step of the log.
    await review.getByTestId('undo').click();
    await expect
      .poll(() => review.getByTestId('action-status').textContent(), { timeout: 30_000 })
      .toBe('undone');
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
      await viewer.goto(`${demo.url}/alerts`);
      await viewer.getByRole('table', { name: 'Alert queue' }).waitFor();
      await expect(viewer.getByLabel('Select every alert shown').count()).resolves.toBe(0);
      await viewer.goto(`${demo.url}/settings`);
      await viewer.getByRole('heading', { name: 'API tokens' }).waitFor();
      await expect(viewer.getByRole('heading', { name: 'Accounts' }).count()).resolves.toBe(0);
      await viewer.goto(`${demo.url}/search`);
      await expect(viewer.getByRole('button', { name: 'Save…' }).count()).resolves.toBe(0);
      await screenshot(viewer, '19-viewer');
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
          bulk: await post('/api/alerts/triage', { action: 'ack', ids: ['any'] }),
          respond: await post('/api/actions', {
            action: 'disable-user',
            user: 'a@b.c',
            dryRun: true,
          }),
          accounts: (await fetch('/api/accounts')).status,
        };
      });
      expect(statuses).toEqual({ ack: 403, bulk: 403, respond: 403, accounts: 403 });
    } finally {
      await viewerContext.close();
    }
  });
});
