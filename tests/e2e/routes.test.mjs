// End-to-end tests of the routes of `kith serve` beyond entries, against
// the server that harness.mjs starts.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SANITIZER, api, request, server, stderr, token } from './harness.mjs';

test('the agent routes answer (no route is 501 any more) and check their input', async () => {
  const chat = await api('POST', '/api/chat', { body: {} });
  assert.equal(chat.status, 422, chat.text);
  assert.match(chat.json.error.message, /"message" must be a non-empty string/);
  const list = await api('GET', '/api/conversations');
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json, { conversations: [] });
  assert.equal((await api('GET', '/api/conversations/1')).status, 404);
  assert.equal((await api('POST', '/api/conversations/1/turns/1/undo')).status, 404);
  const a = await api('POST', '/api/approvals/1', { body: { approve: true } });
  assert.equal(a.status, 404, a.text);
  assert.equal(a.json.error.code, 'not_found');
});

test('the agent routes need the token and check the method', async () => {
  assert.equal((await request('GET', '/api/conversations')).status, 401);
  assert.equal((await request('POST', '/api/chat', { body: { message: 'hi' } })).status, 401);
  assert.equal((await request('POST', '/api/approvals/1', { body: { approve: true } })).status, 401);
  const c = await api('DELETE', '/api/conversations/1');
  assert.equal(c.status, 405);
  assert.match(c.headers.allow, /GET/);
  const r = await api('DELETE', '/api/settings');
  assert.equal(r.status, 405);
  assert.match(r.headers.allow, /GET/);
  assert.match(r.headers.allow, /PATCH/);
});

test('POST /api/objects creates an object (201), refuses a duplicate and a missing name', async () => {
  const c = await api('POST', '/api/objects', { body: { name: 'Vendors' } });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.slug, 'vendors');
  assert.ok(c.json.fields.some((f) => f.slug === 'name'));
  for (let i = 0; i < 8; i++) assert.equal((await api('GET', '/api/objects/vendors')).status, 200);
  const dup = await api('POST', '/api/objects', { body: { name: 'Vendors' } });
  assert.ok(dup.status >= 400 && dup.status < 500, dup.text);
  assert.equal((await api('POST', '/api/objects', { body: { nom: 1 } })).status, 422);
});

test('GET /api/objects/{obj}/fields', async () => {
  const r = await api('GET', '/api/objects/people/fields');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.fields.some((f) => f.slug === 'email' && f.type === 'email'));
  assert.equal((await api('GET', '/api/objects/nope/fields')).status, 404);
});

test('POST /api/objects/{obj}/fields', async () => {
  await api('POST', '/api/objects', { body: { name: 'Suppliers' } });
  const a = await api('POST', '/api/objects/suppliers/fields',
    { body: { name: 'Tier', type: 'select', options: ['Gold', 'Silver'] } });
  assert.equal(a.status, 201, a.text);
  const tier = a.json.fields.find((f) => f.slug === 'tier');
  assert.deepEqual(tier.options, ['Gold', 'Silver']);
  const b = await api('POST', '/api/objects/suppliers/fields',
    { body: { name: 'Owner', type: 'relation', to: 'people' } });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.json.fields.find((f) => f.slug === 'owner').target, 'people');
  const bad = await api('POST', '/api/objects/suppliers/fields', { body: { name: 'X', type: 'nope' } });
  assert.equal(bad.status, 422, bad.text);
  assert.equal((await api('POST', '/api/objects/suppliers/fields', { body: { type: 'text' } })).status, 422);
  assert.equal((await api('POST', '/api/objects/nope/fields', { body: { name: 'X', type: 'text' } })).status, 404);
});

test('no sanitizer report', () => {
  assert.doesNotMatch(stderr, SANITIZER);
});

test('reports: the three defaults, run; create, change, run, remove', async () => {
  const list = await api('GET', '/api/reports');
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.reports.map((r) => [r.name, r.chart]), [
    ['Pipeline value by stage', 'bar'], ['Deals won per month', 'line'], ['People by status', 'donut'],
  ]);
  for (const r of list.json.reports) {
    const d = await api('GET', `/api/reports/${r.id}/data`);
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.report.id, r.id);
    assert.equal(d.json.columns.length, 2);
    assert.ok(d.json.rows.length > 0, r.name);
  }
  const people = (await api('GET', '/api/reports/3/data')).json;
  const total = people.rows.reduce((n, row) => n + row[1], 0);
  assert.equal(total, (await api('GET', '/api/objects/people/entries?limit=1')).json.total);

  const c = await api('POST', '/api/reports', { body: { name: 'Companies', sql: 'SELECT count(*) FROM companies', chart: 'number' } });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.chart, 'number');
  assert.equal(c.json.position, 4);
  const dup = await api('POST', '/api/reports', { body: { name: 'companies', sql: 'SELECT 1' } });
  assert.equal(dup.status, 409);
  const write = await api('POST', '/api/reports', { body: { name: 'Evil', sql: 'DELETE FROM people' } });
  assert.equal(write.status, 422);
  assert.match(write.json.error.message, /^report: .*only reading/);
  const bad = await api('POST', '/api/reports', { body: { name: 'Typo', sql: 'SELECT nope FROM people' } });
  assert.equal(bad.status, 422);
  assert.match(bad.json.error.message, /nope/);
  const chart = await api('POST', '/api/reports', { body: { name: 'Pie', sql: 'SELECT 1', chart: 'pie' } });
  assert.equal(chart.status, 422);
  assert.match(chart.json.error.message, /bar, line, donut, table, number/);

  const p = await api('PATCH', `/api/reports/${c.json.id}`, { body: { sql: 'SELECT count(*) AS n FROM deals' } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.name, 'Companies');
  const d = await api('GET', `/api/reports/${c.json.id}/data`);
  assert.deepEqual(d.json.columns, ['n']);
  assert.equal(d.json.rows[0][0], (await api('GET', '/api/objects/deals/entries?limit=1')).json.total);
  const del = await api('DELETE', `/api/reports/${c.json.id}`);
  assert.deepEqual(del.json, { id: c.json.id, deleted: true });
  assert.equal((await api('GET', `/api/reports/${c.json.id}`)).status, 404);
  assert.equal((await api('GET', `/api/reports/${c.json.id}/data`)).status, 404);
  assert.equal((await api('DELETE', '/api/reports/abc')).status, 404);
});
