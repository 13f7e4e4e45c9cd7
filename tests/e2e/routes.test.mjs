// End-to-end tests of the routes of `kith serve` beyond entries, against
// the server that harness.mjs starts.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SANITIZER, api, request, server, stderr, token } from './harness.mjs';

test('routes of later issues answer 501 with the JSON error shape', async () => {
  const routes = [
    ['POST', '/api/chat'], ['GET', '/api/conversations'], ['GET', '/api/conversations/1'],
    ['POST', '/api/approvals/1'], ['GET', '/api/reports'], ['POST', '/api/reports'],
    ['GET', '/api/reports/1/data'],
  ];
  for (const [m, p] of routes) {
    const r = await api(m, p, m === 'GET' ? {} : { body: {} });
    assert.equal(r.status, 501, `${m} ${p}: ${r.text}`);
    assert.equal(r.json.error.code, 'not_implemented');
    assert.equal(typeof r.json.error.message, 'string');
  }
});

test('501 routes still need the token and check the method', async () => {
  assert.equal((await request('GET', '/api/reports')).status, 401);
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
