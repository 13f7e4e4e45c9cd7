// Editing in the table, in a real browser against a real kith serve
// (tests/e2e/harness.mjs): add a person and edit each kind of field inline
// (text, email, select, multi_select, relation, date), a failed save that
// keeps what was typed, an editor that survives the live refresh, moving
// between cells with the keyboard, delete and undo from the toast, bulk
// update and bulk delete with undo, and columns hidden and ordered saved
// into a view. Every value is checked through the API too.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api } from '../e2e/harness.mjs';
import { openApp, screenshot } from './browser.mjs';

let browser, page, problems;
let grace; // the id of the person added in the first test

before(async () => {
  ({ browser, page, problems } = await openApp());
  await page.locator('.objects a[href="#/o/people"]').click();
  await page.locator('#spacer .row[data-id="1"]').waitFor();
});

after(async () => {
  if (browser) await browser.close();
});

const person = async (id) => (await api('GET', `/api/objects/people/entries/${id}`)).json;
const cell = (id, slug) => page.locator(`#spacer .row[data-id="${id}"] [data-field="${slug}"]`);
const editor = () => page.locator('#spacer .cell-editor');
// [entry id, field slug] of the focused cell.
const focusedCell = () => page.evaluate(() => {
  const a = document.activeElement;
  return [Number(a.closest('.row')?.dataset.id), a.dataset.field];
});
const waitFocus = (id, slug) => page.waitForFunction(([i, s]) => {
  const a = document.activeElement;
  return a?.dataset.field === s && a.closest('.row')?.dataset.id === String(i);
}, [id, slug]);
const waitValue = async (id, slug, ok) => {
  for (let i = 0; i < 100; i++) {
    const v = (await person(id))[slug];
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${slug} of #${id} never became what was expected: ${JSON.stringify((await person(id))[slug])}`);
};
// Move the focused cell to field slug of the same row with the arrows.
async function arrowTo(slug) {
  const order = await page.$$eval('#header button[data-field]', (b) => b.map((x) => x.dataset.field));
  const [id, now] = await focusedCell();
  const by = order.indexOf(slug) - order.indexOf(now);
  for (let i = 0; i < Math.abs(by); i++) await page.keyboard.press(by > 0 ? 'ArrowRight' : 'ArrowLeft');
  await waitFocus(id, slug);
}

test('create and edit a person inline: name, email, status, tags, company, last contacted', async () => {
  await page.locator('#viewport').focus();
  await page.keyboard.press('n');
  const name = page.getByLabel('Name', { exact: true });
  await name.waitFor();
  await name.fill('Grace Hopper');
  await page.keyboard.press('Enter');
  await page.locator('#spacer .row[aria-rowindex="2"]', { hasText: 'Grace Hopper' }).waitFor();
  const { json } = await api('GET', '/api/objects/people/entries?where=' + encodeURIComponent('name = "Grace Hopper"'));
  assert.equal(json.entries.length, 1);
  grace = json.entries[0].id;
  await waitFocus(grace, 'name');
  await page.locator('#total', { hasText: /^201 entries$/ }).waitFor();

  // email: Enter opens the editor, Enter saves
  await arrowTo('email');
  await page.keyboard.press('Enter');
  await page.keyboard.type('grace@navy.example');
  await page.keyboard.press('Enter');
  await cell(grace, 'email').locator('a', { hasText: 'grace@navy.example' }).waitFor();
  assert.equal(await waitValue(grace, 'email', (v) => v !== null), 'grace@navy.example');
  await waitFocus(grace, 'email');

  // status: the select picker, filtered by typing
  await arrowTo('status');
  await page.keyboard.press('F2');
  await editor().getByRole('option', { name: 'Lead' }).waitFor();
  await page.keyboard.type('cust');
  assert.deepEqual(await editor().getByRole('option').allTextContents(), ['Customer']);
  await screenshot(page, 'edit-select-picker');
  await page.keyboard.press('Enter');
  await cell(grace, 'status').locator('.chip', { hasText: 'Customer' }).waitFor();
  assert.equal(await waitValue(grace, 'status', (v) => v !== null), 'Customer');

  // tags: the multi_select picker; Space toggles, Enter saves
  await arrowTo('tags');
  await page.keyboard.press('Enter');
  await editor().getByRole('option', { name: 'vip' }).waitFor();
  await page.keyboard.press('Space');          // vip, the first option
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');          // newsletter, the third
  assert.equal(await editor().getByRole('option', { name: 'newsletter' }).getAttribute('aria-selected'), 'true');
  await screenshot(page, 'edit-multi-select-picker');
  await page.keyboard.press('Enter');
  await cell(grace, 'tags').locator('.chip', { hasText: 'newsletter' }).waitFor();
  assert.deepEqual(await waitValue(grace, 'tags', (v) => v !== null), ['vip', 'newsletter']);

  // company: the relation picker searches the companies as you type
  await arrowTo('company');
  await page.keyboard.press('Enter');
  await page.keyboard.type('ironw');
  await editor().getByRole('option', { name: 'Ironwood Group' }).waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('.cell-editor [role=option]')]
    .every((o) => /ironw/i.test(o.textContent)));
  await screenshot(page, 'edit-relation-picker');
  await page.keyboard.press('Enter');
  await cell(grace, 'company').filter({ hasText: 'Ironwood Group' }).waitFor();
  const company = await waitValue(grace, 'company', (v) => v !== null);
  assert.equal(company.label, 'Ironwood Group');

  // last contacted: the date input
  await page.keyboard.press('End');
  await waitFocus(grace, 'last_contacted');
  await page.keyboard.press('Enter');
  const date = editor().locator('input[type=date]');
  await date.fill('2027-01-15');
  await date.press('Enter');
  await cell(grace, 'last_contacted').locator('time[datetime="2027-01-15"]').waitFor();
  assert.equal(await waitValue(grace, 'last_contacted', (v) => v !== null), '2027-01-15');
  assert.equal(await editor().count(), 0);
  await screenshot(page, 'edit-person-done');
});

test('a failed save shows the server\'s message beside the cell and keeps what was typed', async () => {
  await cell(grace, 'email').click();
  await page.keyboard.press('Enter');
  const input = editor().locator('input');
  await input.fill('not-an-email');
  await input.press('Enter');
  await editor().locator('.editor-error', { hasText: "email: 'not-an-email' is not an email address" }).waitFor();
  assert.equal(await input.inputValue(), 'not-an-email');
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  assert.equal(await input.evaluate((e) => e === document.activeElement), true);
  assert.equal((await person(grace)).email, 'grace@navy.example');
  await screenshot(page, 'edit-failed-save');
  // fixing the text saves it
  await input.fill('grace.hopper@navy.example');
  await input.press('Enter');
  await cell(grace, 'email').locator('a', { hasText: 'grace.hopper@navy.example' }).waitFor();
  assert.equal(await waitValue(grace, 'email', (v) => v === 'grace.hopper@navy.example'), 'grace.hopper@navy.example');
});

test('an open editor survives the live refresh; Escape cancels', async () => {
  await cell(grace, 'title').click();
  await page.keyboard.press('Enter');
  await page.keyboard.type('Rear Admiral');
  // a change made elsewhere reloads the rows under the editor
  const r = await api('PATCH', '/api/objects/people/entries/1', { body: { title: 'Changed Elsewhere' } });
  assert.equal(r.status, 200, r.text);
  await cell(1, 'title').filter({ hasText: 'Changed Elsewhere' }).waitFor();
  assert.equal(await editor().locator('input').inputValue(), 'Rear Admiral');
  assert.equal(await editor().locator('input').evaluate((e) => e === document.activeElement), true);
  await screenshot(page, 'edit-survives-refresh');
  await page.keyboard.press('Enter');
  await cell(grace, 'title').filter({ hasText: 'Rear Admiral' }).waitFor();
  assert.equal(await waitValue(grace, 'title', (v) => v !== null), 'Rear Admiral');
  // Escape leaves the value as it was
  await page.keyboard.press('Enter');
  await page.keyboard.type(' of the Fleet');
  await page.keyboard.press('Escape');
  await editor().waitFor({ state: 'detached' });
  await waitFocus(grace, 'title');
  assert.equal(await cell(grace, 'title').textContent(), 'Rear Admiral');
  assert.equal((await person(grace)).title, 'Rear Admiral');
});

test('the keyboard moves between cells; Tab saves and moves right', async () => {
  await cell(grace, 'name').click();
  await waitFocus(grace, 'name');
  await page.keyboard.press('ArrowDown');
  const second = Number(await page.locator('#spacer .row[aria-rowindex="3"]').getAttribute('data-id'));
  await waitFocus(second, 'name');
  await page.keyboard.press('ArrowRight');
  await waitFocus(second, 'email');
  await page.keyboard.press('ArrowUp');
  await waitFocus(grace, 'email');
  await page.keyboard.press('End');
  await waitFocus(grace, 'last_contacted');
  await page.keyboard.press('Home');
  await waitFocus(grace, 'name');
  assert.equal(await page.locator('#spacer .cell.active').count(), 1);
  // Space selects the row, Shift+ArrowDown extends, Escape clears
  await page.keyboard.press('Space');
  await page.keyboard.press('Shift+ArrowDown');
  await waitFocus(second, 'name');
  const bar = page.getByRole('toolbar', { name: 'Selected rows' });
  await bar.getByText('2 selected:').waitFor();
  assert.deepEqual(await page.$$eval('#spacer .row.selected', (r) => r.map((x) => Number(x.dataset.id))), [grace, second]);
  await screenshot(page, 'edit-keyboard-focus');
  await page.keyboard.press('Escape');
  await bar.waitFor({ state: 'hidden' });
  assert.equal(await page.locator('#spacer .row.selected').count(), 0);
  await page.keyboard.press('ArrowUp');
  await waitFocus(grace, 'name');
  // Tab in an editor saves and moves to the next cell
  await arrowTo('phone');
  await page.keyboard.press('Enter');
  await page.keyboard.type('+1 202 555 0100');
  await page.keyboard.press('Tab');
  await waitFocus(grace, 'company');
  assert.equal(await waitValue(grace, 'phone', (v) => v !== null), '+1 202 555 0100');
  assert.equal(await cell(grace, 'phone').textContent(), '+1 202 555 0100');
  // a double click opens the editor too
  await cell(grace, 'title').dblclick();
  await editor().locator('input').waitFor();
  assert.equal(await editor().locator('input').inputValue(), 'Rear Admiral');
  await page.keyboard.press('Escape');
  await editor().waitFor({ state: 'detached' });
});

test('Delete removes the focused row; Undo in the toast brings it back', async () => {
  await cell(grace, 'name').click();
  await page.keyboard.press('Delete');
  const toast = page.locator('.toast', { hasText: 'Deleted Grace Hopper' });
  await toast.waitFor();
  await page.locator('#spacer .row[data-id="' + grace + '"]').waitFor({ state: 'detached' });
  assert.equal((await api('GET', `/api/objects/people/entries/${grace}`)).status, 404);
  await screenshot(page, 'edit-delete-toast');
  await toast.getByRole('button', { name: 'Undo' }).click();
  await cell(grace, 'name').filter({ hasText: 'Grace Hopper' }).waitFor();
  const back = await person(grace);
  assert.equal(back.email, 'grace.hopper@navy.example');
  assert.equal(back.company.label, 'Ironwood Group');
});

test('select rows, set a field on all of them and undo; delete them all and undo', async () => {
  await page.getByLabel('Filter').fill('status = Lead');
  await page.locator('#total', { hasText: /^\d+ entries$/ }).waitFor();
  const { json } = await api('GET', '/api/objects/people/entries?where=' + encodeURIComponent('status = Lead') + '&limit=3');
  await page.waitForFunction((id) => document.querySelector('#spacer .row[aria-rowindex="2"]')?.dataset.id === String(id), json.entries[0].id);
  const ids = json.entries.map((e) => e.id);
  // a click on the first checkbox, Shift-click on the third: three rows
  await page.locator(`#spacer .row[data-id="${ids[0]}"] .check input`).click();
  await page.locator(`#spacer .row[data-id="${ids[2]}"] .check input`).click({ modifiers: ['Shift'] });
  const bar = page.getByRole('toolbar', { name: 'Selected rows' });
  await bar.getByText('3 selected:').waitFor();
  assert.equal(await page.locator('#spacer .row.selected').count(), 3);
  await bar.getByRole('button', { name: 'Set field…' }).click();
  await bar.getByRole('combobox', { name: 'Field to set' }).waitFor();
  await page.keyboard.type('stat');
  await page.keyboard.press('Enter');
  await bar.getByRole('option', { name: 'Churned' }).waitFor();
  await page.keyboard.type('churn');
  await screenshot(page, 'edit-bulk-set');
  await page.keyboard.press('Enter');
  const toast = page.locator('.toast', { hasText: 'Set Status on 3 people' });
  await toast.waitFor();
  for (const id of ids) assert.equal((await person(id)).status, 'Churned');
  await toast.getByRole('button', { name: 'Undo' }).click();
  await toast.waitFor({ state: 'detached' });
  for (const id of ids) assert.equal((await person(id)).status, 'Lead');

  // the selection stays: delete the three and undo
  await page.waitForFunction(() => document.querySelectorAll('#spacer .row.selected').length === 3);
  await bar.getByRole('button', { name: 'Delete' }).click();
  const deleted = page.locator('.toast', { hasText: 'Deleted 3 people' });
  await deleted.waitFor();
  for (const id of ids) assert.equal((await api('GET', `/api/objects/people/entries/${id}`)).status, 404);
  await bar.waitFor({ state: 'hidden' });
  await screenshot(page, 'edit-bulk-deleted');
  await deleted.getByRole('button', { name: 'Undo' }).click();
  for (const id of ids) await page.locator(`#spacer .row[data-id="${id}"]`).waitFor();
  for (const id of ids) assert.equal((await person(id)).status, 'Lead');
  await page.getByLabel('Filter').fill('');
  await page.locator('#total', { hasText: /^201 entries$/ }).waitFor();
});

test('columns hidden and ordered are saved into a view that reopens the same way', async () => {
  const headers = () => page.$$eval('#header button[data-field]', (b) => b.map((x) => x.dataset.field));
  await page.getByRole('button', { name: 'Columns' }).click();
  const menu = page.getByRole('dialog', { name: 'Columns' });
  await menu.getByLabel('Phone', { exact: true }).uncheck();
  await menu.getByLabel('LinkedIn', { exact: true }).uncheck();
  await menu.getByLabel('Email', { exact: true }).focus();
  await page.keyboard.press('Alt+ArrowUp');              // Email before Name
  await menu.getByRole('button', { name: 'Move Status up' }).click();
  const expected = ['email', 'name', 'company', 'status', 'title', 'tags', 'last_contacted'];
  await page.waitForFunction((e) => [...document.querySelectorAll('#header button[data-field]')]
    .map((b) => b.dataset.field).join() === e.join(), expected);
  await screenshot(page, 'edit-columns-menu');
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden' });

  await page.getByRole('button', { name: 'Save view' }).click();
  await page.getByLabel('View name').fill('Compact people');
  await page.keyboard.press('Enter');
  await page.locator('#title', { hasText: 'People · Compact people' }).waitFor();
  const { json } = await api('GET', '/api/views?object=people');
  const view = json.views.find((v) => v.name === 'Compact people');
  assert.deepEqual(view.columns, expected);
  assert.match(page.url(), new RegExp(`#/v/${view.id}$`));

  await page.reload();
  await page.locator('#title', { hasText: 'People · Compact people' }).waitFor();
  await page.locator('#spacer .row').first().waitFor();
  assert.deepEqual(await headers(), expected);
  await screenshot(page, 'edit-saved-view-columns');

  // the view updates in place: sort by name, save, and it is stored
  await page.locator('#header button[data-field="name"]').click();
  await page.locator('#header [aria-sort=ascending] button[data-field="name"]').waitFor();
  await page.getByRole('button', { name: 'Save view', exact: true }).click();
  await page.locator('.toast', { hasText: 'Saved the view “Compact people”' }).waitFor();
  assert.equal((await api('GET', `/api/views/${view.id}`)).json.sort, 'name');
});

test('Export downloads the current filter as CSV', async () => {
  await page.locator('.objects a[href="#/o/people"]').click();
  await page.getByLabel('Filter').fill('status = Customer');
  const link = page.getByRole('link', { name: 'Export' });
  await page.waitForFunction(() => document.querySelector('.actions a.button')?.href.includes('where='));
  const href = new URL(await link.getAttribute('href'), 'http://x');
  assert.equal(href.pathname, '/api/objects/people/export');
  assert.equal(href.searchParams.get('where'), 'status = Customer');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const csv = await (await import('node:fs')).promises.readFile(await download.path(), 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  const { json } = await api('GET', '/api/objects/people/entries?where=' + encodeURIComponent('status = Customer') + '&limit=1');
  assert.equal(lines.length - 1, json.total);
  await page.getByLabel('Filter').fill('');
  await page.locator('#total', { hasText: /^201 entries$/ }).waitFor();
});

test('a checkbox saves at once with Space; a number saves as a number', async () => {
  await page.locator('.objects a[href="#/o/tasks"]').click();
  await page.locator('#title', { hasText: 'Tasks' }).waitFor();
  const task = (await api('GET', '/api/objects/tasks/entries?limit=1')).json.entries[0];
  const done = page.locator(`#spacer .row[data-id="${task.id}"] [data-field="done"]`);
  await done.click();
  await page.keyboard.press('Enter');
  const box = page.locator('#spacer .cell-editor input[type=checkbox]');
  assert.equal(await box.isChecked(), Boolean(task.done));
  await page.keyboard.press('Space');
  await editor().waitFor({ state: 'detached' });
  const saved = (await api('GET', `/api/objects/tasks/entries/${task.id}`)).json.done;
  assert.equal(saved, !task.done);
  await done.locator(saved ? '.yes' : '.no').waitFor();
  await screenshot(page, 'edit-boolean-saved');

  await page.locator('.objects a[href="#/o/companies"]').click();
  await page.locator('#title', { hasText: 'Companies' }).waitFor();
  const employees = page.locator('#spacer .row[data-id="1"] [data-field="employees"]');
  await employees.dblclick();
  const input = editor().locator('input[type=number]');
  await input.fill('1250');
  await input.press('Enter');
  await employees.filter({ hasText: /^1,?250$/ }).waitFor();
  assert.equal((await api('GET', '/api/objects/companies/entries/1')).json.employees, 1250);
  await page.locator('.objects a[href="#/o/people"]').click();
  await page.locator('#title', { hasText: 'People' }).waitFor();
});

test('no CSP violation and no uncaught error on the way', async () => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await cell(1, 'status').click();
  await page.keyboard.press('Enter');
  await editor().getByRole('option').first().waitFor();
  await screenshot(page, 'edit-dark-picker');
  await page.keyboard.press('Escape');
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(problems, []);
});
