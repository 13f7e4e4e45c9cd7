// The kanban and calendar layouts in a real browser against a real kith
// serve (tests/e2e/harness.mjs): the deals board by stage with counts and
// sums over all entries, moving a deal by dragging and by keyboard, a
// failed move, the "No value" column, switching the group field, the
// filter bar, saving and reopening a kanban view, and the calendar of
// deals by close date with month navigation and the keyboard. Each test
// saves a screenshot under build/screenshots/.
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

const STAGES = ['Lead', 'Qualified', 'Proposal', 'Negotiation', 'Closed Won', 'Closed Lost'];
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

// Every deal (matching where) through the API, grouped by field:
// {value -> {count, sum, ids}}, with '' for no value.
async function dealsBy(field, where = '') {
  const r = await api('GET', `/api/objects/deals/entries?limit=1000&where=${encodeURIComponent(where)}`);
  assert.equal(r.status, 200, r.text);
  const groups = new Map();
  for (const e of r.json.entries) {
    const key = e[field] ?? '';
    const g = groups.get(key) || { count: 0, sum: 0, ids: [] };
    g.count += 1;
    g.sum += Number(e.amount) || 0;
    g.ids.push(e.id);
    groups.set(key, g);
  }
  return groups;
}

const column = (value) => page.locator(`#board .column[data-value="${value}"]`);

// Wait until the column of value shows count and sum (also as text).
async function expectColumn(value, { count, sum }) {
  await page.waitForFunction(([v, c, s]) => {
    const col = [...document.querySelectorAll('#board .column')].find((x) => x.dataset.value === v);
    return col && col.dataset.count === String(c) && col.dataset.sum === String(s);
  }, [value, count, sum]);
  assert.equal(await column(value).locator('.column-count').textContent(), String(count));
  assert.equal(await column(value).locator('.column-sum').textContent(), number.format(sum));
}

const stageOf = async (id) => (await api('GET', `/api/objects/deals/entries/${id}`)).json.stage;

test('the deals kanban has a column per stage with each one\'s count and sum over all its deals', async () => {
  await page.goto(page.url().replace(/#.*$/, '') + '#/o/deals/kanban');
  await page.locator('#board .column').first().waitFor();
  const titles = await page.locator('#board .column h2').allTextContents();
  assert.deepEqual(titles, STAGES);
  assert.equal(await page.getByLabel('Columns').inputValue(), 'stage');
  assert.equal(await page.locator('.tabs a[aria-current=page]').textContent(), 'Kanban');
  const groups = await dealsBy('stage');
  for (const s of STAGES) await expectColumn(s, groups.get(s));
  // cards load per column: 20 at first, "Load more" shows how many are left
  const lead = column('Lead');
  assert.equal(await lead.locator('.card').count(), Math.min(20, groups.get('Lead').count));
  const first = lead.locator('.card').first();
  const id = Number(await first.getAttribute('data-id'));
  const deal = (await api('GET', `/api/objects/deals/entries/${id}`)).json;
  assert.equal(await first.locator('a').textContent(), deal.name);
  assert.equal(await first.locator('a').getAttribute('href'), `#/e/deals/${id}`);
  assert.ok((await first.textContent()).includes(deal.company.label), 'a relation shows by its label');
  assert.match(await page.locator('#total').textContent(), /^80 entries$/);
  await screenshot(page, 'board-kanban-deals');
});

test('"Load more" adds the next cards of a column', async () => {
  const r = await api('POST', '/api/objects/deals/entries', { body: { name: 'Extra Lead 0', stage: 'Lead', amount: 1 } });
  assert.equal(r.status, 201, r.text);
  for (let i = 1; i < 5; i++)
    await api('POST', '/api/objects/deals/entries', { body: { name: `Extra Lead ${i}`, stage: 'Lead', amount: 1 } });
  const groups = await dealsBy('stage');
  await expectColumn('Lead', groups.get('Lead'));
  const lead = column('Lead');
  const more = lead.getByRole('button', { name: /Load more/ });
  assert.equal(await more.textContent(), `Load more (${groups.get('Lead').count - 20})`);
  await more.click();
  await page.waitForFunction((n) => document.querySelectorAll('#board .column[data-value="Lead"] .card').length === n,
    groups.get('Lead').count);
  await more.waitFor({ state: 'hidden' }); // every card loaded: nothing more to load
});

test('dragging a deal card to another stage saves it; both columns\' counts and sums follow', async () => {
  const before = await dealsBy('stage');
  const card = column('Lead').locator('.card').first();
  const id = Number(await card.getAttribute('data-id'));
  const amount = (await api('GET', `/api/objects/deals/entries/${id}`)).json.amount;
  await card.dragTo(column('Proposal').locator('.cards'));
  await column('Proposal').locator(`.card[data-id="${id}"]`).waitFor();
  for (let i = 0; i < 50 && (await stageOf(id)) !== 'Proposal'; i++) await page.waitForTimeout(50);
  assert.equal(await stageOf(id), 'Proposal');
  const after = await dealsBy('stage');
  assert.equal(after.get('Lead').count, before.get('Lead').count - 1);
  assert.equal(after.get('Proposal').count, before.get('Proposal').count + 1);
  assert.equal(after.get('Proposal').sum, before.get('Proposal').sum + amount);
  await expectColumn('Lead', after.get('Lead'));
  await expectColumn('Proposal', after.get('Proposal'));
  assert.equal(await column('Lead').locator(`.card[data-id="${id}"]`).count(), 0);
  await screenshot(page, 'board-kanban-dragged');
});

test('Alt+Right on a focused card moves it to the next stage, announced; the focus stays on it', async () => {
  const card = column('Qualified').locator('.card').first();
  const id = Number(await card.getAttribute('data-id'));
  const before = await dealsBy('stage');
  await card.focus();
  await page.keyboard.press('Alt+ArrowRight');
  await column('Proposal').locator(`.card[data-id="${id}"]`).waitFor();
  await page.locator('.visually-hidden', { hasText: /^Moved .* to Proposal$/ }).waitFor();
  for (let i = 0; i < 50 && (await stageOf(id)) !== 'Proposal'; i++) await page.waitForTimeout(50);
  assert.equal(await stageOf(id), 'Proposal');
  const after = await dealsBy('stage');
  assert.equal(after.get('Qualified').count, before.get('Qualified').count - 1);
  await expectColumn('Qualified', after.get('Qualified'));
  await expectColumn('Proposal', after.get('Proposal'));
  await page.waitForFunction((i) => document.activeElement?.dataset?.id === String(i), id);
  // plain arrows move the focus between cards
  await page.keyboard.press('ArrowLeft');
  const left = await page.evaluate(() => document.activeElement.closest('.column').dataset.value);
  assert.equal(left, 'Qualified');
  await screenshot(page, 'board-kanban-keyboard');
});

test('a failed move puts the card back and shows the server\'s message', async () => {
  const card = column('Negotiation').locator('.card').first();
  const id = Number(await card.getAttribute('data-id'));
  const before = await dealsBy('stage');
  // The server refuses the save: the request reaches it with a value it
  // rejects, so the message is the server's own.
  await page.route(`**/api/objects/deals/entries/${id}`, (route) =>
    route.request().method() === 'PATCH'
      ? route.continue({ postData: JSON.stringify({ stage: 'Closed Maybe' }) })
      : route.continue());
  await card.focus();
  await page.keyboard.press('Alt+ArrowRight');
  const error = page.locator('#board-error');
  await error.filter({ hasText: "stage: 'Closed Maybe' is not one of" }).waitFor();
  assert.match(await error.textContent(), /^Could not move .* to Closed Won: stage: 'Closed Maybe' is not one of/);
  await page.unroute(`**/api/objects/deals/entries/${id}`);
  await column('Negotiation').locator(`.card[data-id="${id}"]`).waitFor();
  assert.equal(await column('Closed Won').locator(`.card[data-id="${id}"]`).count(), 0);
  assert.equal(await stageOf(id), 'Negotiation');
  await expectColumn('Negotiation', before.get('Negotiation'));
  await expectColumn('Closed Won', before.get('Closed Won'));
  await screenshot(page, 'board-kanban-failed-move');
});

test('a deal without a stage, added elsewhere, shows in a "No value" column without a reload', async () => {
  const r = await api('POST', '/api/objects/deals/entries', { body: { name: 'Stageless deal', amount: 1234.5 } });
  assert.equal(r.status, 201, r.text);
  await column('').waitFor();
  assert.equal(await column('').locator('h2').textContent(), 'No value');
  await expectColumn('', { count: 1, sum: 1234.5 });
  await column('').locator('.card', { hasText: 'Stageless deal' }).waitFor();
  // moving it into a stage empties the column; the board drops it on reload
  await column('').locator('.card').first().dragTo(column('Closed Lost').locator('.cards'));
  await column('Closed Lost').locator('.card', { hasText: 'Stageless deal' }).waitFor();
  await page.waitForFunction(() => !document.querySelector('#board .column[data-value=""]'));
  assert.equal(await stageOf(r.json.id), 'Closed Lost');
});

test('the filter bar narrows the board; a typo shows the server\'s message', async () => {
  const filter = page.getByLabel('Filter');
  await filter.fill('amont >= 100000');
  await page.locator('#filter-error', { hasText: /unknown field 'amont'/ }).waitFor();
  assert.ok(await page.locator('#board .card').count() > 0, 'the board stays');
  await filter.fill('amount >= 100000');
  const groups = await dealsBy('stage', 'amount >= 100000');
  await expectColumn('Lead', groups.get('Lead'));
  for (const s of STAGES) await expectColumn(s, groups.get(s) || { count: 0, sum: 0 });
  assert.equal(await page.locator('#filter-error').textContent(), '');
  await screenshot(page, 'board-kanban-filtered');
});

test('"Save view" saves a kanban view that reopens with its field and filter', async () => {
  await page.getByRole('button', { name: 'Save view' }).click();
  await page.getByLabel('View name').fill('Big deals board');
  await page.getByLabel('View name').press('Enter');
  await page.waitForURL(/#\/v\/\d+$/);
  const id = page.url().match(/#\/v\/(\d+)$/)[1];
  const view = (await api('GET', `/api/views/${id}`)).json;
  assert.equal(view.kind, 'kanban');
  assert.equal(view.group_by, 'stage');
  assert.equal(view.where, 'amount >= 100000');
  await page.locator('#title', { hasText: 'Deals · Big deals board' }).waitFor();
  // away and back through the sidebar
  await page.locator('.objects a[href="#/o/people"]').click();
  await page.locator('#title', { hasText: /^People$/ }).waitFor();
  await page.locator('.objects .views a', { hasText: 'Big deals board' }).click();
  await page.locator('#title', { hasText: 'Deals · Big deals board' }).waitFor();
  assert.equal(await page.getByLabel('Filter').inputValue(), 'amount >= 100000');
  assert.equal(await page.getByLabel('Columns').inputValue(), 'stage');
  const groups = await dealsBy('stage', 'amount >= 100000');
  for (const s of STAGES) await expectColumn(s, groups.get(s) || { count: 0, sum: 0 });
  await screenshot(page, 'board-kanban-saved-view');
});

test('switching the group field makes a column per option of the other field', async () => {
  const r = await api('POST', '/api/objects/deals/fields', { body: { name: 'Priority', type: 'select', options: ['High', 'Low'] } });
  assert.equal(r.status, 201, r.text);
  for (const [id, p] of [[1, 'High'], [2, 'High'], [3, 'Low']])
    assert.equal((await api('PATCH', `/api/objects/deals/entries/${id}`, { body: { priority: p } })).status, 200);
  await page.goto(page.url().replace(/#.*$/, '') + '#/o/deals/kanban');
  await page.reload();
  await page.locator('#board .column').first().waitFor();
  await page.getByLabel('Columns').selectOption('priority');
  await page.waitForFunction(() => document.querySelector('#board .column h2')?.textContent === 'High');
  assert.deepEqual(await page.locator('#board .column h2').allTextContents(), ['High', 'Low', 'No value']);
  const groups = await dealsBy('priority');
  await expectColumn('High', groups.get('High'));
  await expectColumn('Low', groups.get('Low'));
  await expectColumn('', groups.get(''));
  await screenshot(page, 'board-kanban-by-priority');
  await page.getByLabel('Columns').selectOption('stage');
  await page.waitForFunction(() => document.querySelector('#board .column h2')?.textContent === 'Lead');
});

// Set close_date on deals for February 2027 (a month that starts on a
// Monday): six on the 10th (more than a day shows), one on the 1st, one on
// the 28th.
async function datedDeals() {
  const dates = { 10: '2027-02-10', 11: '2027-02-10', 12: '2027-02-10', 13: '2027-02-10', 14: '2027-02-10',
    15: '2027-02-10', 16: '2027-02-01', 17: '2027-02-28' };
  for (const [id, d] of Object.entries(dates)) {
    const r = await api('PATCH', `/api/objects/deals/entries/${id}`, { body: { close_date: d } });
    assert.equal(r.status, 200, r.text);
  }
  const feb = await api('GET', '/api/objects/deals/entries?limit=1000&where=' +
    encodeURIComponent('close_date >= 2027-02-01 and close_date < 2027-03-01'));
  const byDay = new Map();
  for (const e of feb.json.entries) byDay.set(e.close_date, [...(byDay.get(e.close_date) || []), e]);
  return byDay;
}

const monthTitle = () => page.locator('#month').textContent();

test('the deals calendar shows each deal on its close date; previous, next and today change the month', async () => {
  const byDay = await datedDeals();
  await page.locator('.tabs a', { hasText: 'Calendar' }).click();
  await page.locator('#calendar .day').first().waitFor();
  assert.equal(await page.getByLabel('Date field').inputValue(), 'close_date');
  const now = new Date();
  const thisMonth = now.toLocaleString('en-US', { month: 'long', year: 'numeric' });
  assert.equal(await monthTitle(), thisMonth);
  const todayIso = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  assert.equal(await page.locator('#calendar .day.today').getAttribute('data-date'), todayIso);
  assert.equal(await page.locator('#calendar .day[aria-current=date]').count(), 1);
  // forward to February 2027
  const months = (2027 - now.getFullYear()) * 12 + 1 - now.getMonth();
  for (let i = 0; i < months; i++) {
    const t = await monthTitle();
    await page.getByRole('button', { name: 'Next month' }).click();
    await page.waitForFunction((old) => document.querySelector('#month').textContent !== old, t);
  }
  assert.equal(await monthTitle(), 'February 2027');
  await page.locator('#calendar .day[data-date="2027-02-01"] a').first().waitFor();
  assert.equal(await page.locator('#calendar .cal-week:not(.cal-head)').count(), 4);
  assert.equal(await page.locator('#calendar .day').first().getAttribute('data-date'), '2027-02-01');
  for (const [day, entries] of byDay) {
    const cell = page.locator(`#calendar .day[data-date="${day}"]`);
    const links = await cell.locator('.day-entries a').allTextContents();
    const more = await cell.locator('.day-more').count()
      ? Number((await cell.locator('.day-more').textContent()).match(/\+(\d+) more/)[1]) : 0;
    assert.equal(links.length + more, entries.length, day);
    for (const name of links) assert.ok(entries.some((e) => e.name === name), `${name} on ${day}`);
  }
  const tenth = page.locator('#calendar .day[data-date="2027-02-10"]');
  assert.ok(await tenth.locator('.day-more').count() === 1, 'six deals on one day overflow');
  const link = page.locator('#calendar .day[data-date="2027-02-28"] a').first();
  assert.equal(await link.getAttribute('href'), `#/e/deals/${byDay.get('2027-02-28')[0].id}`);
  await screenshot(page, 'board-calendar-february');
  // "+N more" lists the whole day; Escape closes it
  await tenth.locator('.day-more').click();
  const pop = page.getByRole('dialog');
  assert.equal(await pop.locator('a').count(), byDay.get('2027-02-10').length);
  await screenshot(page, 'board-calendar-more');
  await page.keyboard.press('Escape');
  assert.equal(await pop.count(), 0);
  // drag the deal of the 28th to the 27th: its close date changes
  const moved = byDay.get('2027-02-28')[0];
  await link.dragTo(page.locator('#calendar .day[data-date="2027-02-27"]'));
  await page.locator(`#calendar .day[data-date="2027-02-27"] a[data-id="${moved.id}"]`).waitFor();
  for (let i = 0; i < 50 && (await api('GET', `/api/objects/deals/entries/${moved.id}`)).json.close_date !== '2027-02-27'; i++)
    await page.waitForTimeout(50);
  assert.equal((await api('GET', `/api/objects/deals/entries/${moved.id}`)).json.close_date, '2027-02-27');
  assert.equal(await page.locator('#calendar .day[data-date="2027-02-28"] a').count(), 0);
  await page.getByRole('button', { name: 'Previous month' }).click();
  await page.waitForFunction(() => document.querySelector('#month').textContent === 'January 2027');
  await page.getByRole('button', { name: 'Today' }).click();
  await page.waitForFunction((m) => document.querySelector('#month').textContent === m, thisMonth);
  assert.equal(await page.locator('#calendar .day.today').count(), 1);
});

test('calendar keys: arrows move between days, PageDown and PageUp change the month', async () => {
  const todayCell = page.locator('#calendar .day[tabindex="0"]');
  await todayCell.focus();
  const start = await todayCell.getAttribute('data-date');
  await page.keyboard.press('ArrowRight');
  const next = await page.evaluate(() => document.activeElement.dataset.date);
  const d = new Date(`${start}T12:00:00`);
  d.setDate(d.getDate() + 1);
  const expected = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  assert.equal(next, expected);
  const title = await monthTitle();
  await page.keyboard.press('PageDown');
  await page.waitForFunction((t) => document.querySelector('#month').textContent !== t, title);
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains('day')), 'the focus stays on a day');
  await page.keyboard.press('PageUp');
  await page.waitForFunction((t) => document.querySelector('#month').textContent === t, title);
  await screenshot(page, 'board-calendar-keys');
});

test('the tasks calendar lays out by due date by default and saves as a calendar view', async () => {
  await page.locator('.objects a[href="#/o/tasks"]').click();
  await page.locator('.tabs a', { hasText: 'Calendar' }).click();
  await page.locator('#calendar .day').first().waitFor();
  assert.equal(await page.getByLabel('Date field').inputValue(), 'due');
  assert.match(await page.locator('#title').textContent(), /^Tasks$/);
  const month = await monthTitle();
  const [y, m] = await page.evaluate(() => [new Date().getFullYear(), new Date().getMonth() + 1]);
  const from = `${y}-${String(m).padStart(2, '0')}-01`;
  const to = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  const due = (await api('GET', '/api/objects/tasks/entries?limit=1000&where=' +
    encodeURIComponent(`due >= ${from} and due < ${to}`))).json;
  assert.equal(await page.locator('#total').textContent(), `${due.total} ${due.total === 1 ? 'entry' : 'entries'} in ${month}`);
  // saved as a calendar view, it reopens as one
  await page.getByRole('button', { name: 'Save view' }).click();
  await page.getByLabel('View name').fill('Task calendar');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForURL(/#\/v\/\d+$/);
  const view = (await api('GET', `/api/views/${page.url().match(/#\/v\/(\d+)$/)[1]}`)).json;
  assert.deepEqual([view.kind, view.group_by, view.where], ['calendar', 'due', null]);
  await page.locator('#title', { hasText: 'Tasks · Task calendar' }).waitFor();
  await page.locator('#calendar .day').first().waitFor();
  assert.equal(await page.locator('.tabs a.current-kind').textContent(), 'Calendar');
  await screenshot(page, 'board-calendar-tasks-view');
});

test('both layouts in the dark theme, with no CSP violation or page error', async () => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.locator('.objects a[href="#/o/deals"]').click();
  await page.locator('.tabs a', { hasText: 'Kanban' }).click();
  await page.locator('#board .card').first().waitFor();
  await screenshot(page, 'board-kanban-dark');
  await page.locator('.tabs a', { hasText: 'Calendar' }).click();
  await page.locator('#calendar .day').first().waitFor();
  await screenshot(page, 'board-calendar-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(problems, []);
});
