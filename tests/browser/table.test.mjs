// The web UI's first slice in a real browser against a real kith serve
// (tests/e2e/harness.mjs): log in with the printed URL, the sidebar, the
// people table, sorting, the filter bar, paging while scrolling and the
// live refresh. Each test saves a screenshot under build/screenshots/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, port, request, stdout } from '../e2e/harness.mjs';
import { launch, screenshot } from './browser.mjs';

let browser, context, page;
const cspViolations = [];

before(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1024, height: 720 } });
  context.setDefaultTimeout(10000);
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
});

after(async () => {
  if (browser) await browser.close();
});

const rowNames = () => page.$$eval('#spacer .row', (rows) => rows
  .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))
  .map((r) => r.querySelector('[role=gridcell][data-field]').textContent));

test('a wrong pasted token shows the server\'s message and sets no cookie', async () => {
  await page.goto(`http://127.0.0.1:${port}/login`);
  await page.getByLabel('Token').fill('not-the-token');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('wrong token').waitFor();
  assert.equal((await context.cookies()).length, 0);
  await screenshot(page, 'login-wrong-token');
});

test('the app sends a visitor without a session to /login', async () => {
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForURL(/\/login$/);
});

test('the printed URL logs in and opens the app without the token in the URL', async () => {
  const url = stdout.match(/serving (http:\S+#token=\S+)/)[1];
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForURL((u) => u.pathname === '/' || u.hash.startsWith('#/o/'));
  assert.ok(!page.url().includes('token='), page.url());
  const cookies = await context.cookies();
  assert.ok(cookies.some((c) => c.name === 'kith_session' && c.httpOnly));
  await page.locator('#spacer .row').first().waitFor();
  await screenshot(page, 'logged-in');
});

test('the sidebar lists every object with its count', async () => {
  const { json } = await api('GET', '/api/objects');
  for (const o of json.objects) {
    const link = page.locator(`.objects a[href="#/o/${o.slug}"]`);
    await assert.doesNotReject(link.waitFor());
    assert.equal(await link.locator('.count').textContent(), String(o.count));
  }
  await screenshot(page, 'sidebar');
});

test('the people table has a column per field and shows relations, chips and dates', async () => {
  await page.locator('.objects a[href="#/o/people"]').click();
  await page.locator('#title', { hasText: 'People' }).waitFor();
  const headers = await page.$$eval('#header [role=columnheader][aria-sort] button', (b) => b.map((x) => x.firstChild.textContent));
  assert.deepEqual(headers, ['Name', 'Email', 'Phone', 'Company', 'Title', 'Status', 'Tags', 'LinkedIn', 'Last contacted']);
  const ann = page.locator('#spacer .row[data-id="1"]');
  await ann.waitFor();
  const cells = await ann.locator('[role=gridcell][data-field]').allTextContents();
  assert.equal(cells[0], 'Ann Lee');
  assert.equal(cells[3], 'Acme Inc'); // a relation shows its label
  assert.equal(await ann.locator('.type-multi_select .chip').count(), 1);
  assert.equal(await ann.locator('time').getAttribute('datetime'), '2026-06-28');
  assert.match(await page.locator('#total').textContent(), /^200 entries$/);
  await screenshot(page, 'people-table');
});

test('clicking a header sorts by it (aria-sort), again sorts descending', async () => {
  const first = async (sort) => (await api('GET', `/api/objects/people/entries?sort=${sort}&limit=1`)).json.entries[0].name;
  const name = page.locator('#header [role=columnheader][aria-sort]').first();
  await name.locator('button').click();
  await page.waitForFunction(() => document.querySelector('#header [role=columnheader][aria-sort]').getAttribute('aria-sort') === 'ascending');
  await page.waitForFunction((n) => document.querySelector('#spacer .row[aria-rowindex="2"] [role=gridcell][data-field]')?.textContent === n, await first('name'));
  await name.locator('button').click();
  await page.waitForFunction(() => document.querySelector('#header [role=columnheader][aria-sort]').getAttribute('aria-sort') === 'descending');
  await page.waitForFunction((n) => document.querySelector('#spacer .row[aria-rowindex="2"] [role=gridcell][data-field]')?.textContent === n, await first('-name'));
  await screenshot(page, 'sorted-descending');
  await name.locator('button').click();
  await page.waitForFunction(() => document.querySelector('#header [role=columnheader][aria-sort]').getAttribute('aria-sort') === 'none');
});

test('a filter typo shows the server\'s error; the right filter narrows the rows', async () => {
  const filter = page.getByLabel('Filter');
  await filter.fill('statu = Lead');
  await page.locator('#filter-error', { hasText: /statu/ }).waitFor();
  assert.equal((await rowNames()).length > 0, true); // the rows stay
  await screenshot(page, 'filter-error');
  const { json } = await api('GET', '/api/objects/people/entries?where=' + encodeURIComponent('status = Lead') + '&limit=500');
  await filter.fill('status = Lead');
  await page.locator('#total', { hasText: `${json.total} ` }).waitFor();
  assert.equal(await page.locator('#filter-error').textContent(), '');
  const statuses = await page.$$eval('#spacer .row', (rows) => rows.map((r) => r.querySelectorAll('[role=gridcell][data-field]')[5].textContent));
  assert.ok(statuses.length > 0 && statuses.length < 200);
  assert.ok(statuses.every((s) => s === 'Lead'), statuses.join());
  await screenshot(page, 'filter-lead');
  await filter.fill('');
  await page.locator('#total', { hasText: /^200 entries$/ }).waitFor();
});

test('a saved view shows under its object and opens with its filter, sort and columns', async () => {
  const r = await api('POST', '/api/views', { body: { object: 'people', name: 'Leads by name',
    where: 'status = Lead', sort: 'name', columns: ['name', 'status'] } });
  assert.equal(r.status, 201, r.text);
  const leads = (await api('GET', '/api/objects/people/entries?where=' + encodeURIComponent('status = Lead') + '&sort=name&limit=1')).json;
  await page.reload();
  const link = page.locator('.objects .views a', { hasText: 'Leads by name' });
  await link.click();
  await page.locator('#title', { hasText: 'People · Leads by name' }).waitFor();
  assert.equal(await link.getAttribute('aria-current'), 'page');
  assert.equal(await page.getByLabel('Filter').inputValue(), 'status = Lead');
  await page.locator('#total', { hasText: `${leads.total} ` }).waitFor();
  const headers = await page.$$eval('#header [role=columnheader][aria-sort]', (h) => h.map((x) => [x.firstChild.firstChild.textContent, x.getAttribute('aria-sort')]));
  assert.deepEqual(headers, [['Name', 'ascending'], ['Status', 'none']]);
  await page.waitForFunction((n) => document.querySelector('#spacer .row[aria-rowindex="2"] [role=gridcell][data-field]')?.textContent === n, leads.entries[0].name);
  await screenshot(page, 'saved-view');
  await page.locator('.objects a[href="#/o/people"]').click();
  await page.locator('#total', { hasText: /^200 entries$/ }).waitFor();
});

test('scrolling loads the next page with the cursor and count=false; few rows are in the DOM', async () => {
  const csv = 'name,email\n' + Array.from({ length: 400 }, (_, i) => `Scroll Person ${i},scroll${i}@example.com`).join('\n') + '\n';
  const r = await api('POST', '/api/objects/people/import', { body: csv, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(r.status, 200, r.text);
  const pages = [];
  page.on('request', (req) => { if (req.url().includes('/entries?')) pages.push(new URL(req.url())); });
  await page.reload();
  await page.locator('#total', { hasText: /^600 entries$/ }).waitFor();
  const viewport = page.locator('#viewport');
  // scrolling a view at a time, as a wheel or PageDown would
  for (let i = 0; i < 80 && !(await page.locator('#spacer .row[data-id]').filter({ hasText: 'Scroll Person 399' }).count()); i++) {
    await viewport.evaluate((el) => { el.scrollTop += el.clientHeight; });
    await page.waitForTimeout(50);
  }
  await page.locator('#spacer .row', { hasText: 'Scroll Person 399' }).waitFor();
  const next = pages.filter((u) => u.searchParams.get('cursor'));
  assert.ok(next.length >= 2, `${next.length} next-page requests`);
  assert.ok(next.every((u) => u.searchParams.get('count') === 'false'));
  assert.ok(pages.filter((u) => !u.searchParams.get('cursor')).every((u) => !u.searchParams.has('count')));
  const drawn = await page.locator('#spacer .row').count();
  assert.ok(drawn < 80, `only the rows in view are drawn, not ${drawn}`);
  await screenshot(page, 'scrolled-to-the-end');
});

test('the scrollbar covers every entry; a jump to the end shows the last rows after one request by offset', async () => {
  await page.reload();
  await page.locator('#total', { hasText: /^600 entries$/ }).waitFor();
  // 200 rows loaded, but the spacer is as tall as all 600
  assert.equal(await page.locator('#spacer').evaluate((el) => el.offsetHeight), 600 * 32);
  const asked = [];
  const listen = (req) => { if (req.url().includes('/entries?')) asked.push(new URL(req.url())); };
  page.on('request', listen);
  await page.locator('#viewport').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.locator('#spacer .row', { hasText: 'Scroll Person 399' }).waitFor();
  page.off('request', listen);
  assert.equal(await page.locator('#spacer .row.placeholder').count(), 0);
  // the last page by its offset, not the pages on the way along the cursor
  assert.ok(asked.length >= 1 && asked.length <= 2, `${asked.length} requests`);
  assert.equal(asked[0].searchParams.get('offset'), '400');
  assert.equal(asked[0].searchParams.get('count'), 'false');
  assert.ok(asked.every((u) => !u.searchParams.get('cursor')), asked.join(' '));
  const last = (await api('GET', '/api/objects/people/entries?offset=599&limit=1')).json.entries[0];
  assert.equal(await page.locator(`#spacer .row[aria-rowindex="601"]`).getAttribute('data-id'), String(last.id));
  const drawn = await page.locator('#spacer .row').count();
  assert.ok(drawn < 80, `only the rows in view are drawn, not ${drawn}`);
  await screenshot(page, 'jumped-to-the-end');
});

test('Ctrl+End moves the active cell to the last row; it takes the focus once its page has come', async () => {
  await page.reload();
  await page.locator('#total', { hasText: /^600 entries$/ }).waitFor();
  await page.locator('#spacer .row[aria-rowindex="2"] [data-field="name"]').click();
  await page.keyboard.press('Control+End');
  await page.waitForFunction(() => document.activeElement?.closest('.row')?.getAttribute('aria-rowindex') === '601');
  const last = (await api('GET', '/api/objects/people/entries?offset=599&limit=1')).json.entries[0];
  const focused = await page.evaluate(() => [document.activeElement.closest('.row').dataset.id, document.activeElement.dataset.field]);
  assert.deepEqual(focused, [String(last.id), 'last_contacted']);
  await page.keyboard.press('Control+Home');
  await page.waitForFunction(() => document.activeElement?.closest('.row')?.getAttribute('aria-rowindex') === '2');
});

test('a change made elsewhere while scrolled far down keeps the view where it was', async () => {
  const viewport = page.locator('#viewport');
  await viewport.evaluate((el) => { el.scrollTop = 450 * 32; });
  const rowAt = (i) => page.locator(`#spacer .row[aria-rowindex="${i + 2}"][data-id]`);
  await rowAt(455).waitFor();
  const before = await viewport.evaluate((el) => el.scrollTop);
  const ids = await page.$$eval('#spacer .row[data-id]', (rows) => rows.map((r) => r.dataset.id).sort());
  const target = (await api('GET', '/api/objects/people/entries?offset=455&limit=1')).json.entries[0];
  const asked = [];
  const listen = (req) => { if (req.url().includes('/entries?')) asked.push(new URL(req.url())); };
  page.on('request', listen);
  const r = await api('PATCH', `/api/objects/people/entries/${target.id}`, { body: { title: 'Changed While Far Down' } });
  assert.equal(r.status, 200, r.text);
  await rowAt(455).filter({ hasText: 'Changed While Far Down' }).waitFor();
  page.off('request', listen);
  assert.equal(await rowAt(455).getAttribute('data-id'), String(target.id));
  assert.equal(await viewport.evaluate((el) => el.scrollTop), before);
  assert.deepEqual(await page.$$eval('#spacer .row[data-id]', (rows) => rows.map((r) => r.dataset.id).sort()), ids);
  assert.equal(await page.locator('#spacer .row.placeholder').count(), 0);
  // the total from the first page, the page in view by its offset
  assert.ok(asked.some((u) => !u.searchParams.has('offset') && !u.searchParams.has('count')), asked.join(' '));
  assert.ok(asked.some((u) => u.searchParams.get('offset') === '400'), asked.join(' '));
  await screenshot(page, 'refresh-far-down');
});

test('a change made elsewhere shows up without a reload', async () => {
  await viewportTop();
  const r = await api('POST', '/api/objects/people/entries', { body: { name: 'Live Refresh Person' } });
  assert.equal(r.status, 201, r.text);
  await page.locator('#total', { hasText: /^601 entries$/ }).waitFor();
  await page.locator('.objects a[href="#/o/people"] .count', { hasText: '601' }).waitFor();
  await screenshot(page, 'live-refresh');
});

test('views, fields and reports made elsewhere show up without a reload', async () => {
  await page.locator('.objects a[href="#/o/companies"]').click();
  await page.locator('#title', { hasText: 'Companies' }).waitFor();
  const marker = await page.evaluate(() => { window.kithNotReloaded = true; return true; });
  const view = await api('POST', '/api/views', { body: { object: 'companies', name: 'Made elsewhere' } });
  assert.equal(view.status, 201, view.text);
  await page.locator('.objects .views a', { hasText: 'Made elsewhere' }).waitFor();
  const field = await api('POST', '/api/objects/companies/fields', { body: { name: 'Elsewhere note', type: 'text' } });
  assert.equal(field.status, 201, field.text);
  await page.locator('#header [role=columnheader]', { hasText: 'Elsewhere note' }).waitFor();
  await screenshot(page, 'layout-from-elsewhere');
  await page.locator('.nav a[href="#/dashboard"]').click();
  await page.locator('h1', { hasText: 'Dashboard' }).waitFor();
  const report = await api('POST', '/api/reports', { body: { name: 'Made elsewhere', sql: 'SELECT count(*) FROM companies', chart: 'number' } });
  assert.equal(report.status, 201, report.text);
  await page.locator(`.panel[data-report-id="${report.json.id}"]`, { hasText: 'Made elsewhere' }).waitFor();
  assert.equal(await page.evaluate(() => window.kithNotReloaded), marker); // the same page all along
  // a route under an object's link (its kanban) marks that link current
  await page.goto(page.url().replace(/#.*$/, '#/o/people/kanban'));
  await page.locator('#title', { hasText: 'People' }).waitFor();
  assert.equal(await page.locator('.objects a[href="#/o/people"]').getAttribute('aria-current'), 'page');
  assert.equal(await page.locator('.nav a[href="#/dashboard"]').getAttribute('aria-current'), null);
  await page.locator('.objects a[href="#/o/people"]').click();
  await page.locator('#title', { hasText: 'People' }).waitFor();
});

test('the theme follows the system: dark when the system is dark', async () => {
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  assert.equal(await bg(), 'rgb(255, 255, 255)');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await bg(), 'rgb(22, 24, 28)');
  await screenshot(page, 'dark-theme');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('static files: the pages run under the CSP without a violation', async () => {
  assert.deepEqual(cspViolations, []);
  const res = await request('GET', '/');
  assert.equal(res.status, 200);
});

async function viewportTop() {
  await page.locator('#viewport').evaluate((el) => { el.scrollTop = 0; });
}
