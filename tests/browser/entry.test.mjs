// The entry page and the search palette in a real browser against a real
// kith serve (tests/e2e/harness.mjs): fields edited in place through their
// editors, a failed save that keeps the text, the markdown document with
// its preview and Ctrl+S, finding it again with Ctrl+K, related entries,
// the timeline with undo, live changes, leaving with unsaved text, and
// delete with an undo toast. Each test saves a screenshot.
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

const person = async (id) => (await api('GET', `/api/objects/people/entries/${id}`)).json;
const where = (object, expr, extra = '') =>
  api('GET', `/api/objects/${object}/entries?where=${encodeURIComponent(expr)}${extra}`);

async function openEntry(object, id) {
  await page.evaluate((h) => { location.hash = h; }, `#/e/${object}/${id}`);
  await page.locator('.entry-page #title').waitFor();
  await page.locator('.timeline .change').first().waitFor();
}

// The value button of a field, and the editor that replaces it.
const value = (slug) => page.locator(`.entry-field[data-field="${slug}"] .entry-value`);
const editor = (slug) => page.locator(`.entry-field[data-field="${slug}"] .editor`);
const shown = (slug) => page.locator(`#value-${slug}`);

test('the entry page shows the label, breadcrumbs and every field, relations as links', async () => {
  await openEntry('people', 1);
  const ann = await person(1);
  assert.equal(await page.locator('#title').textContent(), ann.name);
  assert.equal(await page.title(), `${ann.name} · kith`);
  const crumb = page.getByRole('navigation', { name: 'Breadcrumb' });
  assert.equal(await crumb.getByRole('link').getAttribute('href'), '#/o/people');
  assert.equal(await crumb.locator('[aria-current=page]').textContent(), ann.name);
  const { json: people } = await api('GET', '/api/objects/people');
  const names = await page.locator('.entry-fields dt').allTextContents();
  assert.deepEqual(names, people.fields.map((f) => f.name));
  assert.equal(await shown('email').textContent(), ann.email);
  assert.equal(await shown('company').textContent(), ann.company.label);
  const open = page.getByRole('link', { name: `Open ${ann.company.label}` });
  assert.equal(await open.getAttribute('href'), `#/e/companies/${ann.company.id}`);
  assert.equal(await page.locator('#value-tags .chip').count(), ann.tags.length);
  await screenshot(page, 'entry-person');
});

test('fields are edited in place with the editor of their type', async () => {
  await openEntry('people', 1);
  // text: click the value, type, Enter.
  await value('title').click();
  await editor('title').locator('input').fill('Chief of Staff');
  await editor('title').locator('input').press('Enter');
  await shown('title').filter({ hasText: 'Chief of Staff' }).waitFor();
  assert.equal((await person(1)).title, 'Chief of Staff');
  assert.equal(await value('title').evaluate((e) => e === document.activeElement), true);

  // select: Enter on the focused value opens the picker; filter, Enter picks.
  await value('status').focus();
  await page.keyboard.press('Enter');
  await editor('status').getByRole('combobox').fill('qual');
  await editor('status').getByRole('option', { name: 'Qualified' }).waitFor();
  await page.keyboard.press('Enter');
  await shown('status').filter({ hasText: 'Qualified' }).waitFor();
  assert.equal((await person(1)).status, 'Qualified');

  // multi_select: Space toggles the active option, Enter saves.
  const before = (await person(1)).tags || [];
  await value('tags').click();
  await editor('tags').getByRole('combobox').fill('vip');
  await editor('tags').getByRole('option', { name: 'vip' }).waitFor();
  await page.keyboard.press(' ');
  await page.keyboard.press('Enter');
  await page.locator('#value-tags .chip', { hasText: 'vip' }).waitFor();
  assert.deepEqual(new Set((await person(1)).tags), new Set([...before, 'vip']));

  // date: the date picker.
  await value('last_contacted').click();
  await editor('last_contacted').locator('input[type=date]').fill('2027-01-15');
  await editor('last_contacted').locator('input').press('Enter');
  await shown('last_contacted').filter({ hasText: '2027-01-15' }).waitFor();
  assert.equal((await person(1)).last_contacted, '2027-01-15');

  // relation: search the target by its label and pick.
  const summit = (await where('companies', 'name = "Summit Labs"')).json.entries[0];
  await value('company').click();
  await editor('company').getByRole('combobox').fill('Summit L');
  await editor('company').getByRole('option', { name: 'Summit Labs' }).waitFor();
  await page.keyboard.press('Enter');
  await shown('company').filter({ hasText: 'Summit Labs' }).waitFor();
  assert.equal((await person(1)).company.id, summit.id);
  assert.equal(await page.getByRole('link', { name: 'Open Summit Labs' }).getAttribute('href'), `#/e/companies/${summit.id}`);
  // The timeline names the relation's old and new targets by their labels.
  await page.locator('.timeline .change').first().filter({ hasText: 'Company: Acme Inc → Summit Labs' }).waitFor();
  await screenshot(page, 'entry-fields-edited');
});

test('a failed field save shows the server\'s message and keeps what was typed', async () => {
  await openEntry('people', 1);
  const email = (await person(1)).email;
  await value('email').click();
  const input = editor('email').locator('input');
  await input.fill('ann@nowhere');
  await input.press('Enter');
  await editor('email').getByRole('alert').filter({ hasText: "email: 'ann@nowhere' is not an email address" }).waitFor();
  assert.equal(await input.inputValue(), 'ann@nowhere');
  assert.equal((await person(1)).email, email);
  await screenshot(page, 'entry-field-error');
  // Fixing it saves; the message goes.
  await input.fill('ann@nowhere.example');
  await input.press('Enter');
  await shown('email').filter({ hasText: 'ann@nowhere.example' }).waitFor();
  assert.equal((await person(1)).email, 'ann@nowhere.example');
  assert.equal(await editor('email').count(), 0);
});

test('write a document, see the preview, save with Ctrl+S, find it with the palette', async () => {
  await openEntry('people', 1);
  const text = '# Meeting notes\n\n- asked for a **pilot**\n- wants quarterly reviews\n\nCodeword: quokkaberry.\n';
  const doc = page.getByLabel('Document (markdown)');
  await doc.fill(text);
  const preview = page.getByRole('region', { name: 'Preview' });
  await preview.locator('h1', { hasText: 'Meeting notes' }).waitFor();
  assert.deepEqual(await preview.locator('li').allTextContents(), ['asked for a pilot', 'wants quarterly reviews']);
  assert.equal(await preview.locator('li strong').textContent(), 'pilot');
  assert.equal(await page.locator('.doc-state').textContent(), 'Unsaved changes');
  await screenshot(page, 'entry-document-unsaved');
  await doc.press('Control+s');
  await page.locator('.doc-state', { hasText: /^Saved$/ }).waitFor();
  const saved = await api('GET', '/api/objects/people/entries/1/document');
  assert.equal(saved.json.markdown, text);
  await page.locator('.timeline .change').first().filter({ hasText: 'Document written' }).waitFor();
  await screenshot(page, 'entry-document-saved');

  // Elsewhere in the app, Ctrl+K and the unique word find it.
  await page.evaluate(() => { location.hash = '#/o/companies'; });
  await page.locator('#title', { hasText: 'Companies' }).waitFor();
  await page.keyboard.press('Control+k');
  const box = page.getByRole('combobox', { name: 'Search' });
  await box.waitFor();
  assert.equal(await box.evaluate((e) => e === document.activeElement), true);
  await box.pressSequentially('quokkaber');
  const hit = page.getByRole('option', { name: /Ann Lee/ });
  await hit.waitFor();
  const group = page.getByRole('group', { name: 'People' });
  assert.equal(await group.getByRole('option').count(), 1);
  assert.equal(await hit.locator('mark').first().textContent(), 'quokkaberry');
  // The hit is the only option: active, and the arrows stay on it.
  assert.equal(await page.getByRole('option').count(), 1);
  await box.press('ArrowDown');
  assert.equal(await box.getAttribute('aria-activedescendant'), await hit.getAttribute('id'));
  assert.equal(await hit.getAttribute('aria-selected'), 'true');
  await screenshot(page, 'palette-document-hit');
  await box.press('Enter');
  await page.waitForFunction(() => location.hash === '#/e/people/1');
  await page.locator('.entry-page #title', { hasText: 'Ann Lee' }).waitFor();
  assert.equal(await page.locator('dialog.palette').count(), 0);
  assert.equal(await page.getByLabel('Document (markdown)').inputValue(), text);
});

test('the palette lists screens, works with the mouse, and Escape gives the focus back', async () => {
  const made = await api('POST', '/api/objects/companies/entries', { body: { name: 'Companion Labs' } });
  assert.equal(made.status, 201, made.text);
  const opener = page.locator('#search-open');
  await opener.click();
  const box = page.getByRole('combobox', { name: 'Search' });
  await box.fill('comp');
  const screen = page.getByRole('group', { name: 'Go to' }).getByRole('option', { name: /Companies/ });
  await screen.waitFor();
  await page.getByRole('group', { name: 'Companies' }).getByRole('option', { name: /Companion Labs/ }).waitFor();
  // Typing makes the first entry hit active; the arrows move through all.
  const options = page.getByRole('option');
  const ids = await options.evaluateAll((os) => os.map((o) => o.id));
  assert.equal(ids.length, 2); // the Companies screen and the Companion Labs hit
  const active = () => box.getAttribute('aria-activedescendant');
  const first = await active();
  const firstHit = ids.indexOf(first);
  assert.ok(firstHit > 0, 'the screens come first, the first entry hit is active');
  await box.press('ArrowUp');
  assert.equal(await active(), ids[firstHit - 1]);
  assert.equal(await page.locator(`#${ids[firstHit - 1]}`).getAttribute('aria-selected'), 'true');
  await box.press('ArrowDown');
  assert.equal(await active(), first);
  await box.press('ArrowDown'); // past the last, back to the top
  assert.equal(await active(), ids[(firstHit + 1) % ids.length]);
  await screenshot(page, 'palette-screens');
  await page.keyboard.press('Escape');
  await page.locator('dialog.palette').waitFor({ state: 'detached' });
  assert.equal(await opener.evaluate((e) => e === document.activeElement), true);
  // Open again, pick a screen with the mouse.
  await page.keyboard.press('Control+k');
  await box.fill('comp');
  await screen.click();
  await page.waitForFunction(() => location.hash === '#/o/companies');
  await page.locator('#title', { hasText: 'Companies' }).waitFor();
});

test('related entries: the people and deals of a company, with counts that match the API', async () => {
  await openEntry('companies', 1);
  const related = page.getByRole('region', { name: 'Related' });
  for (const [object, field, name] of [['people', 'company', 'People · Company'], ['deals', 'company', 'Deals · Company']]) {
    const { json } = await where(object, `${field} = 1`, '&limit=100');
    assert.ok(json.total > 0, `${object} of company 1`);
    const group = related.locator(`.related-group[data-object="${object}"][data-field="${field}"]`);
    await group.waitFor();
    assert.equal(await group.locator('h3 span').first().textContent(), name);
    assert.equal(await group.locator('.count').textContent(), String(json.total));
    const hrefs = await group.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(new Set(hrefs), new Set(json.entries.slice(0, 25).map((e) => `#/e/${object}/${e.id}`)));
  }
  await screenshot(page, 'entry-company-related');
  // A person's deals and tasks link back the other way.
  const deal = (await where('deals', 'contact is not empty', '&limit=1')).json.entries[0];
  await openEntry('people', deal.contact.id);
  await related.locator('.related-group[data-object="deals"][data-field="contact"]').getByRole('link', { name: deal.name }).waitFor();
});

test('the timeline shows an edit and its Undo reverts it', async () => {
  await openEntry('people', 2);
  const oldTitle = (await person(2)).title;
  await value('title').click();
  await editor('title').locator('input').fill('Undo Me');
  await editor('title').locator('input').press('Enter');
  await shown('title').filter({ hasText: 'Undo Me' }).waitFor();
  const top = page.locator('.timeline .change').first();
  await top.filter({ hasText: `Title: ${oldTitle ?? '(empty)'} → Undo Me` }).waitFor();
  assert.match(await top.locator('.change-who').textContent(), /Web\/API/);
  assert.ok(await top.locator('time').getAttribute('title'));
  const { json } = await api('GET', '/api/objects/people/entries/2/changes?limit=1');
  assert.equal(await top.getAttribute('data-change'), String(json.changes[0].id));
  await screenshot(page, 'entry-timeline');
  await top.getByRole('button', { name: `Undo change ${json.changes[0].id}` }).click();
  await page.locator('.timeline-status', { hasText: `Undid change #${json.changes[0].id}` }).waitFor();
  assert.equal((await person(2)).title, oldTitle);
  await page.waitForFunction((t) => document.querySelector('#value-title').textContent === t, oldTitle ?? 'Empty');
  await screenshot(page, 'entry-timeline-undone');
});

test('a change made elsewhere shows up live and keeps unsaved document text; leaving asks first', async () => {
  await openEntry('people', 3);
  const doc = page.getByLabel('Document (markdown)');
  await doc.fill('draft that is not saved');
  const r = await api('PATCH', '/api/objects/people/entries/3', { body: { phone: '+1 555 0100 999' } });
  assert.equal(r.status, 200, r.text);
  await shown('phone').filter({ hasText: '+1 555 0100 999' }).waitFor();
  await page.locator('.timeline .change').first().filter({ hasText: 'Phone' }).waitFor();
  assert.equal(await doc.inputValue(), 'draft that is not saved');
  assert.equal(await page.locator('.doc-state').textContent(), 'Unsaved changes');
  await screenshot(page, 'entry-live-change');

  // Leaving with unsaved text asks; staying keeps the page and the text.
  page.once('dialog', (d) => d.dismiss());
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link').click();
  await page.waitForFunction(() => location.hash === '#/e/people/3');
  assert.equal(await page.locator('.entry-page').count(), 1);
  assert.equal(await doc.inputValue(), 'draft that is not saved');
  page.once('dialog', (d) => d.accept());
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link').click();
  await page.waitForFunction(() => location.hash === '#/o/people');
  await page.locator('#title', { hasText: 'People' }).waitFor();
  assert.equal((await api('GET', '/api/objects/people/entries/3/document')).json.markdown, null);
});

test('unsaved document text survives a reload of the page', async () => {
  await openEntry('people', 4);
  await page.getByLabel('Document (markdown)').fill('typed before the reload');
  page.once('dialog', (d) => d.accept()); // the browser's "leave site?"
  await page.reload();
  await page.locator('.entry-page #title').waitFor();
  assert.equal(await page.getByLabel('Document (markdown)').inputValue(), 'typed before the reload');
  assert.equal(await page.locator('.doc-state').textContent(), 'Unsaved changes (kept from before)');
  assert.equal((await api('GET', '/api/objects/people/entries/4/document')).json.markdown, null);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('.doc-state', { hasText: /^Saved$/ }).waitFor();
  assert.equal((await api('GET', '/api/objects/people/entries/4/document')).json.markdown, 'typed before the reload');
});

test('delete asks, goes back to the table, and the toast\'s Undo restores the entry', async () => {
  const r = await api('POST', '/api/objects/people/entries', { body: { name: 'Doomed Person', email: 'doomed@example.com' } });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  await openEntry('people', id);
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.waitForFunction(() => location.hash === '#/o/people');
  const toast = page.locator('.toast', { hasText: 'Deleted Doomed Person' });
  await toast.waitFor();
  assert.equal((await api('GET', `/api/objects/people/entries/${id}`)).status, 404);
  await screenshot(page, 'entry-deleted-toast');
  await toast.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction((h) => location.hash === h, `#/e/people/${id}`);
  await page.locator('.entry-page #title', { hasText: 'Doomed Person' }).waitFor();
  const back = await api('GET', `/api/objects/people/entries/${id}`);
  assert.equal(back.status, 200);
  assert.equal(back.json.email, 'doomed@example.com');
});

test('the entry page and the palette in the dark theme', async () => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openEntry('people', 1);
  await screenshot(page, 'entry-dark');
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: 'Search' }).fill('ann');
  await page.getByRole('option', { name: /Ann Lee/ }).first().waitFor();
  await screenshot(page, 'palette-dark');
  await page.keyboard.press('Escape');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('no CSP violations or page errors', () => {
  assert.deepEqual(problems, []);
});
