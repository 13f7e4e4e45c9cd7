// The import and export screen and the settings screen in a real browser
// against a real kith serve (tests/e2e/harness.mjs) and, for settings, the
// scripted fake provider (tests/fakes/fake_provider.mjs) in this process.
//
// Import: a CSV dropped on the drop zone (a real drop event with a File),
// its columns mapped (one remapped by hand), a bad row refusing the import
// and then skipped, the progress, the count and the bad row's line, field
// and message, and the data through the API; a malformed file; a big
// upload cancelled (rolled back). Export: a filter's rows downloaded and
// compared with the API's export, and the count following a change made
// elsewhere. Settings: the model and approval mode saved, a key that is
// never shown, a refused save keeping what was typed, "Test connection"
// listing the fake provider's models and showing an unreachable one's
// error, a key removed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { startFakeProvider } from '../fakes/fake_provider.mjs';
import { api, dir } from '../e2e/harness.mjs';
import { openApp, screenshot } from './browser.mjs';

let browser, page, problems, fake, fakePort;
const SECRET = 'sk-forms-test-7Hq2-never-shown';

before(async () => {
  fake = await startFakeProvider(0);
  fakePort = fake.address().port;
  ({ browser, page, problems } = await openApp());
});

after(async () => {
  await browser?.close();
  fake?.closeAllConnections();
  fake?.close();
});

const entries = async (where) => (await api('GET', `/api/objects/people/entries?limit=1000&where=${encodeURIComponent(where)}`)).json;

const CONTACTS = [
  'Full Name,Mail,Status,Notes',
  'Forms Ada,ada.forms@example.com,Lead,first',
  '"Forms, Bob",bob.forms@example.com,Customer,"said ""hi"""',
  'Forms Cy,cy.forms@,Lead,third',
  'Forms Di,di.forms@example.com,Contacted,',
].join('\r\n') + '\r\n';

// Drop text as a file named name on the drop zone, as a drag from the
// desktop would (a drop event whose dataTransfer holds a File).
async function dropFile(name, text) {
  const transfer = await page.evaluateHandle(([n, t]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], n, { type: 'text/csv' }));
    return dt;
  }, [name, text]);
  await page.locator('#import-drop').dispatchEvent('dragover', { dataTransfer: transfer });
  await page.locator('#import-drop').dispatchEvent('drop', { dataTransfer: transfer });
}

test('import: a dropped CSV is previewed and its columns pre-mapped by name', async () => {
  await page.goto(page.url().replace(/#.*$/, '') + '#/import/people');
  await page.locator('h1', { hasText: 'Import and export' }).waitFor();
  assert.equal(await page.getByLabel('Object', { exact: true }).inputValue(), 'people');
  // the file input is reachable with the keyboard, right after the object
  await page.getByLabel('Object', { exact: true }).focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'import-file');
  await dropFile('contacts.csv', CONTACTS);
  await page.locator('#import-mapping table').waitFor();
  assert.match(await page.locator('#import-file-info').textContent(), /^contacts\.csv · \d+ B$/);
  const columns = await page.$$eval('#import-mapping tbody th', (th) => th.map((x) => x.textContent));
  assert.deepEqual(columns, ['Full Name', 'Mail', 'Status', 'Notes']);
  // Status matches a field; the others do not and start as skipped
  assert.equal(await page.getByLabel('Field for column Status').inputValue(), 'status');
  for (const c of ['Full Name', 'Mail', 'Notes'])
    assert.equal(await page.getByLabel(`Field for column ${c}`).inputValue(), '', c);
  // the preview: quotes and doubled quotes read right
  const samples = await page.locator('#import-mapping tbody tr').first().locator('.samples span').allTextContents();
  assert.deepEqual(samples, ['Forms Ada', 'Forms, Bob', 'Forms Cy']);
  assert.deepEqual(await page.locator('#import-mapping tbody tr').nth(3).locator('.samples span').allTextContents(),
    ['first', 'said "hi"', 'third']);
  await screenshot(page, 'forms-import-mapping');
});

test('import: two columns on one field are stopped before the upload', async () => {
  await page.getByLabel('Field for column Full Name').selectOption('status');
  await page.locator('#map-0-note', { hasText: 'Another column sets this field too' }).waitFor();
  assert.equal(await page.locator('#import-start').isDisabled(), true);
  await page.getByLabel('Field for column Full Name').selectOption('name');
  await page.waitForFunction(() => !document.querySelector('#import-start').disabled);
  assert.equal(await page.locator('#map-0-note').textContent(), '');
});

test('import: a bad row refuses the file, then is skipped; count, bad row and data', async () => {
  await page.getByLabel('Field for column Mail').selectOption('email');
  // without "skip invalid": the server refuses the file, nothing is imported
  await page.locator('#import-start').click();
  await page.locator('#import-error').waitFor();
  assert.match(await page.locator('#import-error').textContent(), /1 of 4 rows is invalid, so nothing was imported/);
  assert.match(await page.locator('#import-summary').textContent(), /^Nothing was imported/);
  assert.equal((await entries('name ~ "Forms"')).total, 0);
  await screenshot(page, 'forms-import-refused');

  await page.getByLabel(/Import the valid rows/).check();
  await page.locator('#import-start').click();
  await page.locator('#import-summary', { hasText: /^Imported/ }).waitFor();
  await page.locator('#import-summary').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  assert.equal(await page.locator('#import-summary').textContent(),
    'Imported 3 of 4 rows into People: 3 created, 0 updated, 1 bad row skipped.');
  assert.equal(await page.locator('#import-progress').evaluate((p) => p.value), 100);
  assert.match(await page.locator('#import-progress-text').textContent(), /^\d+ B of \d+ B sent \(100%\)\. Done\.$/);
  const bad = await page.$$eval('#import-bad-rows tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.deepEqual(bad, [['4', 'Email', "'cy.forms@' is not an email address"]]);
  assert.equal(await page.locator('#import-open').getAttribute('href'), '#/o/people');

  const got = (await entries('name ~ "Forms"')).entries.map((e) => [e.name, e.email, e.status]).sort();
  assert.deepEqual(got, [
    ['Forms Ada', 'ada.forms@example.com', 'Lead'],
    ['Forms Di', 'di.forms@example.com', 'Contacted'],
    ['Forms, Bob', 'bob.forms@example.com', 'Customer'],
  ]);
  await screenshot(page, 'forms-import-done');
});

test('import: a file chosen with the file input that is malformed shows the reader\'s error', async () => {
  await page.getByLabel('Choose a CSV file').setInputFiles({
    name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('name,email\nAnn,"ann@example.com\n'),
  });
  await page.locator('#import-read-error', { hasText: 'broken.csv: line 2: the quote that opens field 2 is never closed' }).waitFor();
  assert.equal(await page.locator('#import-steps').isHidden(), true);
});

test('import: Cancel stops a big upload and the server rolls it back', async () => {
  const before = (await api('GET', '/api/objects/people/entries?limit=1')).json.total;
  // a 14 MB file made in the page (too big to pass through setInputFiles quickly)
  const transfer = await page.evaluateHandle(() => {
    const rows = Array.from({ length: 300000 }, (_, i) => `Cancel Person ${i},cancel${i}@example.com\n`);
    const dt = new DataTransfer();
    dt.items.add(new File(['name,email\n', ...rows], 'big.csv', { type: 'text/csv' }));
    return dt;
  });
  await page.locator('#import-drop').dispatchEvent('drop', { dataTransfer: transfer });
  await page.locator('#import-mapping table').waitFor();
  assert.equal(await page.getByLabel('Field for column name').inputValue(), 'name');
  await page.locator('#import-start').click();
  await page.waitForFunction(() => document.querySelector('#import-progress').value > 0);
  await screenshot(page, 'forms-import-progress');
  await page.locator('#import-cancel').click();
  await page.locator('#import-progress-text', { hasText: /^Cancelled\. .*the server rolls the whole import back/ }).waitFor();
  assert.equal(await page.locator('#import-cancel').isHidden(), true);
  // The server works through what it had received, notices the upload
  // ended short and rolls back: a write gets through once it has let go.
  let probe;
  for (let i = 0; i < 60 && probe?.status !== 201; i++)
    probe = await api('POST', '/api/objects/people/entries', { body: { name: 'Rollback Probe' } });
  assert.equal(probe.status, 201, probe.text);
  assert.equal((await entries('name ~ "Cancel Person"')).total, 0);
  assert.equal((await api('GET', '/api/objects/people/entries?limit=1')).json.total, before + 1);
  assert.equal((await api('DELETE', `/api/objects/people/entries/${probe.json.id}`)).status, 200);
});

test('import: the CSV reader in the page (quotes, line ends, a cut slice) reads only the file\'s start', async () => {
  const got = await page.evaluate(async () => {
    const { csvRecords, readStart } = await import('/assets/csv-start.js');
    const errorOf = (text) => { try { csvRecords(text, true, 10); return null; } catch (e) { return e.message; } };
    const read = [];
    const text = Blob.prototype.text;
    Blob.prototype.text = function () { read.push(this.size); return text.call(this); };
    const big = new File(['name,email\r\n', 'x,y@example.com\r\n'.repeat(300000)], 'big.csv');
    const start = await readStart(big);
    Blob.prototype.text = text;
    return {
      mixed: csvRecords('\ufeffa,b\r\n1,"x, ""y"""\r2,"line\nbreak"\n\n3,', true, 10),
      cut: csvRecords('a,b\n1,2\n3,"par', false, 10),
      cutCr: csvRecords('a\r', false, 10),
      endCr: csvRecords('a\r', true, 10),
      emptyQuoted: csvRecords('""\n', true, 10),
      max: csvRecords('a\nb\nc\n', true, 2),
      quoteInside: errorOf('a"b\n'),
      afterQuote: errorOf('"a"b\n'),
      unclosed: errorOf('a\n"b\nc'),
      start, read, size: big.size,
    };
  });
  assert.deepEqual(got.mixed, [['a', 'b'], ['1', 'x, "y"'], ['2', 'line\nbreak'], ['3', '']]);
  assert.deepEqual(got.cut, [['a', 'b'], ['1', '2']]);
  assert.deepEqual(got.cutCr, []);
  assert.deepEqual(got.endCr, [['a']]);
  assert.deepEqual(got.emptyQuoted, [['']]);
  assert.deepEqual(got.max, [['a'], ['b']]);
  assert.equal(got.quoteInside, 'line 1: a quote inside the unquoted field 1');
  assert.equal(got.afterQuote, 'line 1: text after the closing quote of field 1');
  assert.equal(got.unclosed, 'line 2: the quote that opens field 1 is never closed');
  assert.deepEqual(got.start, { header: ['name', 'email'], rows: [['x', 'y@example.com'], ['x', 'y@example.com'], ['x', 'y@example.com']] });
  assert.ok(got.size > 5e6 && got.read.length === 1 && got.read[0] === 64 * 1024, JSON.stringify(got.read));
});

test('export: the filter\'s rows download as CSV; the count follows changes made elsewhere', async () => {
  const filter = page.getByLabel('Filter');
  await filter.fill('stauts = Lead');
  await page.locator('#export-filter-error', { hasText: /stauts/ }).waitFor();
  assert.equal(await page.locator('#export-link').getAttribute('aria-disabled'), 'true');
  await filter.fill('status = Lead');
  const leads = await entries('status = Lead');
  await page.locator('#export-count', { hasText: `${leads.total} entries` }).waitFor();
  assert.equal(await page.locator('#export-filter-error').textContent(), '');
  await page.locator('#export').evaluate((e) => e.scrollIntoView({ block: 'end' }));
  await screenshot(page, 'forms-export');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-link').click()]);
  const file = fs.readFileSync(await download.path(), 'utf8');
  const want = await api('GET', '/api/objects/people/export?where=' + encodeURIComponent('status = Lead'));
  assert.equal(file, want.text);
  const lines = file.trimEnd().split('\r\n');
  assert.equal(lines[0], 'name,email,phone,company,title,status,tags,linkedin,last_contacted');
  assert.equal(lines.length - 1, leads.total);
  assert.ok(lines.includes('Forms Ada,ada.forms@example.com,,,,Lead,,,'));
  assert.equal(download.suggestedFilename(), 'people.csv');

  const r = await api('POST', '/api/objects/people/entries', { body: { name: 'Export Live Lead', status: 'Lead' } });
  assert.equal(r.status, 201, r.text);
  await page.locator('#export-count', { hasText: `${leads.total + 1} entries` }).waitFor();
});

test('export: a saved view fills in its filter', async () => {
  const v = await api('POST', '/api/views', { body: { object: 'people', name: 'Customers', where: 'status = Customer' } });
  assert.equal(v.status, 201, v.text);
  await page.reload(); // views are not in the change feed; the app loads them at start
  await page.getByLabel('Saved view').locator('option', { hasText: 'Customers' }).waitFor({ state: 'attached' });
  await page.getByLabel('Saved view').selectOption({ label: 'Customers' });
  assert.equal(await page.getByLabel('Filter').inputValue(), 'status = Customer');
  const customers = await entries('status = Customer');
  await page.locator('#export-count', { hasText: `${customers.total} entries` }).waitFor();
  assert.equal(await page.locator('#export-link').getAttribute('href'),
    '/api/objects/people/export?where=status+%3D+Customer');
});

test('settings: the model and the approval mode are saved; a typed key is never shown', async () => {
  const p = await api('PATCH', '/api/settings', { body: { providers: { openai: { base_url: `http://127.0.0.1:${fakePort}/v1` } } } });
  assert.equal(p.status, 200, p.text);
  await page.locator('.nav a[href="#/settings"]').click();
  await page.locator('h1', { hasText: 'Settings' }).waitFor();
  assert.equal(await page.locator('#settings-openai-key-state').textContent(), 'not set');
  assert.equal(await page.getByLabel('Destructive changes').isChecked(), true);

  await page.getByLabel('Provider').selectOption('openai');
  await page.getByLabel('Model').fill('gpt-fake-mini');
  await page.getByLabel('Always').check();
  await page.locator('#settings-openai').getByLabel('API key').fill(SECRET);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#settings-status', { hasText: 'Saved.' }).waitFor();

  const s = (await api('GET', '/api/settings')).json;
  assert.equal(s.model, 'openai/gpt-fake-mini');
  assert.equal(s.agent.approval, 'always');
  assert.equal(s.providers.openai.api_key_set, true);
  assert.match(fs.readFileSync(path.join(dir, 'secrets.env'), 'utf8'), new RegExp(`^OPENAI_API_KEY=${SECRET}$`, 'm'));
  // the key field is empty again and the page holds the key nowhere
  assert.equal(await page.locator('#settings-openai').getByLabel('API key').inputValue(), '');
  assert.equal(await page.locator('#settings-openai-key-state').textContent(), 'set (in secrets.env)');
  const values = await page.$$eval('input', (inputs) => inputs.map((i) => i.value).join('\n'));
  assert.ok(!values.includes(SECRET) && !(await page.content()).includes(SECRET));
  assert.match(await page.locator('#settings-model-hint').textContent(), /In use: openai\/gpt-fake-mini/);
  await screenshot(page, 'forms-settings-saved');
});

test('settings: a refused save shows the server\'s message beside its field and keeps the typing', async () => {
  const before = (await api('GET', '/api/settings')).json;
  const base = page.locator('#settings-anthropic').getByLabel('Base URL');
  await base.fill('ftp://x');
  await page.getByLabel('Never').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#settings-anthropic-base-url-error', { hasText: "providers.anthropic.base_url: 'ftp://x' is not an http" }).waitFor();
  assert.match(await page.locator('#settings-status').textContent(), /^Not saved/);
  assert.equal(await base.inputValue(), 'ftp://x');
  assert.equal(await page.getByLabel('Never').isChecked(), true);
  assert.deepEqual((await api('GET', '/api/settings')).json, before);
  await screenshot(page, 'forms-settings-refused');
  await base.fill('');
  await page.getByLabel('Always').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#settings-status', { hasText: 'Nothing to save' }).waitFor();
  assert.equal(await page.locator('#settings-anthropic-base-url-error').textContent(), '');
});

test('settings: Test connection lists the provider\'s models, and shows an unreachable one\'s error', async () => {
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.locator('#settings-test-ok', { hasText: 'Connected to openai: 3 models.' }).waitFor();
  assert.deepEqual(await page.locator('#settings-models code').allTextContents(), ['gpt-fake-mini', 'text', 'tool']);
  assert.deepEqual(await page.$$eval('#settings-model-list option', (o) => o.map((x) => x.value)), ['gpt-fake-mini', 'text', 'tool']);
  await page.getByRole('button', { name: 'Use text' }).click();
  assert.equal(await page.getByLabel('Model').inputValue(), 'text');
  await screenshot(page, 'forms-settings-models');

  const base = page.locator('#settings-openai').getByLabel('Base URL');
  await base.fill('http://127.0.0.1:1/v1');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#settings-status', { hasText: 'Saved.' }).waitFor();
  assert.equal((await api('GET', '/api/settings')).json.model, 'openai/text');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.locator('#settings-test-error', { hasText: 'openai: cannot reach http://127.0.0.1:1/v1' }).waitFor();
  assert.match(await page.locator('#settings-test-fix').textContent(), /^Fix: check OpenAI's base URL and key above/);
  await screenshot(page, 'forms-settings-test-error');
});

test('settings: Remove key removes the saved key', async () => {
  await page.getByRole('button', { name: 'Remove the OpenAI key' }).click();
  await page.locator('#settings-openai-key-state', { hasText: 'not set' }).waitFor();
  assert.equal(await page.locator('#settings-openai-remove-key').isHidden(), true);
  assert.equal((await api('GET', '/api/settings')).json.providers.openai.api_key_set, false);
  assert.doesNotMatch(fs.readFileSync(path.join(dir, 'secrets.env'), 'utf8'), /^OPENAI_API_KEY=/m);
});

test('both screens in the dark theme, without a CSP violation or page error', async () => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'forms-settings-dark');
  await page.goto(page.url().replace(/#.*$/, '') + '#/import/people');
  await dropFile('contacts.csv', CONTACTS);
  await page.locator('#import-mapping table').waitFor();
  await screenshot(page, 'forms-import-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(problems, []);
});
