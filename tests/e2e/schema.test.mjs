// End-to-end tests of renaming and removing objects and fields over HTTP
// (PATCH|DELETE /api/objects/{obj}, PATCH|DELETE
// /api/objects/{obj}/fields/{field}) against the server harness.mjs starts.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SANITIZER, api, request, stderr } from './harness.mjs';

// The server has several workers, each with its own schema cache: ask a
// few times so that every worker has to answer with the change.
async function everyWorkerSees(path, check) {
  for (let i = 0; i < 8; i++) {
    const r = await api('GET', path);
    check(r);
  }
}

test('PATCH /api/objects/{obj} renames an object (its slug stays) and every worker sees it', async () => {
  assert.equal((await api('POST', '/api/objects', { body: { name: 'Investors' } })).status, 201);
  const r = await api('PATCH', '/api/objects/investors', { body: { name: 'Backers' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.slug, 'investors');
  assert.equal(r.json.name, 'Backers');
  assert.deepEqual(r.json.fields.map((f) => f.slug), ['name']);
  await everyWorkerSees('/api/objects/investors', (g) => assert.equal(g.json.name, 'Backers'));
  // By its new name too.
  assert.equal((await api('GET', '/api/objects/Backers')).json.slug, 'investors');
});

test('PATCH /api/objects/{obj} refuses a taken name, a bad body and an unknown object', async () => {
  const dup = await api('PATCH', '/api/objects/investors', { body: { name: 'People' } });
  assert.equal(dup.status, 409, dup.text);
  assert.equal(dup.json.error.code, 'conflict');
  assert.match(dup.json.error.message, /an object 'People' already exists/);
  const noName = await api('PATCH', '/api/objects/investors', { body: { nom: 'x' } });
  assert.equal(noName.status, 422, noName.text);
  assert.match(noName.json.error.message, /"name" must be a string/);
  const bad = await api('PATCH', '/api/objects/investors', { body: '{"name":' });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error.code, 'bad_json');
  const empty = await api('PATCH', '/api/objects/investors', { body: { name: '' } });
  assert.equal(empty.status, 422, empty.text);
  const none = await api('PATCH', '/api/objects/nope', { body: { name: 'X' } });
  assert.equal(none.status, 404, none.text);
  assert.match(none.json.error.message, /unknown object 'nope'/);
});

test('PATCH /api/objects/{obj}/fields/{field} renames a field; its slug stays and entries keep their values', async () => {
  const r = await api('PATCH', '/api/objects/people/fields/title', { body: { name: 'Job title' } });
  assert.equal(r.status, 200, r.text);
  const title = r.json.fields.find((f) => f.slug === 'title');
  assert.equal(title.name, 'Job title');
  await everyWorkerSees('/api/objects/people/fields', (g) =>
    assert.equal(g.json.fields.find((f) => f.slug === 'title').name, 'Job title'));
  const ann = await api('GET', '/api/objects/people/entries/1');
  assert.ok('title' in ann.json, ann.text);
});

test('PATCH a field refuses a name another field has, an unknown field (404) and an unknown object (404)', async () => {
  const dup = await api('PATCH', '/api/objects/people/fields/title', { body: { name: 'Email' } });
  assert.equal(dup.status, 409, dup.text);
  assert.match(dup.json.error.message, /people already has a field 'Email'/);
  const noField = await api('PATCH', '/api/objects/people/fields/nope', { body: { name: 'X' } });
  assert.equal(noField.status, 404, noField.text);
  assert.equal(noField.json.error.code, 'not_found');
  assert.match(noField.json.error.message, /people has no field 'nope'/);
  const noObject = await api('PATCH', '/api/objects/nope/fields/name', { body: { name: 'X' } });
  assert.equal(noObject.status, 404, noObject.text);
  const noName = await api('PATCH', '/api/objects/people/fields/title', { body: { name: 3 } });
  assert.equal(noName.status, 422, noName.text);
});

test('DELETE a field: the label is refused (422), a field a view uses is refused (409, naming the view), force is needed', async () => {
  const label = await api('DELETE', '/api/objects/people/fields/name?force=true');
  assert.equal(label.status, 422, label.text);
  assert.match(label.json.error.message, /'name' is the label of people and cannot be removed/);

  const v = await api('POST', '/api/views', { body: { object: 'people', name: 'By phone', where: 'phone is not empty' } });
  assert.equal(v.status, 201, v.text);
  const used = await api('DELETE', '/api/objects/people/fields/phone?force=true');
  assert.equal(used.status, 409, used.text);
  assert.equal(used.json.error.code, 'conflict');
  assert.match(used.json.error.message, /By phone/);

  const noForce = await api('DELETE', '/api/objects/people/fields/linkedin');
  assert.equal(noForce.status, 409, noForce.text);
  assert.match(noForce.json.error.message, /removing people\.linkedin deletes its values in every entry; add \?force=true/);
  const badForce = await api('DELETE', '/api/objects/people/fields/linkedin?force=yes');
  assert.equal(badForce.status, 422, badForce.text);
  assert.match(badForce.json.error.message, /force must be true or false, not 'yes'/);
  // Nothing was removed.
  const fields = (await api('GET', '/api/objects/people/fields')).json.fields.map((f) => f.slug);
  for (const slug of ['name', 'phone', 'linkedin']) assert.ok(fields.includes(slug), slug);
  assert.equal((await api('DELETE', '/api/objects/people/fields/nope?force=true')).status, 404);
});

test('DELETE a field with force=true drops it: 200 with the object, gone for every worker and from entries', async () => {
  const r = await api('DELETE', '/api/objects/people/fields/linkedin?force=true');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.slug, 'people');
  assert.ok(!r.json.fields.some((f) => f.slug === 'linkedin'));
  await everyWorkerSees('/api/objects/people', (g) =>
    assert.ok(!g.json.fields.some((f) => f.slug === 'linkedin')));
  const ann = await api('GET', '/api/objects/people/entries/1');
  assert.ok(!('linkedin' in ann.json), ann.text);
  assert.equal((await api('DELETE', '/api/objects/people/fields/linkedin?force=true')).status, 404);
});

test('DELETE an object needs force (409), then drops it with its entries and the relations to it', async () => {
  await api('POST', '/api/objects/investors/entries', { body: { name: 'Seed Fund' } });
  const rel = await api('POST', '/api/objects/deals/fields', { body: { name: 'Backer', type: 'relation', to: 'investors' } });
  assert.equal(rel.status, 201, rel.text);
  const noForce = await api('DELETE', '/api/objects/investors');
  assert.equal(noForce.status, 409, noForce.text);
  assert.match(noForce.json.error.message, /removing investors deletes all its entries .*add \?force=true/);
  assert.equal((await api('GET', '/api/objects/investors')).status, 200);

  const r = await api('DELETE', '/api/objects/investors?force=true');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { slug: 'investors', deleted: true });
  await everyWorkerSees('/api/objects/investors', (g) => assert.equal(g.status, 404));
  const deals = (await api('GET', '/api/objects/deals')).json;
  assert.ok(!deals.fields.some((f) => f.slug === 'backer'));
  assert.ok(!(await api('GET', '/api/objects')).json.objects.some((o) => o.slug === 'investors'));
  assert.equal((await api('DELETE', '/api/objects/investors?force=true')).status, 404);
});

test('the schema routes need the token and list their methods', async () => {
  assert.equal((await request('PATCH', '/api/objects/people', { body: { name: 'X' } })).status, 401);
  assert.equal((await request('DELETE', '/api/objects/people?force=true')).status, 401);
  assert.equal((await request('PATCH', '/api/objects/people/fields/title', { body: { name: 'X' } })).status, 401);
  assert.equal((await request('DELETE', '/api/objects/people/fields/title?force=true')).status, 401);
  assert.equal((await api('GET', '/api/objects/people')).json.name, 'People'); // untouched
  const r = await api('PUT', '/api/objects/people/fields/title');
  assert.equal(r.status, 405);
  assert.match(r.headers.allow, /PATCH/);
  assert.match(r.headers.allow, /DELETE/);
  const o = await api('PUT', '/api/objects/people');
  assert.equal(o.status, 405);
  assert.match(o.headers.allow, /GET, PATCH, DELETE/);
});

test('no sanitizer report', () => {
  assert.doesNotMatch(stderr, SANITIZER);
});
