// The dashboard and the objects-and-fields screen in a real browser against
// a real kith serve (tests/e2e/harness.mjs): the three default panels draw
// their data (bars, line points, donut slices compared with
// /api/reports/{id}/data), a panel from one's own SELECT (a bad one shows
// the server's error), edit and remove a panel, live refresh; a custom
// object with fields of several types, a rename, a removal, the refused
// label field, and the object's rename and removal, with the sidebar
// following. Each test saves a screenshot under build/screenshots/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api } from '../e2e/harness.mjs';
import { openApp, screenshot } from './browser.mjs';

let browser, page, problems;

before(async () => {
  ({ browser, page, problems } = await openApp());
});

after(async () => {
  if (browser) await browser.close();
});

const SHAPES = { bar: '.bar', line: '.point', donut: '.slice' };

// [label, value] of each bar, point or slice drawn in a panel.
const drawn = (panel, shape) => panel.locator(shape).evaluateAll((els) =>
  els.map((e) => [e.getAttribute('data-label'), Number(e.getAttribute('data-value'))]));

// What a chart of rows should draw: labels as text, values as numbers.
const expected = (rows, chart) => rows
  .map((r) => [r[0] === null ? '(none)' : String(r[0]), Number(r[1])])
  .filter(([, v]) => chart !== 'donut' || v > 0);

const panelOf = (id) => page.locator(`.panel[data-report-id="${id}"]`);

async function openDashboard() {
  await page.locator('.nav a[href="#/dashboard"]').click();
  await page.locator('#screen h1', { hasText: 'Dashboard' }).waitFor();
}

test('the three default panels draw their data as bars, a line and a donut', async () => {
  await openDashboard();
  const { json } = await api('GET', '/api/reports');
  assert.deepEqual(json.reports.map((r) => [r.name, r.chart]), [
    ['Pipeline value by stage', 'bar'], ['Deals won per month', 'line'], ['People by status', 'donut']]);
  for (const r of json.reports) {
    const data = (await api('GET', `/api/reports/${r.id}/data`)).json;
    assert.ok(data.rows.length > 1, `${r.name} has data`);
    const panel = panelOf(r.id);
    await panel.locator(SHAPES[r.chart]).first().waitFor();
    assert.equal(await panel.locator('h2').textContent(), r.name);
    assert.deepEqual(await drawn(panel, SHAPES[r.chart]), expected(data.rows, r.chart), r.name);
    // An accessible name that sums the data up, a tooltip per shape and a
    // hidden table with every row for screen readers.
    const label = await panel.locator('svg[role=img]').getAttribute('aria-label');
    assert.match(label, new RegExp(`^${r.chart === 'bar' ? 'Bar' : r.chart === 'line' ? 'Line' : 'Donut'} chart of ${r.name}: ${data.rows[0][0]} `));
    assert.match(await panel.locator(`${SHAPES[r.chart]} title`).first().textContent(), new RegExp(`^${data.rows[0][0]}: `));
    assert.equal(await panel.locator('table.visually-hidden tbody tr').count(), data.rows.length);
  }
  // The bars are as long as their values say, the longest the biggest.
  const widths = await panelOf(1).locator('.bar').evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))));
  assert.deepEqual([...widths].sort((a, b) => b - a), widths);
  await screenshot(page, 'dashboard-defaults');
  await page.emulateMedia({ colorScheme: 'dark' });
  const fill = await panelOf(1).locator('.bar').first().evaluate((e) => getComputedStyle(e).fill);
  assert.equal(fill, 'rgb(143, 176, 255)'); // --chart-0 of the dark theme
  await screenshot(page, 'dashboard-dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('add panel: a bad SELECT shows the server\'s error; a good one previews, saves and survives a reload', async () => {
  await page.getByRole('button', { name: 'Add panel' }).click();
  const dialog = page.locator('dialog[open]');
  await dialog.getByLabel('Title').fill('Companies by industry');
  await dialog.getByLabel('Chart').selectOption('bar');
  const sql = dialog.getByLabel('SELECT');
  await sql.fill('SELECT industri, count(*) FROM companies GROUP BY 1');
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await dialog.locator('#panel-sql-error', { hasText: /industri/ }).waitFor();
  await screenshot(page, 'dashboard-bad-select');
  // Saving it is refused by the server too, and what was typed stays.
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.locator('#panel-sql-error', { hasText: /^report: .*industri/ }).waitFor();
  assert.equal(await sql.inputValue(), 'SELECT industri, count(*) FROM companies GROUP BY 1');
  assert.equal(await dialog.getByLabel('Title').inputValue(), 'Companies by industry');

  const good = 'SELECT industry, count(*) AS companies FROM companies WHERE industry IS NOT NULL GROUP BY industry ORDER BY 2 DESC';
  const want = (await api('POST', '/api/sql', { body: { sql: good } })).json;
  await sql.fill(good);
  await sql.press('Control+Enter'); // previews from the keyboard
  await dialog.locator('.panel-preview .bar').first().waitFor();
  assert.equal(await dialog.locator('#panel-sql-error').textContent(), '');
  assert.deepEqual(await drawn(dialog.locator('.panel-preview'), '.bar'), expected(want.rows, 'bar'));
  await screenshot(page, 'dashboard-preview');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });

  const saved = (await api('GET', '/api/reports')).json.reports.find((r) => r.name === 'Companies by industry');
  assert.ok(saved, 'the panel is a saved report');
  assert.equal(saved.sql, good);
  assert.equal(saved.chart, 'bar');
  await panelOf(saved.id).locator('.bar').first().waitFor();
  await page.reload();
  await panelOf(saved.id).locator('.bar').first().waitFor();
  assert.deepEqual(await drawn(panelOf(saved.id), '.bar'), expected(want.rows, 'bar'));
  await screenshot(page, 'dashboard-new-panel');
});

test('edit a panel into a table; removing one asks first', async () => {
  const saved = (await api('GET', '/api/reports')).json.reports.find((r) => r.name === 'Companies by industry');
  const panel = panelOf(saved.id);
  await panel.getByRole('button', { name: 'Edit Companies by industry' }).click();
  const dialog = page.locator('dialog[open]');
  assert.equal(await dialog.getByLabel('SELECT').inputValue(), saved.sql);
  await dialog.getByLabel('Title').fill('Industries');
  await dialog.getByLabel('Chart').selectOption('table');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  const rows = (await api('GET', `/api/reports/${saved.id}/data`)).json.rows;
  await panel.locator('table.chart-table').waitFor();
  assert.equal(await panel.locator('h2').textContent(), 'Industries');
  assert.equal(await panel.locator('table.chart-table tbody tr').count(), rows.length);
  assert.equal((await api('GET', `/api/reports/${saved.id}`)).json.chart, 'table');
  await screenshot(page, 'dashboard-table-panel');

  await panel.getByRole('button', { name: 'Remove Industries' }).click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Cancel' }).click();
  await page.locator('dialog').waitFor({ state: 'detached' });
  assert.equal(await panel.count(), 1);
  await panel.getByRole('button', { name: 'Remove Industries' }).click();
  await page.keyboard.press('Escape'); // Escape closes it too
  await page.locator('dialog').waitFor({ state: 'detached' });
  await panel.getByRole('button', { name: 'Remove Industries' }).click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Remove' }).click();
  await panel.waitFor({ state: 'detached' });
  assert.equal((await api('GET', `/api/reports/${saved.id}`)).status, 404);
  assert.equal(await page.locator('.panel').count(), 3);
});

test('a change made elsewhere re-runs the panels without a reload', async () => {
  const donut = panelOf(3);
  await donut.locator('.slice[data-label="Churned"]').waitFor(); // drawn again after the removal
  const before = Object.fromEntries(await drawn(donut, '.slice'));
  assert.ok(before.Churned > 0, JSON.stringify(before));
  const r = await api('POST', '/api/objects/people/entries', { body: { name: 'Dash Live', status: 'Churned' } });
  assert.equal(r.status, 201, r.text);
  await page.waitForFunction((n) => Number(document.querySelector('.panel[data-report-id="3"] .slice[data-label="Churned"]')
    ?.getAttribute('data-value')) === n, before.Churned + 1);
  await screenshot(page, 'dashboard-live');
});

test('objects: the list shows every object; a new custom object appears in the sidebar', async () => {
  await page.locator('.nav a[href="#/objects"]').click();
  await page.locator('#screen h1', { hasText: 'Objects and fields' }).waitFor();
  const { json } = await api('GET', '/api/objects');
  const rows = await page.locator('.objects-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(rows, json.objects.map((o) => [o.name, o.slug, String(o.fields.length), String(o.count)]));
  await screenshot(page, 'objects-list');
  // A name the server refuses: its message beside the field.
  await page.getByLabel('New object').fill('People');
  await page.getByRole('button', { name: 'Create object' }).click();
  await page.locator('#new-object-name-error', { hasText: /people/i }).waitFor();
  assert.equal(await page.getByLabel('New object').inputValue(), 'People');
  await page.getByLabel('New object').fill('Investors');
  await page.getByLabel('New object').press('Enter');
  await page.waitForURL(/#\/objects\/investors$/);
  await page.locator('#screen h1', { hasText: 'Investors' }).waitFor();
  await page.locator('.objects a[href="#/o/investors"]', { hasText: 'Investors' }).waitFor();
  assert.equal((await api('GET', '/api/objects/investors')).status, 200);
});

test('add fields of several types: currency, a select with options, a relation, a url', async () => {
  const add = page.locator('form.add-field');
  const addField = async (name, type, extra = {}) => {
    await add.getByLabel('Name').fill(name);
    await add.getByLabel('Type').selectOption(type);
    if (extra.options) await add.getByLabel('Options').fill(extra.options);
    if (extra.to) await add.getByLabel('Links to').selectOption(extra.to);
    await add.getByRole('button', { name: 'Add field' }).click();
    await page.locator(`.fields-table tr[data-slug="${extra.slug}"]`).waitFor();
  };
  // Options and target show only for the types that take them.
  await add.getByLabel('Type').selectOption('text');
  assert.equal(await add.getByLabel('Options').isVisible(), false);
  assert.equal(await add.getByLabel('Links to').isVisible(), false);
  await addField('Fund size', 'currency', { slug: 'fund_size' });
  await addField('Stage', 'select', { options: 'Seed, Series A, Series B', slug: 'stage' });
  await addField('Partner', 'relation', { to: 'people', slug: 'partner' });
  await addField('Website', 'url', { slug: 'website' });
  // A bad one: the server's message, and the form keeps it.
  await add.getByLabel('Name').fill('Stage');
  await add.getByLabel('Type').selectOption('text');
  await add.getByRole('button', { name: 'Add field' }).click();
  await page.locator('#new-field-error', { hasText: /stage/i }).waitFor();
  assert.equal(await add.getByLabel('Name').inputValue(), 'Stage');

  const fields = (await api('GET', '/api/objects/investors/fields')).json.fields;
  assert.deepEqual(fields.map((f) => [f.slug, f.type]), [['name', 'text'], ['fund_size', 'currency'],
    ['stage', 'select'], ['partner', 'relation'], ['website', 'url']]);
  assert.deepEqual(fields.find((f) => f.slug === 'stage').options, ['Seed', 'Series A', 'Series B']);
  assert.equal(fields.find((f) => f.slug === 'partner').target, 'people');
  const shown = await page.locator('.fields-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.dataset.slug, tr.cells[2].textContent, tr.cells[3].textContent]));
  assert.deepEqual(shown, [['name', 'Text', ''], ['fund_size', 'Currency', ''], ['stage', 'Select', 'SeedSeries ASeries B'],
    ['partner', 'Relation', '→ People'], ['website', 'URL', '']]);
  await screenshot(page, 'objects-fields');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'objects-fields-dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('rename a field in place: Enter saves, a taken name shows the server\'s message, Escape gives up', async () => {
  const row = page.locator('.fields-table tr[data-slug="website"]');
  await row.getByRole('button', { name: 'Rename field Website' }).click();
  const input = row.getByLabel('New name for Website');
  await input.fill('Stage');
  await input.press('Enter');
  await row.locator('.error', { hasText: /already has a field 'Stage'/ }).waitFor();
  assert.equal(await input.inputValue(), 'Stage');
  await screenshot(page, 'objects-rename-refused');
  await input.press('Escape');
  await row.getByRole('button', { name: 'Rename field Website' }).waitFor();
  await row.getByRole('button', { name: 'Rename field Website' }).click();
  await row.getByLabel('New name for Website').fill('Homepage');
  await row.getByLabel('New name for Website').press('Enter');
  await row.getByRole('button', { name: 'Rename field Homepage' }).waitFor();
  assert.equal((await api('GET', '/api/objects/investors/fields')).json.fields.find((f) => f.slug === 'website').name, 'Homepage');
});

test('remove a field after confirming; removing the label field is refused with the server\'s message', async () => {
  await page.getByRole('button', { name: 'Remove field Homepage' }).click();
  const dialog = page.locator('dialog[open]');
  await dialog.getByText('Its value in every entry is deleted').waitFor();
  await screenshot(page, 'objects-remove-field');
  await dialog.getByRole('button', { name: 'Remove field' }).click();
  await page.locator('.fields-table tr[data-slug="website"]').waitFor({ state: 'detached' });
  assert.ok(!(await api('GET', '/api/objects/investors/fields')).json.fields.some((f) => f.slug === 'website'));

  await page.getByRole('button', { name: 'Remove field Name' }).click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Remove field' }).click();
  await page.locator('#fields-error', { hasText: "'name' is the label of investors and cannot be removed" }).waitFor();
  assert.equal(await page.locator('.fields-table tr[data-slug="name"]').count(), 1);
  assert.ok((await api('GET', '/api/objects/investors/fields')).json.fields.some((f) => f.slug === 'name'));
  await screenshot(page, 'objects-label-refused');
});

test('rename the object (the sidebar follows); removing it needs its name typed', async () => {
  await page.getByRole('button', { name: 'Rename object' }).click();
  let dialog = page.locator('dialog[open]');
  await dialog.getByLabel('Name').fill('Backers');
  await dialog.getByLabel('Name').press('Enter');
  await page.locator('#screen h1', { hasText: 'Backers' }).waitFor();
  await page.locator('.objects a[href="#/o/investors"]', { hasText: 'Backers' }).waitFor();
  assert.equal((await api('GET', '/api/objects/investors')).json.name, 'Backers');

  await page.getByRole('button', { name: 'Remove object' }).click();
  dialog = page.locator('dialog[open]');
  const confirm = dialog.getByRole('button', { name: 'Remove object' });
  assert.equal(await confirm.isDisabled(), true);
  await dialog.getByLabel('Type Backers to confirm').fill('Backer');
  assert.equal(await confirm.isDisabled(), true);
  await dialog.getByLabel('Type Backers to confirm').fill('Backers');
  await screenshot(page, 'objects-remove-object');
  await confirm.click();
  await page.waitForURL(/#\/objects$/);
  await page.locator('.objects a[href="#/o/investors"]').waitFor({ state: 'detached' });
  assert.equal((await api('GET', '/api/objects/investors')).status, 404);
  assert.equal(await page.locator('.objects-table tr', { hasText: 'Backers' }).count(), 0);
});

test('no CSP violation and no uncaught error on these screens', () => {
  assert.deepEqual(problems, []);
});
