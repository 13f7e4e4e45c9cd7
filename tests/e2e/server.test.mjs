// End-to-end tests of `kith serve`: the real binary ($KITH_BIN, default
// build/san/kith) on a free port with a temporary demo workspace.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  KITH, ROOT, SANITIZER, api, dir, env, freePort, port, request, server, stderr, stdout, token,
} from './harness.mjs';

test('prints the login URL', () => {
  assert.match(stdout, new RegExp(`^kith: serving http://127\\.0\\.0\\.1:${port}/login#token=${token}\\n`));
});

test('health, with the security headers', async () => {
  const r = await api('GET', '/api/health');
  assert.equal(r.status, 200);
  assert.equal(r.json.ok, true);
  assert.equal(typeof r.json.version, 'string');
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['referrer-policy'], 'no-referrer');
  assert.match(r.headers['content-security-policy'], /frame-ancestors 'none'/);
  assert.doesNotMatch(r.headers['content-security-policy'], /unsafe-inline/);
});

test('401 without a token or with a wrong one', async () => {
  for (const t of [undefined, 'wrong', token + 'x', '']) {
    const r = await request('GET', '/api/objects', { token: t });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'unauthorized');
  }
});

test('403 for a foreign Host header; loopback names pass', async () => {
  const r = await api('GET', '/api/health', { headers: { Host: 'evil.example:' + port } });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'forbidden');
  for (const h of ['localhost', `localhost:${port}`, '127.0.0.1', `[::1]:${port}`])
    assert.equal((await api('GET', '/api/health', { headers: { Host: h } })).status, 200, h);
});

test('objects and one object with its fields', async () => {
  const r = await api('GET', '/api/objects');
  assert.equal(r.status, 200);
  const slugs = r.json.objects.map((o) => o.slug);
  for (const s of ['people', 'companies', 'deals', 'tasks']) assert.ok(slugs.includes(s), s);
  const p = await api('GET', '/api/objects/people');
  assert.equal(p.status, 200);
  assert.equal(p.json.slug, 'people');
  assert.ok(p.json.fields.some((f) => f.slug === 'email' && f.type === 'email'));
  assert.equal((await api('GET', '/api/objects/nope')).status, 404);
});

test('create, get, patch, delete an entry', async () => {
  const c = await api('POST', '/api/objects/people/entries',
    { body: { name: 'Grace Hopper', email: 'grace@navy.mil', status: 'Lead' } });
  assert.equal(c.status, 201, c.text);
  const id = c.json.id;
  assert.equal(c.json.name, 'Grace Hopper');
  const g = await api('GET', `/api/objects/people/entries/${id}`);
  assert.equal(g.status, 200);
  assert.equal(g.json.email, 'grace@navy.mil');
  const bad = await api('PATCH', `/api/objects/people/entries/${id}`, { body: { email: 'not-an-email' } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.code, 'invalid');
  assert.match(bad.json.error.message, /email/);
  const p = await api('PATCH', `/api/objects/people/entries/${id}`, { body: { title: 'Rear Admiral' } });
  assert.equal(p.status, 200);
  assert.equal(p.json.title, 'Rear Admiral');
  assert.equal(p.json.email, 'grace@navy.mil');
  const d = await api('DELETE', `/api/objects/people/entries/${id}`);
  assert.equal(d.status, 200);
  assert.equal((await api('GET', `/api/objects/people/entries/${id}`)).status, 404);
  assert.equal((await api('GET', '/api/objects/people/entries/abc')).status, 404);
  // The writes are recorded as the api actor.
  const log = spawnSync(KITH, ['log', 'people', String(id), '--json', '--workspace', dir], { env: env(), encoding: 'utf8' });
  assert.equal(log.status, 0, log.stderr);
  const changes = JSON.parse(log.stdout);
  assert.ok(changes.length >= 3 && changes.every((ch) => ch.actor === 'api'));
});

test('list with where, sort, limit and cursor', async () => {
  const q = '/api/objects/people/entries?where=' + encodeURIComponent('status = Lead') + '&sort=-name&limit=5';
  const r = await api('GET', q);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.entries.length, 5);
  assert.ok(r.json.total > 5);
  assert.ok(r.json.entries.every((e) => e.status === 'Lead'));
  const names = r.json.entries.map((e) => e.name);
  assert.deepEqual(names, [...names].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
  assert.equal(typeof r.json.next_cursor, 'string');
  const r2 = await api('GET', q + '&cursor=' + encodeURIComponent(r.json.next_cursor));
  assert.equal(r2.status, 200);
  const ids = new Set(r.json.entries.map((e) => e.id));
  assert.ok(r2.json.entries.every((e) => !ids.has(e.id)));
  const nc = await api('GET', '/api/objects/people/entries?count=false&limit=1');
  assert.equal(nc.json.total, null);
  const def = await api('GET', '/api/objects/people/entries');
  assert.equal(def.json.entries.length, 50);
  assert.equal((await api('GET', '/api/objects/people/entries?limit=1001')).status, 422);
  const bw = await api('GET', '/api/objects/people/entries?where=' + encodeURIComponent('stauts = Lead'));
  assert.equal(bw.status, 422);
  assert.match(bw.json.error.message, /status/);
});

test('list with offset jumps into the order; its next_cursor goes on from there', async () => {
  const base = '/api/objects/people/entries?sort=status,-name&limit=1000';
  const all = (await api('GET', base)).json.entries.map((e) => e.id);
  assert.ok(all.length > 20);
  const q = '/api/objects/people/entries?sort=status,-name&limit=5';
  const r = await api('GET', q + '&offset=12');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json), ['entries', 'total', 'next_cursor']);
  assert.deepEqual(r.json.entries.map((e) => e.id), all.slice(12, 17));
  assert.equal(r.json.total, all.length);
  const next = await api('GET', q + '&cursor=' + encodeURIComponent(r.json.next_cursor));
  assert.deepEqual(next.json.entries.map((e) => e.id), all.slice(17, 22));
  const leads = (await api('GET', '/api/objects/people/entries?limit=1000&where=' + encodeURIComponent('status = Lead'))).json.entries;
  const f = await api('GET', '/api/objects/people/entries?limit=3&offset=2&count=false&where=' + encodeURIComponent('status = Lead'));
  assert.deepEqual(f.json.entries.map((e) => e.id), leads.slice(2, 5).map((e) => e.id));
  assert.equal(f.json.total, null);
  const past = await api('GET', `/api/objects/people/entries?offset=${all.length}`);
  assert.deepEqual(past.json, { entries: [], total: all.length, next_cursor: null });
  for (const bad of ['-1', 'ten', '1.5', '1000000001', '99999999999999999999']) {
    const b = await api('GET', '/api/objects/people/entries?offset=' + bad);
    assert.equal(b.status, 422, bad);
    assert.equal(b.json.error.code, 'invalid');
    assert.equal(b.json.error.message, `offset must be a whole number from 0 to 1000000000, not '${bad}'`);
  }
  const both = await api('GET', q + '&offset=3&cursor=' + encodeURIComponent(r.json.next_cursor));
  assert.equal(both.status, 422);
  assert.match(both.json.error.message, /offset and cursor cannot be used together/);
});

test('404 for an unknown route, 405 with Allow for a wrong method', async () => {
  const r = await api('GET', '/api/nothing/here');
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'not_found');
  const m = await api('PUT', '/api/objects/people/entries');
  assert.equal(m.status, 405);
  assert.equal(m.headers.allow, 'GET, POST');
  assert.equal(m.json.error.code, 'method_not_allowed');
});

test('400 with line and column for malformed JSON', async () => {
  const r = await api('POST', '/api/objects/people/entries', { body: '{\n  "name": "x",\n  oops }' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /line 3, column \d+/);
  const arr = await api('POST', '/api/objects/people/entries', { body: '[1]' });
  assert.equal(arr.status, 400);
});

test('413 for a body over 1 MiB', async () => {
  const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
  const r = await api('POST', '/api/objects/people/entries', { body: big });
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 'too_large');
  assert.equal((await api('GET', '/api/health')).status, 200);
});

test('the request log has no token and no query', () => {
  assert.match(stderr, /GET \/api\/objects\/people\/entries 200 \d+ ms/);
  assert.ok(!stderr.includes(token));
  assert.ok(!stderr.includes('where='));
});

test('a port in use is a clear error', () => {
  const r = spawnSync(KITH, ['serve', '--workspace', dir, '--port', String(port)], { env: env(), encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already in use/);
});

test('SIGTERM shuts down cleanly', async () => {
  const code = await new Promise((resolve) => {
    server.on('exit', (c, sig) => resolve(sig || c));
    server.kill('SIGTERM');
  });
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, SANITIZER);
});
