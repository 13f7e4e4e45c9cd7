// End-to-end tests of the data routes of `kith serve`: documents, the
// change log and undo, search, read-only SQL, saved views and merge,
// against the server that harness.mjs starts (a demo workspace).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SANITIZER, api, request, server, stderr } from './harness.mjs';

const create = async (obj, values) => {
  const r = await api('POST', `/api/objects/${obj}/entries`, { body: values });
  assert.equal(r.status, 201, r.text);
  return r.json;
};

// Assert an error answer: status, code and (optionally) the message.
const assertError = (r, status, code, message) => {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.error.code, code, r.text);
  if (message) assert.match(r.json.error.message, message);
};

test('every data route needs the token', async () => {
  const routes = [
    ['GET', '/api/objects/people/entries/1/document'], ['PUT', '/api/objects/people/entries/1/document'],
    ['GET', '/api/objects/people/entries/1/changes'], ['POST', '/api/objects/people/entries/1/merge'],
    ['GET', '/api/changes'], ['POST', '/api/changes/1/undo'], ['GET', '/api/search?q=a'],
    ['POST', '/api/sql'], ['GET', '/api/views'], ['POST', '/api/views'], ['GET', '/api/views/1'],
    ['PATCH', '/api/views/1'], ['DELETE', '/api/views/1'],
  ];
  for (const [m, p] of routes) {
    const r = await request(m, p, m === 'GET' ? {} : { body: {} });
    assert.equal(r.status, 401, `${m} ${p}: ${r.text}`);
  }
  const wrong = await request('GET', '/api/changes', { token: 'not-the-token' });
  assert.equal(wrong.status, 401);
});

test('a document round-trip: PUT, GET, the change log and undo', async () => {
  const e = await create('people', { name: 'Doc Holder' });
  const path = `/api/objects/people/entries/${e.id}/document`;
  const empty = await api('GET', path);
  assert.equal(empty.status, 200, empty.text);
  assert.deepEqual(empty.json, { object: 'people', id: e.id, markdown: null });

  const v1 = await api('PUT', path, { body: { markdown: '# First\nmet at the fair' } });
  assert.equal(v1.status, 200, v1.text);
  assert.equal(v1.json.markdown, '# First\nmet at the fair');
  const v2 = await api('PUT', path, { body: { markdown: '# Second ✓' } });
  assert.equal(v2.status, 200, v2.text);
  assert.equal((await api('GET', path)).json.markdown, '# Second ✓');

  const log = await api('GET', `/api/objects/people/entries/${e.id}/changes`);
  assert.equal(log.status, 200, log.text);
  const [last, prev, created] = log.json.changes;
  assert.equal(log.json.changes.length, 3);
  assert.equal(last.op, 'update');
  assert.equal(last.actor, 'api');
  assert.deepEqual(last.before, { _document: '# First\nmet at the fair' });
  assert.deepEqual(last.after, { _document: '# Second ✓' });
  assert.ok(last.id > prev.id, 'newest first');
  assert.equal(created.op, 'create');
  const one = await api('GET', `/api/objects/people/entries/${e.id}/changes?limit=1`);
  assert.deepEqual(one.json.changes.map((c) => c.id), [last.id]);

  const all = await api('GET', '/api/changes?object=people&limit=5');
  assert.equal(all.status, 200, all.text);
  assert.equal(all.json.changes[0].id, last.id);

  const undo = await api('POST', `/api/changes/${last.id}/undo`);
  assert.equal(undo.status, 200, undo.text);
  assert.deepEqual(undo.json, { undone: last.id });
  assert.equal((await api('GET', path)).json.markdown, '# First\nmet at the fair');

  const del = await api('PUT', path, { body: { markdown: null } });
  assert.equal(del.status, 200, del.text);
  assert.equal(del.json.markdown, null);
  assert.equal((await api('GET', path)).json.markdown, null);
});

test('documents: 404 for unknown object or entry, 422 and 400 for bad bodies', async () => {
  assertError(await api('GET', '/api/objects/nope/entries/1/document'), 404, 'not_found', /nope/);
  assertError(await api('GET', '/api/objects/people/entries/999999/document'), 404, 'not_found');
  assertError(await api('GET', '/api/objects/people/entries/abc/document'), 404, 'not_found', /no entry 'abc'/);
  assertError(await api('PUT', '/api/objects/people/entries/999999/document', { body: { markdown: 'x' } }),
    404, 'not_found');
  const p = '/api/objects/people/entries/1/document';
  assertError(await api('PUT', p, { body: {} }), 422, 'invalid', /"markdown"/);
  assertError(await api('PUT', p, { body: { markdown: 42 } }), 422, 'invalid', /"markdown"/);
  assertError(await api('PUT', p, { body: { markdown: 'a\u0000b' } }), 422, 'invalid', /NUL/);
  assertError(await api('PUT', p, { body: '{"markdown": ' }), 400, 'bad_json');
  assert.equal((await api('GET', p)).json.markdown, null, 'nothing was saved');
});

test('change log: limits, unknown object, unknown entry', async () => {
  for (const bad of ['0', 'abc', '1001', '-3', '2x']) {
    assertError(await api('GET', `/api/changes?limit=${bad}`), 422, 'invalid', /limit must be a whole number from 1 to 1000/);
    assertError(await api('GET', `/api/objects/people/entries/1/changes?limit=${bad}`), 422, 'invalid');
  }
  assert.equal((await api('GET', '/api/changes?limit=3')).json.changes.length, 3);
  assert.equal((await api('GET', '/api/changes')).json.changes.length, 50, 'default limit 50');
  assert.equal((await api('GET', '/api/changes?limit=1000')).status, 200);
  assertError(await api('GET', '/api/changes?object=nope'), 404, 'not_found');
  assertError(await api('GET', '/api/objects/nope/entries/1/changes'), 404, 'not_found');
  const none = await api('GET', '/api/objects/people/entries/999999/changes');
  assert.equal(none.status, 200, none.text);
  assert.deepEqual(none.json, { changes: [] });
  const deals = await api('GET', '/api/changes?object=deals&limit=20');
  assert.ok(deals.json.changes.length > 0);
  assert.ok(deals.json.changes.every((c) => c.object === 'deals'));
});

test('undo: a create, unknown changes, bad bodies', async () => {
  const e = await create('companies', { name: 'Undo Me Ltd' });
  const [ch] = (await api('GET', `/api/objects/companies/entries/${e.id}/changes`)).json.changes;
  assert.equal(ch.op, 'create');
  assertError(await api('POST', `/api/changes/${ch.id}/undo`, { body: { group: 'yes' } }), 422, 'invalid', /"group"/);
  assertError(await api('POST', `/api/changes/${ch.id}/undo`, { body: '[1' }), 400, 'bad_json');
  assert.equal((await api('GET', `/api/objects/companies/entries/${e.id}`)).status, 200, 'still there');
  const r = await api('POST', `/api/changes/${ch.id}/undo`, { body: { group: false } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { undone: ch.id });
  assert.equal((await api('GET', `/api/objects/companies/entries/${e.id}`)).status, 404);
  assertError(await api('POST', '/api/changes/99999999/undo'), 404, 'not_found', /no change #99999999/);
  assertError(await api('POST', '/api/changes/99999999/undo', { body: { group: true } }), 404, 'not_found');
  assertError(await api('POST', '/api/changes/abc/undo'), 404, 'not_found', /no change 'abc'/);
});

test('search finds an entry created through the API', async () => {
  const e = await create('people', { name: 'Quorrax Zentheim', title: 'Chief Lumberjack' });
  const r = await api('GET', '/api/search?q=quorrax');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.query, 'quorrax');
  assert.equal(r.json.total, 1);
  assert.equal(r.json.groups[0].object, 'people');
  assert.equal(r.json.groups[0].hits[0].id, e.id);
  assert.equal(r.json.groups[0].hits[0].label, 'Quorrax Zentheim');
  const two = await api('GET', `/api/search?q=${encodeURIComponent('zenth lumber')}`);
  assert.equal(two.json.groups[0].hits[0].id, e.id, 'every word as a prefix');
  const limited = await api('GET', '/api/search?q=manager&limit=2');
  assert.equal(limited.status, 200, limited.text);
  assert.ok(limited.json.groups.reduce((n, g) => n + g.hits.length, 0) <= 2);
  assert.ok(limited.json.total > 2);
  assertError(await api('GET', '/api/search'), 422, 'invalid', /\bq\b/);
  assertError(await api('GET', '/api/search?q='), 422, 'invalid');
  assertError(await api('GET', '/api/search?q=a&limit=0'), 422, 'invalid', /limit/);
});

test('SQL: a SELECT works, writes are refused, limits and time limits', async () => {
  const count = async () => (await api('POST', '/api/sql', { body: { sql: 'SELECT count(*) AS n FROM people' } })).json;
  const before = await count();
  assert.deepEqual(before.columns, ['n']);
  assert.equal(before.truncated, false);
  assert.ok(before.rows[0][0] >= 200);

  const del = await api('POST', '/api/sql', { body: { sql: 'DELETE FROM people' } });
  assertError(del, 422, 'invalid', /only reading is allowed|refused/);
  assert.deepEqual(await count(), before, 'nothing was deleted');
  assertError(await api('POST', '/api/sql', { body: { sql: 'SELECT 1; DELETE FROM people' } }), 422, 'invalid');
  assert.deepEqual(await count(), before);

  const capped = await api('POST', '/api/sql', { body: { sql: 'SELECT id FROM people ORDER BY id', max_rows: 2 } });
  assert.equal(capped.status, 200, capped.text);
  assert.equal(capped.json.rows.length, 2);
  assert.equal(capped.json.truncated, true);

  const slow = await api('POST', '/api/sql', {
    body: { sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c', timeout_ms: 100 },
  });
  assertError(slow, 504, 'timeout', /timed out/);

  assertError(await api('POST', '/api/sql', { body: {} }), 422, 'invalid', /"sql"/);
  assertError(await api('POST', '/api/sql', { body: { sql: 7 } }), 422, 'invalid', /"sql"/);
  assertError(await api('POST', '/api/sql', { body: { sql: 'SELECT 1', max_rows: 0 } }), 422, 'invalid', /"max_rows"/);
  assertError(await api('POST', '/api/sql', { body: { sql: 'SELECT 1', timeout_ms: '5' } }), 422, 'invalid', /"timeout_ms"/);
  assertError(await api('POST', '/api/sql', { body: { sql: 'SELEC 1' } }), 422, 'invalid', /sql:/);
  assertError(await api('POST', '/api/sql', { body: 'sql' }), 400, 'bad_json');
});

test('views: create, list, get, use in a list, update, delete', async () => {
  const spec = { object: 'people', name: 'Hot leads', where: 'status = Lead', sort: 'name', columns: ['name', 'email'] };
  const c = await api('POST', '/api/views', { body: spec });
  assert.equal(c.status, 201, c.text);
  const v = c.json;
  assert.ok(v.id > 0);
  assert.equal(v.object, 'people');
  assert.equal(v.kind, 'table');
  assert.equal(v.where, 'status = Lead');
  assert.deepEqual(v.columns, ['name', 'email']);

  assertError(await api('POST', '/api/views', { body: spec }), 409, 'conflict');
  const badFilter = await api('POST', '/api/views', { body: { object: 'people', name: 'Bad', where: 'stauts = Lead' } });
  assertError(badFilter, 422, 'invalid', /unknown field 'stauts'.*did you mean 'status'/);
  assertError(await api('POST', '/api/views', { body: { object: 'nope', name: 'X' } }), 404, 'not_found');
  assertError(await api('POST', '/api/views', { body: { name: 'No object' } }), 422, 'invalid');

  const list = await api('GET', '/api/views?object=people');
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.views.map((x) => x.name), ['Hot leads']);
  assert.equal((await api('GET', '/api/views')).json.views.length, 1);
  assert.deepEqual((await api('GET', '/api/views?object=deals')).json, { views: [] });
  assertError(await api('GET', '/api/views?object=nope'), 404, 'not_found');
  assert.deepEqual((await api('GET', `/api/views/${v.id}`)).json, v);

  const listed = await api('GET', `/api/objects/people/entries?view=${encodeURIComponent('hot leads')}&limit=1000`);
  assert.equal(listed.status, 200, listed.text);
  assert.ok(listed.json.entries.length > 0);
  assert.ok(listed.json.entries.every((e) => e.status === 'Lead'));
  const names = listed.json.entries.map((e) => e.name);
  assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), 'sorted by the view');
  assertError(await api('GET', '/api/objects/people/entries?view=nope'), 404, 'not_found');

  const u = await api('PATCH', `/api/views/${v.id}`, { body: { where: 'status = Customer', name: 'Customers' } });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.json.where, 'status = Customer');
  assert.equal(u.json.name, 'Customers');
  assert.equal(u.json.sort, 'name', 'members not given are kept');
  const customers = await api('GET', '/api/objects/people/entries?view=Customers');
  assert.ok(customers.json.entries.every((e) => e.status === 'Customer'));
  assertError(await api('PATCH', `/api/views/${v.id}`, { body: { where: 'amount >' } }), 422, 'invalid', /filter/);
  assert.equal((await api('GET', `/api/views/${v.id}`)).json.where, 'status = Customer', 'a refused update changes nothing');
  assertError(await api('PATCH', '/api/views/99999', { body: { name: 'X' } }), 404, 'not_found');

  const d = await api('DELETE', `/api/views/${v.id}`);
  assert.equal(d.status, 200, d.text);
  assert.deepEqual(d.json, { id: v.id, deleted: true });
  assertError(await api('GET', `/api/views/${v.id}`), 404, 'not_found');
  assertError(await api('DELETE', `/api/views/${v.id}`), 404, 'not_found');
  assertError(await api('DELETE', '/api/views/x'), 404, 'not_found', /no view 'x'/);
  assert.deepEqual((await api('GET', '/api/views')).json, { views: [] });
});

test('merge moves a relation; undoing its group brings the other entry back', async () => {
  const keep = await create('people', { name: 'Mergy Keeper', email: 'mergy@example.com' });
  const other = await create('people', { name: 'Mergy Other', phone: '+1 555 0100', tags: ['vip'] });
  const deal = await create('deals', { name: 'Mergy deal', contact: other.id });
  assert.equal(deal.contact.id, other.id);
  await api('PUT', `/api/objects/people/entries/${other.id}/document`, { body: { markdown: 'other notes' } });

  const m = await api('POST', `/api/objects/people/entries/${keep.id}/merge`, { body: { from: other.id } });
  assert.equal(m.status, 200, m.text);
  assert.equal(m.json.entry.id, keep.id);
  assert.equal(m.json.entry.email, 'mergy@example.com');
  assert.equal(m.json.entry.phone, '+1 555 0100', 'empty fields filled from the other');
  assert.deepEqual(m.json.entry.tags, ['vip']);
  assert.equal(m.json.merged, other.id);
  assert.ok(m.json.group > 0);
  assert.equal((await api('GET', `/api/objects/deals/entries/${deal.id}`)).json.contact.id, keep.id);
  assert.equal((await api('GET', `/api/objects/people/entries/${other.id}`)).status, 404);
  assert.equal((await api('GET', `/api/objects/people/entries/${keep.id}/document`)).json.markdown, 'other notes');

  const u = await api('POST', `/api/changes/${m.json.group}/undo`, { body: { group: true } });
  assert.equal(u.status, 200, u.text);
  assert.deepEqual(u.json, { undone_group: m.json.group });
  const back = await api('GET', `/api/objects/people/entries/${other.id}`);
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.name, 'Mergy Other');
  assert.equal((await api('GET', `/api/objects/deals/entries/${deal.id}`)).json.contact.id, other.id);
  assert.equal((await api('GET', `/api/objects/people/entries/${keep.id}`)).json.phone, null);
  assert.equal((await api('GET', `/api/objects/people/entries/${other.id}/document`)).json.markdown, 'other notes');
});

test('undo with group undoes the group of any of its changes', async () => {
  const a = await create('people', { name: 'Groupy A' });
  const b = await create('people', { name: 'Groupy B', phone: '+1 555 0199' });
  const m = await api('POST', `/api/objects/people/entries/${a.id}/merge`, { body: { from: b.id } });
  assert.equal(m.status, 200, m.text);
  const changes = (await api('GET', '/api/changes?limit=20')).json.changes.filter((c) => c.group_id === m.json.group);
  assert.ok(changes.length >= 2, JSON.stringify(changes));
  const newest = changes[0];
  assert.notEqual(newest.id, m.json.group);
  const u = await api('POST', `/api/changes/${newest.id}/undo`, { body: { group: true } });
  assert.equal(u.status, 200, u.text);
  assert.deepEqual(u.json, { undone_group: m.json.group });
  assert.equal((await api('GET', `/api/objects/people/entries/${b.id}`)).status, 200);
});

test('merge: bad bodies 422, unknown object or entries 404', async () => {
  const a = await create('people', { name: 'Merge Target' });
  const p = `/api/objects/people/entries/${a.id}/merge`;
  for (const body of [{}, { from: 'x' }, { from: -1 }, { from: 0 }, { from: 1.5 }, { from: null }]) {
    assertError(await api('POST', p, { body }), 422, 'invalid', /"from"/);
  }
  assertError(await api('POST', p, { body: { from: a.id } }), 422, 'invalid');
  assertError(await api('POST', p, { body: { from: 99999999 } }), 404, 'not_found');
  assertError(await api('POST', '/api/objects/people/entries/99999999/merge', { body: { from: a.id } }), 404, 'not_found');
  assertError(await api('POST', '/api/objects/nope/entries/1/merge', { body: { from: 2 } }), 404, 'not_found');
  assertError(await api('POST', p, { body: 'nope' }), 400, 'bad_json');
  assert.equal((await api('GET', `/api/objects/people/entries/${a.id}`)).status, 200);
});

test('SIGTERM shuts down cleanly, no sanitizer report', async () => {
  const code = await new Promise((resolve) => {
    server.on('exit', (c, sig) => resolve(sig || c));
    server.kill('SIGTERM');
  });
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, SANITIZER);
});
